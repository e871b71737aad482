// The host and staff console's panels: the moderation queue, questions by votes and age with claims and
// the answer-card composer, reports, and the staff backchannel. Each panel is {element, render()} over
// the shared console state; actions go through the `act` callbacks given by staff.js.

import { t, tCount, formatTime } from '../i18n.js';
import { h, linkify } from '../ui.js';
import { authorOf, authorLine, answerCard } from './stream.js';
import { reportReasonText } from './frames.js';
import { TOPICS } from './answers.js';

const MUTE_MINUTES = [5, 15, 60];

/** An absolute time (a relative one would go stale in an item that isn't rebuilt). */
function clock(iso) { return iso ? h('time', { datetime: iso }, formatTime(iso)) : ''; }
const REASONS = ['word', 'phone', 'email', 'address', 'hetu', 'handle', 'premoderation', 'ask_ahead'];

/** The hold reason in a word or two, for staff ("Phone number", "Pre-moderation"). */
export function staffReason(reason) { return t(REASONS.includes(reason) ? `chat.reason.${reason}` : 'chat.reason.other'); }

/**
 * Show rows ([{key, sig, build}]) in list, reusing the <li> of every row whose signature is unchanged, so a
 * busy chat doesn't rebuild what staff are reading or typing; focus and caret survive a rebuild.
 */
export function reconcile(list, rows, cache) {
  const active = document.activeElement;
  const inside = active && list.contains(active);
  const caret = inside && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd] : null;
  const keys = new Set(rows.map((row) => row.key));
  for (const key of [...cache.keys()]) if (!keys.has(key)) cache.delete(key);
  const next = rows.map(({ key, sig, build }) => {
    const cached = cache.get(key);
    if (cached && cached.sig === sig) return cached.li;
    const li = build();
    cache.set(key, { sig, li });
    return li;
  });
  const same = next.length === list.children.length && next.every((li, i) => list.children[i] === li);
  if (!same) list.replaceChildren(...next);
  if (inside && document.contains(active) && document.activeElement !== active) {
    active.focus({ preventScroll: true });
    if (caret) { try { active.setSelectionRange(...caret); } catch { /* not a text field */ } }
  }
}

/** Mute / remove / block / concern for the author of a message (a <details> menu: one tap to open). */
export function handleMenu(target, author, act, { canModerate }) {
  if (author.staff) return null;
  const item = (label, run, danger = false) => h('li', {},
    h('button', { type: 'button', class: ['button', 'button-secondary', 'button-block', danger && 'chat-danger'],
      onclick: (event) => {
        const menu = event.currentTarget.closest('details');
        menu.open = false;                      // the choice is made: close the menu, back to its button
        menu.querySelector('summary').focus();
        run();
      } }, label));
  const entries = [];
  if (canModerate) {
    for (const minutes of MUTE_MINUTES) entries.push(item(t('chat.mod_mute', { minutes }), () => act.moderate({ action: 'mute', minutes, ...target })));
    entries.push(item(t('chat.mod_remove'), () => act.confirmModerate({ action: 'remove', ...target }, t('chat.confirm_remove', { handle: author.name }), t('chat.mod_remove')), true));
    entries.push(item(t('chat.mod_block'), () => act.confirmModerate({ action: 'block', ...target }, t('chat.confirm_block', { handle: author.name }), t('chat.mod_block')), true));
  }
  entries.push(item(t('chat.mod_concern'), () => act.concern(target)));
  return h('details', { class: 'chat-menu', onkeydown: (event) => {
    if (event.key !== 'Escape' || !event.currentTarget.open) return;
    event.currentTarget.open = false;
    event.currentTarget.querySelector('summary').focus();
  } },
    h('summary', { class: 'button button-secondary' }, t('chat.mod_more'), h('span', { class: 'visually-hidden' }, ` ${author.name}`)),
    h('ul', { class: 'chat-menu-list' }, entries));
}

/** Ready reasons in the sender's words (five languages); the host may still edit the text. */
const REJECT_PRESETS = ['chat.reject_default', 'chat.reject_preset_personal', 'chat.reject_preset_kind',
  'chat.reject_preset_offtopic', 'chat.reject_preset_emergency'];

