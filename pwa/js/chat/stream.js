// The public stream of a session: messages with staff badges, "me too", answer cards, the sender's own
// waiting/held/rejected state, and a polite, summarised live region so a busy chat never floods a screen
// reader. Plain DOM, keyed by seq (server) and cid (own message before its ack).

import { t, formatTime } from '../i18n.js';
import { h, linkify } from '../ui.js';

const ANNOUNCE_EVERY_MS = 4000;
const REDUCED_MOTION = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : { matches: true };

/** Who wrote a message: author {kind: 'youth', handle} or {kind: 'staff', id, name, role, title, verified}. */
export function authorOf(message) {
  const author = message.author && typeof message.author === 'object' ? message.author : {};
  const staff = author.kind === 'staff';
  return {
    staff,
    name: (staff ? author.name : author.handle) || '',
    role: staff ? (author.role || 'staff') : 'youth',
    title: author.title || '',
    verified: Boolean(author.verified),
    handle: staff ? null : author.handle || null,
  };
}

export function roleLabel(role) {
  const known = ['officer', 'youth_worker', 'organiser', 'admin', 'host'];
  return t(known.includes(role) ? `chat.role_${role}` : 'chat.role_staff');
}

export function authorLine(message, { mine = false } = {}) {
  const author = authorOf(message);
  return h('p', { class: 'chat-author' },
    h('span', { class: ['chat-author-name', author.staff && 'chat-author-staff'] }, mine ? t('chat.you') : author.name),
    author.staff && h('span', { class: 'badge badge-primary chat-role' }, roleLabel(author.role)),
    author.staff && author.verified && h('span', { class: 'badge badge-verified chat-verified' },
      h('span', { 'aria-hidden': 'true' }, '✓ '), t('chat.verified')),
    message.ts && h('time', { class: 'chat-time muted', datetime: message.ts }, formatTime(message.ts)));
}

/** A question says so on its author line (a word, not only the accent border). */
function withQuestionBadge(line, message) {
  if (message.question) line.querySelector('.chat-author-name').after(h('span', { class: 'badge chat-question-badge chat-question-tag' }, t('chat.question')));
  return line;
}

const VERDICT_ICON = { yes: '✓', no: '✕', depends: '≈' };

/** An answer card: verdict (icon + word, never colour alone), reason, optional link, who answered. */
export function answerCard(answer, { headingLevel = 'h3', question = null } = {}) {
  const verdict = ['yes', 'no', 'depends'].includes(answer.verdict) ? answer.verdict : 'depends';
  const by = answer.author || answer.staff || null;
  return h('div', { class: ['chat-answer', `chat-answer-${verdict}`], dataset: { verdict } },
    question && h(headingLevel, { class: 'chat-answer-question' }, question),
    h('p', { class: 'chat-verdict' },
      h('span', { class: 'chat-verdict-icon', 'aria-hidden': 'true' }, VERDICT_ICON[verdict]),
      h('span', { class: 'visually-hidden' }, `${t('chat.answer_label')}: `),
      t(`chat.verdict_${verdict}`)),
    h('p', { class: 'chat-reason' }, linkify(answer.reason || '')),
    answer.link && h('p', { class: 'chat-answer-link' },
      h('a', { href: answer.link, rel: 'noopener noreferrer nofollow', target: '_blank' }, t('chat.answer_source'))),
    by && by.name && h('p', { class: 'muted chat-answered-by' }, t('chat.answered_by', { name: by.name })),
    answer.archived && h('p', { class: 'muted chat-archived' }, t('chat.in_archive')));
}

/** A polite live region that sums up what arrived: one message is read out, several are counted. */
export class StreamAnnouncer {
  constructor() {
    this.element = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.pending = [];
    this.timer = null;
  }

  /** kind: 'message' | 'answer'; text: what to read if it is the only news. */
  add(kind, text) {
    this.pending.push({ kind, text });
    if (!this.timer) this.timer = setTimeout(() => this.flush(), ANNOUNCE_EVERY_MS);
  }

  /** Something about the user's own message: said at once, still politely. */
  now(text) { this.say(text); }

  flush() {
    this.timer = null;
    const items = this.pending.splice(0);
    if (!items.length) return;
    if (items.length === 1) { this.say(items[0].text); return; }
    const answers = items.filter((item) => item.kind === 'answer').length;
    const text = t('chat.announce_many', { count: items.length });
    this.say(answers ? `${text} ${t('chat.announce_answers', { count: answers })}` : text);
  }

