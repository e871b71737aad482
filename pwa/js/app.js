// The app shell: load the language, register the screens, start the router and the shell services.
// Each feature adds ONE import line below; its module calls route(...) for its own paths (pwa/README.md).

import { initI18n, onLanguageChange, translatePage } from './i18n.js';
import { startRouter, refresh } from './router.js';
import { startCountdown } from './countdown.js';
import { startServiceWorker } from './pwa.js';
import { startInstallPrompt, refreshInstallBanner } from './install.js';
import { startConnectivityBanner } from './connectivity.js';

// Screens (one line per feature; order matters only when two patterns could match the same path).
// Budget: everything imported statically here counts against 100 KB gzip (tests/benchmarks/shell_size.py);
// load staff-only screens on first use with lazy() from router.js.
import './feed/home.js';
import './account/me.js';
import './notfound.js';
import './account/login.js';
// Feature screens (a missing module stops the whole app: add the line with the file).
import './sectors/sectors.js';
import './chat/chat.js';
import './meetups/meetups.js';
import './push/reminders.js';

async function boot() {
  await initI18n();
  translatePage(document);
  onLanguageChange(() => { translatePage(document); refreshInstallBanner(); refresh(); });
  startConnectivityBanner();
  await startRouter();
  startCountdown();
  startServiceWorker();
  startInstallPrompt();
  document.documentElement.dataset.ready = 'true';
}

boot();
