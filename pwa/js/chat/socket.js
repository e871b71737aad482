// The Monday chat connection: one WebSocket to /ws/sessions/<id>, kept alive by itself.
//
//   import { ChatSocket } from '/js/chat/socket.js';
//   const socket = new ChatSocket(7, { as: 'participant' });
//   socket.addEventListener('connection', (e) => show(e.detail.state)); // connecting|live|reconnecting|offline|closed
//   socket.addEventListener('frame', (e) => render(e.detail));         // every server frame, messages de-duplicated
//   socket.addEventListener('message', (e) => ...);                    // also one event per frame type
//   (a server `state` frame is the event 'state'; the connection's own state is the event 'connection')
//   const cid = socket.say('Can I ride a moped at 14?', { question: true });   // kept until the ack arrives
//   socket.send({ type: 'metoo', seq: 12 });
//   socket.close();
//
// Guarantees: messages (frames with a `seq`) reach listeners once, in arrival order; after a drop the
// socket reconnects with exponential backoff + jitter and ?since=<last seq> so the server sends exactly what
// was missed; `say` frames wait in an outbox (also kept in sessionStorage) and are resent with the same cid
// until the server acknowledges them, so a resend never makes a second message.

export const STATES = ['connecting', 'live', 'reconnecting', 'offline', 'closed'];

const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30_000;
const PING_EVERY_MS = 15_000;          // the server closes a socket it hasn't heard from for 60 s (4008)
const DEAD_AFTER_MS = 35_000;          // nothing received (not even a pong) for this long: reconnect
const STABLE_AFTER_MS = 10_000;        // a connection live this long resets the backoff
// Close codes after which reconnecting cannot help (docs/chat-protocol.md "Close codes"):
// 1009 frame too big, 4001 login required, 4003 staff deactivated, 4004 no such session, 4009 removed.
export const FINAL_CLOSE_CODES = new Set([1008, 1009, 4001, 4003, 4004, 4009]);
// The same reasons as frames, in case the close code itself is lost on the way (a proxy, a dev server):
// an `error` before `welcome` (the join was refused) or a `sanction` that removes us.
const REFUSALS = { login_required: 4001, deactivated: 4003, not_found: 4004, removed: 4009 };
// Frames that carry a sequence number: de-duplicated, and the highest is sent back on reconnect.
// Public seq (messages and answer cards) -> ?since=; backchannel staff_seq -> ?staff_since=.
const SEQUENCED = { message: 'seq', answer: 'seq', staff: 'staff_seq' };

/** A client id for a message: random, [A-Za-z0-9-], at most 40 characters (the protocol's cid). */
export function newCid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Delay before reconnect attempt n (0-based): 1 s, 2 s, 4 s ... at most 30 s, each ±50 % at random. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.5 + random()));
}

export class ChatSocket extends EventTarget {
  /** sessionId: the chat session; as: 'participant' | 'observer' | null (staff: the login decides). */
  constructor(sessionId, { as = 'participant', url = null, since = null } = {}) {
    super();
    this.sessionId = String(sessionId);
    this.as = as;
    this.baseUrl = url;
    this.state = 'closed';
    this.lastSeq = { seq: since ?? 0, staff_seq: 0 };   // highest seen per counter
    this.seen = { seq: new Set(), staff_seq: new Set() }; // already given to listeners
    this.caughtUp = false;                // true between `caught_up` and the next drop
    this.lastHeard = 0;
    this.everLive = false;
    this.liveSince = 0;
    this.refusedWith = 0;                 // a final close code announced by a frame
    this.outbox = this.loadOutbox();      // [{cid, frame, sentAt}] waiting for an ack
    this.attempt = 0;
    this.ws = null;
    this.closedByUs = false;
    this.finalClose = null;               // {code, reason} when the server ended it for good
    this.timers = {};
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.dropForOffline();
    this.onVisible = () => { if (!document.hidden && this.state === 'reconnecting') this.reconnectNow(); };
  }

  /** Open the connection (again). Safe to call more than once. */
  connect() {
    this.closedByUs = false;
    this.finalClose = null;
    this.refusedWith = 0;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
    if (!navigator.onLine) { this.setState('offline'); return this; }
    this.open();
    return this;
  }

  /** Close for good (leaving the screen). Unsent messages stay in the outbox for next time. */
  close() {
    this.closedByUs = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    this.clearTimers();
    this.teardownSocket(1000, 'bye');
    this.setState('closed');
  }