function rejectForm(item, act) {
  const id = `reject-${item.id}`;
  const input = h('input', { id, name: 'reason', class: 'input', maxlength: 200, required: true, value: t('chat.reject_default') });
  const preset = h('select', { id: `${id}-preset`, class: 'input',
    onchange: () => { input.value = t(preset.value); input.focus(); } },
  REJECT_PRESETS.map((key) => h('option', { value: key }, t(key))));
  const form = h('form', { class: 'chat-reject-form' },
    h('label', { for: `${id}-preset` }, t('chat.reject_preset_label')), preset,
    h('label', { for: id }, t('chat.reject_reason_label')), input,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button button-danger' }, t('chat.mod_reject')),
      h('button', { type: 'button', class: 'button button-secondary', onclick: () => form.remove() }, t('shell.cancel'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = input.value.trim();
    if (reason) act.moderate({ action: 'reject', id: item.id, reason });
  });
  return form;
}

function openRejectForm(item, act, forms, li) {
  if (!forms.has(item.id)) forms.set(item.id, rejectForm(item, act));
  const form = forms.get(item.id);
  if (!form.isConnected) li.append(form);
  form.querySelector('input').focus();
}

/** The moderation queue: held messages with the hold reason; A approves, R rejects, J/K move. */
export function queuePanel(state, act) {
  const list = h('ol', { class: 'chat-queue', 'aria-label': t('chat.tab_queue') });
  const empty = h('p', { class: 'muted' }, t('chat.queue_empty'));
  const element = h('div', { class: 'chat-panel-body' },
    h('p', { class: 'muted chat-shortcuts', id: 'chat-queue-keys' }, t('chat.queue_keys')), empty, list);
  const cache = new Map();
  const rejectForms = new Map();
  const render = () => {
    element.querySelector('.chat-shortcuts').textContent = state.canModerate ? t('chat.queue_keys') : t('chat.queue_read_only');
    const focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest('.chat-queue-item')?.dataset.id;
    const items = [...state.queue.values()].sort((a, b) => String(a.ts).localeCompare(String(b.ts)));
    for (const id of [...rejectForms.keys()]) if (!state.queue.has(id)) rejectForms.delete(id);
    reconcile(list, items.map((item) => ({
      key: item.id, sig: `${state.busy.has(`id:${item.id}`)}|${state.canModerate}`, build: () => queueItem(item) })), cache);
    empty.hidden = items.length > 0;
    if (focusedId && !list.contains(document.activeElement)) {
      const again = list.querySelector(`[data-id="${CSS.escape(focusedId)}"]`);
      (again || list.firstElementChild || list).focus?.();
    }
  };
  const queueItem = (item) => {
      const author = authorOf(item);
      const busy = state.busy.has(`id:${item.id}`);
      const li = h('li', { class: 'card chat-queue-item', tabindex: '0', dataset: { id: item.id },
        'aria-describedby': 'chat-queue-keys', 'aria-busy': busy ? 'true' : null },
      authorLine(item),
      item.question && h('p', {}, h('span', { class: 'badge' }, t('chat.question'))),
      h('p', { class: 'chat-text' }, linkify(item.text)),
      h('p', { class: 'chat-hold-reason' }, h('strong', {}, t('chat.hold_reason_label')), ' ', staffReason(item.reason),
        item.flag && [' ', h('span', { class: 'badge badge-flag' }, t('chat.flag_may_need_help'))]),
      state.canModerate && h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button chat-approve', disabled: busy, 'aria-keyshortcuts': 'A',
          onclick: () => act.moderate({ action: 'approve', id: item.id }) }, t('chat.mod_approve')),
        h('button', { type: 'button', class: 'button button-danger chat-reject', disabled: busy, 'aria-keyshortcuts': 'R',
          onclick: () => act.moderate({ action: 'reject', id: item.id, reason: t('chat.reject_default') }) }, t('chat.mod_reject')),
        h('button', { type: 'button', class: 'button button-secondary', disabled: busy, 'aria-keyshortcuts': 'Shift+R',
          onclick: (event) => openRejectForm(item, act, rejectForms, event.currentTarget.closest('li')) },
        t('chat.mod_reject_with_reason')),
        handleMenu({ id: item.id }, author, act, state)),
      rejectForms.get(item.id));
      return li;
  };
  /** Keyboard: a/r/shift+r on the focused (or first) item, j/k to move. Returns true when handled. */
  const onKey = (event) => {
    const items = [...list.children];
    if (!items.length || !state.canModerate) return false;
    const current = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.chat-queue-item') : null;
    const index = Math.max(0, items.indexOf(current));
    const key = event.key.toLowerCase();
    if (key === 'j' || key === 'k') {
      const next = !current ? 0 : Math.min(items.length - 1, Math.max(0, index + (key === 'j' ? 1 : -1)));
      items[next].focus();
      return true;
    }
    const item = state.queue.get(Number(items[index].dataset.id));
    if (!item) return false;
    if (key === 'a') { act.moderate({ action: 'approve', id: item.id }); return true; }
    if (key === 'r' && event.shiftKey) { items[index].querySelector('.chat-reject + .button').click(); return true; }
    if (key === 'r') { act.moderate({ action: 'reject', id: item.id, reason: t('chat.reject_default') }); return true; }
    return false;
  };
  return { element, render, onKey, count: () => state.queue.size };
}

