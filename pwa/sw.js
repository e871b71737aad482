/* Tuttu service worker (scope /), in the svgomg / Mastodon style: top-level listeners call named
 * handlers; caches are versioned and prefixed; the shell is precached; API reads are network-first
 * with the last good response served offline and marked; /ws/ is never touched; personal data is
 * dropped on logout and erase. No third-party requests. */

// backend/shell.py replaces the next line when it serves this file: the shell's content hash and files.
const BUILD = { version: 'dev', files: [] };

const PREFIX = 'tuttu-';
const SHELL_CACHE = `${PREFIX}shell-${BUILD.version}`;
const API_CACHE = `${PREFIX}api-v1`;
const MEDIA_CACHE = `${PREFIX}media-v1`;   // officers' photos and post images: public, immutable names
const MEDIA_LIMIT = 120;
const OFFLINE_PAGE = '/offline.html';
const CORE_FILES = ['/', OFFLINE_PAGE, '/manifest.webmanifest', '/css/app.css', '/js/app.js', '/js/api.js',
  '/js/i18n.js', '/js/router.js', '/js/ui.js', '/i18n/en.json', '/icons/icon-192.png'];
const SHELL_PATHS = /^\/(js|css|i18n|icons)\//;
const NETWORK_ONLY_PAGES = /^\/(api|ws|healthz|console|admin)(\/|$)/;
const API_NEVER_CACHED = /^\/api\/(csrf|openapi\.json|auth\/|push\/)|\.ics$/;
const FORGET_AFTER = [['POST', '/api/auth/logout'], ['POST', '/api/auth/login'], ['DELETE', '/api/me'],
  ['POST', '/api/youth']];
const OFFLINE_HEADER = 'X-Tuttu-Offline';
const SAVED_AT_HEADER = 'X-Tuttu-Saved-At';

self.addEventListener('install', (event) => event.waitUntil(precacheShell()));
self.addEventListener('activate', (event) => event.waitUntil(deleteStaleCaches().then(() => self.clients.claim())));
self.addEventListener('message', handleMessage);
self.addEventListener('fetch', handleFetch);

async function precacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  const files = [...new Set([...CORE_FILES, ...BUILD.files])];
  await cache.addAll(files.map((url) => new Request(url, { cache: 'no-cache', credentials: 'same-origin' })));
}

async function deleteStaleCaches() {
  const keep = new Set([SHELL_CACHE, API_CACHE, MEDIA_CACHE]);
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(PREFIX) && !keep.has(name)).map((name) => caches.delete(name)));
}

function forgetPersonalData() {
  return caches.delete(API_CACHE);
}

function handleMessage(event) {
  const type = event.data && event.data.type;
  if (type === 'skip-waiting') self.skipWaiting();
  else if (type === 'forget-personal-data') event.waitUntil(forgetPersonalData());
}

function handleFetch(event) {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/ws/')) return;
  if (request.method !== 'GET') {
    if (FORGET_AFTER.some(([method, path]) => method === request.method && path === url.pathname)) {
      event.respondWith(forwardThenForget(request));
    }
    return;
  }
  if (request.mode === 'navigate') event.respondWith(handleNavigation(request, url));
  else if (url.pathname.startsWith('/api/')) {
    if (!API_NEVER_CACHED.test(url.pathname)) event.respondWith(networkFirstApi(request));
  } else if (SHELL_PATHS.test(url.pathname) || url.pathname === '/manifest.webmanifest' || url.pathname === OFFLINE_PAGE) {
    event.respondWith(cacheFirstShell(request));
  } else if (url.pathname.startsWith('/media/')) {
    event.respondWith(cacheFirstMedia(request));
  }
}

async function forwardThenForget(request) {
  const response = await fetch(request);
  if (response.ok) await forgetPersonalData();
  return response;
}

/** Pages: the precached app shell for app routes (it routes on the client), the network otherwise. */
async function handleNavigation(request, url) {
  if (NETWORK_ONLY_PAGES.test(url.pathname) || /\.[a-z0-9]+$/i.test(url.pathname)) {
    try { return await fetch(request); } catch { return offlinePage(); }
  }
  const cache = await caches.open(SHELL_CACHE);
  const shell = await cache.match('/');
  if (shell) return shell;
  try { return await fetch(request); } catch { return offlinePage(); }
}

