// The organiser's meetup screens: my meetups, the meetup form (new / edit), and the organiser view
// (attendees by first name, waitlist, approvals, check-in by camera or typed code, CSV, message, cancel).

import { refresh, navigate } from '../router.js';
import { api } from '../api.js';
import { t, formatDateTime, cityTimeZone } from '../i18n.js';
import { h, svg, heading, emptyState, errorMessage, toast, field, showFieldErrors } from '../ui.js';
import { KINDS, kindLabel, languageName, when, placesText, refusal } from './common.js';
import { getMe } from '../session.js';
import { findSector, mapProjection, geometryPath, labelPoint } from '../sectors/geo.js';

const LANGUAGE_CODES = ['fi', 'sv', 'en', 'da', 'uk', 'se', 'ru', 'so', 'ar', 'et'];

/** An ISO instant as the value of a datetime-local input, in city time. */
function cityInput(iso) {
  if (!iso) return '';
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: cityTimeZone(), year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export async function organised(view, params, query, ctx) {
  view.append(heading(t('meetups.organise_title')),
    h('p', { class: 'actions' }, h('a', { href: '/meetups/new', class: 'button' }, t('meetups.new_title'))));
  const data = await api.get('/api/meetups/organised', { signal: ctx.signal });
  const items = data.items.map((m) => h('li', {}, h('a', { href: `/meetups/${m.id}/organise`, class: 'card card-link' },
    h('span', { class: 'card-title' }, m.title),
    h('span', { class: 'card-body' }, when(m)),
    h('span', { class: 'card-body' }, placesText(m)),
    m.pending ? h('span', { class: 'badge badge-live' }, t('meetups.pending_count', { count: m.pending })) : null)));
  view.append(items.length ? h('ul', { class: 'card-list' }, items) : emptyState(t('meetups.organise_none')));
}

function checkbox(name, value, label, checked) {
  return h('label', { class: 'choice' }, h('input', { type: 'checkbox', name, value, checked: !!checked }), h('span', {}, label));
}

/**
 * Where the meetup is: "Use the youth centre's place" (address and position of the organiser's centre) or a
 * pin on the city's sector map (drawn from the cached GeoJSON: no tiles, no geocoding, nothing leaves the
 * app). Tap or click sets the pin; on the keyboard the arrow keys move a cursor and Enter sets it. The pin
 * writes the latitude/longitude fields, which stay typeable under "More details".
 */
function placePicker(form, sectors, centre) {
  const el = form.elements;
  const status = h('p', { class: 'muted', id: 'place-sector', role: 'status', 'aria-live': 'polite' });
  const sectorId = h('input', { type: 'hidden', name: 'sector_id', value: '' });     // the pin's sector lists the meetup
  const useCentre = centre && (centre.address || centre.latitude !== null) ? h('button', { type: 'button', class: 'button button-secondary' },
    t('meetups.place_use_centre')) : null;
  let map = null;
  let showPin = () => {};
  const numberAt = (name) => (el[name].value.trim() === '' ? null : Number(el[name].value));
  const describe = () => {
    const [lat, lon] = [numberAt('latitude'), numberAt('longitude')];
    sectorId.value = '';
    if (lat === null || lon === null || Number.isNaN(lat) || Number.isNaN(lon)) { status.textContent = t('meetups.place_none'); return null; }
    const feature = sectors ? findSector(sectors, lon, lat) : null;
    if (feature) sectorId.value = String(feature.properties.id);
    status.textContent = feature ? t('meetups.place_in_sector', { name: feature.properties.name }) : t('meetups.place_outside');
    return [lon, lat];
  };
  const setPosition = (lon, lat) => {
    el.latitude.value = lat.toFixed(6);
    el.longitude.value = lon.toFixed(6);
    for (const name of ['latitude', 'longitude']) el[name].dispatchEvent(new Event('change', { bubbles: true }));
    showPin(describe());
  };
  if (sectors && sectors.features && sectors.features.length) {
    const projection = mapProjection(sectors, 1000);
    // The projection is linear in each axis, so two projected points give the way back from the map to the earth.
    const [x0, y0] = projection.project([0, 0]);
    const [x1, y1] = projection.project([1, 1]);
    const unproject = (x, y) => [(x - x0) / (x1 - x0), (y - y0) / (y1 - y0)];
    map = svg('svg', { viewBox: `0 0 ${projection.width} ${projection.height}`, class: 'sector-map meetup-place-map', tabindex: 0,
      role: 'application', 'aria-label': t('meetups.place_map_label'), 'aria-describedby': 'place-map-hint place-sector' });
    for (const feature of sectors.features) {
      const shape = svg('path', { d: geometryPath(feature.geometry, projection.project), class: 'sector-shape', 'fill-rule': 'evenodd',
        'data-sector-id': feature.properties.id });
      shape.append(svg('title', {}, feature.properties.name));
      map.append(shape);
    }
    for (const feature of sectors.features) {
      const point = labelPoint(feature.geometry);
      if (!point) continue;
      const [x, y] = projection.project(point);
      map.append(svg('text', { x: x.toFixed(1), y: y.toFixed(1), class: 'sector-label', 'text-anchor': 'middle',
        'dominant-baseline': 'middle', 'aria-hidden': 'true' }, feature.properties.name));
    }
    const pin = svg('circle', { r: 24, class: 'you-are-here meetup-pin', 'aria-hidden': 'true', visibility: 'hidden' });
    const cursor = svg('circle', { r: 34, fill: 'none', stroke: 'currentColor', 'stroke-width': 5, 'stroke-dasharray': '8 6',
      'pointer-events': 'none', 'aria-hidden': 'true', visibility: 'hidden', class: 'meetup-cursor' });
    map.append(pin, cursor);
    let cursorAt = null;
    showPin = (here) => {
      if (!here) { pin.setAttribute('visibility', 'hidden'); return; }
      const [x, y] = projection.project(here);
      pin.setAttribute('cx', x.toFixed(1));
      pin.setAttribute('cy', y.toFixed(1));
      pin.setAttribute('visibility', projection.contains(here[0], here[1]) ? 'visible' : 'hidden');
    };
    map.addEventListener('click', (event) => {
      const matrix = map.getScreenCTM();
      if (!matrix) return;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      const [lon, lat] = unproject(point.x, point.y);
      cursorAt = [point.x, point.y];
      setPosition(lon, lat);
    });
    const moveCursor = ([x, y]) => {
      cursorAt = [Math.min(Math.max(x, 0), projection.width), Math.min(Math.max(y, 0), projection.height)];
      cursor.setAttribute('cx', cursorAt[0].toFixed(1));
      cursor.setAttribute('cy', cursorAt[1].toFixed(1));
      cursor.setAttribute('visibility', 'visible');
      const [lon, lat] = unproject(...cursorAt);
      const feature = findSector(sectors, lon, lat);
      status.textContent = t('meetups.place_cursor', { name: feature ? feature.properties.name : t('meetups.place_no_sector') });
    };
    const STEPS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    map.addEventListener('keydown', (event) => {
      const step = STEPS[event.key];
      if (step) {
        event.preventDefault();
        const start = cursorAt || (describe() ? projection.project(describe()) : [projection.width / 2, projection.height / 2]);
        const size = (event.shiftKey ? 100 : 25);
        moveCursor(cursorAt ? [start[0] + step[0] * size, start[1] + step[1] * size] : start);
      } else if ((event.key === 'Enter' || event.key === ' ') && cursorAt) {
        event.preventDefault();
        setPosition(...unproject(...cursorAt));
      }
    });
    map.addEventListener('blur', () => { cursor.setAttribute('visibility', 'hidden'); });
  }
  for (const name of ['latitude', 'longitude']) el[name].addEventListener('input', () => showPin(describe()));
  if (useCentre) {
    useCentre.addEventListener('click', () => {
      if (centre.address) {
        el.venue_address.value = centre.address;
        el.venue_address.dispatchEvent(new Event('input', { bubbles: true }));
      }
      if (!el.venue_name.value.trim()) {
        el.venue_name.value = centre.name;
        el.venue_name.dispatchEvent(new Event('input', { bubbles: true }));
      }
      if (centre.latitude !== null && centre.longitude !== null) setPosition(centre.longitude, centre.latitude);
      else status.textContent = t('meetups.place_centre_no_position');
    });
  }
  showPin(describe());
  return h('fieldset', { class: 'meetup-place' }, h('legend', {}, t('meetups.place_title')),
    useCentre,
    map ? h('p', { class: 'field-hint', id: 'place-map-hint' }, t('meetups.place_map_hint')) : null,
    map ? h('div', { class: 'map-holder' }, map) : h('p', { class: 'muted' }, t('meetups.place_no_map')),
    status, sectorId);
}

function meetupForm(m, officers) {
  const v = (name, fallback = '') => (m && m[name] !== null && m[name] !== undefined ? String(m[name]) : fallback);
  const text = (id, label, attrs = {}) => field({ id, label, value: v(id), autocomplete: 'off', ...attrs });
  const time = (id, label, attrs = {}) => field({ id, label, type: 'datetime-local', value: cityInput(m && m[id]), ...attrs });
  const number = (id, label, fallback, attrs = {}) => field({ id, label, type: 'number', inputmode: 'numeric', value: v(id, fallback), ...attrs });
  const chosenOfficers = new Set((m ? m.officers : []).map((o) => o.id));
  const languages = new Set(m ? m.languages : ['fi']);
  const consent = h('input', { type: 'checkbox', name: 'consent_required', id: 'consent_required', checked: m ? m.consent_required : false });
  const problem = h('p', { class: 'field-error', id: 'meetup-problem', role: 'alert', hidden: true });
  // Essentials first (what, when, where, how many places); everything else folded under "More details".
  const more = h('details', { class: 'meetup-more' },
    h('summary', {}, t('meetups.more_details')),
    h('p', { class: 'muted' }, t('meetups.more_details_hint')),
    field({ id: 'description', label: t('meetups.field_description'), control: h('textarea', { class: 'input', name: 'description', rows: '4', maxlength: '4000' }, v('description')) }),
    field({ id: 'kind', label: t('meetups.field_kind'), control: h('select', { class: 'input', name: 'kind' },
      KINDS.map((k) => h('option', { value: k, selected: v('kind', 'youth_centre_evening') === k }, kindLabel(k)))) }),
    h('details', {}, h('summary', {}, t('meetups.field_position')),
      number('latitude', t('meetups.field_latitude'), '', { step: 'any', inputmode: 'decimal' }),
      number('longitude', t('meetups.field_longitude'), '', { step: 'any', inputmode: 'decimal' })),
    number('waitlist_size', t('meetups.field_waitlist'), '10', { min: '0' }),
    h('div', { class: 'meetup-form-pair' },
      number('min_age', t('meetups.field_min_age'), '12', { min: '10', max: '25' }),
      number('max_age', t('meetups.field_max_age'), '18', { min: '10', max: '25' })),
    time('signup_opens_at', t('meetups.field_opens'), { hint: t('meetups.field_opens_hint') }),
    time('signup_closes_at', t('meetups.field_closes'), { hint: t('meetups.field_closes_hint') }),
    h('div', { class: 'field' }, h('label', { class: 'choice', for: 'consent_required' }, consent, h('span', {}, t('meetups.field_consent'))),
      h('p', { class: 'field-hint' }, t('meetups.field_consent_hint'))),
    h('div', { class: 'field' }, checkbox('approval_required', 'yes', t('meetups.field_approval'), m && m.approval_required)),
    number('claim_window_hours', t('meetups.field_claim_hours'), '24', { min: '1', max: '168' }),
    h('fieldset', { class: 'choices meetup-choice-grid' }, h('legend', {}, t('meetups.officers_title')),
      officers.length ? officers.map((o) => checkbox('officer_ids', o.id, o.name, chosenOfficers.has(o.id))) : h('p', { class: 'muted' }, t('meetups.no_officers'))),
    h('fieldset', { class: 'choices meetup-choice-grid' }, h('legend', {}, t('meetups.field_languages')),
      LANGUAGE_CODES.map((code) => checkbox('languages', code, languageName(code), languages.has(code)))));
  const form = h('form', { class: 'card meetup-form', novalidate: true },
    text('title', t('meetups.field_title'), { required: true, maxlength: '140' }),
    time('starts_at', t('meetups.field_starts'), { required: true }),
    time('ends_at', t('meetups.field_ends'), { required: true, hint: t('meetups.field_ends_hint') }),
    text('venue_name', t('meetups.field_venue'), { required: true, maxlength: '160' }),
    text('venue_address', t('meetups.field_address'), { maxlength: '240' }),
    number('capacity', t('meetups.field_capacity'), '20', { min: '1', required: true }),
    h('div', { class: 'meetup-place-slot' }),
    more,
    problem,
    h('button', { type: 'submit', class: 'button button-block' }, m ? t('meetups.save') : t('meetups.publish')));
  clearErrorsWhenFixed(form);
  if (!m) {           // consent follows the kind (camps) and the dates (overnight) until the organiser decides
    let touched = false;
    consent.addEventListener('change', () => { touched = true; });
    form.addEventListener('change', () => {
      if (touched) return;
      const start = form.elements.starts_at.value.slice(0, 10);
      const end = form.elements.ends_at.value;
      const overnight = start && end && end.slice(0, 10) !== start && end.slice(11) !== '00:00';
      consent.checked = form.elements.kind.value === 'summer_camp' || !!overnight;
    });
  }
  return { form, problem };
}

/** A field's error goes away as soon as the field is fixed (not at the next submit). */
function clearErrorsWhenFixed(form) {
  const fixed = (event) => {
    const input = event.target;
    if (!input.getAttribute || input.getAttribute('aria-invalid') !== 'true') return;
    if (String(input.value || '').trim() === '' || (input.validity && !input.validity.valid)) return;
    input.removeAttribute('aria-invalid');
    const error = input.id && form.querySelector(`#${CSS.escape(input.id)}-error`);
    if (error) { error.hidden = true; error.textContent = ''; }
  };
  form.addEventListener('input', fixed);
  form.addEventListener('change', fixed);
}

/** Field errors, with any folded section that holds one opened first (so the first can take focus). */
function showErrors(form, fields) {
  for (const name of Object.keys(fields || {})) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    for (let folded = input && input.closest('details'); folded; folded = folded.parentElement.closest('details')) folded.open = true;
  }
  showFieldErrors(form, fields);
}

