// Push reminders on this device: subscribe (only after a tap), preferences, test, unsubscribe.
//
//   import { pushSupport, currentSubscription, enableReminders, ... } from '/js/push/push.js';
//   pushSupport()                 'ok' | 'unsupported' | 'denied'
//   await enableReminders(prefs)  asks for permission (call it from a click), subscribes, tells the server
//
// The server keeps the endpoint and keys (POST /api/push/subscriptions); sw.js shows the notifications.

import { api } from '../api.js';
import { currentLanguage } from '../i18n.js';
import { onSessionChange } from '../session.js';
import { navigate } from '../router.js';

export const LEAD_TIMES = ['day', 'hour', 'quarter', 'start'];

export function pushSupport() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  return Notification.permission === 'denied' ? 'denied' : 'ok';
}

function keyBytes(base64url) {
  const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function sameKey(subscription, key) {
  const current = subscription.options && subscription.options.applicationServerKey;
  if (!current) return true;
  const a = new Uint8Array(current);
  const b = keyBytes(key);
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

async function registration() {
  return navigator.serviceWorker.ready;
}

/** This browser's push subscription, or null. Never waits for the service worker (screens render
 *  before app.js registers it on a first visit), so no registration yet means no subscription. */
export async function currentSubscription() {
  if (pushSupport() === 'unsupported') return null;
  const reg = await navigator.serviceWorker.getRegistration();
  return reg ? reg.pushManager.getSubscription() : null;
}

function describe(subscription) {
  const { endpoint, keys } = subscription.toJSON();
  return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
}

/** Ask for permission, subscribe with the server's key and store the subscription. Call from a tap. */
export async function enableReminders(preferences) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { permission };
  const { key } = await api.get('/api/push/key');
  const reg = await registration();
  let subscription = await reg.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {       // the server's key changed: start over
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription = subscription || await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  const body = { ...describe(subscription), lang: currentLanguage() };
  if (preferences) body.preferences = preferences;
  const saved = await api.post('/api/push/subscriptions', body);
  return { permission, subscription: saved.subscription };
}

/** The server's view of this device's subscription ({endpoint, lang, preferences}), or null. */
export async function loadReminders(options) {
  const subscription = await currentSubscription();
  if (!subscription) return null;
  try {
    const data = await api.get(`/api/push/preferences?endpoint=${encodeURIComponent(subscription.endpoint)}`, options);
    return data.subscription;
  } catch (err) {
    if (err.status === 404) return null;       // subscribed in the browser, unknown to the server
    throw err;
  }
}

export async function savePreferences(endpoint, preferences) {
  return (await api.put('/api/push/preferences', { endpoint, preferences })).subscription;
}

export async function sendTest(endpoint) {
  return api.post('/api/push/test', { endpoint });
}

/** Stop reminders: unsubscribe in the browser and forget the subscription on the server. */
export async function disableReminders() {
  const subscription = await currentSubscription();
  if (!subscription) return;
  const { endpoint } = subscription;
  await subscription.unsubscribe();
  try { await api.del('/api/push/subscriptions', { endpoint }); } catch (err) { if (err.status !== 404 && err.status !== 401) throw err; }
}

// After logout or erase-me the server has forgotten this device: stop the browser subscription too.
onSessionChange((me) => {
  if (me.kind !== 'visitor' || pushSupport() === 'unsupported') return;
  currentSubscription().then((s) => s && s.unsubscribe()).catch(() => {});
});

// sw.js asks an open window to go to a notification's link when it cannot navigate it itself.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type === 'navigate' && typeof data.url === 'string' && data.url.startsWith('/') && !data.url.startsWith('//')) navigate(data.url);
  });
}