async function offlinePage() {
  const cached = await caches.match(OFFLINE_PAGE);
  return cached || new Response('Offline', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** Shell files: from this version's cache; anything missing is fetched once and kept. */
async function cacheFirstShell(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

/** Images: from the cache when seen before (names never change), else fetched and kept (bounded). */
async function cacheFirstMedia(request) {
  const cache = await caches.open(MEDIA_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.status === 200 && response.type === 'basic') {
    await cache.put(request, response.clone());
    const keys = await cache.keys();
    await Promise.all(keys.slice(0, Math.max(0, keys.length - MEDIA_LIMIT)).map((key) => cache.delete(key)));
  }
  return response;
}

/** API reads: the network first; the last good copy, marked offline, when the network fails. */
async function networkFirstApi(request) {
  const cache = await caches.open(API_CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return markedOffline(cached);
    throw err;
  }
  await remember(cache, request, response);
  return response;
}

async function remember(cache, request, response) {
  const cacheControl = response.headers.get('Cache-Control') || '';
  if (response.status === 200 && !cacheControl.includes('no-store')) {
    const headers = new Headers(response.headers);
    headers.set(SAVED_AT_HEADER, new Date().toISOString());
    const body = await response.clone().blob();
    await cache.put(request, new Response(body, { status: 200, statusText: 'OK', headers }));
  } else if ([401, 403, 404, 410].includes(response.status)) {
    await cache.delete(request);
  }
}

async function markedOffline(cached) {
  const headers = new Headers(cached.headers);
  headers.set(OFFLINE_HEADER, '1');
  return new Response(await cached.blob(), { status: 200, statusText: 'OK', headers });
}

// ---- push reminders (owned by the push feature: backend/push/, pwa/js/push/) ----------------
// A payload is JSON {title, body, url, tag, id}; generic on purpose (lock screens are seen by others).
self.addEventListener('push', (event) => event.waitUntil(showPushNotification(event)));
self.addEventListener('notificationclick', (event) => event.waitUntil(openFromNotification(event)));
self.addEventListener('pushsubscriptionchange', (event) => event.waitUntil(renewPushSubscription(event)));

const PUSH_ICON = '/icons/icon-192.png';

async function showPushNotification(event) {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch { data = {}; }
  const url = typeof data.url === 'string' && data.url.startsWith('/') && !data.url.startsWith('//') ? data.url : '/';
  const tag = data.tag || 'tuttu';
  // The same notification again (a retried send): replace it silently instead of alerting twice.
  const repeat = (await self.registration.getNotifications({ tag })).some((n) => n.data && n.data.id === data.id);
  await self.registration.showNotification(data.title || 'Tuttu', {
    body: data.body || '', icon: PUSH_ICON, badge: PUSH_ICON, tag, renotify: !repeat, data: { url, id: data.id },
  });
}

/** Focus an open Tuttu window (and take it to the link), or open the link in a new one. */
async function openFromNotification(event) {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    try { await open.focus(); } catch { /* focusing needs the click's user activation */ }
    if (new URL(open.url).pathname !== target.pathname && 'navigate' in open) {
      try { await open.navigate(target.href); } catch { open.postMessage({ type: 'navigate', url: target.pathname }); }
    }
    return;
  }
  await self.clients.openWindow(target.href);
}

function pushKeyBytes(base64url) {
  const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** The browser replaced the subscription: subscribe again if needed and tell the server (old -> new). */
async function renewPushSubscription(event) {
  const old = event.oldSubscription;
  let renewed = event.newSubscription;
  if (!renewed) {
    const keyResponse = await fetch('/api/push/key', { credentials: 'same-origin' });
    const { key } = await keyResponse.json();
    renewed = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: pushKeyBytes(key) });
  }
  const { endpoint, keys } = renewed.toJSON();
  const token = (await (await fetch('/api/csrf', { credentials: 'same-origin' })).json()).csrf_token;
  await fetch('/api/push/subscriptions', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
    body: JSON.stringify({ endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth },
      ...(old && old.endpoint !== endpoint ? { old_endpoint: old.endpoint } : {}) }),
  });
}
// ---- end of push reminders ----------------------------------------------------------------------