function formBody(form, editing) {
  const el = form.elements;
  const str = (name) => el[name].value.trim();
  const num = (name) => (str(name) === '' ? null : Number(str(name)));
  const body = {
    title: str('title'), description: str('description'), kind: el.kind.value, venue_name: str('venue_name'),
    venue_address: str('venue_address') || null, latitude: num('latitude'), longitude: num('longitude'),
    starts_at: str('starts_at') || null, ends_at: str('ends_at') || null, capacity: num('capacity'),
    waitlist_size: num('waitlist_size') ?? 0, min_age: num('min_age') ?? 12, max_age: num('max_age') ?? 18,
    signup_opens_at: str('signup_opens_at') || null, signup_closes_at: str('signup_closes_at') || null,
    consent_required: el.consent_required.checked, approval_required: el.approval_required.checked,
    claim_window_hours: num('claim_window_hours') ?? 24,
    officer_ids: [...form.querySelectorAll('input[name="officer_ids"]:checked')].map((i) => Number(i.value)),
    languages: [...form.querySelectorAll('input[name="languages"]:checked')].map((i) => i.value),
  };
  if (el.sector_id && el.sector_id.value) body.sector_id = Number(el.sector_id.value);
  const missing = {};
  for (const name of ['title', 'venue_name', 'starts_at', 'ends_at', 'capacity']) if (body[name] === null || body[name] === '') missing[name] = t('meetups.error_required');
  if (!body.languages.length) body.languages = ['fi'];
  if (editing && !body.description) body.description = '';
  return { body, missing };
}

