// Who is using the app: a visitor, an anonymous youth or a staff member.
//
//   import { getMe, becomeYouth, onSessionChange } from '/js/session.js';
//   const me = await getMe();        // {kind: 'visitor'} | {kind: 'youth', id, handle} | {kind: 'staff', ...}
//   if (me.kind === 'visitor') await becomeYouth();   // one tap, anonymous, sets the login cookie

import { api, csrf, forgetPersonalData } from './api.js';

let cached = null;
const listeners = new Set();

/** The current identity from GET /api/me (cached for the page; refresh=true asks again). */
export async function getMe({ refresh = false } = {}) {
  if (cached && !refresh) return cached;
  try {
    cached = await api.get('/api/me');
  } catch (err) {
    if (err.status === 401) cached = { kind: 'visitor' };
    else throw err;
  }
  return cached;
}

async function changed(me) {
  cached = me;
  // The login changed the session, so the token changed too. Fetch the new one before anything else
  // runs: concurrent responses would otherwise race to set the session cookie without it.
  await csrf(true).catch(() => {});
  for (const fn of listeners) fn(me);
  return me;
}

/** Call fn(me) whenever the user logs in, becomes a youth, logs out or erases themselves. */
export function onSessionChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

/** Become an anonymous youth (a generated handle, nothing else stored). */
export async function becomeYouth() {
  return changed(await api.post('/api/youth', {}));
}

export async function changeHandle(handle) {
  return changed(await api.patch('/api/me', { handle }));
}

/** Staff login with e-mail and password. */
export async function login(email, password) {
  await forgetPersonalData();
  return changed(await api.post('/api/auth/login', { email, password }));
}

/** The login's second step: a code from the authenticator app (after login() failed with second_factor_required). */
export async function finishLogin(code) {
  return changed(await api.post('/api/auth/second-factor', { code }));
}

/** The login's second step done with a passkey: `me` is the server's answer. */
export async function loginFinished(me) {
  return changed(me);
}

/** Log out and forget everything this device cached for this person. */
export async function logout() {
  await api.post('/api/auth/logout', {});
  await forgetPersonalData();
  return changed({ kind: 'visitor' });
}

/** Erase my anonymous identity and all its data on the server, then on this device. */
export async function eraseMe() {
  await api.del('/api/me');
  await forgetPersonalData();
  return changed({ kind: 'visitor' });
}