function answerForm(question, act) {
  const id = `answer-${question.seq}`;
  const verdicts = ['yes', 'no', 'depends'].map((verdict, i) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: `${id}-verdict`, value: verdict, checked: i === 0 }), h('span', {}, t(`chat.verdict_${verdict}`))));
  const reason = h('textarea', { id: `${id}-reason`, name: 'reason', class: 'input', maxlength: 600, required: true, rows: 3 });
  const link = h('input', { id: `${id}-link`, name: 'link', type: 'url', class: 'input', maxlength: 500, placeholder: 'https://' });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'chat-answer-form', 'aria-label': t('chat.answer_form_title') },
    h('fieldset', { class: 'choices chat-verdicts' }, h('legend', {}, t('chat.answer_verdict')), verdicts),
    h('div', { class: 'field' }, h('label', { for: `${id}-reason` }, t('chat.answer_reason')), reason),
    h('div', { class: 'field' }, h('label', { for: `${id}-link` }, t('chat.answer_link')), link,
      h('p', { class: 'field-hint' }, t('chat.answer_link_hint'))),
    error,
    h('button', { type: 'submit', class: 'button' }, t('chat.answer_send')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const verdict = form.querySelector(`input[name="${id}-verdict"]:checked`).value;
    const text = reason.value.trim();
    const url = link.value.trim();
    if (!text) { error.textContent = t('chat.answer_reason_missing'); error.hidden = false; reason.focus(); return; }
    if (url && !/^https?:\/\/\S+$/i.test(url)) { error.textContent = t('chat.answer_link_bad'); error.hidden = false; link.focus(); return; }
    act.answer({ seq: question.seq, verdict, reason: text, ...(url ? { link: url } : {}) });
  });
  return form;
}

function publishControls(answer, act, state) {
  if (!state.canModerate) return null;
  if (answer.archived) return null;                 // the card itself says "In the answer archive"
  const id = `publish-${answer.seq}`;
  const topic = h('select', { id, class: 'input' }, TOPICS.map((name) => h('option', { value: name }, t(`chat.topic_${name}`))));
  return h('div', { class: 'chat-publish' },
    h('label', { for: id }, t('chat.topic_label')), topic,
    h('button', { type: 'button', class: 'button chat-publish-button',
      onclick: () => act.moderate({ action: 'publish', seq: answer.seq, topic: topic.value }) }, t('chat.publish')));
}

/** Questions by "me too" votes and age, with claims ("I'm answering this") and the answer card form. */
export function questionsPanel(state, act) {
  const list = h('ol', { class: 'chat-questions', 'aria-label': t('chat.tab_questions') });
  const empty = h('p', { class: 'muted' }, t('chat.questions_empty'));
  const element = h('div', { class: 'chat-panel-body' }, empty, list);
  const openForms = new Set();
  const forms = new Map();             // question seq -> its answer form (kept while typing)
  const publishers = new Map();        // answer seq -> its publish controls (keeps the chosen topic)
  const cache = new Map();
  const render = () => {
    const questions = state.stream.questions();
    reconcile(list, questions.map((question) => {
      const answer = state.stream.answers.get(question.seq);
      const claim = state.claims.get(question.seq);
      const sig = [question.votes, claim && claim.id, answer && answer.seq, answer && answer.archived,
        openForms.has(question.seq), state.canModerate].join('|');
      return { key: question.seq, sig, build: () => questionItem(question, answer, claim) };
    }), cache);
    empty.hidden = questions.length > 0;
  };
  const formFor = (question) => {
    if (!forms.has(question.seq)) forms.set(question.seq, answerForm(question, act));
    return forms.get(question.seq);
  };
  const publisherFor = (answer) => {
    if (!publishers.has(answer.seq)) publishers.set(answer.seq, publishControls(answer, act, state));
    return answer.archived ? null : publishers.get(answer.seq);
  };
  const questionItem = (question, answer, claim) => {
      const mineClaim = claim && claim.id === state.me.id;
      return h('li', { class: ['card', 'chat-question-item', answer && 'chat-answered'], dataset: { seq: question.seq } },
        h('p', { class: 'chat-text' }, linkify(question.text)),
        h('p', { class: 'muted' }, question.votes > 0 && [tCount('chat.votes', question.votes), ' · '], clock(question.ts),
          claim && !answer && [' · ', h('strong', {}, mineClaim ? t('chat.claimed_by_you') : t('chat.claimed_by', { name: claim.name }))]),
        answer ? [answerCard(answer), publisherFor(answer)] : h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'button button-secondary chat-claim', 'aria-pressed': mineClaim ? 'true' : 'false',
            onclick: () => act.claim(question.seq, !mineClaim) }, t('chat.claim')),
          h('button', { type: 'button', class: 'button chat-answer-open', 'aria-expanded': openForms.has(question.seq) ? 'true' : 'false',
            onclick: () => { if (openForms.has(question.seq)) openForms.delete(question.seq); else openForms.add(question.seq); render(); } },
          t('chat.answer_open'))),
        !answer && openForms.has(question.seq) && formFor(question));
  };
  return { element, render, count: () => state.stream.questions().filter((q) => !state.stream.answers.has(q.seq)).length,
    closeForm: (seq) => { openForms.delete(seq); forms.delete(seq); } };
}