  say(text) {
    this.element.textContent = '';
    setTimeout(() => { this.element.textContent = text; }, 30);
  }

  stop() { clearTimeout(this.timer); this.pending = []; }
}

const OWN_STATUS_KEYS = {
  sending: 'chat.status_sending', waiting: 'chat.status_waiting', held: 'chat.status_held',
  rejected: 'chat.status_rejected', published: null, deleted: 'chat.status_deleted', failed: 'chat.status_failed',
};
const HOLD_REASONS = ['word', 'phone', 'email', 'address', 'hetu', 'handle', 'premoderation', 'ask_ahead'];

/** The kind explanation for why a message is held (docs/chat-protocol.md "Automatic holds"). */
export function holdReasonText(reason) {
  return t(HOLD_REASONS.includes(reason) ? `chat.held.${reason}` : 'chat.held.other');
}

/**
 * The list of messages. Options: onMeToo(seq), onReport(message), staffTools(message) -> node|null.
 * add/update by seq; own messages are added by cid first and get their seq from the ack.
 */
export class Stream {
  constructor({ label, canMeToo = false, onMeToo = null, onReport = null, onRetry = null, staffTools = null }) {
    this.list = h('ol', { class: 'chat-stream', 'aria-label': label, tabindex: '-1' });
    this.items = new Map();          // key ('s:<seq>' or 'c:<cid>') -> {message, li}
    this.answers = new Map();        // question seq -> answer card
    this.votes = new Map();          // question seq -> votes
    this.voted = new Set();          // question seqs I said "me too" to
    this.gone = new Set();           // seqs deleted by a moderator: never shown again
    this.options = { canMeToo, onMeToo, onReport, onRetry, staffTools };
    this.announcer = new StreamAnnouncer();
    this.empty = h('p', { class: 'chat-empty muted' }, t('chat.stream_empty'));
    this.element = h('div', { class: 'chat-stream-wrap' }, this.empty, this.list, this.announcer.element);
    this.view = 'all';              // 'all' | 'newest' (questions, newest first) | 'top' (most "me too" first)
    this.unread = 0;
    this.marker = h('li', { class: 'chat-unread-marker', dataset: { marker: '1' } }, h('span', {}, t('chat.new_messages')));
    this.jumpCount = h('span', { class: 'chat-jump-count' });
    this.jump = h('button', { type: 'button', class: 'button chat-jump', hidden: true, onclick: () => this.scrollToEnd({ instant: true, focus: true }) },
      h('span', { 'aria-hidden': 'true' }, '↓ '), t('chat.jump_latest'), this.jumpCount);
    this.onScroll = () => { if (this.isNearBottom()) this.clearUnread(); };
    window.addEventListener('scroll', this.onScroll, { passive: true });
  }

  /** Which messages to show: everything in time order, or only questions (newest / most "me too" first). */
  setView(view) {
    this.view = ['newest', 'top'].includes(view) ? view : 'all';
    this.list.dataset.view = this.view;
    this.order();
    if (this.view === 'all') this.scrollToEnd({ instant: true });
    else this.list.scrollIntoView({ block: 'start' });
  }

  order() {
    const questions = this.view === 'all' ? [] : this.questions();
    if (this.view === 'newest') questions.sort((a, b) => b.seq - a.seq);
    const rank = new Map(questions.map((q, i) => [q.seq, i]));
    for (const li of this.list.children) {
      const seq = Number.parseInt(li.dataset.seq, 10);
      li.style.order = rank.has(seq) ? String(rank.get(seq)) : '';
    }
  }

  /** New messages while the reader is scrolled up: a "New messages" line and "Jump to latest (3)". */
  noteUnread(li) {
    if (!this.unread) li.before(this.marker);
    this.unread += 1;
    this.jumpCount.textContent = ` (${this.unread})`;
    this.jump.hidden = false;
  }

  clearUnread() {
    if (!this.unread && this.jump.hidden) return;
    this.unread = 0;
    this.jumpCount.textContent = '';
    this.jump.hidden = true;
  }

  key(message) { return Number.isInteger(message.seq) ? `s:${message.seq}` : `c:${message.cid}`; }