  url() {
    const base = this.baseUrl || `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
    const params = new URLSearchParams(this.as ? { as: this.as } : {});
    params.set('since', String(this.lastSeq.seq));
    if (this.lastSeq.staff_seq) params.set('staff_since', String(this.lastSeq.staff_seq));
    return `${base}/ws/sessions/${encodeURIComponent(this.sessionId)}?${params}`;
  }

  open() {
    this.clearTimers();
    this.teardownSocket(1000, 'reconnect');
    this.caughtUp = false;
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (err) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onmessage = (event) => { if (this.ws === ws) this.receive(event.data); };
    ws.onclose = (event) => { if (this.ws === ws) this.lost(event); };
    ws.onerror = () => { /* a close event follows */ };
  }

  teardownSocket(code, reason) {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onmessage = null; ws.onclose = null; ws.onerror = null;
    try { if (ws.readyState <= WebSocket.OPEN) ws.close(code, reason); } catch { /* already gone */ }
  }

  receive(raw) {
    let frame;
    try { frame = JSON.parse(raw); } catch { return; }
    if (!frame || typeof frame.type !== 'string') return;
    this.lastHeard = Date.now();
    if (frame.type === 'welcome') { this.welcomed(frame); return; }
    if (frame.type === 'pong') return;
    if (frame.type === 'caught_up') this.caughtUp = true;
    if (frame.type === 'error' && (this.state !== 'live' || frame.code === 'deactivated') && REFUSALS[frame.code]) {
      this.refusedWith = REFUSALS[frame.code];
    }
    if (frame.type === 'sanction' && (frame.kind === 'remove' || frame.kind === 'block')) this.refusedWith = 4009;
    if (frame.type === 'ack' || frame.type === 'status' || (frame.type === 'error' && frame.cid)) this.acked(frame);
    const counter = SEQUENCED[frame.type];
    const value = counter && frame[counter];
    if (Number.isInteger(value)) {
      if (this.seen[counter].has(value)) return;     // a duplicate after a reconnect or a resend
      this.seen[counter].add(value);
      if (value > this.lastSeq[counter]) this.lastSeq[counter] = value;
    }
    this.emit(frame);
  }

  welcomed(frame) {
    this.everLive = true;
    this.liveSince = Date.now();
    this.armHeartbeat();
    this.setState('live');
    this.emit(frame);
    for (const item of this.outbox) this.transmit(item.frame);      // same cid: the server answers with the same ack
  }

  acked(frame) {
    if (!frame.cid) return;
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((item) => item.cid !== frame.cid);
    if (this.outbox.length !== before) this.saveOutbox();
  }

  lost(event) {
    this.ws = null;
    this.clearTimers();
    if (this.closedByUs) return;
    // Back to quick retries only after a connection that held: a server that accepts and drops at once
    // (a restart loop) keeps getting the growing, jittered delays instead of a reconnect storm.
    if (this.liveSince && Date.now() - this.liveSince > STABLE_AFTER_MS) this.attempt = 0;
    this.liveSince = 0;
    const code = FINAL_CLOSE_CODES.has(event.code) ? event.code : this.refusedWith;
    if (code) {
      this.finalClose = { code, reason: event.reason || '' };
      this.setState('closed', this.finalClose);
      return;
    }
    if (!navigator.onLine) { this.setState('offline'); return; }
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.setState('reconnecting', { retryIn: delay, attempt: this.attempt });
    this.timers.retry = setTimeout(() => this.open(), delay);
  }

  /** The browser says the network is back, or the user asked: try at once. */
  reconnectNow() {
    if (this.closedByUs || this.finalClose) return;
    if (this.state === 'live' && this.ws && this.ws.readyState === WebSocket.OPEN) return;
    this.attempt = 0;
    this.open();
  }

  dropForOffline() {
    if (this.closedByUs || this.finalClose) return;
    this.clearTimers();
    this.teardownSocket(1000, 'offline');        // a socket on a dead network would hang until the heartbeat
    this.setState('offline');
  }

  /** Ping on a fixed beat (the server needs to hear from us); a socket that stays silent is dead. */
  armHeartbeat() {
    clearInterval(this.timers.beat);
    this.lastHeard = Date.now();
    this.timers.beat = setInterval(() => {
      if (Date.now() - this.lastHeard > DEAD_AFTER_MS) {
        this.teardownSocket(4000, 'heartbeat');
        this.lost({ code: 1006, reason: 'heartbeat' });
        return;
      }
      this.transmit({ type: 'ping' });
    }, PING_EVERY_MS);
  }

  clearTimers() {
    for (const timer of Object.values(this.timers)) { clearTimeout(timer); clearInterval(timer); }
    this.timers = {};
  }

  transmit(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    try { this.ws.send(JSON.stringify(frame)); return true; } catch { return false; }
  }

  /** Post a chat message; it is resent with the same cid until acknowledged. Returns the cid. */
  say(text, { question = false, cid = newCid() } = {}) {
    const frame = { type: 'say', cid, text, question: Boolean(question) };
    this.outbox.push({ cid, frame, sentAt: new Date().toISOString() });
    this.saveOutbox();
    if (this.state === 'live') this.transmit(frame);
    return cid;
  }

  /** Send any other frame now; false when not connected (the caller says "try again"). */
  send(frame) {
    return this.state === 'live' && this.transmit(frame);
  }

  /** Messages written but not yet acknowledged (to show as "sending…"). */
  pending() { return this.outbox.map((item) => ({ ...item.frame, sentAt: item.sentAt })); }

  /** Give up on an unsent message. */
  discard(cid) {
    this.outbox = this.outbox.filter((item) => item.cid !== cid);
    this.saveOutbox();
  }

  setState(state, detail = {}) {
    const changed = state !== this.state;
    this.state = state;
    if (changed || state === 'reconnecting') this.dispatchEvent(new CustomEvent('connection', { detail: { state, ...detail } }));
  }

  emit(frame) {
    this.dispatchEvent(new CustomEvent('frame', { detail: frame }));
    this.dispatchEvent(new CustomEvent(frame.type, { detail: frame }));
  }

  storageKey() { return `tuttu.chat.outbox.${this.sessionId}`; }

  loadOutbox() {
    try {
      const items = JSON.parse(sessionStorage.getItem(this.storageKey()) || '[]');
      return Array.isArray(items) ? items.filter((item) => item && item.cid && item.frame) : [];
    } catch { return []; }
  }

  saveOutbox() {
    try {
      if (this.outbox.length) sessionStorage.setItem(this.storageKey(), JSON.stringify(this.outbox));
      else sessionStorage.removeItem(this.storageKey());
    } catch { /* storage full or blocked: the outbox still lives in memory */ }
  }
}
