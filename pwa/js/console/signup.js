// Staff sign-up: name, e-mail, password, role, sector or youth centre, title, languages. With an invite
// link (?invite=...) the role and place come from the invite. Afterwards: logged in, waiting for an admin.

import { navigate } from '../router.js';
import { t, LANGUAGE_NAMES } from '../i18n.js';
import { h, heading, field, showFieldErrors, errorMessage, toast } from '../ui.js';
import { api } from '../api.js';
import { login } from '../session.js';
import { useConsoleStyles, roleName, select, sectorList, centreList } from './common.js';

const SIGNUP_ROLES = ['officer', 'youth_worker', 'organiser'];
const SPOKEN = ['fi', 'sv', 'da', 'uk', 'en', 'se', 'ru', 'so', 'ar', 'et'];
const INVITE_ERRORS = { invite_used: 'staff.invite_used', invite_expired: 'staff.invite_expired',
  invite_revoked: 'staff.invite_revoked', invite_unknown: 'staff.invite_unknown' };

function languageName(code) {
  if (LANGUAGE_NAMES[code]) return LANGUAGE_NAMES[code];
  try { return new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' }).of(code); } catch { return code; }
}

export async function signupScreen(view, params, query, ctx) {
  useConsoleStyles();
  view.classList.add('console-screen');
  const token = query.get('invite');
  let invite = null;
  if (token) {
    try {
      invite = await api.get(`/api/invites/${encodeURIComponent(token)}`, { signal: ctx.signal });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      view.append(heading(t('staff.signup_title')), h('div', { class: 'card section', role: 'alert' },
        h('p', {}, t(INVITE_ERRORS[err.code] || 'staff.invite_unknown'))));
      return;
    }
  }
  const [sectors, centres] = invite ? [null, null] : await Promise.all([
    sectorList(ctx.signal), centreList(ctx.signal),
  ]);

  const problem = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'card section console-form', novalidate: true });
  form.append(
    field({ id: 'name', label: t('staff.name'), autocomplete: 'name', required: true, maxlength: '120' }),
    field({ id: 'email', label: t('login.email'), type: 'email', autocomplete: 'username', inputmode: 'email', required: true }),
    field({ id: 'password', label: t('login.password'), type: 'password', autocomplete: 'new-password', required: true,
      minlength: '12', hint: t('staff.password_hint') }),
    field({ id: 'title', label: t('staff.title_label'), hint: t('staff.title_hint'), maxlength: '120', autocomplete: 'organization-title' }));
  if (invite) {
    const place = invite.sector || invite.youth_centre;
    form.prepend(h('p', { class: 'console-invite' }, t('staff.invited_as', { role: roleName(invite.role) }),
      place ? ` ${t('staff.invited_place', { place })}` : ''));
  } else {
    const roleSelect = select('role', [['', t('staff.choose')], ...SIGNUP_ROLES.map((r) => [r, roleName(r)])], '', { required: true });
    const sectorField = field({ id: 'sector_id', label: t('staff.sector'),
      control: select('sector_id', [['', t('staff.none')], ...sectors.map((s) => [s.id, s.name])]) });
    const centreField = field({ id: 'youth_centre_id', label: t('staff.youth_centre'),
      control: select('youth_centre_id', [['', t('staff.none')], ...centres.map((c) => [c.id, c.name])]) });
    const showPlace = () => {
      const role = roleSelect.value;
      sectorField.hidden = !(role === 'officer' || role === 'youth_worker');
      centreField.hidden = !(role === 'organiser' || role === 'youth_worker');
    };
    roleSelect.addEventListener('change', showPlace);
    form.append(field({ id: 'role', label: t('staff.role'), control: roleSelect }), sectorField, centreField);
    showPlace();
  }
  form.append(h('fieldset', { class: 'choices' }, h('legend', {}, t('staff.languages')),
    SPOKEN.map((code) => h('label', { class: 'choice' },
      h('input', { type: 'checkbox', name: 'languages', value: code, checked: code === 'fi' }), h('span', {}, languageName(code))))));
  const submit = h('button', { type: 'submit', class: 'button button-block' }, t('staff.signup_submit'));
  form.append(problem, submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : '');
    const body = { name: value('name'), email: value('email'), password: form.elements.password.value,
      languages: [...form.querySelectorAll('input[name=languages]:checked')].map((i) => i.value) };
    if (value('title')) body.title = value('title');
    if (invite) body.invite = token;
    else {
      body.role = value('role') || null;
      const sector = form.elements.sector_id; const centre = form.elements.youth_centre_id;
      if (sector && !sector.closest('.field').hidden && sector.value) body.sector_id = Number(sector.value);
      if (centre && !centre.closest('.field').hidden && centre.value) body.youth_centre_id = Number(centre.value);
    }
    const missing = {};
    if (body.name.length < 2) missing.name = t('staff.name_missing');
    if (!body.email) missing.email = t('login.email_missing');
    if (body.password.length < 12) missing.password = t('staff.password_hint');
    if (!invite && !body.role) missing.role = t('staff.role_missing');
    problem.hidden = true;
    showFieldErrors(form, missing);
    if (Object.keys(missing).length) return;
    submit.disabled = true;
    try {
      await api.post('/api/staff/signup', body);
      await login(body.email, body.password);
      toast(t('staff.signed_up'));
      navigate('/staff', { replace: true });
    } catch (err) {
      if (err.code === 'email_taken') showFieldErrors(form, { email: t('staff.email_taken') });
      else if (err.status === 422 && Object.keys(err.fields).length) showFieldErrors(form, err.fields);
      problem.textContent = INVITE_ERRORS[err.code] ? t(INVITE_ERRORS[err.code]) : errorMessage(err);
      problem.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  view.append(heading(t('staff.signup_title')), h('p', { class: 'lead' }, t('staff.signup_intro')), form,
    h('p', { class: 'muted' }, t('staff.have_account'), ' ', h('a', { href: '/login?next=/staff' }, t('staff.login'))));
}
