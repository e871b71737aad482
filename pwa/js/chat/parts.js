// Pieces every chat screen shares: "Need help now?", the rules, the session header (state, countdown,
// counts) and the connection state. Nothing here talks to the socket; the screens pass data in.

import { api } from '../api.js';
import { t, formatDateTime, formatTime } from '../i18n.js';
import { h } from '../ui.js';
import { remaining } from '../countdown.js';

const RULE_KEYS = ['chat.rule_anonymous', 'chat.rule_personal', 'chat.rule_kind', 'chat.rule_moderated',
  'chat.rule_emergency'];

let configPromise = null;

/** GET /api/config once per page (helplines, city). */
export function loadConfig() {
  if (!configPromise) configPromise = api.get('/api/config').catch(() => ({}));
  return configPromise;
}

function telHref(number) { return `tel:${String(number).replace(/[^\d+]/g, '')}`; }

function helpline(line) {
  if (typeof line === 'string') return h('li', {}, line);
  const name = line.name || line.title || '';
  const number = line.phone || line.number || line.tel || '';
  const hours = line.hours || line.when || line.open || '';
  return h('li', { class: 'chat-helpline' },
    h('strong', {}, name),
    number && h('a', { href: telHref(number), class: 'chat-help-number' }, number),
    line.url && h('a', { href: line.url, rel: 'noopener noreferrer', target: '_blank' }, line.url_label || line.url),
    hours && h('span', { class: 'muted' }, hours),
    line.description && h('span', { class: 'muted' }, line.description));
}

/**
 * "Need help now?": 112 and the city's youth helplines (GET /api/config). In the lobby a card; in the room
 * (compact) a chip in the room's bar that opens the same card below the bar, never covering messages unasked.
 */
export function helpBox({ compact = false } = {}) {
  const list = h('ul', { class: 'chat-helplines' });
  const box = h('details', { class: ['chat-help', compact && 'chat-help-compact'] },
    h('summary', { class: 'chat-help-summary' }, t('chat.help_title')),
    h('div', { class: 'chat-help-body' },
      h('p', {}, t('chat.help_emergency'), ' ',
        h('a', { href: 'tel:112', class: 'chat-help-number chat-help-112' }, '112')),
      h('p', { class: 'muted' }, t('chat.help_lines_intro')),
      list,
      h('p', { class: 'muted' }, t('chat.help_chat_note'))));
  loadConfig().then((config) => {
    const lines = (Array.isArray(config.helplines) ? config.helplines : [])
      .filter((line) => String((line && (line.number || line.phone)) || '').replace(/\D/g, '') !== '112');   // shown above
    list.replaceChildren(...lines.map(helpline));
    list.hidden = lines.length === 0;
  });
  return box;
}

/** The chat rules, as shown in the lobby and on request in the room. */
export function rulesList() {
  return h('section', { class: 'card chat-rules', 'aria-labelledby': 'chat-rules-title' },
    h('h2', { id: 'chat-rules-title' }, t('chat.rules_title')),
    h('ul', { class: 'chat-rule-list' }, RULE_KEYS.map((key) => h('li', {}, t(key)))));
}

export const SESSION_STATES = ['scheduled', 'lobby', 'open', 'closed'];

/** A session's state from its times (the server computes it the same way), so it moves on by itself. */
export function sessionState(session, now = Date.now()) {
  if (session.state === 'closed') return 'closed';
  const start = new Date(session.starts_at).getTime();
  const end = new Date(session.ends_at).getTime();
  if (session.closed_at || now >= end) return 'closed';
  if (now >= start) return 'open';
  if (now >= start - 15 * 60 * 1000) return 'lobby';
  return 'scheduled';
}

/** "Starts in 12:05", "Ends in 1 h 5 min", "Ended at 18:00". */
export function countdownText(session, now = Date.now()) {
  const state = sessionState(session, now);
  const start = new Date(session.starts_at).getTime();
  const end = new Date(session.ends_at).getTime();
  if (state === 'closed') return t('chat.ended_at', { time: formatTime(session.closed_at || session.ends_at) });
  if (state === 'open') return t('chat.ends_in', { time: remaining(end - now) });
  return t('chat.starts_in', { time: remaining(start - now) });
}

export function stateBadge(state) {
  return h('span', { class: ['badge', 'chat-state', `chat-state-${state}`] },
    t(`chat.state_${state}`));
}

/** Counts of participants, observers and staff online: {participants, observers, staff}. */
export function countsLine(counts = {}) {
  const parts = [
    t('chat.count_participants', { count: counts.participants || 0 }),
    t('chat.count_observers', { count: counts.observers || 0 }),
    t('chat.count_staff', { count: counts.staff || 0 }),
  ];
  return h('p', { class: 'chat-counts muted' }, parts.join(' · '));
}

/**
 * The session header: title (the screen's h1 is given by the caller), state, countdown, counts.
 * Returns {element, update(session, counts), stop()}; the countdown ticks every second by itself.
 */
export function sessionHeader(initial, { onChange = null } = {}) {
  let session = initial;
  let counts = initial.presence || {};
  const state = h('span', { class: 'chat-state-slot' });
  const when = h('span', { class: 'chat-countdown' });
  const countsSlot = h('div', { class: 'chat-counts-slot' });
  const element = h('div', { class: 'chat-session-header' },
    h('p', { class: 'chat-session-line' }, state, ' ', when,
      h('span', { class: 'visually-hidden' }, ' ', formatDateTime(session.starts_at))),
    countsSlot);
  let lastState = null;
  const render = () => {
    const now = Date.now();
    const current = sessionState(session, now);
    if (current !== lastState) {
      const first = lastState === null;
      state.replaceChildren(stateBadge(current));
      lastState = current;
      if (!first && onChange) onChange(current);
    }
    when.textContent = countdownText(session, now);
  };
  const update = (next = {}, nextCounts = null) => {
    session = { ...session, ...next };
    if (nextCounts) counts = nextCounts;
    countsSlot.replaceChildren(countsLine(counts));
    render();
  };
  update();
  const timer = setInterval(render, 1000);
  return { element, update, stop: () => clearInterval(timer), state: () => sessionState(session) };
}

const CONNECTION_KEYS = {
  connecting: 'chat.conn_connecting', live: 'chat.conn_live', reconnecting: 'chat.conn_reconnecting',
  offline: 'chat.conn_offline', closed: 'chat.conn_closed',
};

/**
 * The room's bar, sticky under the app header: state and countdown, the connection, "Need help now?" and
 * (for youth) which messages to show. One row on a 390px phone; the counts and the title scroll away.
 */
export function roomBar(header, pill, help, extra = null) {
  return h('div', { class: 'chat-bar' },
    h('div', { class: 'chat-bar-row' }, header.element.querySelector('.chat-session-line'), pill.element, help, extra));
}

/** A small pill that says how the connection is; the state is also given to screen readers politely. */
export function connectionPill() {
  const text = h('span', {});
  const element = h('p', { class: 'chat-connection', role: 'status', dataset: { state: 'connecting' } },
    h('span', { class: 'chat-connection-dot', 'aria-hidden': 'true' }), text);
  /** text: a sentence that says more than the state (removed for good: no "reload to join again"). */
  const set = (state, sentence = null) => {
    element.dataset.state = state;
    text.textContent = sentence || t(CONNECTION_KEYS[state] || CONNECTION_KEYS.connecting);
  };
  set('connecting');
  return { element, set };
}
