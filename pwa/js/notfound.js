// The screen for any path no route claims.

import { t } from './i18n.js';
import { h, heading } from './ui.js';

export async function notFoundScreen(view) {
  view.append(
    heading(t('shell.not_found_title')),
    h('p', {}, t('shell.not_found_body')),
    h('a', { href: '/', class: 'button' }, t('shell.go_home')));
}
