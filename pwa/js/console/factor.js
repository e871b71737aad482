// Set up a second factor: scan the QR code (or type the key) into an authenticator app, confirm with a
// code, keep the recovery codes. Open to staff still waiting for verification.

import { t } from '../i18n.js';
import { h, heading, field, showFieldErrors, errorMessage, announce } from '../ui.js';
import { api } from '../api.js';
import { getMe } from '../session.js';
import { useConsoleStyles } from './common.js';
import { addPasskey, passkeysSupported } from './passkeys.js';

function recoveryList(codes) {
  return h('section', { class: 'card section', 'aria-labelledby': 'recovery-title' },
    h('h2', { id: 'recovery-title' }, t('factor.recovery_title')),
    h('p', {}, t('factor.recovery_body')),
    h('ol', { class: 'console-codes' }, codes.map((code) => h('li', {}, h('code', {}, code)))),
    h('p', {}, h('a', { class: 'button', href: '/staff' }, t('factor.done'))));
}

export async function factorScreen(view, params, query, ctx) {
  useConsoleStyles();
  view.classList.add('console-screen');
  const me = await getMe({ refresh: true }).catch(() => ({ kind: 'visitor' }));
  view.append(heading(t('factor.title')));
  if (me.kind !== 'staff') {
    view.append(h('p', {}, h('a', { href: '/login?next=/staff/factor' }, t('staff.login'))));
    return;
  }
  const state = await api.get('/api/console/me/factor', { signal: ctx.signal });
  const passkeys = passkeySection(view, state);
  if (state.totp) {
    view.append(h('div', { class: 'card section' },
      h('p', {}, t('factor.enrolled')),
      h('p', {}, t('factor.codes_left', { count: state.recovery_codes_left })),
      h('p', { class: 'muted' }, t('factor.lost'))), passkeys);
    return;
  }
  const start = h('button', { type: 'button', class: 'button' }, t('factor.start'));
  const area = h('div', {});
  view.append(h('p', { class: 'lead' }, t('factor.intro')), h('div', { class: 'card section' }, start, area), passkeys);
  start.addEventListener('click', async () => {
    start.disabled = true;
    try {
      const setup = await api.post('/api/console/me/factor/totp', {});
      start.hidden = true;
      area.replaceChildren(...confirmForm(view, setup));
      area.querySelector('input').focus();
    } catch (err) {
      area.replaceChildren(h('p', { role: 'alert' }, errorMessage(err)));
      start.disabled = false;
    }
  });
}

function confirmForm(view, setup) {
  const form = h('form', { class: 'console-form', novalidate: true },
    field({ id: 'code', label: t('factor.code_label'), hint: t('factor.code_hint'), inputmode: 'numeric',
      autocomplete: 'one-time-code', maxlength: '6', required: true }),
    h('button', { type: 'submit', class: 'button' }, t('factor.confirm')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const code = form.elements.code.value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) { showFieldErrors(form, { code: t('factor.code_hint') }); return; }
    try {
      const done = await api.post('/api/console/me/factor/totp/confirm', { code });
      announce(t('factor.confirmed'));
      view.replaceChildren(heading(t('factor.title')), h('p', { role: 'status' }, t('factor.confirmed')), recoveryList(done.recovery_codes));
      view.querySelector('h1').focus();
    } catch (err) {
      showFieldErrors(form, { code: err.status === 422 ? t('console.code_wrong') : errorMessage(err) });
    }
  });
  return [
    h('p', {}, t('factor.scan')),
    h('img', { src: `${setup.qr}?v=${Date.now()}`, alt: t('factor.qr_alt'), width: '180', height: '180', class: 'console-qr' }),
    h('p', {}, t('factor.or_type'), ' ', h('code', { class: 'console-secret', 'data-secret': setup.secret }, setup.secret.replace(/(.{4})/g, '$1 ').trim())),
    form,
  ];
}

/** Passkeys: the ones I have, and adding one (the stronger option, where the device supports it). */
function passkeySection(view, state) {
  const list = state.passkeys.length
    ? h('ul', { class: 'console-list' }, state.passkeys.map((p) => h('li', {}, p.name, ' · ', h('time', { datetime: p.created_at }, new Date(p.created_at).toLocaleDateString()))))
    : h('p', { class: 'muted' }, t('factor.no_passkeys'));
  const problem = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const add = passkeysSupported() ? h('button', { type: 'button', class: 'button' }, t('factor.add_passkey')) : h('p', { class: 'muted' }, t('factor.passkeys_unsupported'));
  if (passkeysSupported()) {
    add.addEventListener('click', async () => {
      add.disabled = true;
      problem.hidden = true;
      try {
        const done = await addPasskey(t('factor.passkey_name'));
        announce(t('factor.passkey_added'));
        const shown = [heading(t('factor.title')), h('p', { role: 'status' }, t('factor.passkey_added'))];
        if (done.recovery_codes) shown.push(recoveryList(done.recovery_codes));
        else shown.push(h('p', {}, h('a', { class: 'button', href: '/staff' }, t('factor.done'))));
        view.replaceChildren(...shown);
        view.querySelector('h1').focus();
      } catch (err) {
        problem.textContent = t('login.passkey_failed');
        problem.hidden = false;
        add.disabled = false;
      }
    });
  }
  return h('section', { class: 'card section', 'aria-labelledby': 'passkeys-title' },
    h('h2', { id: 'passkeys-title' }, t('factor.passkeys')), h('p', {}, t('factor.passkeys_intro')), list, add, problem);
}
