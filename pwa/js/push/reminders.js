// The "Reminders" section of Me: a "Remind me" button (permission is asked only after this tap),
// then what to be reminded of, quiet hours, a test notification and turning reminders off.

import { t } from '../i18n.js';
import { api } from '../api.js';
import { h, toast, announce, errorMessage, showFieldErrors } from '../ui.js';
import { LEAD_TIMES, pushSupport, enableReminders, loadReminders, savePreferences, sendTest, disableReminders } from './push.js';

function status(text, role = 'status') {
  return h('p', { class: 'push-status', role }, text);
}

function checkbox(name, value, label, checked) {
  return h('label', { class: 'choice' },
    h('input', { type: 'checkbox', name, value, checked: Boolean(checked) }), h('span', {}, label));
}

function preferencesForm(subscription, rerender) {
  const prefs = subscription.preferences;
  const form = h('form', { class: 'push-preferences', novalidate: true },
    h('fieldset', { class: 'choices' }, h('legend', {}, t('push.lead_times')),
      LEAD_TIMES.map((lead) => checkbox('lead_times', lead, t(`push.lead_${lead}`), prefs.lead_times.includes(lead)))),
    h('fieldset', { class: 'choices' }, h('legend', {}, t('push.topics')),
      checkbox('posts', 'yes', t('push.posts'), prefs.posts),
      checkbox('meetups', 'yes', t('push.meetups'), prefs.meetups)),
    h('fieldset', { class: 'push-quiet' }, h('legend', {}, t('push.quiet_title')),
      timeField('quiet_from', t('push.quiet_from'), prefs.quiet_hours.from),
      timeField('quiet_until', t('push.quiet_until'), prefs.quiet_hours.until)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('push.save'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const preferences = {
      lead_times: data.getAll('lead_times'), posts: data.has('posts'), meetups: data.has('meetups'),
      quiet_hours: { from: data.get('quiet_from'), until: data.get('quiet_until') },
    };
    try {
      await savePreferences(subscription.endpoint, preferences);
      announce(t('push.saved'));
      toast(t('push.saved'));
    } catch (err) {
      const fields = Object.fromEntries(Object.entries(err.fields || {}).map(([k, v]) =>
        [k.replace('preferences.quiet_hours.from', 'quiet_from').replace('preferences.quiet_hours.until', 'quiet_until'), v]));
      showFieldErrors(form, fields);
      toast(errorMessage(err));
      if (err.status === 404) rerender();
    }
  });
  return form;
}

function timeField(name, label, value) {
  const id = `push-${name}`;
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('input', { id, name, type: 'time', class: 'input', value, required: true, 'aria-describedby': `${id}-error` }),
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
}

const PUSH_TIMEOUT_MS = 10_000;

/** iPhone/iPad Safari outside the installed app has no Push API: say how to install, not "unsupported". */
function iosOutsideTheApp() {
  const ios = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  const installed = navigator.standalone === true || (window.matchMedia && window.matchMedia('(display-mode: standalone)').matches);
  return ios && !installed;
}

/**
 * Turn reminders on, with an honest answer for each way it can end: on, "you said not now" (the prompt
 * was dismissed), "blocked in settings" (with how to undo it), or "couldn't reach the push service"
 * when subscribing gives no answer within 10 s of the permission (with "Try again"). Lasting states are
 * written in the section, not in a toast.
 */
async function remindMe(body, rerender, button) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  const stillWaiting = h('p', { class: 'push-status muted', role: 'status' }, t('push.state_waiting'));
  body.replaceChildren(stillWaiting, button);
  let timer = null;
  let poll = null;
  const timeout = new Promise((resolve) => {
    // The 10 s start when the browser has said yes: the person may take their time over the prompt.
    poll = setInterval(() => {
      if (Notification.permission !== 'granted') return;
      clearInterval(poll);
      timer = setTimeout(() => resolve({ timedOut: true }), PUSH_TIMEOUT_MS);
    }, 200);
  });
  let result;
  try {
    result = await Promise.race([enableReminders(), timeout]);
  } catch (err) {
    result = { error: err };
  } finally {
    clearInterval(poll); clearTimeout(timer);
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
  if (result.timedOut || (result.error && result.error.status === undefined)) {
    const again = h('button', { type: 'button', class: 'button', onclick: () => remindMe(body, rerender, again) }, t('push.try_again'));
    body.replaceChildren(status(t('push.state_timeout'), 'alert'), again);
    return;
  }
  if (result.error) { body.replaceChildren(status(errorMessage(result.error), 'alert'), button); return; }
  if (result.permission === 'denied') { body.replaceChildren(status(t('push.state_blocked'), 'alert'), button); return; }
  if (result.permission !== 'granted') { body.replaceChildren(status(t('push.state_dismissed')), button); return; }
  announce(t('push.on'));
  rerender();
}

async function renderBody(body, me, ctx) {
  const rerender = () => renderBody(body, me, ctx);
  if (me.kind === 'visitor') return body.replaceChildren(h('p', {}, t('push.start_first')));
  const support = pushSupport();
  if (support === 'unsupported' && iosOutsideTheApp()) {
    return body.replaceChildren(status(t('push.state_ios_title')),
      h('ol', { class: 'push-steps' }, ['push.ios_step_share', 'push.ios_step_add', 'push.ios_step_open'].map((key) => h('li', {}, t(key)))));
  }
  if (support === 'unsupported') return body.replaceChildren(status(t('push.state_unsupported')));
  const button = h('button', { type: 'button', class: 'button', onclick: () => remindMe(body, rerender, button) }, t('push.remind_me'));
  if (support === 'denied') return body.replaceChildren(status(t('push.state_blocked')), button);
  let subscription = null;
  try { subscription = await loadReminders({ signal: ctx.signal }); } catch (err) {
    if (err.name === 'AbortError') return null;
    return body.replaceChildren(status(errorMessage(err), 'alert'), button);
  }
  if (!subscription) return body.replaceChildren(button);
  const test = async () => {
    try { await sendTest(subscription.endpoint); toast(t('push.test_sent')); announce(t('push.test_sent')); } catch (err) { toast(errorMessage(err)); }
  };
  const off = async () => {
    try { await disableReminders(); announce(t('push.off')); toast(t('push.off')); } catch (err) { toast(errorMessage(err)); }
    rerender();
  };
  return body.replaceChildren(status(t('push.on')), preferencesForm(subscription, rerender),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button button-secondary', onclick: test }, t('push.test_button')),
      h('button', { type: 'button', class: 'button button-secondary', onclick: off }, t('push.turn_off'))));
}

/** Staff: how many reminders the next (or current) chat sent, delivered and dropped. */
async function staffStats(ctx) {
  const box = h('div', { class: 'push-stats' }, h('h3', {}, t('push.stats_title')));
  try {
    const session = await api.get('/api/sessions/next', { signal: ctx.signal });
    const stats = await api.get(`/api/push/stats/sessions/${encodeURIComponent(session.id)}`, { signal: ctx.signal });
    box.append(h('p', {}, stats.total.targeted ? t('push.stats_line', stats.total) : t('push.stats_none')));
  } catch (err) {
    if (err.name === 'AbortError' || err.status === 404 || err.status === 403) return null;
    box.append(h('p', { class: 'muted' }, errorMessage(err)));
  }
  return box;
}

/** The Reminders section of Me (registered in routes.js). */
export async function renderReminders(container, me, ctx) {
  container.setAttribute('aria-labelledby', 'me-push-title');
  const body = h('div', { class: 'push-body' });
  container.append(h('h2', { id: 'me-push-title' }, t('push.section_title')), h('p', {}, t('push.intro')), body);
  await renderBody(body, me, ctx);
  if (me.kind === 'staff') {
    const stats = await staffStats(ctx);
    if (stats) container.append(stats);
  }
}
