// The Monday chat screens: /chat (the next session, its rules, join or watch) and /chat/<id> (the room:
// youth and observers in room.js, host and staff in staff.js). The archive is in answers.js.

import { navigate, lazy } from '../router.js';
import { api, ApiError } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { h, heading, spinner, emptyState, errorState, offlineNote, toast, errorMessage } from '../ui.js';
import { getMe, becomeYouth, onSessionChange } from '../session.js';
import { helpBox, rulesList, sessionHeader } from './parts.js';
import { roleLabel } from './stream.js';
import { youthRoom } from './room.js';

// The host and staff console (staff.js and its panels) loads on first use: youth never download it.
const staffRoom = lazy(() => import('./staff.js'), 'staffRoom');

function roster(session) {
  const staff = session.staff || [];
  if (!staff.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'chat-roster-title' },
    h('h2', { id: 'chat-roster-title' }, t('chat.roster_title')),
    h('ul', { class: 'chat-roster' }, staff.map((person) => h('li', {},
      h('strong', {}, person.name), ' ',
      h('span', { class: 'badge badge-primary' }, roleLabel(person.role)), ' ',
      person.verified && h('span', { class: 'badge badge-verified' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('chat.verified')),
      session.host && session.host.id === person.id && h('span', { class: 'muted' }, ` ${t('chat.host')}`)))));
}

function joinActions(session, me) {
  const room = `/chat/${encodeURIComponent(session.id)}`;
  if (me.kind === 'staff' && !me.verified) {      // waiting for an admin: say so, not "only youth workers ..."
    return h('p', { class: 'muted', role: 'status' }, t('staff.waiting_short'), ' ', h('a', { href: '/staff' }, t('staff.home_short')));
  }
  if (me.kind === 'staff') {
    return h('div', { class: 'actions' }, h('a', { href: room, class: 'button button-block' }, t('chat.open_console')));
  }
  const join = async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      if (me.kind !== 'youth') await becomeYouth();
      await navigate(room);
    } catch (err) {
      toast(errorMessage(err));
      button.disabled = false;
    }
  };
  return h('div', { class: 'actions chat-join' },
    h('button', { type: 'button', class: 'button button-block', onclick: join }, t('chat.join')),
    h('a', { href: `${room}?as=observer`, class: 'button button-secondary button-block' }, t('chat.watch')),
    h('p', { class: 'muted' }, me.kind === 'youth' ? t('chat.join_note_youth', { handle: me.handle }) : t('chat.join_note_visitor')));
}

/** /chat: the next (or current) session with its countdown, rules and the two ways in. */
export async function lobby(view, params, query, ctx) {
  view.append(heading(t('chat.title')), spinner());
  let session;
  let me;
  try {
    [session, me] = await Promise.all([api.get('/api/sessions/next', { signal: ctx.signal }), getMe()]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      view.lastChild.replaceWith(emptyState(t('chat.none_planned'), t('chat.none_planned_body')), helpBox(),
        h('p', {}, h('a', { href: '/answers', class: 'button button-secondary' }, t('chat.archive_link'))));
      return null;
    }
    if (err.name === 'AbortError') throw err;
    view.lastChild.replaceWith(errorState(err, () => navigate('/chat', { replace: true })));
    return null;
  }
  const header = sessionHeader(session);
  view.lastChild.replaceWith(...[
    offlineNote(session),
    h('section', { class: 'card chat-next', 'aria-labelledby': 'chat-next-title' },
      h('h2', { id: 'chat-next-title' }, session.title || t('chat.title')),
      h('p', {}, h('time', { datetime: session.starts_at }, formatDateTime(session.starts_at))),
      header.element,
      header.state() === 'closed' ? null : joinActions(session, me)),
    helpBox(),
    rulesList(),
    roster(session),
    h('p', {}, h('a', { href: '/answers', class: 'button button-secondary button-block' }, t('chat.archive_link')))].filter(Boolean));
  return () => header.stop();
}

/** /chat/<id>: staff get the console, youth the room, everyone else (and ?as=observer) watches. */
export async function room(view, { id }, query, ctx) {
  view.append(heading(t('chat.title')), spinner());
  let session;
  let me;
  try {
    [session, me] = await Promise.all([api.get(`/api/sessions/${encodeURIComponent(id)}`, { signal: ctx.signal }), getMe()]);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    view.replaceChildren(heading(t('chat.title')),
      err instanceof ApiError && err.status === 404 ? emptyState(t('chat.not_found'), null,
        h('a', { href: '/chat', class: 'button' }, t('chat.to_next'))) : errorState(err, () => navigate(location.pathname + location.search, { replace: true })));
    return null;
  }
  view.replaceChildren();
  if (me.kind === 'staff' && query.get('as') !== 'observer') return staffRoom(view, session, me);
  const observer = me.kind !== 'youth' || query.get('as') === 'observer';
  return youthRoom(view, session, me, { observer });
}

// Unsent messages and "me too" marks live in this tab's sessionStorage; logging out or erasing me drops them.
onSessionChange((me) => {
  if (me.kind !== 'visitor') return;
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith('tuttu.chat.')) sessionStorage.removeItem(key);
  } catch { /* storage blocked */ }
});
