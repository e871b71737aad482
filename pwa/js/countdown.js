// The header's live countdown to the next Monday chat, from GET /api/sessions/next.
// Body: the session object {id, state, starts_at, ends_at, ...} (docs/chat-protocol.md); 404 = none planned.

import { api } from './api.js';
import { t, formatDateTime, onLanguageChange } from './i18n.js';
import { h } from './ui.js';

const REFRESH_MS = 5 * 60 * 1000;
let next = null;          // {id, start: Date, end: Date}
let tickTimer = null;
let refreshTimer = null;

function slot() { return document.getElementById('session-countdown'); }

function parse(body) {
  const data = body && body.session ? body.session : body;
  if (!data || !data.starts_at || data.state === 'closed') return null;
  const start = new Date(data.starts_at);
  const end = data.ends_at ? new Date(data.ends_at) : new Date(start.getTime() + 2 * 3600 * 1000);
  if (Number.isNaN(start.getTime())) return null;
  return { id: data.id, start, end, open: data.state === 'open' };
}

async function load() {
  clearTimeout(refreshTimer);
  try {
    next = parse(await api.get('/api/sessions/next'));
  } catch {
    next = null;                 // 404 (nothing planned), offline without cache, or not built yet
  }
  refreshTimer = setTimeout(load, REFRESH_MS);
  tick();
}

/** "2 d 4 h", "3 h 12 min", "12:05" until the given time. */
export function remaining(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return t('shell.countdown_days', { days, hours });
  if (hours > 0) return t('shell.countdown_hours', { hours, minutes });
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

function render(now) {
  const el = slot();
  if (!el) return;
  if (!next || now >= next.end.getTime()) { el.hidden = true; el.replaceChildren(); return; }
  const live = next.open || now >= next.start.getTime();
  if (live && !navigator.onLine) {        // saved data says "live", but nobody can join without a connection
    el.replaceChildren(h('span', { class: 'countdown countdown-offline' }, t('shell.countdown_offline')));
    el.hidden = false;
    return;
  }
  const href = next.id ? `/chat/${encodeURIComponent(next.id)}` : '/chat';
  const when = formatDateTime(next.start);
  const link = live
    ? h('a', { href, class: 'countdown countdown-live' },
      h('span', { class: 'live-dot', 'aria-hidden': 'true' }), t('shell.countdown_live'))
    : h('a', { href, class: 'countdown' },
      h('span', { class: 'countdown-visible' },
        h('span', { class: 'countdown-label' }, t('shell.countdown_label')), ' ',
        h('time', { datetime: next.start.toISOString(), class: 'countdown-time' }, remaining(next.start.getTime() - now))),
      h('span', { class: 'visually-hidden' }, `, ${when}`));
  el.replaceChildren(link);
  el.hidden = false;
}

function tick() {
  clearTimeout(tickTimer);
  const now = Date.now();
  render(now);
  if (!next) return;
  const until = next.start.getTime() - now;
  if (now >= next.end.getTime()) { load(); return; }
  const delay = until > 0 && until < 3600 * 1000 ? 1000 - (now % 1000) : 30 * 1000 - (now % (30 * 1000));
  tickTimer = setTimeout(tick, Math.max(250, delay));
}

/** Start showing the countdown; it keeps itself fresh. */
export function startCountdown() {
  onLanguageChange(() => render(Date.now()));
  document.addEventListener('visibilitychange', () => { if (!document.hidden) load(); });
  window.addEventListener('online', load);
  window.addEventListener('offline', () => render(Date.now()));
  return load();
}
