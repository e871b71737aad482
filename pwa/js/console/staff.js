// The admin's staff list (filters: role, place, verified, active, second factor) with verify, role and
// place changes, deactivate, reactivate and factor reset; and invitations (a link for a role and place).

import { navigate, refresh } from '../router.js';
import { t } from '../i18n.js';
import { h, field, showFieldErrors, errorMessage, toast, announce } from '../ui.js';
import { api } from '../api.js';
import { staffGate, pageHead, table, when, select, roleName, ROLES, act, withFactor, sectorList, centreList } from './common.js';

const yesNoOptions = () => [['', t('console.any')], ['true', t('console.yes')], ['false', t('console.no')]];

function filterForm(query, sectors, centres) {
  const form = h('form', { class: 'console-filters', role: 'search', 'aria-label': t('console.filters') },
    field({ id: 'role', label: t('staff.role'), control: select('role', [['', t('console.any')], ...ROLES.map((r) => [r, roleName(r)])], query.get('role')) }),
    field({ id: 'sector_id', label: t('staff.sector'), control: select('sector_id', [['', t('console.any')], ...sectors.map((s) => [s.id, s.name])], query.get('sector_id')) }),
    field({ id: 'youth_centre_id', label: t('staff.youth_centre'), control: select('youth_centre_id', [['', t('console.any')], ...centres.map((c) => [c.id, c.name])], query.get('youth_centre_id')) }),
    field({ id: 'verified', label: t('console.verified'), control: select('verified', yesNoOptions(), query.get('verified')) }),
    field({ id: 'active', label: t('console.active'), control: select('active', yesNoOptions(), query.get('active')) }),
    field({ id: 'factor', label: t('console.second_factor'), control: select('factor', yesNoOptions(), query.get('factor')) }),
    h('button', { type: 'submit', class: 'button button-secondary' }, t('console.filter')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const el of form.querySelectorAll('select')) if (el.value) params.set(el.name, el.value);
    navigate(`/console${params.toString() ? `?${params}` : ''}`);
  });
  return form;
}

function statusText(s) {
  return [s.verified ? t('console.verified') : t('console.waiting'), s.active ? null : t('console.deactivated'),
    s.second_factor ? t('console.has_factor') : null].filter(Boolean).join(' · ');
}

function staffActions(s, me, sectors, centres) {
  const wrap = h('div', { class: 'console-actions' });
  const post = (path, doneKey, body) => (event) => act(event.currentTarget, () => api.post(path, body), doneKey, refresh);
  if (!s.verified && s.id !== me.id) {
    wrap.append(h('button', { type: 'button', class: 'button button-small', onclick: post(`/api/console/staff/${s.id}/verify`, 'console.verified_done') },
      t('console.verify'), h('span', { class: 'visually-hidden' }, ` ${s.name}`)));
  }
  if (s.id !== me.id) {
    wrap.append(s.active
      ? h('button', { type: 'button', class: 'button button-small button-danger', onclick: post(`/api/console/staff/${s.id}/deactivate`, 'console.deactivated_done') },
        t('console.deactivate'), h('span', { class: 'visually-hidden' }, ` ${s.name}`))
      : h('button', { type: 'button', class: 'button button-small button-secondary', onclick: post(`/api/console/staff/${s.id}/reactivate`, 'console.reactivated_done') },
        t('console.reactivate'), h('span', { class: 'visually-hidden' }, ` ${s.name}`)));
    if (s.second_factor) {
      wrap.append(h('button', { type: 'button', class: 'button button-small button-secondary', onclick: post(`/api/console/staff/${s.id}/reset-factor`, 'console.factor_reset_done') },
        t('console.reset_factor'), h('span', { class: 'visually-hidden' }, ` ${s.name}`)));
    }
    wrap.append(changeForm(s, sectors, centres));
  }
  return wrap;
}

function changeForm(s, sectors, centres) {
  const id = `change-${s.id}`;
  const form = h('form', { class: 'console-inline-form', novalidate: true },
    field({ id: `${id}-role`, label: t('staff.role'), control: select('role', ROLES.map((r) => [r, roleName(r)]), s.role) }),
    field({ id: `${id}-sector`, label: t('staff.sector'), control: select('sector_id', [['0', t('staff.none')], ...sectors.map((x) => [x.id, x.name])], s.sector_id || '0') }),
    field({ id: `${id}-centre`, label: t('staff.youth_centre'), control: select('youth_centre_id', [['0', t('staff.none')], ...centres.map((x) => [x.id, x.name])], s.youth_centre_id || '0') }),
    h('button', { type: 'submit', class: 'button button-small' }, t('console.save')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { sector_id: Number(form.elements.sector_id.value), youth_centre_id: Number(form.elements.youth_centre_id.value) };
    if (form.elements.role.value !== s.role) body.role = form.elements.role.value;
    act(form.querySelector('button'), () => api.patch(`/api/console/staff/${s.id}`, body), 'console.saved', refresh);
  });
  return h('details', { class: 'console-details' }, h('summary', {}, t('console.change'), h('span', { class: 'visually-hidden' }, ` ${s.name}`)), form);
}

