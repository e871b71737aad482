// /chat/<id> for youth and observers: header, "Need help now?", connection state, the stream, and the
// composer (participants; "ask ahead" before the session opens) or the "you are watching" banner.

import { navigate } from '../router.js';
import { api } from '../api.js';
import { t, formatTime } from '../i18n.js';
import { h, heading, toast, errorMessage } from '../ui.js';
import { becomeYouth } from '../session.js';
import { ChatSocket, newCid } from './socket.js';
import { helpBox, sessionHeader, connectionPill, rulesList, roomBar } from './parts.js';
import { Stream, holdReasonText } from './stream.js';
import { wireCommonFrames, isMine, ownStatus, errorText, closedText, reportDialog } from './frames.js';
import { composer } from './composer.js';

function observerBanner(session, me) {
  const join = async () => {
    try {
      if (me.kind !== 'youth') await becomeYouth();
      await navigate(`/chat/${encodeURIComponent(session.id)}`, { replace: true });
    } catch (err) { toast(errorMessage(err)); }
  };
  return h('section', { class: 'chat-watching', 'aria-labelledby': 'chat-watching-title' },
    h('h2', { id: 'chat-watching-title' }, t('chat.watching_title')),
    h('p', {}, t('chat.watching_body')),
    me.kind !== 'staff' && h('button', { type: 'button', class: 'button', onclick: join }, t('chat.join_to_ask')));
}

function votedKey(id) { return `tuttu.chat.voted.${id}`; }
function loadVoted(id) { try { return JSON.parse(sessionStorage.getItem(votedKey(id)) || '[]'); } catch { return []; } }
function saveVoted(id, seqs) { try { sessionStorage.setItem(votedKey(id), JSON.stringify([...seqs])); } catch { /* fine */ } }

/** The room for a youth (participant) or anyone watching (observer). Returns the teardown. */
export function youthRoom(view, session, me, { observer }) {
  const stateChanged = (state) => {
    if (box) box.setAskAhead(['scheduled', 'lobby'].includes(state));
    if (state !== 'closed') return;
    if (box) box.disable(t('chat.error_closed'));
    if (!view.querySelector('.chat-after')) {
      const after = h('p', { class: 'chat-after' }, h('a', { href: '/answers', class: 'button button-secondary button-block' },
        t('chat.archive_link')));
      const dockNow = view.querySelector('.chat-dock');
      if (dockNow) dockNow.before(after); else view.append(after);     // above the composer, not under it
    }
  };
  const header = sessionHeader(session, { onChange: (state) => stateChanged(state) });
  const pill = connectionPill();
  const socket = new ChatSocket(session.id, { as: observer ? 'observer' : 'participant' });
  const myCids = new Set(socket.pending().map((item) => item.cid));
  let you = { role: observer ? 'observer' : 'participant', handle: me.handle };
  const stream = new Stream({
    label: t('chat.stream_label'), canMeToo: !observer,
    onMeToo: (seq) => {
      if (!socket.send({ type: 'metoo', seq })) { toast(t('chat.error_not_connected')); return; }
      stream.markVoted(seq);
      saveVoted(session.id, stream.voted);
    },
    onReport: (message) => reportDialog(message, (reason) => {
      toast(socket.send({ type: 'report', seq: message.seq, reason }) ? t('chat.report_sent') : t('chat.error_not_connected'));
    }),
    onRetry: (message) => send(message.text, message.question, message.cid),
  });
  for (const seq of loadVoted(session.id)) stream.voted.add(seq);
  const askingAhead = () => ['scheduled', 'lobby'].includes(header.state());

  async function askAhead(text, cid) {
    try {
      const result = await api.post(`/api/sessions/${encodeURIComponent(session.id)}/questions`, { cid, text });
      stream.upsert({ cid, mine: true, status: ownStatus(result.status, result.reason), reason: result.reason });
      stream.announcer.now(t('chat.status_waiting'));
      if (result.flag === 'may_need_help') offerHelp(help, stream);
    } catch (err) {
      stream.upsert({ cid, mine: true, status: 'failed', error: errorMessage(err) });
    }
  }

  function send(text, question, cid = undefined) {
    if (askingAhead()) {
      const id = cid || newCid();
      myCids.add(id);
      stream.upsert({ cid: id, text, question: true, mine: true, status: 'sending', author: { kind: 'youth', handle: you.handle } });
      askAhead(text, id);
      return;
    }
    const sent = socket.say(text, { question, cid });
    myCids.add(sent);
    stream.upsert({ cid: sent, text, question, mine: true, status: 'sending', error: null,
      author: { kind: 'youth', handle: you.handle } });
  }

  const box = observer ? null : composer({ onSend: send, askAhead: askingAhead() });
  const help = helpBox({ compact: true });
  const show = observer ? null : viewChoice(stream);
  const dock = h('div', { class: 'chat-dock' }, stream.jump, box && box.form);
  view.classList.add('chat-room');
  view.append(...[
    heading(session.title || t('chat.title')),
    header.element,
    roomBar(header, pill, help, show),
    observer && observerBanner(session, me),
    askingAhead() && rulesList(),
    stream.element,
    dock].filter(Boolean));
  // Open at the newest message, like a messenger: the backlog arrives as frames after `welcome`.
  // Not once the user has left: the next screen keeps its own place.
  let opened = false;
  let left = false;
  const openAtEnd = () => {
    if (opened || left) return;
    opened = true;
    requestAnimationFrame(() => { if (!left) stream.scrollToEnd({ instant: true }); });
  };
  socket.addEventListener('caught_up', openAtEnd);
  const openAnyway = setTimeout(openAtEnd, 1500);     // no catch-up yet (a slow network): open at the end anyway

  if (header.state() === 'closed') stateChanged('closed');

  for (const item of socket.pending()) {
    stream.upsert({ cid: item.cid, text: item.text, question: item.question, mine: true, status: 'sending' }, { announce: false });
  }

  socket.addEventListener('connection', (event) => {
    pill.set(event.detail.state);
    if (event.detail.state === 'closed' && socket.finalClose) {
      const text = closedText(socket.finalClose.code);
      if (box) box.disable(text); else toast(text);
      if (socket.finalClose.code === 4009) { showRemoved(view, dock); pill.set('closed', text); }
    }
  });
  wireCommonFrames(socket, {
    header, stream,
    onWelcome: (frame) => {
      you = frame.you || you;
      for (const own of frame.mine || []) {
        myCids.add(own.cid);
        stream.upsert({ ...own, mine: true, status: ownStatus(own.status, own.reason), author: { kind: 'youth', handle: you.handle } },
          { announce: false });
      }
      if (box) box.mutedUntil(frame.muted_until);
    },

  });
  socket.addEventListener('message', (event) => {
    const frame = event.detail;
    const mine = isMine(frame, myCids, you);
    stream.upsert({ ...frame, ...(mine ? { mine: true, status: 'published' } : {}) }, { announce: socket.caughtUp });
  });
  socket.addEventListener('ack', (event) => {
    const { cid, seq, status, reason } = event.detail;
    if (!cid || !myCids.has(cid)) return;
    const shown = ownStatus(status, reason);
    stream.upsert({ cid, seq: seq ?? undefined, mine: true, status: shown, reason });
    if (shown === 'held' || shown === 'waiting') stream.announcer.now(`${t(`chat.status_${shown}`)} ${holdReasonText(reason)}`);
    else stream.announcer.now(t('chat.announce_sent'));
    if (event.detail.flag === 'may_need_help') offerHelp(help, stream);
  });
  socket.addEventListener('status', (event) => {
    const { cid, seq, status, reason } = event.detail;
    stream.upsert({ cid, seq: seq ?? undefined, mine: true, status: ownStatus(status, reason), reason });
    const key = status === 'published' ? 'chat.announce_approved' : `chat.status_${status}`;
    stream.announcer.now(`${t(key)} ${status === 'rejected' && reason ? t('chat.rejected_reason', { reason }) : ''}`);
  });
  socket.addEventListener('removed', (event) => {
    const found = stream.find({ seq: event.detail.seq });
    if (found && found.message.mine) stream.upsert({ seq: event.detail.seq, status: 'deleted' });
    else stream.remove({ seq: event.detail.seq }, { forever: true });
  });
  socket.addEventListener('sanction', (event) => {
    const { kind, until } = event.detail;
    if (box && kind === 'mute') box.mutedUntil(until);
    stream.announcer.now(kind === 'mute' ? t('chat.sanction_mute', { time: until ? formatTime(until) : '' }) : t('chat.closed_removed'));
  });
  socket.addEventListener('error', (event) => {
    const frame = event.detail;
    const text = errorText(frame);
    if (frame.cid && myCids.has(frame.cid)) stream.upsert({ cid: frame.cid, mine: true, status: 'failed', error: text });
    else if (box) box.showError(text);
    else toast(text);
  });
  socket.connect();
  return () => { left = true; clearTimeout(openAnyway); socket.close(); header.stop(); stream.stop(); box && box.stop(); };
}