export async function editScreen(view, { id }, query, ctx) {
  const editing = id !== undefined;
  const [m, officers, sectors, me, centres] = await Promise.all([
    editing ? api.get(`/api/meetups/${encodeURIComponent(id)}`, { signal: ctx.signal }) : null,
    api.get('/api/meetups/officers', { signal: ctx.signal }),
    api.get('/api/sectors', { signal: ctx.signal }).catch(() => null),       // no map offline-uncached: typing still works
    getMe().catch(() => ({})),
    api.get('/api/youth-centres', { signal: ctx.signal }).catch(() => ({ youth_centres: [] }))]);
  const { form, problem } = meetupForm(m, officers.items);
  const centreId = (m && m.youth_centre && m.youth_centre.id) || me.youth_centre_id;
  const centre = centres.youth_centres.find((c) => c.id === centreId) || null;
  form.querySelector('.meetup-place-slot').replaceWith(placePicker(form, sectors, centre));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.hidden = true;
    const { body, missing } = formBody(form, editing);
    showErrors(form, missing);
    if (Object.keys(missing).length) return;
    try {
      const saved = editing ? await api.patch(`/api/meetups/${m.id}`, body) : await api.post('/api/meetups', body);
      toast(t(editing ? 'meetups.saved' : 'meetups.published'));
      navigate(`/meetups/${saved.id}/organise`);
    } catch (err) {
      if (err.code === 'capacity_below_confirmed') { showErrors(form, { capacity: t('meetups.error_capacity') }); return; }
      if (err.fields && Object.keys(err.fields).length) showErrors(form, err.fields);
      problem.textContent = errorMessage(err);       // role="alert": read out once
      problem.hidden = false;
    }
  });
  view.append(heading(editing ? t('meetups.edit_title') : t('meetups.new_title')), form);
}