export async function staffListScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: ['admin'], title: t('console.staff_title') });
  if (!me) return;
  const [sectors, centres] = await Promise.all([sectorList(ctx.signal), centreList(ctx.signal)]);
  const filters = new URLSearchParams([...query].filter(([k]) => ['role', 'sector_id', 'youth_centre_id', 'verified', 'active', 'factor'].includes(k)));
  const data = await api.get(`/api/console/staff?${filters}`, { signal: ctx.signal });
  pageHead(view, me, t('console.staff_title'));
  view.append(filterForm(query, sectors, centres),
    h('p', { role: 'status', class: 'muted' }, t('console.staff_count', { count: data.staff.length })),
    h('ul', { class: 'console-cards' }, data.staff.map((s) => h('li', { class: 'card console-person' },
      h('h2', {}, s.name),
      h('p', {}, roleName(s.role), s.title ? ` · ${s.title}` : '', s.sector ? ` · ${s.sector}` : '', s.youth_centre ? ` · ${s.youth_centre}` : ''),
      h('p', { class: 'muted' }, s.email, ' · ', statusText(s)),
      staffActions(s, me, sectors, centres)))));
}

// --- invitations ----------------------------------------------------------------------------------

export async function invitesScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: ['admin'], title: t('console.invites_title') });
  if (!me) return;
  const [sectors, centres, data] = await Promise.all([sectorList(ctx.signal), centreList(ctx.signal),
    api.get('/api/console/invites', { signal: ctx.signal })]);
  pageHead(view, me, t('console.invites_title'), t('console.invites_intro'));
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card section console-form', novalidate: true },
    h('h2', {}, t('console.invite_new')),
    field({ id: 'invite-role', label: t('staff.role'), control: select('role', ROLES.map((r) => [r, roleName(r)]), 'officer') }),
    field({ id: 'invite-sector', label: t('staff.sector'), control: select('sector_id', [['', t('staff.none')], ...sectors.map((s) => [s.id, s.name])]) }),
    field({ id: 'invite-centre', label: t('staff.youth_centre'), control: select('youth_centre_id', [['', t('staff.none')], ...centres.map((c) => [c.id, c.name])]) }),
    field({ id: 'invite-note', label: t('console.invite_note'), name: 'note', maxlength: '120' }),
    h('button', { type: 'submit', class: 'button' }, t('console.invite_create')), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { role: form.elements.role.value };
    if (form.elements.sector_id.value) body.sector_id = Number(form.elements.sector_id.value);
    if (form.elements.youth_centre_id.value) body.youth_centre_id = Number(form.elements.youth_centre_id.value);
    if (form.elements['invite-note'].value.trim()) body.note = form.elements['invite-note'].value.trim();
    try {
      const made = await withFactor(() => api.post('/api/console/invites', body));
      const link = h('input', { id: 'invite-link', class: 'input', readonly: true, value: made.link });
      result.replaceChildren(h('div', { class: 'console-note' },
        h('p', {}, t('console.invite_made')), field({ id: 'invite-link', label: t('console.invite_link'), control: link }),
        h('button', { type: 'button', class: 'button button-secondary', onclick: async () => {
          try { await navigator.clipboard.writeText(made.link); toast(t('console.copied')); } catch { link.select(); }
        } }, t('console.copy'))));
      announce(t('console.invite_made'));
      showFieldErrors(form, {});
    } catch (err) {
      result.replaceChildren(h('p', { role: 'alert', class: 'field-error' }, errorMessage(err)));
    }
  });
  const states = (i) => t(`console.invite_${i.state}`);
  view.append(form, table(t('console.invites_title'), [
    { label: t('staff.role'), render: (i) => roleName(i.role) },
    { label: t('console.place'), render: (i) => i.sector || i.youth_centre },
    { key: 'note', label: t('console.invite_note') },
    { label: t('console.state'), render: states },
    { label: t('console.expires'), render: (i) => when(i.expires_at) },
    { key: 'used_by', label: t('console.used_by') },
    { label: t('console.actions'), render: (i) => (i.state === 'open'
      ? h('button', { type: 'button', class: 'button button-small button-secondary',
        onclick: (e) => act(e.currentTarget, () => api.post(`/api/console/invites/${i.id}/revoke`, {}), 'console.revoked_done', refresh) }, t('console.revoke'))
      : null) },
  ], data.invites));
}
