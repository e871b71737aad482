// Strings, plurals, dates and times in the user's language and the city's time zone.
//
//   import { t, formatDate, formatTime, formatRelative } from '/js/i18n.js';
//   t('nav.home');                          // "Home" / "Koti" / ...
//   t('chat.watching', { count: 3 });       // plural objects {"one": "...", "other": "..."}
//   t('meetups.seats_left', { count: n, place: 'Kallio' });   // "{place}" interpolation
//   formatDate(iso) / formatTime(iso) / formatDateTime(iso) / formatRelative(iso)

export const LANGUAGES = ['en', 'fi', 'sv', 'da', 'uk'];
export const LANGUAGE_NAMES = { en: 'English', fi: 'Suomi', sv: 'Svenska', da: 'Dansk', uk: 'Українська' };
export const DEFAULT_TIMEZONE = 'Europe/Helsinki';
const STORAGE_KEY = 'tuttu.language';

let language = 'en';
let locale = 'en';        // the user's own tag for that language (en-GB, sv-FI) for date and number styles
let catalog = {};
let fallback = {};       // English, loaded only when a catalog lacks a key
let timeZone = DEFAULT_TIMEZONE;
const listeners = new Set();

export function currentLanguage() { return language; }

/** The browser's most preferred tag with this language's base ('en' -> 'en-GB'), else the base. */
function localeFor(lang) {
  const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  const tag = wanted.find((candidate) => String(candidate || '').toLowerCase().split('-')[0] === lang);
  const fallback = lang === 'en' ? 'en-GB' : lang;    // European dates and a 24-hour clock by default
  try { return tag ? Intl.getCanonicalLocales(tag)[0] : fallback; } catch { return fallback; }
}
export function cityTimeZone() { return timeZone; }

/** The language to use: the saved choice, else the first of navigator.languages we have, else English. */
export function preferredLanguage() {
  let saved = null;
  try { saved = localStorage.getItem(STORAGE_KEY); } catch { /* storage blocked */ }
  if (LANGUAGES.includes(saved)) return saved;
  const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (const tag of wanted) {
    const base = String(tag || '').toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
    if (base === 'nb' || base === 'nn' || base === 'no') return 'da';
  }
  return 'en';
}

async function loadCatalog(lang) {
  const response = await fetch(`/i18n/${lang}.json`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`catalog ${lang}: ${response.status}`);
  return response.json();
}

async function loadTimeZone() {
  try {
    const response = await fetch('/api/config', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const config = await response.json();
    const zone = config.timezone || config.time_zone;
    if (zone) { new Intl.DateTimeFormat('en', { timeZone: zone }); timeZone = zone; }
  } catch { /* keep the default zone */ }
}

const catalogs = {};     // lang -> loaded catalog

async function catalogFor(lang) {
  if (!catalogs[lang]) catalogs[lang] = await loadCatalog(lang);
  return catalogs[lang];
}

/** Load the chosen catalog and the city time zone together; call once before the first render. */
export async function initI18n() {
  const lang = preferredLanguage();
  const [loaded] = await Promise.all([catalogFor(lang).catch(() => null), loadTimeZone()]);
  language = loaded ? lang : 'en';
  catalog = loaded || (await catalogFor('en').catch(() => ({})));
  locale = localeFor(language);
  applyDocumentLanguage();
}

/** Switch language, remember it on this device, and tell every listener. */
export async function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) throw new Error(`unknown language ${lang}`);
  catalog = await catalogFor(lang);
  language = lang;
  locale = localeFor(lang);
  try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* storage blocked */ }
  applyDocumentLanguage();
  for (const listener of listeners) listener(lang);
}

/** Call fn(lang) after each language switch; returns an unsubscribe function. */
export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function applyDocumentLanguage() {
  document.documentElement.lang = language;
  document.documentElement.dir = 'ltr';
}

function interpolate(text, vars) {
  return text.replace(/\{(\w+)\}/g, (match, name) => (
    vars && vars[name] !== undefined && vars[name] !== null ? formatValue(vars[name]) : match));
}

function formatValue(value) {
  return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : String(value);
}

/** Translate a key; {name} placeholders come from vars; plural objects pick by vars.count. */
export function t(key, vars = {}) {
  let entry = catalog[key] ?? fallback[key];
  if (entry === undefined) {
    // Every catalog has every key (tests/test_i18n_catalogs.py); English is fetched only if one doesn't.
    if (!catalogs.en) catalogFor('en').then((en) => { fallback = en; }).catch(() => {});
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  if (typeof entry === 'object') {
    const category = new Intl.PluralRules(language).select(Number(vars.count ?? 0));
    entry = entry[category] ?? entry.other ?? '';
  }
  return interpolate(entry, vars);
}

/** Does the catalog have this key? (for optional strings) */
export function hasKey(key) { return key in catalog || key in fallback; }

function toDate(value) { return value instanceof Date ? value : new Date(value); }

/**
 * Dates in the language's own style (fi "ti 3.12.", sv "tis 3 dec.", uk "вт, 3 груд."); times on a
 * 24-hour clock in every language the app speaks (the city is in Europe: en is British English, so an
 * en-US browser gets "17:58", not "05:58 PM").
 */
function format(value, options) {
  const clock = options.hour ? { hourCycle: 'h23' } : {};
  return new Intl.DateTimeFormat(locale, { timeZone, ...options, ...clock }).format(toDate(value));
}

export function formatDate(value, options = { weekday: 'short', day: 'numeric', month: 'short' }) {
  return format(value, options);
}

export function formatTime(value) { return format(value, { hour: '2-digit', minute: '2-digit' }); }

/** A count line only when there is something to count: tCount('chat.votes', 0) is '' (no "0 people ..."). */
export function tCount(key, count, vars = {}) {
  return Number(count) > 0 ? t(key, { ...vars, count: Number(count) }) : '';
}

export function formatDateTime(value) {
  return format(value, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

const UNITS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400],
  ['hour', 3600], ['minute', 60], ['second', 1]];

/** "in 3 days", "5 minutes ago", in the current language. */
export function formatRelative(value, now = Date.now()) {
  const seconds = Math.round((toDate(value).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.round(seconds / size), unit);
  }
  return '';
}

/** Fill elements marked data-i18n="key" and data-i18n-attr="attr:key;attr2:key2" under root. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((part) => part.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}
