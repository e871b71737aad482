// My meetups (status, place in line, claim-by time), my private calendar link (resettable),
// and my next meetup on Home.

import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, heading, emptyState, errorState, errorMessage, offlineNote, toast, announce, field } from '../ui.js';
import { refresh } from '../router.js';
import { getMe, becomeYouth } from '../session.js';
import { card, statusText } from './common.js';

function calendarSection() {
  const out = h('div', {});
  const show = async (reset) => {
    try {
      const link = reset ? await api.post('/api/meetups/calendar/reset') : await api.get('/api/meetups/calendar');
      const url = `${location.origin}${link.path}`;
      const input = h('input', { id: 'calendar-url', class: 'input', readonly: true, value: url });
      out.replaceChildren(field({ id: 'calendar-url', label: t('meetups.calendar_url'), control: input, hint: t('meetups.calendar_private') }),
        h('p', { class: 'actions' },
          h('a', { href: url.replace(/^https?:/, 'webcal:'), class: 'button button-secondary', 'data-reload': '' }, t('meetups.calendar_subscribe')),
          h('button', { type: 'button', class: 'button button-secondary', onclick: async () => {
            try { await navigator.clipboard.writeText(url); toast(t('meetups.calendar_copied')); } catch { input.select(); }
          } }, t('meetups.calendar_copy')),
          h('button', { type: 'button', class: 'button button-danger', onclick: () => show(true) }, t('meetups.calendar_reset'))));
      if (reset) announce(t('meetups.calendar_was_reset'));
    } catch (err) { out.replaceChildren(errorState(err)); }
  };
  out.append(h('button', { type: 'button', class: 'button button-secondary', onclick: () => show(false) }, t('meetups.calendar_show')));
  return h('section', { class: 'card section', 'aria-labelledby': 'calendar-title' },
    h('h2', { id: 'calendar-title' }, t('meetups.calendar_title')), h('p', {}, t('meetups.calendar_body')), out);
}

export async function myMeetups(view, params, query, ctx) {
  view.append(heading(t('meetups.mine_title')));
  const me = await getMe();
  if (me.kind === 'staff') {
    view.append(emptyState(t('meetups.mine_youth_only'), null, h('a', { href: '/meetups', class: 'button' }, t('meetups.back_to_list'))));
    return;
  }
  if (me.kind !== 'youth') {           // a visitor, e.g. right after "Erase me": a way to start again
    const start = async (event) => {
      event.target.disabled = true;
      try { await becomeYouth(); toast(t('me.started')); refresh(); }
      catch (err) { event.target.disabled = false; toast(errorMessage(err)); }
    };
    view.append(emptyState(t('meetups.mine_youth_only'), t('meetups.mine_start_body'),
      h('p', { class: 'actions' },
        h('button', { type: 'button', class: 'button', onclick: start }, t('me.start_anonymous')),
        h('a', { href: '/meetups', class: 'button button-secondary' }, t('meetups.browse')))));
    return;
  }
  const data = await api.get('/api/meetups/mine', { signal: ctx.signal });
  const items = data.items.map(({ meetup, signup }) => card(meetup, h('span', { class: 'badge badge-primary' }, statusText(signup))));
  view.append(offlineNote(data) || '',
    items.length ? h('ul', { class: 'card-list' }, items)
      : emptyState(t('meetups.mine_none'), null, h('a', { href: '/meetups', class: 'button' }, t('meetups.browse'))),
    calendarSection());
}

/** Home: my next meetup (a place offered to me shows its claim-by time), for youth who signed up. */
export async function renderNextMeetup(container, ctx) {
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  let data = null;
  if (me.kind === 'youth') {
    try { data = await api.get('/api/meetups/mine', { signal: ctx.signal }); } catch (err) { if (err.name === 'AbortError') throw err; }
  }
  const next = data && data.items.find(({ meetup, signup }) => new Date(meetup.ends_at) > new Date() && signup.status !== 'declined');
  if (!next) { container.remove(); return; }
  container.setAttribute('aria-labelledby', 'home-meetup-title');
  container.append(h('h2', { id: 'home-meetup-title' }, t('meetups.home_title')),
    h('ul', { class: 'card-list' }, card(next.meetup, h('span', { class: 'badge badge-primary' }, statusText(next.signup)))));
}