  find(message) {
    if (Number.isInteger(message.seq) && this.items.has(`s:${message.seq}`)) return this.items.get(`s:${message.seq}`);
    if (message.cid && this.items.has(`c:${message.cid}`)) return this.items.get(`c:${message.cid}`);
    return null;
  }

  /** Add or update a message (a server `message` frame or an own message in any state). */
  upsert(message, { announce = true } = {}) {
    const existing = this.find(message);
    const given = Object.fromEntries(Object.entries(message).filter(([, value]) => value !== undefined));
    const merged = existing ? { ...existing.message, ...given } : given;
    if (this.gone.has(merged.seq) && !merged.mine) { this.remove(merged); return null; }
    const li = this.render(merged);
    if (existing) {
      this.items.delete(this.key(existing.message));
      if (existing.message.cid) this.items.delete(`c:${existing.message.cid}`);
      const active = document.activeElement;
      const focusKey = active && existing.li.contains(active) ? (active.dataset.focusKey || '') : null;
      if (existing.message.seq === merged.seq) existing.li.replaceWith(li);
      else { existing.li.remove(); this.place(li, merged.seq); }     // got its seq: move into order
      if (focusKey !== null) (li.querySelector(`[data-focus-key="${focusKey}"]`) || li.querySelector('button') || this.list).focus();
    } else {
      const nearBottom = this.isNearBottom();
      this.place(li, merged.seq);
      if (announce && !merged.mine) this.announceMessage(merged);
      if (nearBottom || merged.mine) this.scrollToEnd({ instant: !announce });
      else if (announce && this.view === 'all') this.noteUnread(li);
    }
    if (this.view !== 'all') this.order();
    const entry = { message: merged, li };
    this.items.set(this.key(merged), entry);
    if (merged.cid) this.items.set(`c:${merged.cid}`, entry);
    this.empty.hidden = this.list.querySelector('.chat-message') !== null;
    return entry;
  }

  /** Published messages stand in seq order (the server's order); ones without a seq yet go last. */
  place(li, seq) {
    const last = this.list.lastElementChild;
    const lastSeq = last ? Number.parseInt(last.dataset.seq, 10) : NaN;
    if (!last || !Number.isInteger(seq) || (Number.isInteger(lastSeq) && lastSeq < seq)) { this.list.append(li); return; }
    if (Number.isInteger(seq)) {
      for (const other of this.list.children) {
        const otherSeq = Number.parseInt(other.dataset.seq, 10);
        if (Number.isInteger(otherSeq) && otherSeq > seq) { this.list.insertBefore(li, other); return; }
      }
    }
    this.list.append(li);
  }

  remove(message, { forever = false } = {}) {
    if (forever && Number.isInteger(message.seq)) this.gone.add(message.seq);
    const existing = this.find(message);
    if (!existing) return;
    existing.li.remove();
    this.items.delete(this.key(existing.message));
    if (existing.message.cid) this.items.delete(`c:${existing.message.cid}`);
    this.empty.hidden = this.list.querySelector('.chat-message') !== null;
  }

  /** An answer card (its own seq) for the question at answer.question_seq, shown under the question. */
  addAnswer(answer, { announce = true } = {}) {
    const seq = answer.question_seq;
    this.answers.set(seq, answer);
    if (this.items.has(`s:${seq}`)) this.upsert({ seq }, { announce: false });
    else this.upsert({ seq, text: '', question: true, orphan: true }, { announce: false });
    if (announce) this.announcer.add('answer', `${t('chat.announce_answer')} ${t(`chat.verdict_${answer.verdict}`)}. ${answer.reason || ''}`);
  }

  /** The answer card with this (card) seq went into the public archive. */
  markArchived(cardSeq) {
    for (const [questionSeq, answer] of this.answers) {
      if (answer.seq === cardSeq) { answer.archived = true; this.upsert({ seq: questionSeq }, { announce: false }); }
    }
  }

  /** {seq: votes} from welcome.questions or a `votes` frame. */
  setVotes(map) {
    for (const [seq, votes] of Object.entries(map)) {
      this.votes.set(Number(seq), votes);
      if (this.items.has(`s:${seq}`)) this.upsert({ seq: Number(seq) }, { announce: false });
    }
  }

  markVoted(seq) { this.voted.add(seq); this.upsert({ seq }, { announce: false }); }

  /** Published questions, most "me too" first, then the oldest first. */
  questions() {
    const out = [];
    for (const [key, { message }] of this.items) {
      if (key.startsWith('s:') && message.question && !message.orphan) out.push({ ...message, votes: this.votesOf(message) });
    }
    return out.sort((a, b) => (b.votes - a.votes) || (a.seq - b.seq));
  }

