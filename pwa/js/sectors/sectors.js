// Find your sector (postcode, tapping the map, or on-device location), the sector page and the officer page.
// The map is drawn from the sectors' GeoJSON (no tiles: works offline). "Use my location" runs only on a tap
// and the position is matched against the cached GeoJSON on this phone: it is never sent anywhere.

import { navigate, refresh } from '../router.js';
import { api, ApiError } from '../api.js';
import { t, currentLanguage, cityTimeZone } from '../i18n.js';
import { h, svg, heading, spinner, emptyState, errorState, offlineNote, toast, announce, field, showFieldErrors,
  errorMessage } from '../ui.js';
import { getMe, becomeYouth } from '../session.js';
import { findSector, mapProjection, geometryPath, labelPoint, bounds } from './geo.js';
import { avatar, verifiedBadge, renderFeed, put } from '../feed/posts.js';

// --- follow ------------------------------------------------------------------------------------------

/** A one-tap Follow / Following toggle for {sector: id} or {officer: id}; a visitor becomes an anonymous youth first. */
export function followButton(target, following, name) {
  const [kind, id] = Object.entries(target)[0];
  const button = h('button', { type: 'button', class: 'button follow-button', 'aria-pressed': following ? 'true' : 'false' });
  const show = (on) => {
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    button.classList.toggle('button-secondary', on);
    button.textContent = t(on ? 'sectors.following' : 'sectors.follow');
    button.setAttribute('aria-label', t(on ? 'sectors.unfollow_label' : 'sectors.follow_label', { name }));
  };
  show(following);
  button.addEventListener('click', async () => {
    const on = button.getAttribute('aria-pressed') === 'true';
    button.disabled = true;
    try {
      if (on) {
        await api.del(`/api/follows/${kind}s/${id}`);
      } else {
        const me = await getMe();
        if (me.kind === 'visitor') await becomeYouth();
        await api.post('/api/follows', target).catch((err) => { if (!(err instanceof ApiError && err.status === 409)) throw err; });
      }
      show(!on);
      announce(t(on ? 'sectors.unfollowed' : 'sectors.followed', { name }));
      toast(t(on ? 'sectors.unfollowed' : 'sectors.followed', { name }));
    } catch (err) {
      toast(errorMessage(err));
    }
    button.disabled = false;
  });
  return button;
}

async function canFollow() {
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  return me.kind !== 'staff';
}

// --- finding a sector ------------------------------------------------------------------------------

let postcodeExample = null;          // a postcode of this city's map, for the hint ("For example 00100")

function invalidPostcode() {
  return postcodeExample ? t('sectors.postcode_invalid', { example: postcodeExample }) : t('sectors.postcode_label');
}

/** Show a real postcode of the city as the example, once the map is loaded (no example: no hint). */
function showPostcodeExample(view, collection) {
  const withCodes = collection.features.find((f) => f.properties.postcodes && f.properties.postcodes.length);
  postcodeExample = withCodes ? withCodes.properties.postcodes[0] : null;
  const hint = view.querySelector('#postcode-hint');
  if (!hint) return;
  hint.textContent = postcodeExample ? t('sectors.postcode_hint', { example: postcodeExample }) : '';
  hint.hidden = !postcodeExample;
}

function postcodeForm() {
  const form = h('form', { class: 'postcode-form', novalidate: true, role: 'search' },
    field({ id: 'postcode', label: t('sectors.postcode_label'), hint: t('sectors.postcode_hint', { example: postcodeExample || '' }), inputmode: 'numeric',
      autocomplete: 'postal-code', maxlength: 12, required: true }),
    h('button', { type: 'submit', class: 'button' }, t('sectors.postcode_find')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const postcode = form.elements.postcode.value.trim();
    if (!/^[0-9A-Za-z -]{3,12}$/.test(postcode)) { showFieldErrors(form, { postcode: invalidPostcode() }); return; }
    try {
      const sector = await api.get(`/api/sectors/locate?postcode=${encodeURIComponent(postcode)}`);
      navigate(`/sectors/${sector.id}`);
    } catch (err) {
      const message = err.code === 'unknown_postcode' ? t('sectors.postcode_unknown', { postcode })
        : err.status === 422 ? invalidPostcode() : errorMessage(err);
      showFieldErrors(form, { postcode: message });
    }
  });
  return form;
}

