// Importing the city's sectors (admin): choose the district file (GeoJSON), see what would change
// (new, changed, unchanged, retired sectors and where their followers and officers go, repairs), then
// import exactly that preview. Uses the sectors feature's /api/admin/sectors/import (dry run, then confirm).

import { t } from '../i18n.js';
import { h, field, errorMessage, toast, announce } from '../ui.js';
import { api } from '../api.js';
import { staffGate, pageHead, select } from './common.js';

function names(list) {
  return list.length ? h('ul', { class: 'console-list' }, list.map((item) => h('li', {}, item.name))) : h('p', { class: 'muted' }, t('console.nothing'));
}

function previewView(preview) {
  return h('div', { class: 'console-preview' },
    h('h3', {}, t('sectors_import.new', { count: preview.new.length })), names(preview.new),
    h('h3', {}, t('sectors_import.changed', { count: preview.changed.length })), names(preview.changed),
    h('p', {}, t('sectors_import.unchanged', { count: preview.unchanged.length })),
    h('h3', {}, t('sectors_import.retired', { count: preview.retired.length })),
    preview.retired.length ? h('ul', { class: 'console-list' }, preview.retired.map((r) => h('li', {},
      t('sectors_import.retired_moves', { name: r.name, followers: r.followers, to: r.moves_to ? r.moves_to.name : '–' }))))
      : h('p', { class: 'muted' }, t('console.nothing')),
    h('p', {}, t('sectors_import.repairs', { count: preview.repairs.length })));
}

export async function sectorImportScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: ['admin'], title: t('sectors_import.title') });
  if (!me) return;
  pageHead(view, me, t('sectors_import.title'), t('sectors_import.intro'));
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card section console-form', novalidate: true },
    field({ id: 'sector-file', label: t('sectors_import.file'), type: 'file', accept: '.json,.geojson,application/geo+json,application/json', name: 'file' }),
    field({ id: 'sector-mode', label: t('sectors_import.mode'), control: select('mode', [['merge', t('sectors_import.merge')], ['replace', t('sectors_import.replace')]], 'merge') }),
    h('button', { type: 'submit', class: 'button' }, t('sectors_import.preview')), result);
  const send = (extra) => {
    const data = new FormData();
    data.append('file', form.elements.file.files[0]);
    data.append('mode', form.elements.mode.value);
    for (const [key, value] of Object.entries(extra)) data.append(key, value);
    return api.upload('/api/admin/sectors/import', data);
  };
  const problem = (err) => h('div', { role: 'alert', class: 'field-error' }, h('p', {}, errorMessage(err)),
    Object.keys(err.fields || {}).length > 1 ? h('ul', {}, Object.entries(err.fields).slice(0, 10).map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.elements.file.files.length) { result.replaceChildren(h('p', { role: 'alert', class: 'field-error' }, t('sectors_import.file_missing'))); return; }
    try {
      const preview = await send({ dry_run: '1' });
      const confirm = h('button', { type: 'button', class: 'button' }, t('sectors_import.confirm'));
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          const done = await send({ confirm: preview.confirm });
          toast(t('sectors_import.done'));
          result.replaceChildren(h('p', { role: 'status' }, t('sectors_import.done')), previewView(done));
          announce(t('sectors_import.done'));
        } catch (err) {
          result.replaceChildren(problem(err));
        }
      });
      result.replaceChildren(h('h2', {}, t('sectors_import.what_changes')), previewView(preview), confirm);
    } catch (err) {
      result.replaceChildren(problem(err));
    }
  });
  view.append(form);
}