  votesOf(message) { return this.votes.get(message.seq) ?? message.votes ?? 0; }

  announceMessage(message) {
    const author = authorOf(message);
    const who = author.staff ? `${author.name}, ${roleLabel(author.role)}` : author.name;
    this.announcer.add('message', t('chat.announce_one', { name: who, text: String(message.text || '').slice(0, 140) }));
  }

  render(message) {
    const author = authorOf(message);
    const answer = this.answers.get(message.seq);
    const status = message.mine ? (message.status || 'published') : null;
    const statusKey = status && OWN_STATUS_KEYS[status];
    return h('li', {
      class: ['chat-message', author.staff && 'chat-message-staff', message.mine && 'chat-message-mine',
        message.question && 'chat-message-question', status && `chat-status-${status}`],
      dataset: { seq: message.seq ?? '', cid: message.cid || '', status: status || '' },
    },
    !message.orphan && withQuestionBadge(authorLine(message, { mine: message.mine }), message),
    message.orphan && message.question && h('p', { class: 'chat-question-tag' }, h('span', { class: 'badge' }, t('chat.question'))),
    h('p', { class: 'chat-text' }, linkify(message.text || '')),
    statusKey && h('p', { class: 'chat-own-status' },
      h('strong', {}, t(statusKey)),
      (status === 'held' || status === 'waiting') && [' ', holdReasonText(message.reason)],
      status === 'rejected' && message.reason && [' ', t('chat.rejected_reason', { reason: message.reason })],
      status === 'failed' && message.error && [' ', message.error],
      status === 'failed' && this.options.onRetry && h('button', { type: 'button', class: 'button button-secondary chat-retry', dataset: { focusKey: 'retry' },
        onclick: () => this.options.onRetry(message) }, t('chat.send_again'))),
    answer && answerCard(answer),
    this.messageActions(message, author));
  }

  messageActions(message, author) {
    if (message.orphan || !Number.isInteger(message.seq)) return null;
    const { canMeToo, onMeToo, onReport, staffTools } = this.options;
    const actions = [];
    const votes = this.votesOf(message);
    if (message.question && !message.mine && canMeToo && !author.staff) {
      const voted = this.voted.has(message.seq);
      actions.push(h('button', {
        type: 'button', class: 'button button-secondary chat-metoo', 'aria-pressed': voted ? 'true' : 'false', dataset: { focusKey: 'metoo' },
        onclick: () => { if (!voted && onMeToo) onMeToo(message.seq); },
      }, t('chat.metoo'), votes > 0 && h('span', { class: 'chat-votes', 'aria-hidden': 'true' }, ` ${votes}`),
      votes > 0 && h('span', { class: 'visually-hidden' }, ` (${t('chat.votes', { count: votes })})`)));
    } else if (message.question && votes) {
      actions.push(h('span', { class: 'muted chat-votes-count' }, t('chat.votes', { count: votes })));
    }
    if (onReport && !message.mine && !author.staff) {
      actions.push(h('button', { type: 'button', class: 'icon-button chat-report', dataset: { focusKey: 'report' },
        title: t('chat.report'), onclick: () => onReport(message) },
        h('span', { 'aria-hidden': 'true' }, '⚑'), h('span', { class: 'visually-hidden' }, `${t('chat.report')} ${author.name}`)));
    }
    const tools = staffTools && staffTools(message, author);
    if (tools) actions.push(tools);
    return actions.length ? h('div', { class: 'chat-message-actions' }, actions) : null;
  }

  isNearBottom() {
    const scroller = document.scrollingElement || document.documentElement;
    return scroller.scrollHeight - scroller.scrollTop - window.innerHeight < 120;
  }

  /** Down to the newest message (the page scrolls; the room's bar and dock are sticky). */
  scrollToEnd({ instant = false, focus = false } = {}) {
    const scroller = document.scrollingElement || document.documentElement;
    window.scrollTo({ top: scroller.scrollHeight, behavior: instant || REDUCED_MOTION.matches ? 'auto' : 'smooth' });
    this.clearUnread();
    if (focus) this.list.focus({ preventScroll: true });
  }

  stop() { this.announcer.stop(); window.removeEventListener('scroll', this.onScroll); }
}
