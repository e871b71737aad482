// Small helpers every screen shares. Never put data into innerHTML: build elements with h().
//
//   h('button', { class: 'button', type: 'button', onclick: save }, t('me.save'))
//   h('ul', { class: 'list' }, items.map((item) => h('li', {}, item.title)))

import { t, formatRelative, formatDateTime } from './i18n.js';
import { offlineInfo } from './api.js';

/**
 * Build an element. attrs: class, text, dataset {..}, style is not allowed (CSP),
 * on<event>: function, boolean true/false for boolean attributes, anything else via setAttribute.
 * children: nodes, strings (as text), numbers, arrays, null/undefined/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** Build an SVG element: attributes as given (null/undefined skipped), children as for h(). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Say something to screen-reader users without moving focus. */
export function announce(text, { assertive = false } = {}) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.setAttribute('aria-live', assertive ? 'assertive' : 'polite');
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

// Toasts: one at a time, queued. Each sits just above whatever is fixed or sticky at the bottom of the
// screen (the tab bar, a chat composer, anything marked [data-dock]), never over it. Status that lasts
// belongs on the page, not in a toast.
const toastQueue = [];
let toastShown = null;

function dockTop() {
  let top = window.innerHeight;
  for (const el of document.querySelectorAll('.tabbar, .chat-dock, [data-dock]')) {
    const rect = el.getBoundingClientRect();
    if (rect.height && rect.top < top && rect.bottom > 0 && rect.top > window.innerHeight / 3) top = rect.top;
  }
  return top;
}

function placeToasts(host) {
  host.style.bottom = `${Math.max(8, Math.round(window.innerHeight - dockTop() + 8))}px`;
}
let placeTimer = null;

function showNextToast() {
  const host = document.getElementById('toasts');
  if (toastShown || !host) return;
  const next = toastQueue.shift();
  if (!next) return;
  toastShown = next;
  placeToasts(host);
  clearInterval(placeTimer);                      // the screen under it may change (a chat opens): follow
  placeTimer = setInterval(() => { if (toastShown) placeToasts(host); else clearInterval(placeTimer); }, 300);
  host.append(next.item);
  next.shownAt = Date.now();
  // With others waiting, each gets its turn sooner (at least 2 s on screen), so news never goes stale.
  if (next.timeout) next.timer = setTimeout(next.close, toastQueue.length ? Math.min(next.timeout, 2000) : next.timeout);
}

/**
 * A short message at the bottom of the screen; action: {label, onClick}. One is shown at a time; the
 * others wait their turn (a repeat of the one showing or waiting is dropped). Returns a close function.
 */
export function toast(message, { action = null, timeout = action ? 0 : 4000 } = {}) {
  const host = document.getElementById('toasts');
  if (!host) return () => {};
  const same = [toastShown, ...toastQueue].find((entry) => entry && entry.message === message && !action);
  if (same) return same.close;
  const entry = { message, timeout, timer: null };
  entry.close = () => {
    clearTimeout(entry.timer);
    const waiting = toastQueue.indexOf(entry);
    if (waiting >= 0) { toastQueue.splice(waiting, 1); return; }
    if (toastShown !== entry) return;
    entry.item.remove();
    toastShown = null;
    setTimeout(showNextToast, 150);
  };
  entry.item = h('div', { class: 'toast' },
    h('p', {}, message),
    action && h('button', { type: 'button', class: 'button button-small', onclick: () => { entry.close(); action.onClick(); } }, action.label),
    h('button', { type: 'button', class: 'icon-button', 'aria-label': t('shell.close'), onclick: entry.close }, '×'));
  toastQueue.push(entry);
  if (toastShown && toastShown.timeout) {              // hurry the one on screen along (2 s at least)
    clearTimeout(toastShown.timer);
    toastShown.timer = setTimeout(toastShown.close, Math.max(0, 2000 - (Date.now() - toastShown.shownAt)));
  }
  if (toastShown && !toastShown.timeout) {           // one that waits for a tap steps back in line
    const waiting = toastShown;
    waiting.item.remove();
    toastShown = null;
    toastQueue.push(waiting);
  }
  showNextToast();
  return entry.close;
}

/**
 * The app's own confirm dialog (never window.confirm): a modal <dialog> with a title, an optional
 * sentence and two buttons. Resolves true when confirmed. danger: the confirm button is red.
 */