/** The sectors drawn as tappable shapes, with their names; `here` marks the user's own position. */
function sectorMap(collection, here = null) {
  const projection = mapProjection(collection, 1000);
  const map = svg('svg', { viewBox: `0 0 ${projection.width} ${projection.height}`, class: 'sector-map', role: 'group',
    'aria-label': t('sectors.map_label') });
  for (const feature of collection.features) {
    const { id, name } = feature.properties;
    const shape = svg('path', { d: geometryPath(feature.geometry, projection.project), class: 'sector-shape',
      'fill-rule': 'evenodd', tabindex: 0, role: 'link', 'aria-label': name, 'data-sector-id': id });
    shape.append(svg('title', {}, name));
    const open = () => navigate(`/sectors/${id}`);
    shape.addEventListener('click', open);
    shape.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); open(); } });
    map.append(shape);
  }
  for (const feature of collection.features) {
    const point = labelPoint(feature.geometry);
    if (!point) continue;
    const [x, y] = projection.project(point);
    // Small districts get smaller names (never below what a phone shows legibly at full width).
    const [west, , east] = bounds({ features: [feature] });
    const widthUnits = Math.abs(projection.project([east, point[1]])[0] - projection.project([west, point[1]])[0]);
    const size = Math.max(18, Math.min(34, (1.6 * widthUnits) / Math.max(feature.properties.name.length, 4)));
    const label = svg('text', { x: x.toFixed(1), y: y.toFixed(1), class: 'sector-label', 'text-anchor': 'middle',
      'dominant-baseline': 'middle', 'aria-hidden': 'true' }, feature.properties.name);
    label.style.fontSize = `${size.toFixed(0)}px`;
    map.append(label);
  }
  if (here && projection.contains(here[0], here[1])) {
    const [x, y] = projection.project(here);
    map.append(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 14, class: 'you-are-here', 'aria-hidden': 'true' }));
  }
  return map;
}

function locationButton(collection, onFound) {
  const status = h('p', { class: 'muted', role: 'status' });
  const button = h('button', { type: 'button', class: 'button button-secondary' }, t('sectors.use_location'));
  button.addEventListener('click', () => {
    if (!('geolocation' in navigator)) { status.textContent = t('sectors.location_unavailable'); return; }
    status.textContent = t('sectors.locating');
    navigator.geolocation.getCurrentPosition((position) => {
      const { longitude, latitude } = position.coords;          // used here, on the phone, and then forgotten
      const feature = findSector(collection, longitude, latitude);
      onFound([longitude, latitude]);
      if (feature) {
        status.textContent = t('sectors.location_found', { name: feature.properties.name });
        navigate(`/sectors/${feature.properties.id}`);
      } else {
        status.textContent = t('sectors.location_outside');
      }
    }, (error) => {
      status.textContent = t(error.code === 1 ? 'sectors.location_denied' : 'sectors.location_unavailable');
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
  return h('div', { class: 'location' }, button, h('p', { class: 'field-hint' }, t('sectors.location_private')), status);
}

export async function finderScreen(view, params, query, ctx) {
  view.append(heading(t('sectors.find_title')), h('p', { class: 'lead' }, t('sectors.find_intro')), postcodeForm(), spinner());
  let collection;
  try {
    collection = await api.get('/api/sectors', { signal: ctx.signal });
  } catch (err) {
    if (err.name === 'AbortError') return;
    view.lastChild.replaceWith(errorState(err, refresh));
    return;
  }
  showPostcodeExample(view, collection);
  if (!collection.features.length) { view.lastChild.replaceWith(emptyState(t('sectors.none'))); return; }
  const mapHolder = h('div', { class: 'map-holder' }, sectorMap(collection));
  const list = h('ul', { class: 'card-list' }, collection.features.map((f) => h('li', {},
    h('a', { class: 'card card-link', href: `/sectors/${f.properties.id}` }, h('span', { class: 'card-title' }, f.properties.name),
      f.properties.postcodes.length > 0 && h('span', { class: 'card-body' }, f.properties.postcodes.join(', '))))));
  view.lastChild.replaceWith(
    offlineNote(collection) || '',
    h('section', { 'aria-labelledby': 'map-title' }, h('h2', { id: 'map-title' }, t('sectors.map_title')),
      h('p', { class: 'muted' }, t('sectors.map_hint')), mapHolder,
      collection.attribution ? h('p', { class: 'muted map-credit' }, t('sectors.map_credit', { source: collection.attribution })) : '',
      locationButton(collection, (here) => mapHolder.replaceChildren(sectorMap(collection, here)))),
    h('section', { 'aria-labelledby': 'all-title' }, h('h2', { id: 'all-title' }, t('sectors.all_title')), list));
}

export async function mySectorScreen(view, params, query, ctx) {
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  let sectorId = me.kind === 'staff' ? me.sector_id : null;
  if (me.kind === 'youth') {
    const follows = await api.get('/api/follows', { signal: ctx.signal }).catch(() => null);
    sectorId = follows && follows.sectors.length ? follows.sectors[0].id : null;
  }
  if (sectorId) return sectorScreen(view, { id: String(sectorId) }, query, ctx);
  return finderScreen(view, params, query, ctx);
}

// --- the sector page -------------------------------------------------------------------------------

const WEEK_START = Date.UTC(2024, 0, 1, 12);   // a Monday

function dayName(day) {
  return new Intl.DateTimeFormat(currentLanguage(), { weekday: 'long', timeZone: 'UTC' }).format(new Date(WEEK_START + day * 86400000));
}

/** Is the office open now, in the city's time zone? (Recomputed on the phone, so an offline copy stays right.) */
export function inOfficeNow(hours, now = new Date()) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: cityTimeZone(), weekday: 'short',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now).map((p) => [p.type, p.value]));
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday);
  const hhmm = `${parts.hour}:${parts.minute}`;
  return hours.some((slot) => slot.day === day && slot.opens <= hhmm && hhmm < slot.closes);
}

