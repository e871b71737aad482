// The app shell: register the screens (routes.js, the one list of paths), load the language, start the
// router and the shell services.

import { initI18n, onLanguageChange, translatePage } from './i18n.js';
import { startRouter, refresh } from './router.js';
import { startCountdown } from './countdown.js';
import { startServiceWorker } from './pwa.js';
import { startInstallPrompt, refreshInstallBanner } from './install.js';
import { startConnectivityBanner } from './connectivity.js';
import { registerScreens } from './routes.js';
import { countVisit } from './console/visits.js';

async function boot() {
  registerScreens();
  await initI18n();
  translatePage(document);
  onLanguageChange(() => { translatePage(document); refreshInstallBanner(); refresh(); });
  startConnectivityBanner();
  await startRouter();
  startCountdown();
  startServiceWorker();
  startInstallPrompt();
  countVisit();                 // once a month per browser, nothing identifying (console/visits.js)
  document.documentElement.dataset.ready = 'true';
}

boot();