function attendeeItem(a, consent, actions = null) {
  const guardian = consent && a.guardian && a.guardian.name
    ? h('span', { class: 'card-body' }, t('meetups.guardian_line', { name: a.guardian.name, contact: a.guardian.phone || a.guardian.email || '' })) : null;
  return h('li', { class: 'list-item meetup-attendee' },
    h('span', { class: 'card-title' }, `${a.first_name || '—'} (${a.age})`),
    a.status === 'offered' ? h('span', { class: 'badge' }, t('meetups.status_offered', { time: formatDateTime(a.claim_by) })) : null,
    a.checked_in_at ? h('span', { class: 'badge badge-verified' }, t('meetups.checked_in')) : null,
    guardian, actions);
}

function listSection(id, title, items, emptyKey) {
  return h('section', { class: 'section', 'aria-labelledby': id }, h('h2', { id }, title),
    items.length ? h('ol', { class: 'list' }, items) : h('p', { class: 'muted' }, t(emptyKey)));
}

function checkInSection(m, counts) {
  const result = h('p', { class: 'lead', role: 'status', 'aria-live': 'polite', id: 'checkin-result' });
  const tally = h('p', { id: 'checkin-count' }, t('meetups.checked_in_count', { count: counts.checked_in, total: counts.confirmed }));
  const send = async (credential) => {
    try {
      const done = await api.post(`/api/meetups/${m.id}/checkins`, credential);
      result.textContent = t('meetups.checkin_done', { name: done.first_name || '—', age: done.age });
      tally.textContent = t('meetups.checked_in_count', { count: done.checked_in, total: done.confirmed });
      return true;
    } catch (err) {
      result.textContent = refusalForCheckIn(err);
      return false;
    }
  };
  const form = h('form', { class: 'checkin-form', novalidate: true },
    field({ id: 'code', label: t('meetups.checkin_code'), hint: t('meetups.checkin_code_hint'), autocomplete: 'off',
      autocapitalize: 'characters', spellcheck: 'false', maxlength: '12' }),
    h('button', { type: 'submit', class: 'button' }, t('meetups.checkin_button')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await send({ code: form.elements.code.value })) form.elements.code.value = '';
    form.elements.code.focus();
  });
  const scanner = cameraScanner((token) => send({ token }));
  return { element: h('section', { class: 'card section', 'aria-labelledby': 'checkin-title' },
    h('h2', { id: 'checkin-title' }, t('meetups.checkin_title')), tally, scanner.element, form, result), stop: scanner.stop };
}

