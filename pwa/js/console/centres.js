// Youth centres (admin): create, edit (name, address, position, sector, organisers), retire and restore.

import { refresh } from '../router.js';
import { t } from '../i18n.js';
import { h, field, showFieldErrors, errorMessage, toast } from '../ui.js';
import { api } from '../api.js';
import { staffGate, pageHead, select, act, sectorList } from './common.js';

function centreForm(centre, sectors, organisers, onSaved) {
  const id = centre ? `centre-${centre.id}` : 'centre-new';
  const current = new Set((centre ? centre.organisers : []).map((o) => o.id));
  const form = h('form', { class: 'console-form', novalidate: true },
    field({ id: `${id}-name`, label: t('centres.name'), name: 'name', value: centre ? centre.name : '', required: true, maxlength: '160' }),
    field({ id: `${id}-address`, label: t('centres.address'), name: 'address', value: centre ? centre.address || '' : '', maxlength: '240', autocomplete: 'off' }),
    field({ id: `${id}-sector`, label: t('staff.sector'), control: select('sector_id', [['', t('staff.none')], ...sectors.map((s) => [s.id, s.name])], centre ? centre.sector_id || '' : '') }),
    h('div', { class: 'console-pair' },
      field({ id: `${id}-lat`, label: t('centres.latitude'), name: 'latitude', inputmode: 'decimal', value: centre && centre.latitude !== null ? centre.latitude : '' }),
      field({ id: `${id}-lon`, label: t('centres.longitude'), name: 'longitude', inputmode: 'decimal', value: centre && centre.longitude !== null ? centre.longitude : '' })),
    organisers.length ? h('fieldset', { class: 'choices' }, h('legend', {}, t('centres.organisers')),
      organisers.map((o) => h('label', { class: 'choice' },
        h('input', { type: 'checkbox', name: 'organiser_ids', value: o.id, checked: current.has(o.id) }), h('span', {}, o.name))))
      : h('p', { class: 'muted' }, t('centres.no_organisers')),
    h('button', { type: 'submit', class: 'button' }, centre ? t('console.save') : t('centres.create')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const el = form.elements;
    const number = (input) => (input.value.trim() === '' ? null : Number(input.value.replace(',', '.')));
    const body = { name: el[`${id}-name`].value.trim(), address: el[`${id}-address`].value.trim() || null,
      sector_id: el.sector_id.value ? Number(el.sector_id.value) : (centre ? 0 : null),
      latitude: number(el[`${id}-lat`]), longitude: number(el[`${id}-lon`]),
      organiser_ids: [...form.querySelectorAll('input[name=organiser_ids]:checked')].map((i) => Number(i.value)) };
    if (!centre && body.sector_id === null) delete body.sector_id;
    const problems = {};
    if (body.name.length < 2) problems[`${id}-name`] = t('centres.name_missing');
    if (Number.isNaN(body.latitude)) problems[`${id}-lat`] = t('centres.number');
    if (Number.isNaN(body.longitude)) problems[`${id}-lon`] = t('centres.number');
    showFieldErrors(form, problems);
    if (Object.keys(problems).length) return;
    try {
      if (centre) await api.patch(`/api/console/youth-centres/${centre.id}`, body);
      else await api.post('/api/console/youth-centres', body);
      toast(t(centre ? 'console.saved' : 'centres.created'));
      onSaved();
    } catch (err) {
      const map = { name: `${id}-name`, latitude: `${id}-lat`, longitude: `${id}-lon` };
      const fields = Object.fromEntries(Object.entries(err.fields || {}).map(([k, v]) => [map[k] || k, v]));
      if (Object.keys(fields).length) showFieldErrors(form, fields);
      else toast(errorMessage(err));
    }
  });
  return form;
}

export async function centresScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: ['admin'], title: t('centres.title') });
  if (!me) return;
  const [sectors, data, people] = await Promise.all([sectorList(ctx.signal),
    api.get('/api/console/youth-centres', { signal: ctx.signal }),
    api.get('/api/console/staff?role=organiser&active=true', { signal: ctx.signal })]);
  const organisers = people.staff;
  pageHead(view, me, t('centres.title'), t('centres.intro'));
  view.append(h('section', { class: 'card section', 'aria-labelledby': 'centre-new-title' },
    h('h2', { id: 'centre-new-title' }, t('centres.new')), centreForm(null, sectors, organisers, refresh)));
  const list = h('ul', { class: 'console-cards' });
  for (const centre of data.youth_centres) {
    const retire = centre.retired
      ? h('button', { type: 'button', class: 'button button-small button-secondary',
        onclick: (e) => act(e.currentTarget, () => api.post(`/api/console/youth-centres/${centre.id}/restore`, {}), 'centres.restored', refresh) },
      t('centres.restore'), h('span', { class: 'visually-hidden' }, ` ${centre.name}`))
      : h('button', { type: 'button', class: 'button button-small button-danger',
        onclick: (e) => act(e.currentTarget, () => api.post(`/api/console/youth-centres/${centre.id}/retire`, {}), 'centres.retired_done', refresh) },
      t('centres.retire'), h('span', { class: 'visually-hidden' }, ` ${centre.name}`));
    list.append(h('li', { class: 'card console-person' },
      h('h2', {}, centre.name, centre.retired ? h('span', { class: 'badge' }, t('centres.retired')) : null),
      h('p', {}, [centre.address, centre.sector].filter(Boolean).join(' · ') || '–'),
      h('p', { class: 'muted' }, t('centres.organisers'), ': ', centre.organisers.map((o) => o.name).join(', ') || '–'),
      h('div', { class: 'console-actions' }, retire,
        h('details', { class: 'console-details' }, h('summary', {}, t('console.change'), h('span', { class: 'visually-hidden' }, ` ${centre.name}`)),
          centreForm(centre, sectors, organisers, refresh)))));
  }
  view.append(data.youth_centres.length ? list : h('p', { class: 'muted' }, t('centres.none')));
}
