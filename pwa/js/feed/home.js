// Home: a welcome, the ways in, and the feed: updates from what I follow plus city-wide ones, pinned on top.
// Offline, the service worker answers /api/feed with the last loaded page (marked "Offline. Last updated ...").

import { t } from '../i18n.js';
import { h, heading, emptyState } from '../ui.js';
import { getMe } from '../session.js';
import { renderFeed } from './posts.js';

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

/** The Home section with the feed: updates from what I follow plus city-wide ones, pinned on top. */
export async function renderHomeFeed(container, ctx) {
  container.setAttribute('aria-labelledby', 'home-feed-title');
  container.append(h('h2', { id: 'home-feed-title' }, t('feed.title')));
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  if (me.kind === 'staff' && me.role === 'officer') {      // an officer writes from where they read
    container.append(h('p', { class: 'feed-write' }, h('a', { class: 'button', href: '/posts/new' }, t('posts.write'))));
  }
  const findSector = h('a', { class: 'button', href: '/sectors' }, t('feed.find_sector'));
  const page = await renderFeed(container, '/api/feed', ctx,
    { empty: emptyState(t('feed.empty'), t('feed.empty_body'), findSector) });
  const followsNothing = me.kind === 'visitor' || (page && page.following && !page.following.sectors && !page.following.officers);
  if (page && followsNothing && (page.items.length || (page.pinned || []).length)) {
    container.querySelector('h2').after(h('p', { class: 'feed-hint' }, t('feed.follow_hint'), ' ',
      h('a', { href: '/sectors' }, t('feed.find_sector'))));
  }
}

export async function homeScreen(view, params, query, ctx) {
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  if (me.kind === 'visitor') {          // first time here: what Tuttu is and the ways in
    view.append(
      heading(t('home.title')),
      h('p', { class: 'lead' }, t('home.intro')),
      h('ul', { class: 'card-list', 'aria-label': t('home.shortcuts') },
        shortcut('/chat', 'home.chat_title', 'home.chat_body'),
        shortcut('/sectors/mine', 'home.sector_title', 'home.sector_body'),
        shortcut('/meetups', 'home.meetups_title', 'home.meetups_body')));
  } else {                              // a regular: straight to the news (the tab bar has the ways in)
    view.append(heading(t('home.greeting', { name: me.handle || me.name || '' })));
  }
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
