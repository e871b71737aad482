// /chat/<id> for host and staff: mode switches, then tabs (phone) or columns (laptop) for the moderation
// queue, questions, the public stream, the backchannel and reports. Keys: 1-5 switch panels, in the queue
// A approves, R rejects, Shift+R rejects with a reason, J/K move; ? lists the keys.

import { t, formatTime } from '../i18n.js';
import { h, heading, toast, confirmDialog } from '../ui.js';
import { ChatSocket } from './socket.js';
import { sessionHeader, connectionPill } from './parts.js';
import { Stream } from './stream.js';
import { api } from '../api.js';
import { wireCommonFrames, errorText, closedText, concernDialog } from './frames.js';
import { composer } from './composer.js';
import { queuePanel, questionsPanel, reportsPanel, backchannelPanel, handleMenu } from './staff-panels.js';

const WIDE = window.matchMedia('(min-width: 64rem)');
const SLOW_CHOICES = [0, 10, 30, 60, 120];

function controls(state, act) {
  const mode = h('button', { type: 'button', class: 'button button-secondary chat-mode', role: 'switch',
    onclick: () => act.moderate({ action: 'mode', mode: state.session.moderation === 'pre' ? 'open' : 'pre' }) });
  const slow = h('select', { id: 'chat-slow', class: 'input',
    onchange: (event) => act.moderate({ action: 'slow', seconds: Number(event.target.value) }) },
  SLOW_CHOICES.map((seconds) => h('option', { value: seconds }, seconds ? t('chat.slow_seconds', { seconds }) : t('chat.slow_off'))));
  const close = h('button', { type: 'button', class: 'button button-secondary chat-danger chat-end',
    onclick: () => act.confirmModerate({ action: 'close' }, t('chat.confirm_close'), t('chat.close_session')) }, t('chat.close_session'));
  const element = h('section', { class: 'card chat-controls', 'aria-labelledby': 'chat-controls-title' },
    h('h2', { id: 'chat-controls-title' }, t('chat.controls_title')),
    h('div', { class: 'chat-controls-row' },
      h('div', { class: 'field' }, h('span', { class: 'chat-control-label', id: 'chat-mode-label' }, t('chat.premoderation')), mode),
      h('div', { class: 'field' }, h('label', { for: 'chat-slow' }, t('chat.slow_mode')), slow),
      close));
  mode.setAttribute('aria-labelledby', 'chat-mode-label');
  const render = () => {
    const pre = state.session.moderation !== 'open';
    mode.setAttribute('aria-checked', pre ? 'true' : 'false');
    mode.textContent = pre ? t('chat.premoderation_on') : t('chat.premoderation_off');
    const seconds = state.session.slow_mode_seconds || 0;
    if (!SLOW_CHOICES.includes(seconds)) slow.append(h('option', { value: seconds }, t('chat.slow_seconds', { seconds })));
    slow.value = String(seconds);
    element.hidden = !state.canModerate;
  };
  return { element, render };
}

function tabs(panels) {
  const tablist = h('div', { class: 'chat-tabs', role: 'tablist', 'aria-label': t('chat.console_sections') });
  const buttons = panels.map((panel, i) => {
    const badge = h('span', { class: 'badge chat-tab-count' });
    const button = h('button', { type: 'button', role: 'tab', id: `chat-tab-${panel.name}`, class: 'chat-tab',
      'aria-controls': `chat-panel-${panel.name}`, 'aria-keyshortcuts': String(i + 1), tabindex: '-1' },
    h('span', {}, t(`chat.tab_${panel.name}`)), badge);
    button.addEventListener('click', () => select(i, true));
    button.addEventListener('keydown', (event) => {
      const move = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (move) { event.preventDefault(); select((i + move + panels.length) % panels.length, true); }
    });
    panel.section = h('section', { id: `chat-panel-${panel.name}`, role: 'tabpanel', class: 'chat-panel',
      'aria-labelledby': `chat-tab-${panel.name}`, tabindex: '-1' }, h('h2', { class: 'chat-panel-title' }, t(`chat.tab_${panel.name}`)), panel.element);
    panel.badge = badge;
    return button;
  });
  tablist.append(...buttons);
  let current = 0;
  function select(index, focus = false) {
    current = index;
    const wide = WIDE.matches;
    tablist.hidden = wide;
    panels.forEach((panel, i) => {
      buttons[i].setAttribute('aria-selected', i === index ? 'true' : 'false');
      buttons[i].tabIndex = i === index ? 0 : -1;
      panel.section.hidden = !wide && i !== index;
      panel.section.setAttribute('role', wide ? 'region' : 'tabpanel');
    });
    if (focus) (wide ? panels[index].section : buttons[index]).focus();
  }
  const counts = () => panels.forEach((panel) => {
    const n = panel.count ? panel.count() : 0;
    panel.badge.textContent = n ? String(n) : '';
    panel.badge.hidden = !n;
  });
  return { tablist, select, counts, current: () => panels[current].name, relayout: () => select(current) };
}

