// Service worker registration: "ready to work offline" on first install, "update available" later.

import { t } from './i18n.js';
import { toast } from './ui.js';

let updateRequested = false;

function offerUpdate(worker) {
  toast(t('shell.update_available'), {
    action: { label: t('shell.update_reload'), onClick: () => { updateRequested = true; worker.postMessage({ type: 'skip-waiting' }); } },
  });
}

const watched = new WeakSet();

function watchInstalling(registration, worker) {
  if (!worker || watched.has(worker)) return;
  watched.add(worker);
  worker.addEventListener('statechange', () => {
    if (worker.state !== 'installed') return;
    if (navigator.serviceWorker.controller) offerUpdate(worker);   // a new version waits
    else toast(t('shell.offline_ready'));                            // the very first install
  });
}

/** Register /sw.js (scope /) once the page has loaded. */
export async function startServiceWorker() {
  if (!('serviceWorker' in navigator)) return null;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!updateRequested) return;          // first install claims the page: no reload needed
    updateRequested = false;
    location.reload();
  });
  try {
    const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' });
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    if (registration.installing) watchInstalling(registration, registration.installing);
    registration.addEventListener('updatefound', () => watchInstalling(registration, registration.installing));
    document.addEventListener('visibilitychange', () => { if (!document.hidden) registration.update().catch(() => {}); });
    return registration;
  } catch (err) {
    console.warn('service worker not registered', err);
    return null;
  }
}
