// The staff home at /staff, by role: an officer's posts with "Write", followers, upcoming sessions and
// meetups, questions waiting; a youth worker's next sessions with their queues and the last session's
// report; an organiser's meetups with sign-ups, waitlists, approvals and check-in; an admin's to-dos.

import { t } from '../i18n.js';
import { h, heading } from '../ui.js';
import { api } from '../api.js';
import { staffGate, consoleNav, table, when, roleName } from './common.js';

function section(id, title, ...children) {
  return h('section', { class: 'card section', 'aria-labelledby': `staff-${id}` }, h('h2', { id: `staff-${id}` }, title), ...children);
}

function sessionsSection(home) {
  return section('sessions', t('staff.sessions_title'), table(t('staff.sessions_title'), [
    { key: 'title', label: t('staff.col_session'), render: (s) => h('a', { href: `/chat/${s.id}` }, s.title) },
    { label: t('staff.col_when'), render: (s) => when(s.starts_at) },
    { label: t('staff.col_state'), render: (s) => t(`staff.state_${s.state}`) },
    { key: 'held', label: t('staff.col_held'), numeric: true },
    { key: 'questions_waiting', label: t('staff.col_questions'), numeric: true },
  ], home.sessions, { empty: t('staff.no_sessions') }));
}

function officerSections(home) {
  const stats = h('dl', { class: 'console-stats' },
    h('div', {}, h('dt', {}, t('staff.followers')), h('dd', {}, String(home.followers))),
    home.sector_followers !== null && h('div', {}, h('dt', {}, t('staff.sector_followers')), h('dd', {}, String(home.sector_followers))),
    h('div', {}, h('dt', {}, t('staff.questions_waiting')), h('dd', {}, String(home.questions_waiting))));
  const posts = home.posts.length
    ? h('ul', { class: 'console-list' }, home.posts.map((p) => h('li', {},
      h('p', {}, p.text.length > 140 ? `${p.text.slice(0, 140)}…` : p.text),
      h('p', { class: 'muted' }, when(p.created_at), ' · ', h('a', { href: `/posts/${p.id}/edit` }, t('staff.edit'))))))
    : h('p', { class: 'muted' }, t('staff.no_posts'));
  return [
    section('posts', t('staff.posts_title'), h('p', {}, h('a', { class: 'button', href: '/posts/new' }, t('staff.write'))), stats, posts),
    sessionsSection(home),
    section('meetups', t('staff.meetups_title'), table(t('staff.meetups_title'), [
      { label: t('staff.col_meetup'), render: (m) => h('a', { href: `/meetups/${m.id}` }, m.title) },
      { label: t('staff.col_when'), render: (m) => when(m.starts_at) },
      { key: 'venue', label: t('staff.col_venue') },
    ], home.meetups, { empty: t('staff.no_meetups') })),
  ];
}

function organiserSections(home) {
  return [
    section('meetups', t('staff.my_meetups'),
      home.no_youth_centre ? h('p', { class: 'console-warning', role: 'status' }, t('staff.no_youth_centre')) : null,
      home.centre_retired ? h('p', { class: 'console-warning', role: 'status' }, t('staff.centre_retired')) : null,
      h('p', {}, h('a', { class: 'button', href: '/meetups/new' }, t('staff.new_meetup'))),
      table(t('staff.my_meetups'), [
        { label: t('staff.col_meetup'), render: (m) => h('a', { href: m.organise }, m.title) },
        { label: t('staff.col_when'), render: (m) => when(m.starts_at) },
        { label: t('staff.col_signed_up'), numeric: true, render: (m) => `${m.confirmed} / ${m.capacity}` },
        { key: 'waitlisted', label: t('staff.col_waitlist'), numeric: true },
        { key: 'pending', label: t('staff.col_pending'), numeric: true },
        { key: 'checked_in', label: t('staff.col_checked_in'), numeric: true },
        { label: t('staff.col_checkin'), render: (m) => h('a', { href: m.organise }, t('staff.checkin_link')) },
      ], home.meetups, { empty: t('staff.no_meetups') })),
  ];
}

function youthWorkerSections(home) {
  const last = home.last_session;
  return [
    sessionsSection(home),
    section('last', t('staff.last_session'), last
      ? h('p', {}, last.title, ' · ', when(last.starts_at), ' · ', h('a', { href: last.report }, t('staff.see_report')))
      : h('p', { class: 'muted' }, t('staff.no_last_session')),
    h('p', {}, h('a', { href: '/console/schedule' }, t('staff.edit_schedule')))),
  ];
}

function adminSections(home) {
  return [
    section('todo', t('staff.admin_todo'),
      h('ul', { class: 'console-list' },
        h('li', {}, h('a', { href: '/console?verified=false' }, t('staff.unverified', { count: home.unverified }))),
        h('li', {}, h('a', { href: '/console/invites' }, t('staff.open_invites', { count: home.open_invites }))))),
    ...organiserSections(home),
    sessionsSection(home),
  ];
}

async function factorReminder(signal) {
  const state = await api.get('/api/console/me/factor', { signal }).catch(() => null);
  if (!state || state.enrolled) return null;
  return h('p', { class: state.required ? 'console-warning' : 'console-note', role: 'status' },
    t(state.required ? 'staff.factor_required' : 'staff.factor_suggested'), ' ',
    h('a', { href: '/staff/factor' }, t('staff.factor_setup')));
}

export async function staffHomeScreen(view, params, query, ctx) {
  const me = await staffGate(view);
  if (!me) return;
  const reminder = await factorReminder(ctx.signal);
  if (reminder && reminder.classList.contains('console-warning')) {
    view.append(heading(t('staff.home_title')), reminder);
    return;
  }
  const home = await api.get('/api/console/home', { signal: ctx.signal });
  view.append(heading(t('staff.greeting', { name: me.name })),
    h('p', { class: 'muted' }, roleName(me.role)), consoleNav(me), reminder);
  const parts = { officer: officerSections, youth_worker: youthWorkerSections, organiser: organiserSections, admin: adminSections };
  view.append(...parts[me.role](home));
}
