// The weekly chat schedule (city time) and one-off sessions, for youth workers and admins
// (the existing /api/schedule and /api/sessions APIs).

import { refresh } from '../router.js';
import { t } from '../i18n.js';
import { h, field, showFieldErrors, errorMessage, toast } from '../ui.js';
import { api } from '../api.js';
import { staffGate, pageHead, table, when, select, act } from './common.js';

const weekdays = () => [0, 1, 2, 3, 4, 5, 6].map((d) => [d, t(`schedule.day_${d}`)]);

function slotFields(prefix, slot) {
  return [
    field({ id: `${prefix}-weekday`, label: t('schedule.weekday'), control: select('weekday', weekdays(), slot ? slot.weekday : 0) }),
    field({ id: `${prefix}-starts`, label: t('schedule.starts'), name: 'starts', type: 'time', value: slot ? slot.starts : '16:00', required: true }),
    field({ id: `${prefix}-minutes`, label: t('schedule.minutes'), name: 'minutes', type: 'number', min: '10', max: '480', value: slot ? slot.minutes : 120 }),
    field({ id: `${prefix}-title`, label: t('schedule.title_label'), name: 'title', value: slot ? slot.title : t('schedule.default_title'), maxlength: '120' }),
  ];
}

function readSlot(form, prefix) {
  return { weekday: Number(form.elements.weekday.value), starts: form.elements[`${prefix}-starts`].value,
    minutes: Number(form.elements[`${prefix}-minutes`].value), title: form.elements[`${prefix}-title`].value.trim() };
}

function fieldsFor(prefix, err) {
  return Object.fromEntries(Object.entries(err.fields || {}).map(([k, v]) => [`${prefix}-${k}`, v]));
}

function slotForm(slot) {
  const prefix = slot ? `slot-${slot.id}` : 'slot-new';
  const form = h('form', { class: 'console-form console-inline-form', novalidate: true }, ...slotFields(prefix, slot),
    h('button', { type: 'submit', class: 'button button-small' }, slot ? t('console.save') : t('schedule.add')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const body = readSlot(form, prefix);
      if (slot) await api.patch(`/api/schedule/${slot.id}`, { ...body, active: true });
      else await api.post('/api/schedule', body);
      toast(t('console.saved'));
      refresh();
    } catch (err) {
      if (Object.keys(err.fields || {}).length) showFieldErrors(form, fieldsFor(prefix, err));
      else toast(errorMessage(err));
    }
  });
  return form;
}

function sessionForm() {
  const form = h('form', { class: 'console-form', novalidate: true },
    field({ id: 'one-title', label: t('schedule.title_label'), name: 'title', value: t('schedule.default_title'), maxlength: '120' }),
    field({ id: 'one-starts', label: t('schedule.starts_at'), name: 'starts_at', type: 'datetime-local', required: true }),
    field({ id: 'one-minutes', label: t('schedule.minutes'), name: 'minutes', type: 'number', min: '10', max: '480', value: 60 }),
    h('button', { type: 'submit', class: 'button' }, t('schedule.add_session')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const starts = form.elements['one-starts'].value;
    if (!starts) { showFieldErrors(form, { 'one-starts': t('schedule.when_missing') }); return; }
    try {
      await api.post('/api/sessions', { title: form.elements['one-title'].value.trim(),
        starts_at: new Date(starts).toISOString(), minutes: Number(form.elements['one-minutes'].value) });
      toast(t('schedule.session_added'));
      refresh();
    } catch (err) {
      if (Object.keys(err.fields || {}).length) showFieldErrors(form, fieldsFor('one', err));
      else toast(errorMessage(err));
    }
  });
  return form;
}

export async function scheduleScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: ['admin', 'youth_worker'], title: t('schedule.title') });
  if (!me) return;
  const [schedule, sessions] = await Promise.all([api.get('/api/schedule', { signal: ctx.signal }),
    api.get('/api/sessions', { signal: ctx.signal })]);
  pageHead(view, me, t('schedule.title'), t('schedule.intro', { zone: schedule.timezone }));
  const slots = h('ul', { class: 'console-cards' }, schedule.slots.map((slot) => h('li', { class: 'card console-person' },
    h('h2', {}, `${t(`schedule.day_${slot.weekday}`)} ${slot.starts} · ${slot.title}`),
    h('p', { class: 'muted' }, t('schedule.lasts', { minutes: slot.minutes }), ' · ', slot.active ? t('schedule.active') : t('schedule.stopped')),
    h('div', { class: 'console-actions' },
      slot.active && h('button', { type: 'button', class: 'button button-small button-secondary',
        onclick: (e) => act(e.currentTarget, () => api.del(`/api/schedule/${slot.id}`), 'schedule.stopped_done', refresh) },
      t('schedule.stop'), h('span', { class: 'visually-hidden' }, ` ${slot.title}`)),
      h('details', { class: 'console-details' }, h('summary', {}, t('console.change'), h('span', { class: 'visually-hidden' }, ` ${slot.title}`)), slotForm(slot))))));
  view.append(
    h('section', { class: 'card section', 'aria-labelledby': 'weekly-title' }, h('h2', { id: 'weekly-title' }, t('schedule.weekly')), slots,
      h('h3', {}, t('schedule.add')), slotForm(null)),
    h('section', { class: 'card section', 'aria-labelledby': 'oneoff-title' }, h('h2', { id: 'oneoff-title' }, t('schedule.one_off')), sessionForm(),
      table(t('schedule.sessions'), [
        { key: 'title', label: t('schedule.title_label'), render: (s) => h('a', { href: `/chat/${s.id}` }, s.title) },
        { label: t('staff.col_when'), render: (s) => when(s.starts_at) },
        { label: t('staff.col_state'), render: (s) => t(`staff.state_${s.state}`) },
        { label: t('schedule.kind'), render: (s) => (s.one_off ? t('schedule.one_off_short') : t('schedule.weekly_short')) },
      ], sessions.sessions)));
}
