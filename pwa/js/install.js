// Installing Tuttu: Chromium's beforeinstallprompt, or Add to Home Screen steps on iOS.
// The banner appears from the second visit (browsing session) on; once dismissed it never comes back.
// Me always offers installing.

import { t } from './i18n.js';
import { h, toast } from './ui.js';

const DISMISSED_KEY = 'tuttu.install.dismissed';
const VISITS_KEY = 'tuttu.visits';
let deferredPrompt = null;
const listeners = new Set();

function stored(key) { try { return localStorage.getItem(key); } catch { return null; } }
function store(key, value) { try { localStorage.setItem(key, value); } catch { /* storage blocked */ } }

export function isStandalone() {
  return window.matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;
}

export function isIos() {
  const ua = navigator.userAgent;
  return /iPhone|iPad|iPod/.test(ua) || (ua.includes('Macintosh') && navigator.maxTouchPoints > 1);
}

/** 'installed' | 'available' (a prompt can be shown) | 'ios' (show the steps) | 'unavailable'. */
export function installState() {
  if (isStandalone()) return 'installed';
  if (deferredPrompt) return 'available';
  if (isIos()) return 'ios';
  return 'unavailable';
}

export function onInstallStateChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
function changed() { for (const fn of listeners) fn(installState()); renderBanner(); }

/** Show the browser's install dialog; resolves to true when the user accepted. */
export async function promptInstall() {
  if (!deferredPrompt) return false;
  const prompt = deferredPrompt;
  deferredPrompt = null;
  await prompt.prompt();
  const choice = await prompt.userChoice;
  changed();
  return choice.outcome === 'accepted';
}

/** The iOS "Share, then Add to Home Screen" steps as a list element. */
export function iosSteps() {
  return h('ol', { class: 'steps' },
    h('li', {}, t('install.ios_step_share')),
    h('li', {}, t('install.ios_step_add')),
    h('li', {}, t('install.ios_step_open')));
}

function dismiss() { store(DISMISSED_KEY, '1'); renderBanner(); }

function renderBanner() {
  const host = document.getElementById('banners');
  if (!host) return;
  const old = host.querySelector('.install-banner');
  const state = installState();
  const visits = Number(stored(VISITS_KEY) || 0);
  const wanted = (state === 'available' || state === 'ios') && !stored(DISMISSED_KEY) && visits >= 2;
  if (!wanted) { if (old) old.remove(); return; }
  const banner = h('section', { class: 'install-banner card', 'aria-labelledby': 'install-banner-title' },
    h('h2', { id: 'install-banner-title', class: 'banner-title' }, t('install.title')),
    h('p', {}, state === 'ios' ? t('install.ios_intro') : t('install.body')),
    state === 'ios' ? iosSteps() : null,
    h('div', { class: 'actions' },
      state === 'available' ? h('button', { type: 'button', class: 'button', onclick: promptInstall }, t('install.button')) : null,
      h('button', { type: 'button', class: 'button button-secondary', onclick: dismiss }, t('install.not_now'))));
  if (old) old.replaceWith(banner); else host.append(banner);
}

/** Listen for the install events and count visits (the banner waits for the second one). */
export function startInstallPrompt() {
  let counted = null;
  try { counted = sessionStorage.getItem(VISITS_KEY); sessionStorage.setItem(VISITS_KEY, '1'); } catch { /* blocked */ }
  if (!counted) store(VISITS_KEY, String(Number(stored(VISITS_KEY) || 0) + 1));   // one per browsing session
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    deferredPrompt = event;
    changed();
  });
  window.addEventListener('appinstalled', () => {
    deferredPrompt = null;
    toast(t('install.done'));
    changed();
  });
  renderBanner();
}

/** Re-render the banner text (after a language switch). */
export function refreshInstallBanner() { renderBanner(); }
