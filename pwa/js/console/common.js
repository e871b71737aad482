// What every console screen shares: its stylesheet (loaded with the first console screen), who may see
// it (login, waiting for verification, role), the console's navigation, tables, and "confirm it's you"
// before sensitive actions (a code from the authenticator app when the last check is 15 minutes old).

import { t, formatDateTime } from '../i18n.js';
import { h, heading, field, showFieldErrors, errorMessage, toast } from '../ui.js';
import { api } from '../api.js';
import { getMe } from '../session.js';

export const ROLES = ['officer', 'youth_worker', 'organiser', 'admin'];

/** Load pwa/css/console.css once (a stylesheet link: allowed by the page's CSP, cached by the service worker). */
export function useConsoleStyles() {
  if (document.querySelector('link[data-console-css]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/console.css', 'data-console-css': '' }));
}

export const roleName = (role) => t(`console.role_${role}`);

/**
 * Who may see this screen. Returns the staff member, or null after rendering what to do instead:
 * log in, wait for verification (said plainly), or "your role can't use this".
 */
export async function staffGate(view, { roles = null, title = t('staff.home_title') } = {}) {
  useConsoleStyles();
  view.classList.add('console-screen');
  const me = await getMe({ refresh: true }).catch(() => ({ kind: 'visitor' }));
  if (me.kind !== 'staff') {
    const next = encodeURIComponent(location.pathname + location.search);
    view.append(heading(title), h('div', { class: 'card section' },
      h('p', {}, t('staff.login_needed')),
      h('p', { class: 'actions' }, h('a', { class: 'button', href: `/login?next=${next}` }, t('staff.login')),
        h('a', { class: 'button button-secondary', href: '/staff/signup' }, t('staff.signup_link')))));
    return null;
  }
  if (!me.verified) {
    view.append(heading(title), waitingCard(me));
    return null;
  }
  if (roles && !roles.includes(me.role)) {
    view.append(heading(title), h('div', { class: 'card section', role: 'alert' }, h('p', {}, t('staff.wrong_role'))),
      h('p', {}, h('a', { href: '/staff' }, t('staff.back_home'))));
    return null;
  }
  return me;
}

/** "Your account is waiting for verification": what happens next, and what can be done meanwhile. */
export function waitingCard(me) {
  return h('section', { class: 'card section console-waiting', 'aria-labelledby': 'waiting-title' },
    h('h2', { id: 'waiting-title' }, t('staff.waiting_title')),
    h('p', {}, t('staff.waiting_body', { role: roleName(me.role) })),
    h('p', {}, t('staff.waiting_factor')),
    h('p', { class: 'actions' }, h('a', { class: 'button', href: '/staff/factor' }, t('staff.factor_setup'))));
}

const SECTIONS = [
  { href: '/console', key: 'console.nav_staff', roles: ['admin'] },
  { href: '/console/invites', key: 'console.nav_invites', roles: ['admin'] },
  { href: '/console/centres', key: 'console.nav_centres', roles: ['admin'] },
  { href: '/console/sectors', key: 'console.nav_sectors', roles: ['admin'] },
  { href: '/console/schedule', key: 'console.nav_schedule', roles: ['admin', 'youth_worker'] },
  { href: '/console/settings', key: 'console.nav_settings', roles: ['admin'] },
  { href: '/console/audit', key: 'console.nav_audit', roles: ['admin'] },
  { href: '/console/reports', key: 'console.nav_reports', roles: ['admin', 'youth_worker'] },
];

/** The console's navigation for this role, the current section marked. */
export function consoleNav(me) {
  const items = SECTIONS.filter((s) => s.roles.includes(me.role));
  return h('nav', { class: 'console-nav', 'aria-label': t('console.nav_label') },
    h('ul', {}, h('li', {}, h('a', { href: '/staff', 'aria-current': location.pathname === '/staff' ? 'page' : null }, t('staff.home_short'))),
      items.map((s) => h('li', {}, h('a', { href: s.href, 'aria-current': location.pathname === s.href ? 'page' : null }, t(s.key))))));
}

/** A table with a caption: columns [{key|render, label, numeric}], rows of objects. */
export function table(caption, columns, rows, { empty = t('console.nothing') } = {}) {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'console-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c, i) => {
        const value = c.render ? c.render(row) : row[c.key];
        const cell = value === null || value === undefined || value === '' ? '–' : value;
        return i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: c.numeric ? 'num' : null }, cell);
      }))))));
}

export const when = (iso) => (iso ? h('time', { datetime: iso }, formatDateTime(new Date(iso))) : null);

/** A select element: options [[value, label]], the current value selected. */
export function select(id, options, value = '', attrs = {}) {
  return h('select', { id, name: id, class: 'input', ...attrs },
    options.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, label)));
}

/**
 * Run a sensitive action; when the server asks to confirm it's you (factor_recheck), ask for a code
 * in a dialog, check it, and run the action again. Resolves with the action's result.
 */
export async function withFactor(action) {
  try {
    return await action();
  } catch (err) {
    if (err.code !== 'factor_recheck') throw err;
    const ok = await askForCode();
    if (!ok) throw err;
    return action();
  }
}

function askForCode() {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { id: 'recheck-title' }, t('console.recheck_title')),
      h('p', {}, t('console.recheck_body')),
      field({ id: 'recheck-code', label: t('console.code_label'), inputmode: 'numeric', autocomplete: 'one-time-code', required: true }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'button' }, t('console.confirm')),
        'PublicKeyCredential' in window && h('button', { type: 'button', class: 'button button-secondary', onclick: async () => {
          try {
            const { usePasskey } = await import('./passkeys.js');
            await usePasskey('/api/console/me/factor/passkey/options', '/api/console/me/factor/passkey');
            finish(true);
          } catch (err) {
            showFieldErrors(form, { 'recheck-code': err.code === 'no_passkey' ? t('login.no_passkey') : t('login.passkey_failed') });
          }
        } }, t('login.use_passkey')),
        h('button', { type: 'button', class: 'button button-secondary', onclick: () => finish(false) }, t('shell.cancel'))));
    const dialog = h('dialog', { class: 'console-dialog', 'aria-labelledby': 'recheck-title' }, form);
    const finish = (ok) => { dialog.close(); dialog.remove(); if (opener) opener.focus(); resolve(ok); };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api.post('/api/console/me/factor/check', { code: form.elements['recheck-code'].value.trim() });
        finish(true);
      } catch (err) {
        showFieldErrors(form, { 'recheck-code': err.status === 422 ? t('console.code_wrong') : errorMessage(err) });
      }
    });
    dialog.addEventListener('cancel', () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Run an action from a button: disable it meanwhile, toast the outcome, then call done(). */
export async function act(button, action, doneKey, done) {
  button.disabled = true;
  try {
    const result = await withFactor(action);
    toast(t(doneKey));
    if (done) await done(result);
  } catch (err) {
    toast(errorMessage(err));
  } finally {
    button.disabled = false;
  }
}

export function pageHead(view, me, title, intro = null) {
  view.append(heading(title), consoleNav(me));
  if (intro) view.append(h('p', { class: 'lead' }, intro));
}

/** The city's sectors as [{id, name}] (from the GeoJSON of /api/sectors). */
export async function sectorList(signal) {
  const data = await api.get('/api/sectors', { signal }).catch(() => null);
  return ((data && data.features) || []).map((f) => ({ id: f.properties.id, name: f.properties.name }));
}

/** The youth centres in use as [{id, name, ...}]. */
export async function centreList(signal) {
  const data = await api.get('/api/youth-centres', { signal }).catch(() => null);
  return (data && data.youth_centres) || [];
}
