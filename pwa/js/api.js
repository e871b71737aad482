// The one way screens talk to the server: JSON in/out, CSRF handled, one error type.
//
//   import { api, ApiError, offlineInfo } from '/js/api.js';
//   const feed = await api.get('/api/feed');             // parsed JSON (or null for 204)
//   const info = offlineInfo(feed);                       // {savedAt: Date|null} when served offline
//   await api.post('/api/follows', { sector: 3 });        // X-CSRF-Token sent for you
//   try { ... } catch (err) { if (err instanceof ApiError && err.status === 409) ... }

export const OFFLINE_HEADER = 'X-Tuttu-Offline';
export const SAVED_AT_HEADER = 'X-Tuttu-Saved-At';

const offlineResponses = new WeakMap();
let csrfToken = null;
let csrfPromise = null;

export class ApiError extends Error {
  /** status 0 means the network could not be reached (code "offline"). */
  constructor(status, code, message, fields = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }

  get offline() { return this.status === 0; }
}

/** Metadata for data that the service worker served from its cache, or null when it is fresh. */
export function offlineInfo(data) {
  if (data === null || typeof data !== 'object') return null;
  return offlineResponses.get(data) || null;
}

async function fetchCsrf() {
  const response = await fetch('/api/csrf', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) throw await toError(response);
  const body = await response.json();
  csrfToken = body.csrf_token;
  return csrfToken;
}

/** The CSRF token, fetched once per page (pass force=true after the server rejected it). */
export function csrf(force = false) {
  if (force) { csrfToken = null; csrfPromise = null; }
  if (csrfToken) return Promise.resolve(csrfToken);
  if (!csrfPromise) csrfPromise = fetchCsrf().finally(() => { csrfPromise = null; });
  return csrfPromise;
}

async function toError(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  const error = body && body.error ? body.error : {};
  return new ApiError(response.status, error.code || `http_${response.status}`,
    error.message || response.statusText || 'Request failed', error.fields || {});
}

async function parse(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : await response.text();
  if (response.headers.get(OFFLINE_HEADER) === '1' && data && typeof data === 'object') {
    const saved = response.headers.get(SAVED_AT_HEADER);
    offlineResponses.set(data, { savedAt: saved ? new Date(saved) : null });
  }
  return data;
}

async function send(method, path, body, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const unsafe = !['GET', 'HEAD'].includes(method);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (unsafe) headers['X-CSRF-Token'] = await csrf(attempt > 0);
    let response;
    try {
      response = await fetch(path, {
        method, headers, body: payload, credentials: 'same-origin', signal: options.signal,
      });
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'offline', 'You are offline. Check your connection and try again.');
    }
    if (response.ok) return parse(response);
    const error = await toError(response);
    if (unsafe && attempt === 0 && response.status === 403 && error.code === 'csrf_failed') continue;
    throw error;
  }
  throw new ApiError(403, 'csrf_failed', 'Security check failed. Reload the page.');
}

export const api = {
  get: (path, options) => send('GET', path, undefined, options),
  post: (path, body, options) => send('POST', path, body === undefined ? {} : body, options),
  put: (path, body, options) => send('PUT', path, body === undefined ? {} : body, options),
  patch: (path, body, options) => send('PATCH', path, body === undefined ? {} : body, options),
  del: (path, body, options) => send('DELETE', path, body, options),
  upload: (path, formData, options) => send('POST', path, formData, options),
};

/** Ask the service worker to drop every cached API response (after logout or erase-me). */
export async function forgetPersonalData() {
  csrfToken = null;
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const workers = [navigator.serviceWorker.controller, registration && registration.active];
  for (const worker of new Set(workers.filter(Boolean))) {
    worker.postMessage({ type: 'forget-personal-data' });
  }
}