const CHECKIN_ERRORS = { already_checked_in: 'meetups.error_already_checked_in', unknown_code: 'meetups.error_unknown_code',
  bad_code: 'meetups.error_bad_code', other_meetup: 'meetups.error_other_meetup', not_confirmed: 'meetups.error_not_confirmed' };

function refusalForCheckIn(err) {
  return CHECKIN_ERRORS[err.code] ? t(CHECKIN_ERRORS[err.code]) : errorMessage(err);
}

/** Scan QR codes with the camera where BarcodeDetector exists; otherwise the typed code is the way. */
function cameraScanner(onToken) {
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices) {
    return { element: h('p', { class: 'muted' }, t('meetups.scan_unavailable')), stop: () => {} };
  }
  let stream = null;
  let timer = null;
  const video = h('video', { class: 'meetup-scanner', muted: true, playsinline: true, hidden: true, 'aria-label': t('meetups.scan_camera') });
  const stop = () => {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    button.textContent = t('meetups.scan_start');
  };
  const loop = async (detector) => {
    if (!stream) return;
    try {
      const codes = await detector.detect(video);
      if (codes.length) { await onToken(codes[0].rawValue); timer = setTimeout(() => loop(detector), 1500); return; }
    } catch { /* the frame was not ready */ }
    timer = setTimeout(() => loop(detector), 250);
  };
  const start = async () => {
    if (stream) { stop(); return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      button.textContent = t('meetups.scan_stop');
      loop(new window.BarcodeDetector({ formats: ['qr_code'] }));
    } catch (err) {
      stop();
      toast(t('meetups.scan_failed'));
    }
  };
  const button = h('button', { type: 'button', class: 'button button-secondary', onclick: start }, t('meetups.scan_start'));
  return { element: h('div', { class: 'meetup-scan' }, button, video), stop };
}

