// What the meetup screens share (the list and page, my meetups, the organiser's screens): kinds, the
// time span, places and sign-up status texts, refusal messages and the meetup card.

import { t, formatDateTime, formatDate, formatTime } from '../i18n.js';
import { h, errorMessage } from '../ui.js';

export const KINDS = ['youth_centre_evening', 'summer_camp', 'sports', 'info_night', 'other'];

export function kindLabel(kind) {
  return {
    youth_centre_evening: t('meetups.kind_youth_centre_evening'), summer_camp: t('meetups.kind_summer_camp'),
    sports: t('meetups.kind_sports'), info_night: t('meetups.kind_info_night'), other: t('meetups.kind_other'),
  }[kind] || kind;
}

const ENDONYMS = { se: 'Davvisámegiella' };   // when the browser has no name for a language, its own name

export function languageName(code) {
  let name = code;
  try { name = new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' }).of(code); } catch { /* old browser */ }
  return name && name !== code ? name : (ENDONYMS[code] || code);
}

/** "Fri 5 Jun, 17:00–20:00" or "Mon 1 Jul, 10:00 – Wed 3 Jul, 15:00" in city time. */
export function when(m) {
  const sameDay = formatDate(m.starts_at) === formatDate(m.ends_at);
  return sameDay ? `${formatDateTime(m.starts_at)}–${formatTime(m.ends_at)}`
    : `${formatDateTime(m.starts_at)} – ${formatDateTime(m.ends_at)}`;
}

export function placesText(m) {
  if (m.cancelled) return t('meetups.cancelled');
  if (m.places_left > 0) return t('meetups.places_left', { count: m.places_left });
  if (m.waitlist_left > 0) return t('meetups.waitlist_only', { count: m.waitlist_left });
  return t('meetups.full');
}

export function statusText(s) {
  switch (s.status) {
    case 'confirmed': return t('meetups.status_confirmed');
    case 'waitlisted': return t('meetups.status_waitlisted', { position: s.position });
    case 'offered': return t('meetups.status_offered', { time: formatDateTime(s.claim_by) });
    case 'pending': return t('meetups.status_pending');
    case 'declined': return t('meetups.status_declined');
    default: return t('meetups.status_cancelled');
  }
}

const REFUSALS = {
  full: 'meetups.error_full', signup_closed: 'meetups.error_signup_closed',
  signup_not_open: 'meetups.error_signup_not_open', already_signed_up: 'meetups.error_already_signed_up',
  meetup_cancelled: 'meetups.error_meetup_cancelled', offer_expired: 'meetups.error_offer_expired',
  no_offer: 'meetups.error_no_offer', guardian_not_needed: 'meetups.error_guardian_not_needed',
  declined: 'meetups.status_declined',
};

export function refusal(err) {
  const key = REFUSALS[err && err.code];
  return key ? t(key) : errorMessage(err);
}

export function card(m, extra = null) {
  return h('li', {}, h('a', { href: `/meetups/${m.id}`, class: 'card card-link meetup-card' },
    h('span', { class: 'card-title' }, m.title),
    h('span', { class: 'card-body' }, when(m)),
    h('span', { class: 'card-body' }, `${m.venue_name} · ${kindLabel(m.kind)} · ${t('meetups.ages', { min: m.min_age, max: m.max_age })}`),
    extra || h('span', { class: ['badge', m.full ? '' : 'badge-primary'] }, placesText(m))));
}