/** Reports from anyone: the reported message, the reason; delete the message or dismiss the report. */
export function reportsPanel(state, act) {
  const list = h('ol', { class: 'card-list', 'aria-label': t('chat.tab_reports') });
  const empty = h('p', { class: 'muted' }, t('chat.reports_empty'));
  const element = h('div', { class: 'chat-panel-body' }, empty, list);
  const cache = new Map();
  const render = () => {
    const reports = [...state.reports.values()];
    reconcile(list, reports.map((report) => ({
      key: report.id, sig: `${Boolean(state.stream.find({ seq: report.seq }))}|${state.canModerate}|${report.count || 1}`,
      build: () => reportItem(report) })), cache);
    empty.hidden = reports.length > 0;
  };
  const reportItem = (report) => {
      const found = state.stream.find({ seq: report.seq });
      const message = found ? found.message : { text: t('chat.report_message_gone') };
      return h('li', { class: 'card' },
        h('p', { class: 'chat-text' }, linkify(message.text || '')),
        h('p', {}, h('strong', {}, t('chat.report_reason_label')), ' ', reportReasonText(report.reason), ' · ', clock(report.ts)),
        h('p', { class: 'muted report-count' }, tCount('chat.reported_by', report.count || 1)),
        state.canModerate && h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'button button-danger', onclick: () => act.moderate({ action: 'delete', seq: report.seq }) }, t('chat.mod_delete')),
          h('button', { type: 'button', class: 'button button-secondary', onclick: () => act.moderate({ action: 'dismiss_report', report_id: report.id }) }, t('chat.mod_dismiss')),
          found && handleMenu({ seq: report.seq }, authorOf(message), act, state)));
  };
  return { element, render, count: () => state.reports.size };
}

/** The staff-only backchannel: notes between staff; never sent to youth or observers. */
export function backchannelPanel(state, act) {
  const list = h('ol', { class: 'chat-notes', 'aria-label': t('chat.tab_staff') });
  const input = h('textarea', { id: 'chat-note-text', class: 'input', rows: 2, maxlength: 1000 });
  const form = h('form', { class: 'chat-note-form' },
    h('label', { for: 'chat-note-text' }, t('chat.note_label')), input,
    h('button', { type: 'submit', class: 'button' }, t('chat.note_send')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text && act.note(text)) input.value = '';
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  const concerns = h('ul', { class: 'chat-concerns' });
  const noConcerns = h('p', { class: 'muted' }, t('chat.concerns_empty'));
  const element = h('div', { class: 'chat-panel-body' }, h('p', { class: 'muted' }, t('chat.staff_only')), list, form,
    h('h3', { class: 'chat-concerns-title' }, t('chat.concerns_title')), noConcerns, concerns);
  const cache = new Map();
  const concernCache = new Map();
  const render = () => {
    const rows = [...state.concerns.values()].sort((a, b) => String(b.ts).localeCompare(String(a.ts)));
    reconcile(concerns, rows.map((row) => ({ key: row.id, sig: '', build: () => h('li', { class: 'chat-note chat-concern' },
      h('p', { class: 'chat-text' }, row.text || ''),
      row.note && h('p', {}, h('strong', {}, t('chat.concern_note')), ' ', row.note),
      h('p', { class: 'muted' }, (row.by && row.by.name) || '', ' · ', clock(row.ts))) })), concernCache);
    noConcerns.hidden = rows.length > 0;
    reconcile(list, state.notes.map((note) => ({ key: note.staff_seq ?? note.id, sig: '', build: () => h('li', { class: 'chat-note' },
      h('p', { class: 'chat-author' }, h('strong', {}, (note.author && note.author.name) || ''), ' ',
        note.ts && h('time', { class: 'muted', datetime: note.ts }, formatTime(note.ts))),
      h('p', { class: 'chat-text' }, linkify(note.text))) })), cache);
  };
  return { element, render, count: () => 0 };
}
