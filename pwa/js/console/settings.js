// The city's settings (admin): helplines shown to youth, extra words per language for the chat's hold
// and "may need help" lists, retention periods, and which roles must use a second factor.

import { refresh } from '../router.js';
import { t, LANGUAGE_NAMES } from '../i18n.js';
import { h, field, showFieldErrors, errorMessage, toast } from '../ui.js';
import { api } from '../api.js';
import { staffGate, pageHead, roleName, ROLES, withFactor } from './common.js';

const section = (id, title, ...children) => h('section', { class: 'card section', 'aria-labelledby': `settings-${id}` },
  h('h2', { id: `settings-${id}` }, title), ...children);

async function save(form, action, prefix = '') {
  try {
    await withFactor(action);
    toast(t('console.saved'));
    refresh();
  } catch (err) {
    const fields = Object.fromEntries(Object.entries(err.fields || {}).map(([k, v]) => [`${prefix}${k.replaceAll('.', '-')}`, v]));
    if (Object.keys(fields).length && form.querySelector(`[name="${Object.keys(fields)[0]}"]`)) showFieldErrors(form, fields);
    else toast(errorMessage(err));
  }
}

function helplineRow(line, n) {
  const id = `helplines-${n}`;
  return h('fieldset', { class: 'console-helpline' }, h('legend', {}, t('settings.helpline_n', { n: n + 1 })),
    field({ id: `${id}-name`, label: t('settings.helpline_name'), value: line.name || '', maxlength: '120' }),
    field({ id: `${id}-number`, label: t('settings.helpline_number'), value: line.number || '', inputmode: 'tel', maxlength: '40' }),
    field({ id: `${id}-url`, label: t('settings.helpline_url'), value: line.url || '', type: 'url', maxlength: '300' }),
    field({ id: `${id}-hours`, label: t('settings.helpline_hours'), value: line.hours || '', maxlength: '60' }));
}

function helplinesForm(settings) {
  const lines = [...settings.helplines, {}];
  const form = h('form', { class: 'console-form', novalidate: true },
    h('p', { class: 'muted' }, t(settings.helplines_from === 'console' ? 'settings.helplines_console' : 'settings.helplines_env')),
    lines.map(helplineRow),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('console.save')),
      settings.helplines_from === 'console' && h('button', { type: 'button', class: 'button button-secondary',
        onclick: () => save(form, () => api.put('/api/console/settings/helplines', { helplines: null })) }, t('settings.helplines_reset'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (id) => form.elements[id].value.trim();
    const helplines = lines.map((_, n) => ({ name: value(`helplines-${n}-name`), number: value(`helplines-${n}-number`) || null,
      url: value(`helplines-${n}-url`) || null, hours: value(`helplines-${n}-hours`) || null }))
      .filter((line) => line.name);
    save(form, () => api.put('/api/console/settings/helplines', { helplines }));
  });
  return form;
}

function wordListForm(settings) {
  const langs = Object.keys(settings.word_lists);
  const form = h('form', { class: 'console-form', novalidate: true },
    h('p', { class: 'muted' }, t('settings.words_intro')),
    langs.map((lang) => h('fieldset', { class: 'console-words', lang },
      h('legend', {}, LANGUAGE_NAMES[lang] || lang),
      field({ id: `words-${lang}-hold`, label: t('settings.words_hold'), hint: t('settings.words_hint'),
        control: h('textarea', { class: 'input', rows: '3' }, settings.word_lists[lang].hold.join('\n')) }),
      field({ id: `words-${lang}-flag`, label: t('settings.words_flag'),
        control: h('textarea', { class: 'input', rows: '3' }, settings.word_lists[lang].flag.join('\n')) }),
      h('button', { type: 'button', class: 'button button-small', onclick: () => {
        const words = (id) => form.elements[id].value.split('\n').map((w) => w.trim()).filter(Boolean);
        save(form, () => api.put(`/api/console/settings/word-lists/${lang}`, { hold: words(`words-${lang}-hold`), flag: words(`words-${lang}-flag`) }));
      } }, t('settings.words_save', { language: LANGUAGE_NAMES[lang] || lang })))));
  return form;
}

function retentionForm(settings) {
  const names = Object.keys(settings.retention);
  const form = h('form', { class: 'console-form', novalidate: true },
    names.map((name) => {
      const r = settings.retention[name];
      return field({ id: name, label: t(`settings.${name}`), type: 'number', min: String(r.min), max: String(r.max), value: r.days,
        hint: t('settings.days_range', { min: r.min, max: r.max, default: r.default }) });
    }),
    h('button', { type: 'submit', class: 'button' }, t('console.save')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = Object.fromEntries(names.map((name) => [name, Number(form.elements[name].value)]));
    save(form, () => api.put('/api/console/settings/retention', body));
  });
  return form;
}

function factorPolicyForm(settings) {
  const required = new Set(settings.second_factor_roles);
  const form = h('form', { class: 'console-form', novalidate: true },
    h('fieldset', { class: 'choices' }, h('legend', {}, t('settings.factor_roles')),
      ROLES.map((role) => h('label', { class: 'choice' },
        h('input', { type: 'checkbox', name: 'roles', value: role, checked: required.has(role) }), h('span', {}, roleName(role))))),
    h('button', { type: 'submit', class: 'button' }, t('console.save')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const roles = [...form.querySelectorAll('input[name=roles]:checked')].map((i) => i.value);
    save(form, () => api.put('/api/console/settings/second-factor', { roles }));
  });
  return form;
}

export async function settingsScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: ['admin'], title: t('settings.title') });
  if (!me) return;
  const settings = await api.get('/api/console/settings', { signal: ctx.signal });
  pageHead(view, me, t('settings.title'));
  view.append(
    section('helplines', t('settings.helplines'), helplinesForm(settings)),
    section('words', t('settings.words'), wordListForm(settings)),
    section('retention', t('settings.retention'), retentionForm(settings)),
    section('factor', t('settings.factor'), factorPolicyForm(settings)));
}
