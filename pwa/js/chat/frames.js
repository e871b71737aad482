// Frame handling both chat views share (docs/chat-protocol.md): welcome, presence, state, answers,
// votes and removals; the error sentences; the report dialog.

import { t } from '../i18n.js';
import { h } from '../ui.js';

/** Is this `message` frame mine? By a cid I sent from this page, or by my handle (after a reload). */
export function isMine(frame, myCids, you) {
  if (frame.cid && myCids.has(frame.cid)) return true;
  const author = frame.author || {};
  return Boolean(you && you.role === 'participant' && you.handle && author.kind === 'youth' && author.handle === you.handle);
}

/** An own message from welcome.mine / ack / status as the stream shows it. */
export function ownStatus(status, reason) {
  if (status === 'held') return reason === 'premoderation' || reason === 'ask_ahead' ? 'waiting' : 'held';
  if (status === 'rejected' || status === 'deleted' || status === 'sending' || status === 'failed') return status;
  return 'published';
}

/** welcome / presence / state / answer / votes / removed frames: the same in every chat view. */
export function wireCommonFrames(socket, { header, stream, onWelcome = null, onState = null }) {
  socket.addEventListener('welcome', (event) => {
    const frame = event.detail;
    header.update(frame.session || {}, (frame.session || {}).presence || null);
    for (const seq of frame.removed || []) stream.remove({ seq }, { forever: true });
    stream.setVotes(frame.questions || {});
    if (onWelcome) onWelcome(frame);
  });
  socket.addEventListener('presence', (event) => header.update({}, event.detail));
  socket.addEventListener('state', (event) => {
    const { type, ...session } = event.detail;
    header.update(session);
    if (onState) onState(session);
  });
  socket.addEventListener('answer', (event) => stream.addAnswer(event.detail, { announce: socket.caughtUp }));
  socket.addEventListener('votes', (event) => stream.setVotes({ [event.detail.seq]: event.detail.votes }));
  socket.addEventListener('archived', (event) => stream.markArchived(event.detail.seq));
}

const ERROR_KEYS = {
  read_only: 'chat.error_read_only', forbidden: 'chat.error_forbidden', rate_limited: 'chat.error_rate_limited',
  muted: 'chat.error_muted', session_closed: 'chat.error_closed', not_open: 'chat.error_not_open',
  invalid: 'chat.error_invalid', not_found: 'chat.error_not_found', already_answered: 'chat.error_already_answered',
  conflict: 'chat.error_conflict', login_required: 'chat.error_login_required',
};

/** A sentence for an `error {code, message, retry_after?}` frame that says what to do next. */
export function errorText(frame) {
  const key = ERROR_KEYS[frame.code];
  const seconds = Math.max(1, Math.ceil(Number(frame.retry_after || 0)));
  if (key) return t(key, { seconds });
  return t('chat.error_generic');
}

/** The sentence for a socket the server closed for good (close code). */
export function closedText(code) {
  const keys = { 4001: 'chat.error_login_required', 4003: 'chat.closed_deactivated', 4004: 'chat.error_not_found',
    4009: 'chat.closed_removed', 1009: 'chat.closed_too_big' };
  return t(keys[code] || 'chat.conn_closed');
}

const REPORT_REASONS = ['personal', 'bullying', 'inappropriate', 'spam', 'other'];

/** Ask why a message is reported (a native modal dialog: focus kept inside, Esc closes); onSend(reason). */
export function reportDialog(message, onSend) {
  // Nothing is chosen for the reporter: they pick the reason (Send waits until they do).
  const choices = REPORT_REASONS.map((reason) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'report-reason', value: reason }),
    h('span', {}, t(`chat.report_${reason}`))));
  const form = h('form', { method: 'dialog', class: 'chat-dialog-form' },
    h('h2', { id: 'chat-report-title' }, t('chat.report_title')),
    h('blockquote', { class: 'chat-report-quote' }, String(message.text || '').slice(0, 200)),
    h('fieldset', { class: 'choices' }, h('legend', {}, t('chat.report_why')), choices),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button', value: 'send' }, t('chat.report_send')),
      h('button', { type: 'submit', class: 'button button-secondary', value: 'cancel' }, t('shell.cancel'))));
  const dialog = h('dialog', { class: 'chat-dialog', 'aria-labelledby': 'chat-report-title' }, form);
  const sendButton = form.querySelector('button[value="send"]');
  sendButton.disabled = true;
  form.addEventListener('change', () => { sendButton.disabled = !form.querySelector('input[name="report-reason"]:checked'); });
  dialog.addEventListener('close', () => {
    const picked = form.querySelector('input[name="report-reason"]:checked');
    if (dialog.returnValue === 'send' && picked) onSend(picked.value);
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/** Record a safeguarding concern about a message: a staff-only note (a modal dialog); onSend(note). */
export function concernDialog(text, onSend) {
  const note = h('textarea', { id: 'chat-concern-note', class: 'input', maxlength: 1000, rows: 4 });
  const form = h('form', { method: 'dialog', class: 'chat-dialog-form' },
    h('h2', { id: 'chat-concern-title' }, t('chat.mod_concern')),
    h('blockquote', { class: 'chat-report-quote' }, String(text || '').slice(0, 200)),
    h('div', { class: 'field' }, h('label', { for: 'chat-concern-note' }, t('chat.concern_note_label')), note),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button', value: 'send' }, t('chat.concern_send')),
      h('button', { type: 'submit', class: 'button button-secondary', value: 'cancel' }, t('shell.cancel'))));
  const dialog = h('dialog', { class: 'chat-dialog', 'aria-labelledby': 'chat-concern-title' }, form);
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'send') onSend(note.value.trim());
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
  note.focus();
  return dialog;
}

export function reportReasonText(reason) {
  return REPORT_REASONS.includes(reason) ? t(`chat.report_${reason}`) : String(reason || '');
}
