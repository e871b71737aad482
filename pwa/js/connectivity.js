// A banner while the device is offline; screens show saved data and say when it was saved.

import { t, onLanguageChange } from './i18n.js';
import { h, announce } from './ui.js';

function render() {
  const host = document.getElementById('banners');
  if (!host) return;
  const old = host.querySelector('.offline-banner');
  if (navigator.onLine) { if (old) old.remove(); return; }
  const banner = h('p', { class: 'offline-banner', role: 'status' }, t('shell.offline_banner'));
  if (old) old.replaceWith(banner); else host.prepend(banner);
}

/** Show or hide the offline banner as the connection comes and goes. */
export function startConnectivityBanner() {
  window.addEventListener('offline', () => { render(); announce(t('shell.offline_banner')); });
  window.addEventListener('online', () => { render(); announce(t('shell.back_online')); });
  onLanguageChange(render);
  render();
}
