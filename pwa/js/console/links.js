// The way into the staff screens from Me (small: part of the initial download). Staff see their staff
// home (and the console for admins); staff waiting for verification are told so.

import { t } from '../i18n.js';
import { h } from '../ui.js';
import { getMe } from '../session.js';

export function renderStaffLinks(container, me) {
  if (me.kind !== 'staff') { container.remove(); return; }
  container.setAttribute('aria-labelledby', 'me-staff-title');
  container.append(h('h2', { id: 'me-staff-title' }, t('staff.me_title')));
  if (!me.verified) container.append(h('p', { role: 'status' }, t('staff.waiting_short')));
  container.append(h('p', { class: 'actions' },
    h('a', { class: 'button', href: '/staff' }, t('staff.home_short')),
    me.role === 'admin' && me.verified && h('a', { class: 'button button-secondary', href: '/console' }, t('console.title')),
    h('a', { class: 'button button-secondary', href: '/staff/factor' }, t('factor.title'))));
}

/** On Home, staff find their staff home (and officers "Write") first. */
export async function renderStaffShortcut(container) {
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  if (me.kind !== 'staff') { container.remove(); return; }
  container.append(h('p', { class: 'actions' },
    h('a', { class: 'button', href: '/staff' }, t('staff.home_short')),
    me.role === 'officer' && me.verified && h('a', { class: 'button button-secondary', href: '/posts/new' }, t('staff.write'))));
}
