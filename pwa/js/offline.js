// The offline page: shown for pages the service worker cannot serve. Translated when catalogs are cached.

import { initI18n, translatePage } from './i18n.js';

initI18n().then(() => translatePage(document)).catch(() => {});
