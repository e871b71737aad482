// The message composer: text, "this is a question", send (Enter sends, Shift+Enter is a new line).
// Before the session opens it becomes "ask ahead" (always a question). Mute and close disable it.
// One line like a messenger's, growing with the text up to about six lines; the label and the key hint
// are there for screen readers and as the placeholder.

import { t, formatTime } from '../i18n.js';
import { h } from '../ui.js';

export const MAX_LENGTH = 500;

export function composer({ onSend, askAhead = false, id = 'chat', questionToggle = true, label = null }) {
  const text = h('textarea', { id: `${id}-text`, name: 'text', class: 'input chat-input', rows: 1, maxlength: MAX_LENGTH,
    autocomplete: 'off', 'aria-describedby': `${id}-composer-hint ${id}-composer-error` });
  const question = h('input', { type: 'checkbox', id: `${id}-question`, name: 'question' });
  const toggle = questionToggle && h('label', { class: 'chat-toggle', for: `${id}-question` }, question,
    h('span', { 'aria-hidden': 'true' }, t('chat.question')), h('span', { class: 'visually-hidden' }, t('chat.is_question')));
  const error = h('p', { class: 'field-error', id: `${id}-composer-error`, hidden: true, role: 'alert' });
  const hint = h('p', { class: 'field-hint visually-hidden', id: `${id}-composer-hint` });
  const labelEl = h('label', { for: `${id}-text`, class: 'visually-hidden' });
  const send = h('button', { type: 'submit', class: 'button chat-send' });
  const form = h('form', { class: 'chat-composer', novalidate: true, 'aria-label': t('chat.composer_title') },
    labelEl, hint, error, h('div', { class: 'chat-composer-row' }, text, toggle, send));
  const grow = () => {
    text.style.height = 'auto';
    text.style.height = `${Math.min(text.scrollHeight + 2, 160)}px`;
  };
  text.addEventListener('input', grow);
  let disabledReason = null;
  let muteTimer = null;
  let ahead = askAhead;

  const showError = (message) => { error.textContent = message || ''; error.hidden = !message; };
  const setEnabled = (on) => { text.disabled = !on; send.disabled = !on; question.disabled = !on || ahead; };
  const render = () => {
    labelEl.textContent = ahead ? t('chat.ask_ahead_label') : (label || t('chat.your_message'));
    text.placeholder = labelEl.textContent;
    hint.textContent = ahead ? t('chat.ask_ahead_hint') : t('chat.composer_hint');
    hint.classList.toggle('visually-hidden', !ahead);          // "Enter sends" is for screen readers
    send.textContent = ahead ? t('chat.ask_ahead_send') : t('chat.send');
    if (toggle) toggle.hidden = ahead;
  };
  render();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (disabledReason) { showError(disabledReason); return; }
    const value = text.value.trim();
    if (!value) { showError(t('chat.error_empty')); text.focus(); return; }
    showError('');
    onSend(value, ahead || question.checked);
    text.value = '';
    grow();
    question.checked = false;
    text.focus();
  });
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });

  return {
    form, showError,
    /** Turn the composer off for good with a reason (removed, session closed). */
    disable(reason) { disabledReason = reason; setEnabled(false); showError(reason); },
    /** Muted until an ISO time (or null): disabled with the time, enabled again by itself. */
    mutedUntil(iso) {
      clearTimeout(muteTimer);
      const until = iso ? new Date(iso).getTime() : 0;
      if (!until || until <= Date.now()) { if (!disabledReason) { setEnabled(true); showError(''); } return; }
      setEnabled(false);
      showError(t('chat.sanction_mute', { time: formatTime(iso) }));
      muteTimer = setTimeout(() => { setEnabled(true); showError(''); }, Math.min(until - Date.now(), 2 ** 31 - 1));
    },
    setAskAhead(on) { ahead = on; render(); setEnabled(!disabledReason); },
    stop() { clearTimeout(muteTimer); },
  };
}
