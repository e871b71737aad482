// Meetups for youth: upcoming meetups (filters), a meetup page with sign-up, my ticket (QR + code),
// my meetups (mine.js) and the organiser's screens (organiser.js).

import { refresh, navigate } from '../router.js';
import { api } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { h, heading, spinner, emptyState, errorState, offlineNote, toast, field,
  showFieldErrors, linkify } from '../ui.js';
import { getMe, becomeYouth } from '../session.js';
import { KINDS, kindLabel, languageName, when, placesText, statusText, refusal, card } from './common.js';

async function sectorOptions(signal) {
  try {
    const data = await api.get('/api/sectors', { signal });
    return (data.features || []).map((f) => ({ id: f.id ?? f.properties.id, name: f.properties.name }))
      .filter((s) => s.id && s.name);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return [];
  }
}

function filterForm(query, sectors) {
  const select = (id, label, options, value) => field({ id, label, control: h('select', { name: id, class: 'input' },
    h('option', { value: '' }, t('meetups.filter_any')),
    options.map(([v, text]) => h('option', { value: v, selected: String(v) === value }, text))) });
  const form = h('form', { class: 'meetup-filters', role: 'search', 'aria-label': t('meetups.filter_label') },
    select('kind', t('meetups.field_kind'), KINDS.map((k) => [k, kindLabel(k)]), query.get('kind') || ''),
    sectors.length ? select('sector', t('meetups.field_sector'), sectors.map((s) => [s.id, s.name]), query.get('sector') || '') : null,
    field({ id: 'age', label: t('meetups.filter_age'), type: 'number', inputmode: 'numeric', min: '10', max: '25',
      value: query.get('age') || '' }),
    h('button', { type: 'submit', class: 'button button-secondary' }, t('meetups.filter_apply')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const name of ['kind', 'sector', 'age']) {
      const value = form.elements[name] && form.elements[name].value.trim();
      if (value) params.set(name, value);
    }
    navigate(`/meetups${params.toString() ? `?${params}` : ''}`, { replace: true });
  });
  return form;
}

export async function meetupList(view, params, query, ctx) {
  view.append(heading(t('meetups.title')), spinner());
  const me = await getMe();
  const links = h('p', { class: 'actions' },
    me.kind === 'youth' && h('a', { href: '/meetups/mine', class: 'button button-secondary' }, t('meetups.mine_title')),
    me.kind === 'staff' && ['organiser', 'admin'].includes(me.role) &&
      h('a', { href: '/meetups/organise', class: 'button button-secondary' }, t('meetups.organise_title')));
  const apiQuery = new URLSearchParams([...query].filter(([k, v]) => ['kind', 'sector', 'age'].includes(k) && v));
  let data;
  let sectors;
  try {
    [data, sectors] = await Promise.all([api.get(`/api/meetups?${apiQuery}`, { signal: ctx.signal }), sectorOptions(ctx.signal)]);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    view.lastChild.replaceWith(errorState(err, refresh));
    return;
  }
  const items = data.items.map((m) => card(m));
  view.lastChild.replaceWith(links, filterForm(query, sectors), offlineNote(data) || '',
    h('p', { class: 'visually-hidden', role: 'status' }, t('meetups.results', { count: items.length })),
    items.length ? h('ul', { class: 'card-list' }, items) : emptyState(t('meetups.none'), t('meetups.none_body')));
}

function facts(m) {
  const row = (label, ...value) => [h('dt', {}, label), h('dd', {}, ...value)];
  return h('dl', { class: 'meetup-facts' },
    row(t('meetups.when'), when(m)),
    row(t('meetups.where'), m.venue_name, m.venue_address ? h('br') : null, m.venue_address || ''),
    row(t('meetups.field_kind'), kindLabel(m.kind)),
    row(t('meetups.who'), t('meetups.ages', { min: m.min_age, max: m.max_age })),
    row(t('meetups.field_languages'), m.languages.map(languageName).join(', ')),
    row(t('meetups.places'), placesText(m)),
    m.consent_required ? row(t('meetups.consent_title'), t('meetups.consent_needed_short')) : null,
    m.approval_required ? row(t('meetups.approval_title'), t('meetups.approval_short')) : null);
}

function officersSection(m) {
  if (!m.officers.length) return null;
  return h('section', { class: 'section', 'aria-labelledby': 'meetup-officers' },
    h('h2', { id: 'meetup-officers' }, t('meetups.officers_title')),
    h('ul', { class: 'card-list' }, m.officers.map((o) => h('li', {},
      h('a', { href: `/officers/${o.id}`, class: 'card card-link' },
        h('span', { class: 'card-title' }, o.name, ' ', o.verified ? h('span', { class: 'badge badge-verified' }, t('meetups.verified')) : null),
        o.title ? h('span', { class: 'card-body' }, o.title) : null)))));
}