/** The console. Returns the teardown. */
export function staffRoom(view, session, me) {
  const header = sessionHeader(session);
  const pill = connectionPill();
  const socket = new ChatSocket(session.id, { as: null });
  const state = { me, session: { ...session }, canModerate: false, queue: new Map(), reports: new Map(),
    claims: new Map(), notes: [], concerns: new Map(), busy: new Set(), stream: null, flags: new Map(),
    results: new Map() };
  const act = {
    moderate(frame) {
      if (!socket.send({ type: 'moderate', ...frame })) { toast(t('chat.error_not_connected')); return false; }
      if (frame.id) { state.busy.add(`id:${frame.id}`); queue.render(); }
      showResult(frame);
      return true;
    },
    /** The app's own confirm dialog (never window.confirm), then the action. */
    async confirmModerate(frame, question, label = t('chat.confirm_yes')) {
      if (await confirmDialog({ title: question, confirm: label, danger: true })) act.moderate(frame);
    },
    concernNow(seq) { if (!socket.send({ type: 'concern', seq, note: '' })) toast(t('chat.error_not_connected')); },
    concern(target) {
      const found = target.seq ? stream.find({ seq: target.seq }) : null;
      const text = found ? found.message.text : (state.queue.get(target.id) || {}).text;
      concernDialog(text, (note) => {
        if (!socket.send({ type: 'concern', ...target, note })) toast(t('chat.error_not_connected'));
      });
    },
    answer(frame) { if (!socket.send({ type: 'answer', ...frame })) toast(t('chat.error_not_connected')); },
    claim(seq, claimed) { if (!socket.send({ type: 'claim', seq, claimed })) toast(t('chat.error_not_connected')); },
    note(text) { const ok = socket.send({ type: 'staff', text }); if (!ok) toast(t('chat.error_not_connected')); return ok; },
  };
  /** Every action shows what it did: on the message (lasting) and in a short toast. */
  const showResult = (frame) => {
    const key = { mute: 'chat.result_muted', remove: 'chat.result_removed', block: 'chat.result_blocked' }[frame.action];
    if (!key) return;
    const until = frame.action === 'mute' ? formatTime(new Date(Date.now() + frame.minutes * 60000)) : '';
    const text = t(key, { time: until });
    if (frame.seq) {
      state.results.set(frame.seq, text);
      if (stream.find({ seq: frame.seq })) stream.upsert({ seq: frame.seq }, { announce: false });
    }
    toast(text);
  };
  const stream = new Stream({
    label: t('chat.stream_label'),
    staffTools: (message, author) => {
      const result = state.results.get(message.seq);
      const done = result && h('span', { class: 'badge chat-result', role: 'status' }, result);
      const tools = staffToolsFor(message, author);
      return done ? [done, tools] : tools;
    },
  });
  function staffToolsFor(message, author) {
    {
      const flag = !author.staff && state.flags.get(message.seq) && mayNeedHelp(message.seq, act);
      if (author.staff || !state.canModerate) return author.staff ? null : [flag, handleMenu({ seq: message.seq }, author, act, state)];
      return h('span', { class: 'chat-staff-tools' }, flag,
        h('button', { type: 'button', class: 'button button-secondary', onclick: () => act.moderate({ action: 'delete', seq: message.seq }) },
          t('chat.mod_delete')),
        handleMenu({ seq: message.seq }, author, act, state));
    }
  }
  state.stream = stream;
  const queue = queuePanel(state, act);
  const questions = questionsPanel(state, act);
  const reports = reportsPanel(state, act);
  const notes = backchannelPanel(state, act);
  const publicBox = composer({ id: 'staff', questionToggle: false, label: t('chat.staff_public_label'),
    onSend: (text) => socket.say(text) });
  const panels = [
    { name: 'queue', element: queue.element, count: queue.count },
    { name: 'questions', element: questions.element, count: questions.count },
    { name: 'stream', element: h('div', { class: 'chat-panel-body' }, stream.element, h('div', { class: 'chat-dock' }, stream.jump, publicBox.form)) },
    { name: 'staff', element: notes.element },
    { name: 'reports', element: reports.element, count: reports.count },
  ];
  const tabset = tabs(panels);
  const ctl = controls(state, act);
  const keysHelp = h('p', { class: 'muted chat-keys-help', hidden: true, id: 'chat-keys-help' }, t('chat.console_keys'));
  const renderAll = () => { queue.render(); questions.render(); reports.render(); notes.render(); ctl.render(); tabset.counts(); };

  view.append(
    h('div', { class: 'chat-console' },
      heading(session.title || t('chat.title')),
      h('p', { class: 'chat-console-badge' }, h('span', { class: 'badge badge-verified' }, t('chat.console_badge'))),
      header.element, pill.element, ctl.element, keysHelp, tabset.tablist,
      h('div', { class: 'chat-panels' }, panels.map((panel) => panel.section))));
  tabset.select(0);
  renderAll();

  socket.addEventListener('connection', (event) => {
    pill.set(event.detail.state);
    if (event.detail.state === 'closed' && socket.finalClose) toast(closedText(socket.finalClose.code));
  });
  wireCommonFrames(socket, {
    header, stream,
    onWelcome: (frame) => {
      state.canModerate = Boolean(frame.you && frame.you.can_moderate);
      state.session = { ...state.session, ...(frame.session || {}) };
      state.queue = new Map((frame.queue || []).map((item) => [item.id, item]));
      state.reports = new Map((frame.reports || []).map((report) => [report.id, report]));
      state.claims = new Map(Object.entries(frame.claims || {}).filter(([, who]) => who).map(([seq, who]) => [Number(seq), who]));
      state.flags = new Map(Object.entries(frame.flags || {}).map(([seq, flag]) => [Number(seq), flag]));
      state.busy.clear();
      renderAll();
    },
    onState: (next) => { state.session = { ...state.session, ...next }; ctl.render(); },
  });
  const on = (type, fn) => socket.addEventListener(type, (event) => { fn(event.detail); renderAll(); });
  on('message', (frame) => stream.upsert(frame, { announce: socket.caughtUp }));
  on('flag', (frame) => {
    state.flags.set(frame.seq, frame.flag);
    if (stream.find({ seq: frame.seq })) stream.upsert({ seq: frame.seq }, { announce: false });
    stream.announcer.add('message', t('chat.announce_flag'));
  });
  on('answer', (frame) => questions.closeForm(frame.question_seq));
  on('votes', () => {});
  on('archived', () => {});
  on('held', (item) => { state.queue.set(item.id, item); stream.announcer.add('message', t('chat.announce_held')); });
  on('moderated', (frame) => {
    if (frame.id) { state.queue.delete(frame.id); state.busy.delete(`id:${frame.id}`); }
    if (frame.report_id) state.reports.delete(frame.report_id);
  });
  on('removed', (frame) => {
    stream.remove({ seq: frame.seq }, { forever: true });
    for (const [id, report] of state.reports) if (report.seq === frame.seq) state.reports.delete(id);
  });
  on('claim', (frame) => { if (frame.staff) state.claims.set(frame.seq, frame.staff); else state.claims.delete(frame.seq); });
  on('report', (report) => { state.reports.set(report.id, report); stream.announcer.add('message', t('chat.announce_report')); });
  on('staff', (note) => {
    state.notes.push(note);
    if (!note.author || note.author.id !== me.id) stream.announcer.add('message', t('chat.announce_note', { name: (note.author || {}).name || '' }));
  });
  on('concern', (concern) => {
    const found = concern.seq ? stream.find({ seq: concern.seq }) : null;
    const held = state.queue.get(concern.message_id);
    state.concerns.set(concern.id, { ...concern, text: found ? found.message.text : (held ? held.text : '') });
    toast(t('chat.concern_recorded'));
  });
  on('error', (frame) => { state.busy.clear(); toast(errorText(frame)); });

  const onKey = (event) => {
    const target = event.target;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest('input, textarea, select, [contenteditable], dialog, details[open]')) return;
    if (event.key === '?') { keysHelp.hidden = !keysHelp.hidden; event.preventDefault(); return; }
    const number = Number(event.key);
    if (number >= 1 && number <= panels.length) { tabset.select(number - 1, true); event.preventDefault(); return; }
    if ((tabset.current() === 'queue' || WIDE.matches) && queue.onKey(event)) event.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  const relayout = () => tabset.relayout();
  WIDE.addEventListener('change', relayout);
  api.get(`/api/sessions/${encodeURIComponent(session.id)}/concerns`).then((body) => {
    for (const row of body.concerns || []) {
      if (!state.concerns.has(row.id)) state.concerns.set(row.id, { ...row, text: (row.detail || {}).text || '' });
    }
    notes.render();
  }).catch(() => { /* offline: the live frames still arrive */ });
  socket.connect();
  return () => {
    socket.close(); header.stop(); stream.stop(); publicBox.stop();
    document.removeEventListener('keydown', onKey);
    WIDE.removeEventListener('change', relayout);
  };
}


/** "May need help": the marker on a flagged message and a one-tap safeguarding concern (docs/chat-protocol.md). */
function mayNeedHelp(seq, act) {
  return h('span', { class: 'chat-flag' },
    h('span', { class: 'badge badge-flag' }, t('chat.flag_may_need_help')),
    h('button', { type: 'button', class: 'button button-secondary chat-flag-concern', dataset: { focusKey: 'flag-concern' },
      onclick: () => act.concernNow(seq) }, t('chat.flag_concern_now')));
}