function officeSection(sector) {
  const open = inOfficeNow(sector.office_hours);
  return h('section', { class: 'card section', 'aria-labelledby': 'office-title' },
    h('h2', { id: 'office-title' }, t('sectors.office_title')),
    sector.office_hours.length > 0 && h('p', {}, h('span', { class: ['badge', open ? 'badge-live' : ''] },
      t(open ? 'sectors.in_office' : 'sectors.out_of_office'))),
    sector.office_hours.length ? h('dl', { class: 'office-hours' }, sector.office_hours.map((slot) => [
      h('dt', {}, dayName(slot.day)), h('dd', {}, `${slot.opens}–${slot.closes}`)]))
      : h('p', { class: 'muted' }, t('sectors.no_office_hours')),
    h('p', { class: 'muted' }, t('sectors.time_zone_note', { zone: sector.timezone })));
}

function contactSection(sector) {
  const { phone, email } = sector.contact;
  return h('section', { class: 'card section', 'aria-labelledby': 'contact-title' },
    h('h2', { id: 'contact-title' }, t('sectors.contact_title')),
    h('p', { class: 'emergency', role: 'note' }, h('strong', {}, t('sectors.not_for_emergencies')), ' ',
      h('a', { href: `tel:${sector.emergency}` }, t('sectors.call_emergency', { number: sector.emergency }))),
    h('ul', { class: 'list contact-list' },
      phone && h('li', {}, h('a', { class: 'button button-secondary', href: `tel:${phone.replace(/[^0-9+]/g, '')}` },
        t('sectors.call', { phone }))),
      email && h('li', {}, h('a', { class: 'button button-secondary', href: `mailto:${email}` }, t('sectors.email', { email })))),
    !phone && !email && h('p', { class: 'muted' }, t('sectors.no_contact')));
}

function languageNames(codes) {
  const names = new Intl.DisplayNames([currentLanguage()], { type: 'language' });
  return codes.map((code) => { try { return names.of(code); } catch { return code; } }).join(', ');
}

function officerCard(officer, followable) {
  return h('li', { class: 'card officer-card' },
    h('div', { class: 'officer-head' }, avatar(officer, 'large'),
      h('div', {}, h('h3', { class: 'officer-name' }, h('a', { href: `/officers/${officer.id}` }, officer.name)),
        officer.verified && verifiedBadge(), officer.title && h('p', { class: 'muted' }, officer.title))),
    officer.languages.length > 0 && h('p', { class: 'muted' }, t('sectors.languages', { languages: languageNames(officer.languages) })),
    officer.bio && h('p', {}, officer.bio),
    followable && followButton({ officer: officer.id }, officer.following, officer.name));
}