function messagesSection(m) {
  if (!m.messages || !m.messages.length) return null;
  return h('section', { class: 'section', 'aria-labelledby': 'meetup-messages' },
    h('h2', { id: 'meetup-messages' }, t('meetups.messages_title')),
    h('ul', { class: 'list' }, m.messages.map((msg) => h('li', { class: 'list-item' },
      h('p', {}, linkify(msg.text)), h('p', { class: 'muted' }, formatDateTime(msg.at))))));
}

async function act(promise, doneKey) {
  try {
    await promise();
    toast(t(doneKey));      // the toast area is a live region
    refresh();
  } catch (err) {
    toast(refusal(err));
  }
}

function ticket(m) {
  const code = m.me.check_in_code;
  const pretty = `${code.slice(0, 4)}-${code.slice(4)}`;
  return h('div', { class: 'meetup-ticket' },
    h('img', { src: `/api/meetups/${m.id}/signups/me/qr.svg`, alt: t('meetups.qr_alt'), width: '240', height: '240', class: 'meetup-qr' }),
    h('p', {}, t('meetups.code_label'), ' ', h('strong', { class: 'meetup-code', 'data-code': code }, pretty)),
    h('p', { class: 'muted' }, t('meetups.ticket_hint')),
    m.me.checked_in ? h('p', { class: 'badge badge-verified' }, t('meetups.checked_in')) : null);
}

function mySignupSection(m) {
  const s = m.me;
  if (!s || !['confirmed', 'waitlisted', 'offered', 'pending'].includes(s.status)) return null;
  const cancelBox = h('div', { class: 'confirm', hidden: true },
    h('p', {}, t('meetups.cancel_confirm')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button button-danger',
        onclick: () => act(() => api.del(`/api/meetups/${m.id}/signups/me`), 'meetups.cancelled_signup') }, t('meetups.cancel_yes')),
      h('button', { type: 'button', class: 'button button-secondary', onclick: () => { cancelBox.hidden = true; } }, t('shell.cancel'))));
  return h('section', { class: 'card section', 'aria-labelledby': 'meetup-me' },
    h('h2', { id: 'meetup-me' }, t('meetups.my_signup_title')),
    h('p', { class: 'lead', role: 'status' }, statusText(s)),
    s.status === 'offered' && h('button', { type: 'button', class: 'button button-block',
      onclick: () => act(() => api.post(`/api/meetups/${m.id}/signups/me/claim`), 'meetups.claimed') }, t('meetups.claim')),
    s.status === 'confirmed' && ticket(m),
    h('p', { class: 'actions' },
      h('button', { type: 'button', class: 'button button-secondary', onclick: () => { cancelBox.hidden = false; cancelBox.querySelector('button').focus(); } },
        t('meetups.cancel_signup'))),
    cancelBox);
}

function signupForm(m) {
  const problem = h('p', { class: 'field-error', id: 'signup-problem', role: 'alert', hidden: true });
  const guardian = m.consent_required && h('fieldset', { class: 'meetup-guardian' },
    h('legend', {}, t('meetups.guardian_legend')),
    h('p', { class: 'field-hint' }, t('meetups.guardian_why', { days: m.personal_data_days })),
    field({ id: 'guardian_name', label: t('meetups.guardian_name'), autocomplete: 'off', maxlength: '120', required: true }),
    field({ id: 'guardian_phone', label: t('meetups.guardian_phone'), type: 'tel', inputmode: 'tel', autocomplete: 'off', maxlength: '30' }),
    field({ id: 'guardian_email', label: t('meetups.guardian_email'), type: 'email', inputmode: 'email', autocomplete: 'off', maxlength: '200',
      hint: t('meetups.guardian_contact_hint') }));
  const form = h('form', { class: 'card section', novalidate: true, 'aria-labelledby': 'signup-title' },
    h('h2', { id: 'signup-title' }, t('meetups.signup_title')),
    field({ id: 'first_name', label: t('meetups.first_name'), hint: t('meetups.first_name_hint'), autocomplete: 'off', maxlength: '40', required: true }),
    field({ id: 'age', label: t('meetups.age'), hint: t('meetups.ages', { min: m.min_age, max: m.max_age }), type: 'number',
      inputmode: 'numeric', min: '1', max: '99', required: true }),
    guardian, problem,
    h('button', { type: 'submit', class: 'button button-block' }, t('meetups.sign_up')));
  form.addEventListener('submit', (event) => { event.preventDefault(); submitSignup(form, m, problem); });
  return form;
}

