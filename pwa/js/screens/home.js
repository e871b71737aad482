// Home: a welcome and the ways in. The sectors feature fills #home-feed with the followed feed.

import { route } from '../router.js';
import { t } from '../i18n.js';
import { h, heading } from '../ui.js';

const homeSections = [];

/** Let a feature add a section to Home: render(container, ctx) may be async; lower order comes first. */
export function addHomeSection({ id, order = 50, render }) {
  homeSections.push({ id, order, render });
  homeSections.sort((a, b) => a.order - b.order);
}

function shortcut(href, titleKey, bodyKey) {
  return h('li', {}, h('a', { href, class: 'card card-link' },
    h('span', { class: 'card-title' }, t(titleKey)), h('span', { class: 'card-body' }, t(bodyKey))));
}

export async function homeScreen(view, params, query, ctx) {
  view.append(
    heading(t('home.title')),
    h('p', { class: 'lead' }, t('home.intro')),
    h('ul', { class: 'card-list', 'aria-label': t('home.shortcuts') },
      shortcut('/chat', 'home.chat_title', 'home.chat_body'),
      shortcut('/sectors/mine', 'home.sector_title', 'home.sector_body'),
      shortcut('/meetups', 'home.meetups_title', 'home.meetups_body')));
  const teardowns = [];
  for (const section of homeSections) {
    const container = h('section', { id: `home-${section.id}`, class: 'home-section' });
    view.append(container);
    try {
      const teardown = await section.render(container, ctx);
      if (typeof teardown === 'function') teardowns.push(teardown);
    } catch (err) {
      console.error(`home section ${section.id} failed`, err);
    }
  }
  return () => teardowns.forEach((fn) => fn());
}

route('/', homeScreen);
