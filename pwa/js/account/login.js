// Staff login (officers, youth workers, organisers, admins). Youth never need it: they start anonymously.

import { navigate } from '../router.js';
import { t } from '../i18n.js';
import { h, heading, field, showFieldErrors, toast } from '../ui.js';
import { login, finishLogin, loginFinished } from '../session.js';

const MESSAGES = { bad_credentials: 'login.bad_credentials', deactivated: 'login.deactivated' };

function safeNext(query) {
  const next = query.get('next') || '/staff';           // staff land on their staff home
  return next.startsWith('/') && !next.startsWith('//') ? next : '/staff';
}

export async function loginScreen(view, params, query) {
  const problem = h('p', { class: 'field-error', id: 'login-problem', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button button-block' }, t('login.submit'));
  const form = h('form', { class: 'card', novalidate: true, 'aria-describedby': 'login-problem' },
    field({ id: 'email', label: t('login.email'), type: 'email', autocomplete: 'username', required: true, inputmode: 'email' }),
    field({ id: 'password', label: t('login.password'), type: 'password', autocomplete: 'current-password', required: true }),
    problem, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    const missing = {};
    if (!email) missing.email = t('login.email_missing');
    if (!password) missing.password = t('login.password_missing');
    problem.hidden = true;
    showFieldErrors(form, missing);
    if (Object.keys(missing).length) return;
    submit.disabled = true;
    try {
      const me = await login(email, password);
      toast(t('login.welcome', { name: me.name || email }));
      navigate(safeNext(query), { replace: true });
    } catch (err) {
      if (err.code === 'second_factor_required') { askForCode(view, query, email); return; }
      if (err.status === 422) showFieldErrors(form, { email: t('login.email_invalid') });
      problem.textContent = t(MESSAGES[err.code] || (err.status === 429 ? 'shell.error_rate_limited' : 'login.failed'));
      problem.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  view.append(heading(t('login.title')), h('p', {}, t('login.intro')), form);
}

/** The second step for accounts with a second factor: a code from the authenticator app or a recovery code. */
function askForCode(view, query, email) {
  const submit = h('button', { type: 'submit', class: 'button button-block' }, t('login.code_submit'));
  const form = h('form', { class: 'card', novalidate: true },
    h('p', {}, t('login.code_intro')),
    field({ id: 'code', label: t('login.code_label'), hint: t('login.code_hint'), inputmode: 'numeric',
      autocomplete: 'one-time-code', required: true, maxlength: '40' }),
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const code = form.elements.code.value.replace(/\s/g, '');
    if (code.length < 6) { showFieldErrors(form, { code: t('login.code_hint') }); return; }
    submit.disabled = true;
    try {
      const me = await finishLogin(code);
      toast(t('login.welcome', { name: me.name || email }));
      navigate(safeNext(query), { replace: true });
    } catch (err) {
      if (err.status === 401) { toast(t('login.code_expired')); navigate(location.pathname + location.search, { replace: true }); return; }
      showFieldErrors(form, { code: err.status === 422 ? t('login.code_wrong') : t('login.failed') });
    } finally {
      submit.disabled = false;
    }
  });
  const passkey = 'PublicKeyCredential' in window && h('button', { type: 'button', class: 'button button-secondary button-block',
    onclick: async () => {
      try {
        const { usePasskey } = await import('../console/passkeys.js');
        const me = await loginFinished(await usePasskey('/api/auth/second-factor/passkey/options', '/api/auth/second-factor/passkey'));
        toast(t('login.welcome', { name: me.name || email }));
        navigate(safeNext(query), { replace: true });
      } catch (err) {
        if (err.status === 401) { toast(t('login.code_expired')); navigate(location.pathname + location.search, { replace: true }); return; }
        showFieldErrors(form, { code: err.code === 'no_passkey' ? t('login.no_passkey') : t('login.passkey_failed') });
      }
    } }, t('login.use_passkey'));
  view.replaceChildren(heading(t('login.title')), form, passkey);
  form.elements.code.focus();
}