function signupBody(form, m) {
  const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : '');
  const body = { first_name: value('first_name'), age: Number(value('age')) };
  const missing = {};
  if (!body.first_name) missing.first_name = t('meetups.error_first_name');
  if (!value('age') || !Number.isInteger(body.age)) missing.age = t('meetups.error_age_missing');
  else if (body.age < m.min_age || body.age > m.max_age) missing.age = t('meetups.error_age', { min: m.min_age, max: m.max_age });
  if (m.consent_required) {
    for (const name of ['guardian_name', 'guardian_phone', 'guardian_email']) if (value(name)) body[name] = value(name);
    if (!body.guardian_name) missing.guardian_name = t('meetups.error_guardian_name');
    if (!body.guardian_phone && !body.guardian_email) missing.guardian_phone = t('meetups.error_guardian_contact');
  }
  return { body, missing };
}

const FIELD_MESSAGES = {
  guardian_phone: 'meetups.error_phone', guardian_email: 'meetups.error_email', guardian_name: 'meetups.error_guardian_name',
};

async function submitSignup(form, m, problem) {
  problem.hidden = true;
  const { body, missing } = signupBody(form, m);
  showFieldErrors(form, missing);
  if (Object.keys(missing).length) return;
  try {
    const signup = await api.post(`/api/meetups/${m.id}/signups`, body);
    const text = statusText(signup);
    toast(text);
    refresh();
  } catch (err) {
    if (err.code === 'age_out_of_range') { showFieldErrors(form, { age: t('meetups.error_age', { min: m.min_age, max: m.max_age }) }); return; }
    if (err.code === 'consent_needed' && err.fields.guardian_phone) { showFieldErrors(form, { guardian_phone: t('meetups.error_guardian_contact') }); return; }
    if (err.status === 422 && Object.keys(err.fields).length) {
      const fields = {};
      for (const [name, message] of Object.entries(err.fields)) fields[name] = FIELD_MESSAGES[name] ? t(FIELD_MESSAGES[name]) : message;
      showFieldErrors(form, fields);
      return;
    }
    problem.textContent = refusal(err);       // role="alert": read out once
    problem.hidden = false;
  }
}

function signupSection(m, me) {
  if (m.me && ['confirmed', 'waitlisted', 'offered', 'pending'].includes(m.me.status)) return null;
  if (m.cancelled) return null;
  if (m.me && m.me.status === 'declined') return h('p', { class: 'lead' }, t('meetups.status_declined'));
  if (!m.signup_open) {
    const opens = m.signup_opens_at && new Date(m.signup_opens_at) > new Date();
    return h('p', { class: 'lead' }, opens ? t('meetups.opens_at', { time: formatDateTime(m.signup_opens_at) }) : t('meetups.error_signup_closed'));
  }
  if (m.full) return h('p', { class: 'lead' }, t('meetups.error_full'));
  if (me.kind === 'staff') return null;
  if (me.kind !== 'youth') {
    return h('section', { class: 'card section' }, h('p', {}, t('meetups.start_to_sign_up')),
      h('button', { type: 'button', class: 'button', onclick: () => act(becomeYouth, 'me.started') }, t('me.start_anonymous')));
  }
  return signupForm(m);
}

export async function meetupDetail(view, { id }, query, ctx) {
  const [m, me] = await Promise.all([api.get(`/api/meetups/${encodeURIComponent(id)}`, { signal: ctx.signal }), getMe()]);
  view.append(...[
    heading(m.title),
    offlineNote(m) || '',
    m.cancelled && h('p', { class: 'error-state', role: 'alert' }, t('meetups.cancelled_notice'), m.cancel_reason ? ` ${m.cancel_reason}` : ''),
    facts(m),
    m.description && h('p', { class: 'meetup-description' }, linkify(m.description)),
    mySignupSection(m),
    signupSection(m, me),
    messagesSection(m),
    officersSection(m),
    h('p', { class: 'actions' },
      h('a', { href: `/api/meetups/${m.id}.ics`, class: 'button button-secondary', download: `tuttu-meetup-${m.id}.ics`, 'data-reload': '' }, t('meetups.add_to_calendar')),
      m.can_manage && h('a', { href: `/meetups/${m.id}/organise`, class: 'button button-secondary' }, t('meetups.organise_this'))),
    h('p', {}, h('a', { href: '/meetups' }, t('meetups.back_to_list')))].filter(Boolean));
}
