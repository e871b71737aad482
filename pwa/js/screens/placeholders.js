// Stand-ins for tab paths until the feature screen exists. app.js imports this module LAST,
// so a feature's own route for the same path (registered earlier) always wins.

import { route } from '../router.js';
import { t } from '../i18n.js';
import { h, heading, emptyState } from '../ui.js';

function placeholder(titleKey) {
  return async (view) => {
    view.append(heading(t(titleKey)), emptyState(t('shell.coming_soon'), t('shell.coming_soon_body')));
  };
}

route('/chat', placeholder('nav.chat'));
route('/chat/:id', placeholder('nav.chat'));
route('/sectors/mine', placeholder('nav.sector'));
route('/sectors/:id', placeholder('nav.sector'));
route('/meetups', placeholder('nav.meetups'));
route('/meetups/:id', placeholder('nav.meetups'));