/**
 * Removed or blocked (close 4009): said plainly, with the helplines open, and no way back offered: no
 * "reload to join again", no join button. The stream stays readable above.
 */
function showRemoved(view, dock) {
  if (view.querySelector('.chat-removed')) return;
  for (const join of view.querySelectorAll('.chat-watching button')) join.remove();
  const card = h('section', { class: 'card chat-removed', role: 'alert', 'aria-labelledby': 'chat-removed-title' },
    h('h2', { id: 'chat-removed-title' }, t('chat.removed_title')),
    h('p', {}, t('chat.removed_body')),
    helpBox());
  card.querySelector('details').open = true;
  dock.before(card);
}

/**
 * Which messages a youth sees: all, or only the questions (newest / most "me too" first). A 44px icon
 * in the room's bar that opens three choices, so the bar stays one row on a phone.
 */
function viewChoice(stream) {
  const VIEWS = [['all', 'chat.view_all'], ['newest', 'chat.view_newest'], ['top', 'chat.view_top']];
  const summary = h('summary', { class: 'icon-button chat-view-button' }, h('span', { 'aria-hidden': 'true' }, '⇅'),
    h('span', { class: 'visually-hidden' }, t('chat.view_label')));
  const buttons = VIEWS.map(([view, key]) => h('button', { type: 'button', class: 'button button-secondary button-block',
    'aria-pressed': view === 'all' ? 'true' : 'false', dataset: { view },
    onclick: () => {
      stream.setView(view);
      for (const other of buttons) other.setAttribute('aria-pressed', other.dataset.view === view ? 'true' : 'false');
      menu.open = false;
      summary.classList.toggle('chat-view-on', view !== 'all');
    } }, t(key)));
  const menu = h('details', { class: 'chat-view' }, summary,
    h('div', { class: 'chat-view-menu', role: 'group', 'aria-label': t('chat.view_label') }, buttons));
  return menu;
}

/** A message that may need help (ack.flag): open the helplines card and say why, once per page. */
function offerHelp(help, stream) {
  if (help.classList.contains('chat-help-offered')) return;
  help.classList.add('chat-help-offered');
  help.open = true;
  help.querySelector('.chat-help-body').prepend(h('p', { class: 'chat-help-offer' }, t('chat.help_offered')));
  stream.announcer.now(t('chat.help_offered'));
}
