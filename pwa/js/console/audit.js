// The audit log (admin): who did what to what, filtered by person, action and date; CSV of the same.

import { navigate } from '../router.js';
import { t } from '../i18n.js';
import { h, field } from '../ui.js';
import { api } from '../api.js';
import { staffGate, pageHead, table, when, select } from './common.js';

const FILTERS = ['actor_id', 'action', 'since', 'until'];

export async function auditScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: ['admin'], title: t('audit.title') });
  if (!me) return;
  const filters = new URLSearchParams([...query].filter(([k, v]) => FILTERS.includes(k) && v));
  const data = await api.get(`/api/console/audit?${filters}`, { signal: ctx.signal });
  pageHead(view, me, t('audit.title'));
  const form = h('form', { class: 'console-filters', role: 'search', 'aria-label': t('console.filters') },
    field({ id: 'actor_id', label: t('audit.person'), control: select('actor_id', [['', t('console.any')], ...data.actors.map((a) => [a.id, a.name])], query.get('actor_id')) }),
    field({ id: 'action', label: t('audit.action'), control: select('action', [['', t('console.any')], ...data.actions.map((a) => [a, a])], query.get('action')) }),
    field({ id: 'since', label: t('audit.since'), type: 'date', value: query.get('since') || '' }),
    field({ id: 'until', label: t('audit.until'), type: 'date', value: query.get('until') || '' }),
    h('button', { type: 'submit', class: 'button button-secondary' }, t('console.filter')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) if (form.elements[name].value) next.set(name, form.elements[name].value);
    navigate(`/console/audit${next.toString() ? `?${next}` : ''}`);
  });
  const detail = (e) => Object.entries(e.detail || {}).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' → ') : v}`).join('; ');
  view.append(form,
    h('p', {}, h('a', { class: 'button button-secondary', href: `/api/console/audit.csv?${filters}`, download: 'tuttu-audit.csv' }, t('console.csv'))),
    table(t('audit.title'), [
      { label: t('audit.when'), render: (e) => when(e.at) },
      { key: 'actor', label: t('audit.person'), render: (e) => e.actor || t('audit.system') },
      { key: 'action', label: t('audit.action') },
      { label: t('audit.target'), render: (e) => (e.target_type ? `${e.target_type} ${e.target_id ?? ''}` : null) },
      { label: t('audit.detail'), render: detail },
    ], data.entries),
    data.more ? h('p', { class: 'muted' }, t('audit.more')) : null);
}
