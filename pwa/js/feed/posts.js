// Officers' updates: the post card and a feed list with "Show more" (keyset cursor). The composer is composer.js.
// Post text is plain text: it is only ever put into text nodes; links are made clickable by linkify().

import { navigate } from '../router.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, spinner, emptyState, errorState, offlineNote, toast, announce, linkify, timeAgo,
  errorMessage, confirmDialog } from '../ui.js';
import { getMe } from '../session.js';

/** parent.append() that skips false, null and undefined (so `cond && h(...)` can be passed), like h() does. */
export function put(parent, ...children) {
  parent.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return parent;
}

/** A round photo, or the initials when there is none (decorative: the name is always next to it). */
export function avatar(person, size = 'small') {
  if (person.photo) return h('img', { class: `avatar avatar-${size}`, src: person.photo, alt: '', width: 48, height: 48 });
  const initials = (person.name || '?').split(/\s+/).map((part) => part[0]).join('').slice(0, 2).toUpperCase();
  return h('span', { class: `avatar avatar-${size}`, 'aria-hidden': 'true' }, initials);
}

export function verifiedBadge() {
  return h('span', { class: 'badge badge-verified' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('sectors.verified'));
}

function postImage(image) {
  return h('img', { class: 'post-image', src: image.src, srcset: image.srcset, sizes: '(max-width: 40rem) 100vw, 40rem',
    width: image.width, height: image.height, alt: image.alt || '', loading: 'lazy', decoding: 'async' });
}

async function removePost(post, card, asAdmin) {
  const sure = await confirmDialog({ title: t(asAdmin ? 'posts.remove_confirm' : 'posts.delete_confirm'),
    confirm: t(asAdmin ? 'posts.remove' : 'posts.delete'), danger: true });
  if (!sure) return;
  try {
    await api.del(`/api/posts/${post.id}`);
    card.remove();
    announce(t('posts.deleted'));
    toast(t('posts.deleted'));
  } catch (err) {
    toast(errorMessage(err));
  }
}

async function togglePin(post) {
  try {
    await api.patch(`/api/posts/${post.id}`, { pinned: !post.pinned });
    toast(t(post.pinned ? 'posts.unpinned' : 'posts.pinned_done'));
    navigate(location.pathname + location.search, { replace: true });
  } catch (err) {
    toast(errorMessage(err));
  }
}

function postActions(post, me, card) {
  const own = me && me.kind === 'staff' && me.id === post.author.id;
  const admin = me && me.kind === 'staff' && me.role === 'admin';
  if (!own && !admin) return null;
  return h('div', { class: 'actions post-actions' },
    own && h('a', { class: 'button button-small button-secondary', href: `/posts/${post.id}/edit` }, t('posts.edit')),
    own && h('button', { type: 'button', class: 'button button-small button-secondary', onclick: () => togglePin(post) },
      t(post.pinned ? 'posts.unpin' : 'posts.pin')),
    h('button', { type: 'button', class: 'button button-small button-danger', onclick: () => removePost(post, card, !own) },
      t(own ? 'posts.delete' : 'posts.remove')));
}

/** One update as an <article>: author, where, when, text with safe links, image, topics. */
export function postCard(post, me = null) {
  const where = post.sector ? h('a', { href: `/sectors/${post.sector.id}` }, post.sector.name) : t('posts.city_wide');
  const card = h('article', { class: ['card', 'post', post.pinned && 'post-pinned'], dataset: { postId: post.id },
    'aria-labelledby': `post-${post.id}-author` });
  put(card,
    h('header', { class: 'post-header' }, avatar(post.author),
      h('div', { class: 'post-byline' },
        h('a', { id: `post-${post.id}-author`, class: 'post-author', href: `/officers/${post.author.id}` }, post.author.name),
        post.author.verified && verifiedBadge(),
        h('p', { class: 'muted' }, where, ' · ', h('a', { href: `/posts/${post.id}`, class: 'post-permalink' }, timeAgo(post.created_at)),
          post.edited_at && h('span', {}, ' · ', t('posts.edited'))))),
    post.pinned && h('p', { class: 'badge badge-primary post-pin' }, t('posts.pinned')),
    h('p', { class: 'post-text' }, linkify(post.text)),
    post.image && postImage(post.image),
    post.tags.length > 0 && h('ul', { class: 'post-tags', 'aria-label': t('posts.topics') },
      post.tags.map((tag) => h('li', { class: 'badge' }, t(`posts.topic_${tag}`)))),
    postActions(post, me, card));
  return card;
}

/**
 * Render a feed (GET url?cursor=) into container: pinned posts first, then newest first, with "Show more".
 * Returns the first page's data (or null when it failed).
 */
export async function renderFeed(container, url, ctx, { empty = null } = {}) {
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  container.append(spinner());
  let page;
  try {
    page = await api.get(url, { signal: ctx.signal });
  } catch (err) {
    if (err.name === 'AbortError') return null;
    container.lastChild.replaceWith(errorState(err, () => { container.replaceChildren(); renderFeed(container, url, ctx, { empty }); }));
    return null;
  }
  const list = h('ol', { class: 'post-list' });
  const posts = [...(page.pinned || []), ...page.items];
  list.append(...posts.map((post) => h('li', {}, postCard(post, me))));
  container.lastChild.replaceWith(offlineNote(page) || '', posts.length ? list : (empty || emptyState(t('posts.none'))));
  let cursor = page.next_cursor;
  const more = h('button', { type: 'button', class: 'button button-secondary button-block', hidden: !cursor }, t('posts.more'));
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const next = await api.get(`${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`, { signal: ctx.signal });
      list.append(...next.items.map((post) => h('li', {}, postCard(post, me))));
      announce(t('posts.loaded', { count: next.items.length }));
      cursor = next.next_cursor;
      more.hidden = !cursor;
    } catch (err) {
      if (err.name !== 'AbortError') toast(errorMessage(err));
    }
    more.disabled = false;
  });
  container.append(more);
  return page;
}
