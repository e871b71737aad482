// Me: who I am here, language, install, feature sections (push reminders, ...), erase me.

import { refresh } from '../router.js';
import { t, LANGUAGES, LANGUAGE_NAMES, currentLanguage, setLanguage } from '../i18n.js';
import { h, heading, toast, announce, errorMessage, offlineNote, field, showFieldErrors } from '../ui.js';
import { api } from '../api.js';
import { getMe, becomeYouth, logout, eraseMe, changeHandle } from '../session.js';
import { installState, promptInstall, iosSteps, onInstallStateChange } from '../install.js';

const meSections = [];

/**
 * Let a feature add a section to Me (push reminders, say).
 * render(container, me, ctx) fills the container (a <section>); it may be async and return a teardown.
 */
export function addMeSection({ id, order = 50, render }) {
  meSections.push({ id, order, render });
  meSections.sort((a, b) => a.order - b.order);
}

function section(id, titleKey, ...children) {
  return h('section', { class: 'card section', 'aria-labelledby': `me-${id}-title` },
    h('h2', { id: `me-${id}-title` }, t(titleKey)), ...children);
}

function identitySection(me, data) {
  if (me.kind === 'youth') {
    return section('identity', 'me.identity_title',
      h('p', {}, t('me.you_are'), ' ', h('strong', { class: 'handle' }, me.handle)),
      h('p', { class: 'muted' }, t('me.anonymous_note')), offlineNote(data), handleForm(me));
  }
  if (me.kind === 'staff') {
    return section('identity', 'me.identity_title',
      h('p', {}, t('me.signed_in_as'), ' ', h('strong', {}, me.name || me.email || '')),
      h('button', { type: 'button', class: 'button button-secondary', onclick: () => run(logout, 'me.logged_out') }, t('me.logout')));
  }
  return section('identity', 'me.identity_title',
    h('p', {}, t('me.visitor_intro')),
    h('button', { type: 'button', class: 'button', onclick: () => run(becomeYouth, 'me.started') }, t('me.start_anonymous')),
    h('p', { class: 'muted staff-login' }, t('me.staff_question'), ' ', h('a', { href: '/login' }, t('me.staff_login'))));
}

const HANDLE_ERRORS = { handle_taken: 'me.handle_taken', invalid: 'me.handle_invalid' };

function handleForm(me) {
  const form = h('form', { class: 'handle-form', novalidate: true },
    field({ id: 'handle', label: t('me.handle_label'), hint: t('me.handle_hint'), value: me.handle,
      autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', maxlength: '24', minlength: '3', required: true }),
    h('button', { type: 'submit', class: 'button button-secondary' }, t('me.handle_save')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const handle = form.elements.handle.value.trim();
    if (handle.length < 3) { showFieldErrors(form, { handle: t('me.handle_invalid') }); return; }
    try {
      await changeHandle(handle);
      showFieldErrors(form, {});
      announce(t('me.handle_saved'));
      toast(t('me.handle_saved'));
      refresh();
    } catch (err) {
      const key = HANDLE_ERRORS[err.code];
      showFieldErrors(form, { handle: key ? t(key) : errorMessage(err) });
    }
  });
  return h('details', { class: 'handle-details' }, h('summary', {}, t('me.handle_change')), form);
}

async function run(action, doneKey) {
  try {
    await action();
    announce(t(doneKey));
    toast(t(doneKey));
  } catch (err) {
    toast(errorMessage(err));
  }
  refresh();
}

function languageSection() {
  const current = currentLanguage();
  const options = LANGUAGES.map((lang) => h('label', { class: 'choice', lang },
    h('input', { type: 'radio', name: 'language', value: lang, checked: lang === current,
      onchange: async (event) => { await setLanguage(event.target.value); announce(t('me.language_changed')); } }),
    h('span', {}, LANGUAGE_NAMES[lang])));
  return section('language', 'me.language_title',
    h('fieldset', { class: 'choices' }, h('legend', { class: 'visually-hidden' }, t('me.language_title')), options));
}

function installBody(state) {
  if (state === 'installed') return [h('p', {}, t('install.already'))];
  if (state === 'available') {
    return [h('p', {}, t('install.body')),
      h('button', { type: 'button', class: 'button', onclick: promptInstall }, t('install.button'))];
  }
  if (state === 'ios') return [h('p', {}, t('install.ios_intro')), iosSteps()];
  return [h('p', {}, t('install.browser_menu'))];
}

function installSection() {
  const body = h('div', {}, installBody(installState()));
  const stop = onInstallStateChange((state) => body.replaceChildren(...installBody(state)));
  return { element: section('install', 'install.title', body), stop };
}

function eraseSection() {
  const confirmBox = h('div', { class: 'confirm', hidden: true },
    h('p', { role: 'alert' }, t('me.erase_confirm')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button button-danger', onclick: () => run(eraseMe, 'me.erased') }, t('me.erase_yes')),
      h('button', { type: 'button', class: 'button button-secondary', onclick: () => { confirmBox.hidden = true; start.focus(); } }, t('shell.cancel'))));
  const start = h('button', { type: 'button', class: 'button button-danger',
    onclick: () => { confirmBox.hidden = false; confirmBox.querySelector('button').focus(); } }, t('me.erase'));
  return section('erase', 'me.erase_title', h('p', {}, t('me.erase_body')), start, confirmBox);
}

export async function meScreen(view, params, query, ctx) {
  let data = null;
  try { data = await api.get('/api/me', { signal: ctx.signal }); } catch (err) {
    if (err.name === 'AbortError') throw err;
  }
  const me = data || (await getMe().catch(() => ({ kind: 'visitor' })));
  const install = installSection();
  view.append(heading(t('me.title')), identitySection(me, data), languageSection(), install.element);
  const teardowns = [install.stop];
  for (const extra of meSections) {
    const container = h('section', { id: `me-${extra.id}`, class: 'card section' });
    view.append(container);
    try {
      const teardown = await extra.render(container, me, ctx);
      if (typeof teardown === 'function') teardowns.push(teardown);
    } catch (err) {
      console.error(`me section ${extra.id} failed`, err);
    }
  }
  if (me.kind === 'youth') view.append(eraseSection());
  return () => teardowns.forEach((fn) => fn());
}