export function confirmDialog({ title, body = '', confirm, cancel = t('shell.cancel'), danger = false }) {
  return new Promise((resolve) => {
    const id = `confirm-${Math.random().toString(36).slice(2, 8)}`;
    const form = h('form', { method: 'dialog', class: 'dialog-form' },
      h('h2', { id }, title),
      body && h('p', {}, body),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: ['button', danger && 'button-danger'], value: 'yes' }, confirm),
        h('button', { type: 'submit', class: 'button button-secondary', value: 'no' }, cancel)));
    const dialog = h('dialog', { class: 'app-dialog', 'aria-labelledby': id }, form);
    dialog.addEventListener('close', () => { resolve(dialog.returnValue === 'yes'); dialog.remove(); });
    document.body.append(dialog);
    dialog.showModal();
    form.querySelector('button[value="no"]').focus();
  });
}

/** A page heading; the router moves focus here after navigation. */
export function heading(text, ...extra) {
  return h('h1', { tabindex: '-1' }, text, ...extra);
}

export function spinner(label = t('shell.loading')) {
  return h('div', { class: 'spinner', role: 'status' }, h('span', { class: 'spinner-dot', 'aria-hidden': 'true' }), h('span', {}, label));
}

/** Nothing here yet: title, optional body text, optional action element. */
export function emptyState(title, body = null, action = null) {
  return h('div', { class: 'empty-state' }, h('p', { class: 'empty-title' }, title), body && h('p', {}, body), action);
}

/** What went wrong and what to do next, with a retry button when retry is given. */
export function errorState(err, retry = null) {
  return h('div', { class: 'error-state', role: 'alert' },
    h('p', { class: 'empty-title' }, errorMessage(err)),
    retry && h('button', { type: 'button', class: 'button', onclick: retry }, t('shell.retry')));
}

/** A user-facing sentence for an error (ApiError or anything else). */
export function errorMessage(err) {
  if (!err) return t('shell.error_generic');
  if (err.status === 0 || err.code === 'offline') return t('shell.error_offline');
  if (err.status === 401) return t('shell.error_login');
  if (err.status === 403) return t('shell.error_forbidden');
  if (err.status === 404) return t('shell.error_not_found');
  if (err.status === 429) return t('shell.error_rate_limited');
  if (err.status >= 500) return t('shell.error_server');
  return err.message || t('shell.error_generic');
}

/** "Offline – last updated 5 minutes ago" for data served from the cache, else null. */
export function offlineNote(data) {
  const info = offlineInfo(data);
  if (!info) return null;
  const when = info.savedAt ? t('shell.offline_saved', { when: formatRelative(info.savedAt) }) : '';
  return h('p', { class: 'offline-note', role: 'status' },
    h('strong', {}, t('shell.offline_data')), ' ', when,
    info.savedAt && h('time', { datetime: info.savedAt.toISOString(), class: 'visually-hidden' }, formatDateTime(info.savedAt)));
}

/** A form field: label, input (or the given control), hint and error text wired with aria-describedby. */
export function field({ id, label, control = null, hint = null, error = null, ...inputAttrs }) {
  const input = control || h('input', { id, name: id, class: 'input', ...inputAttrs });
  input.id = id;
  const describedBy = [];
  const hintEl = hint && h('p', { class: 'field-hint', id: `${id}-hint` }, hint);
  if (hintEl) describedBy.push(hintEl.id);
  const errorEl = h('p', { class: 'field-error', id: `${id}-error`, hidden: !error }, error || '');
  describedBy.push(errorEl.id);
  input.setAttribute('aria-describedby', describedBy.join(' '));
  if (error) input.setAttribute('aria-invalid', 'true');
  return h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, input, errorEl);
}

/** Show server field errors ({fields: {name: message}}) next to the matching fields in form. */
export function showFieldErrors(form, fields = {}) {
  for (const errorEl of form.querySelectorAll('.field-error')) { errorEl.hidden = true; errorEl.textContent = ''; }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const errorEl = input && form.querySelector(`#${CSS.escape(input.id)}-error`);
    if (!errorEl) continue;
    errorEl.textContent = Array.isArray(message) ? message.join(' ') : String(message);
    errorEl.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  if (first) first.focus();
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/** Text with http(s) links made clickable, as a DocumentFragment (safe for untrusted text). */
export function linkify(text) {
  const source = String(text ?? '');
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const found of source.matchAll(URL_PATTERN)) {
    fragment.append(source.slice(last, found.index));
    fragment.append(h('a', { href: found[0], rel: 'noopener noreferrer nofollow ugc', target: '_blank' }, found[0]));
    last = found.index + found[0].length;
  }
  fragment.append(source.slice(last));
  return fragment;
}

/** A relative time element with the absolute time as tooltip: "5 minutes ago". */
export function timeAgo(value) {
  const date = new Date(value);
  return h('time', { datetime: date.toISOString(), title: formatDateTime(date) }, formatRelative(date));
}