function meetupsSection(meetups) {
  if (!meetups || !meetups.length) return null;
  return h('section', { 'aria-labelledby': 'sector-meetups-title' },
    h('h2', { id: 'sector-meetups-title' }, t('sectors.meetups_title')),
    h('ul', { class: 'card-list' }, meetups.map((m) => h('li', {}, h('a', { class: 'card card-link', href: `/meetups/${m.id}` },
      h('span', { class: 'card-title' }, m.title), m.starts_at && h('span', { class: 'card-body' }, m.venue_name ? `${m.venue_name} · ` : '',
        new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short', timeZone: cityTimeZone() })
          .format(new Date(m.starts_at))))))));
}

export async function sectorScreen(view, { id }, query, ctx) {
  const sector = await api.get(`/api/sectors/${encodeURIComponent(id)}`, { signal: ctx.signal });
  const followable = await canFollow();
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  const updates = h('section', { 'aria-labelledby': 'updates-title' }, h('h2', { id: 'updates-title' }, t('sectors.updates_title')));
  put(view,
    heading(sector.name), offlineNote(sector) || '',
    sector.description && h('p', { class: 'lead' }, sector.description),
    followable && followButton({ sector: sector.id }, Boolean(sector.following), sector.name),
    me.kind === 'staff' && me.role === 'officer' && h('a', { class: 'button', href: '/posts/new' }, t('posts.write')),
    h('section', { 'aria-labelledby': 'officers-title' }, h('h2', { id: 'officers-title' }, t('sectors.officers_title')),
      sector.officers.length ? h('ul', { class: 'card-list' }, sector.officers.map((o) => officerCard(o, followable)))
        : emptyState(t('sectors.no_officers'))),
    officeSection(sector), contactSection(sector), meetupsSection(sector.meetups), updates,
    h('p', {}, h('a', { href: '/sectors' }, t('sectors.other_sector'))));
  await renderFeed(updates, `/api/sectors/${sector.id}/posts`, ctx);
}

// --- the officer page -----------------------------------------------------------------------------

function photoForm() {
  const form = h('form', { class: 'photo-form', novalidate: true },
    field({ id: 'photo', label: t('sectors.photo_label'), hint: t('sectors.photo_hint'), type: 'file',
      accept: 'image/jpeg,image/png,image/webp' }),
    h('button', { type: 'submit', class: 'button button-secondary' }, t('sectors.photo_save')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = form.elements.photo.files[0];
    if (!file) { showFieldErrors(form, { photo: t('sectors.photo_hint') }); return; }
    const data = new FormData();
    data.append('photo', file);
    try {
      await api.upload('/api/officers/me/photo', data);
      toast(t('sectors.photo_saved'));
      refresh();
    } catch (err) {
      showFieldErrors(form, { photo: (err.fields && err.fields.photo) || errorMessage(err) });
    }
  });
  return form;
}

export async function officerScreen(view, { id }, query, ctx) {
  const officer = await api.get(`/api/officers/${encodeURIComponent(id)}`, { signal: ctx.signal });
  const followable = await canFollow();
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  const updates = h('section', { 'aria-labelledby': 'updates-title' }, h('h2', { id: 'updates-title' }, t('sectors.updates_title')));
  put(view,
    heading(officer.name), offlineNote(officer) || '',
    h('div', { class: 'officer-head' }, avatar(officer, 'large'), h('div', {}, officer.verified && verifiedBadge(),
      officer.title && h('p', {}, officer.title),
      officer.sector && h('p', {}, h('a', { href: `/sectors/${officer.sector.id}` }, officer.sector.name)))),
    officer.languages.length > 0 && h('p', { class: 'muted' }, t('sectors.languages', { languages: languageNames(officer.languages) })),
    officer.bio && h('p', {}, officer.bio),
    followable && followButton({ officer: officer.id }, Boolean(officer.following), officer.name),
    officer.follower_count !== undefined && h('p', { class: 'card follower-count' },
      t('sectors.follower_count', { count: officer.follower_count }), ' ', h('span', { class: 'muted' }, t('sectors.follower_private'))),
    me.kind === 'staff' && me.id === officer.id && h('a', { class: 'button', href: '/posts/new' }, t('posts.write')),
    me.kind === 'staff' && me.id === officer.id && photoForm(),
    updates);
  await renderFeed(updates, `/api/officers/${officer.id}/posts`, ctx);
}
