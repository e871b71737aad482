// A small router with real URLs. A screen is
//   async function (view, params, query, ctx) { render into view; return teardown? }
// view: a fresh element inside main#view; params: {id: '3'} from '/sectors/:id';
// query: URLSearchParams; ctx: {signal} aborted when the user leaves the screen.

import { errorState, heading } from './ui.js';
import { t } from './i18n.js';

const routes = [];
let notFoundScreen = null;
let current = null;        // {teardown, controller}
let renderCount = 0;
let renderedUrl = null;    // pathname + search of the screen on display
const afterRender = new Set();

function compile(pattern) {
  const names = [];
  const source = pattern.replace(/\/+$/, '').split('/').map((part) => {
    if (part.startsWith(':')) { names.push(part.slice(1)); return '([^/]+)'; }
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return { regex: new RegExp(`^${source || ''}/?$`), names };
}

/** Register a screen for a path pattern such as '/sectors/:id'. First match wins. */
export function route(pattern, screen) {
  routes.push({ pattern, screen, ...compile(pattern) });
}

/**
 * A screen whose module loads on first use, to keep the initial download small (staff tools, say):
 *   route('/console', lazy(() => import('./console.js'), 'consoleScreen'));
 * The service worker precaches every module, so lazy screens work offline too.
 */
export function lazy(load, exportName = 'default') {
  let screen = null;
  return async (...args) => {
    if (!screen) screen = (await load())[exportName];
    return screen(...args);
  };
}

/** The screen shown when no route matches. */
export function notFound(screen) { notFoundScreen = screen; }

/** Call fn({path, params}) after each screen has rendered. */
export function onRoute(fn) { afterRender.add(fn); return () => afterRender.delete(fn); }

export function match(pathname) {
  for (const entry of routes) {
    const found = entry.regex.exec(pathname);
    if (found) {
      const params = {};
      entry.names.forEach((name, i) => { params[name] = decodeURIComponent(found[i + 1]); });
      return { entry, params };
    }
  }
  return null;
}

/** Go to a same-origin URL without reloading the page. */
export function navigate(url, { replace = false } = {}) {
  const target = new URL(url, location.href);
  if (target.origin !== location.origin) { location.assign(target.href); return Promise.resolve(); }
  const state = { scrollY: 0 };
  if (replace) history.replaceState(state, '', target.pathname + target.search + target.hash);
  else history.pushState(state, '', target.pathname + target.search + target.hash);
  return render({ focus: true });
}

/** Render the screen for the current location again (after a language switch, say), keeping the
 * scroll position and, where the same control exists again, the keyboard focus. */
export async function refresh() {
  const scrollY = window.scrollY;
  const again = focusSelector(document.activeElement);
  const rendering = render({ focus: false });
  const token = renderCount;
  await rendering;
  if (token !== renderCount) return;   // the user opened another screen meanwhile: it keeps its own place
  window.scrollTo(0, scrollY);
  const target = again && document.querySelector(again);
  if (target) target.focus({ preventScroll: true });
}

function focusSelector(el) {
  if (!el || el === document.body || !document.getElementById('view').contains(el)) return null;
  if (el.id) return `#${CSS.escape(el.id)}`;
  if (!el.name) return null;
  const value = el.type === 'radio' || el.type === 'checkbox' ? `[value="${CSS.escape(el.value)}"]` : '';
  return `main ${el.tagName.toLowerCase()}[name="${CSS.escape(el.name)}"]${value}`;
}

async function runTeardown() {
  if (!current) return;
  const { teardown, controller } = current;
  current = null;
  controller.abort();
  if (typeof teardown === 'function') {
    try { await teardown(); } catch (err) { console.error('teardown failed', err); }
  }
}

async function render({ focus }) {
  const token = ++renderCount;
  renderedUrl = location.pathname + location.search;
  await runTeardown();
  const main = document.getElementById('view');
  const view = document.createElement('div');
  view.className = 'screen';
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  const found = match(location.pathname);
  const screen = found ? found.entry.screen : notFoundScreen;
  const params = found ? found.params : {};
  const controller = new AbortController();
  let teardown = null;
  try {
    teardown = await screen(view, params, new URLSearchParams(location.search), { signal: controller.signal });
  } catch (err) {
    if (!(err && err.name === 'AbortError')) showFailure(view, err);
  }
  if (token !== renderCount) {         // the user already moved on
    controller.abort();
    if (typeof teardown === 'function') teardown();
    return;
  }
  current = { teardown, controller };
  main.removeAttribute('aria-busy');
  finishRender(view, focus, found);
}

/** A screen threw: keep one h1 (title, focus) and say what to do next. */
function showFailure(view, err) {
  const expected = err && err.name === 'ApiError' && err.status >= 400 && err.status < 500;
  (expected ? console.warn : console.error)('screen failed', err);
  const offline = (err && (err.status === 0 || err.code === 'offline')) || !navigator.onLine;
  const title = err && err.status === 404 ? t('shell.not_found_title')
    : offline ? t('shell.offline_title') : t('shell.error_title');
  if (offline && !(err && err.name === 'ApiError')) err = { status: 0, code: 'offline' };  // e.g. a lazy module not yet saved
  view.replaceChildren(heading(title), errorState(err, () => refresh()));
}

function finishRender(view, focus, found) {
  const heading = view.querySelector('h1');
  const title = heading ? heading.textContent.trim() : '';
  document.title = title && title !== 'Tuttu' ? `${title} · Tuttu` : 'Tuttu';
  updateTabs();
  if (focus) {
    const target = heading || document.getElementById('view');
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  for (const fn of afterRender) fn({ path: location.pathname, params: found ? found.params : {} });
}

function updateTabs() {
  const path = location.pathname;
  for (const link of document.querySelectorAll('[data-tab]')) {
    const tab = link.dataset.tab;
    const active = tab === '/' ? path === '/' : path === tab || path.startsWith(`${tab}/`);
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function interceptLinks(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download') || link.dataset.reload !== undefined) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !match(url.pathname)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;  // in-page
  event.preventDefault();
  if (url.pathname === location.pathname && url.search === location.search) window.scrollTo(0, 0);  // tab tapped again
  else navigate(url.href);
}

/** Start routing: intercept same-origin links, follow back/forward, render the current URL. */
export function startRouter() {
  document.addEventListener('click', interceptLinks);
  window.addEventListener('popstate', () => {
    if (location.pathname + location.search !== renderedUrl) render({ focus: true });   // not for #hash moves
  });
  return render({ focus: false });
}