function messageSection(m) {
  const form = h('form', { class: 'card section', novalidate: true, 'aria-labelledby': 'message-title' },
    h('h2', { id: 'message-title' }, t('meetups.message_title')),
    field({ id: 'message', label: t('meetups.message_label'), hint: t('meetups.message_hint'),
      control: h('textarea', { class: 'input', name: 'message', rows: '3', maxlength: '500' }) }),
    h('button', { type: 'submit', class: 'button' }, t('meetups.message_send')),
    h('p', { class: 'muted meetup-message-result', role: 'status' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = form.elements.message.value.trim();
    if (!text) { showFieldErrors(form, { message: t('meetups.error_required') }); return; }
    try {
      const sent = await api.post(`/api/meetups/${m.id}/messages`, { text });
      form.elements.message.value = '';
      // The result stays on the page (what was sent, to how many), not only in a passing toast.
      form.querySelector('.meetup-message-result').textContent = `${t('meetups.message_sent', { count: sent.sent_to })} “${text.slice(0, 80)}”`;
    } catch (err) { showFieldErrors(form, { message: errorMessage(err) }); }
  });
  return form;
}

function cancelSection(m) {
  const form = h('form', { class: 'confirm', hidden: true, novalidate: true },
    field({ id: 'cancel_reason', label: t('meetups.cancel_reason'), maxlength: '300', autocomplete: 'off' }),
    h('p', {}, t('meetups.cancel_meetup_confirm')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-danger' }, t('meetups.cancel_meetup_yes')),
      h('button', { type: 'button', class: 'button button-secondary', onclick: () => { form.hidden = true; } }, t('shell.cancel'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.post(`/api/meetups/${m.id}/cancel`, { reason: form.elements.cancel_reason.value.trim() });
      toast(t('meetups.meetup_cancelled'));
      refresh();
    } catch (err) { toast(refusal(err)); }
  });
  return h('section', { class: 'section' }, h('button', { type: 'button', class: 'button button-danger',
    onclick: () => { form.hidden = false; form.elements.cancel_reason.focus(); } }, t('meetups.cancel_meetup')), form);
}

async function decide(m, a, approve) {
  try {
    const done = await api.post(`/api/meetups/${m.id}/signups/${a.id}/decision`, { approve });
    toast(approve ? t('meetups.approved', { status: done.status }) : t('meetups.declined'));
  } catch (err) { toast(refusal(err)); }
  refresh();
}

export async function organiserView(view, { id }, query, ctx) {
  const [m, people] = await Promise.all([api.get(`/api/meetups/${encodeURIComponent(id)}`, { signal: ctx.signal }),
    api.get(`/api/meetups/${encodeURIComponent(id)}/attendees`, { signal: ctx.signal })]);
  const c = people.counts;
  const checkIn = m.cancelled ? null : checkInSection(m, c);
  const pending = people.pending.map((a) => attendeeItem(a, m.consent_required, h('span', { class: 'actions' },
    h('button', { type: 'button', class: 'button button-small', onclick: () => decide(m, a, true) }, t('meetups.approve')),
    h('button', { type: 'button', class: 'button button-small button-secondary', onclick: () => decide(m, a, false) }, t('meetups.decline')))));
  view.append(...[heading(m.title),
    h('p', {}, when(m), ' · ', m.venue_name),
    m.cancelled && h('p', { class: 'error-state', role: 'alert' }, t('meetups.cancelled_notice')),
    h('p', { class: 'lead' }, t('meetups.counts', { confirmed: c.confirmed, capacity: c.capacity, waitlisted: c.waitlisted, pending: c.pending })),
    h('p', { class: 'actions' },
      !m.cancelled && h('a', { href: `/meetups/${m.id}/edit`, class: 'button button-secondary' }, t('meetups.edit')),
      h('a', { href: `/api/meetups/${m.id}/attendees.csv`, class: 'button button-secondary', download: `meetup-${m.id}-attendees.csv`, 'data-reload': '' }, t('meetups.csv')),
      h('a', { href: `/meetups/${m.id}`, class: 'button button-secondary' }, t('meetups.public_page'))),
    checkIn && checkIn.element,
    m.approval_required ? listSection('pending-title', t('meetups.pending_title'), pending, 'meetups.pending_none') : null,
    listSection('attendees-title', t('meetups.attendees_title'), people.confirmed.map((a) => attendeeItem(a, m.consent_required)), 'meetups.attendees_none'),
    listSection('waitlist-title', t('meetups.waitlist_title'), people.waitlist.map((a) => attendeeItem(a, m.consent_required)), 'meetups.waitlist_none'),
    !m.cancelled && messageSection(m),
    !m.cancelled && cancelSection(m)].filter(Boolean));
  return () => { if (checkIn) checkIn.stop(); };
}
