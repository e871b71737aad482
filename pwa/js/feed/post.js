// One update on its own page (/posts/:id): the link to share and the deep link a new-post push opens.
// Sharing uses the system share sheet where there is one, else copies the link (and shows it to copy by hand).

import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, heading, errorState, offlineNote } from '../ui.js';
import { getMe } from '../session.js';
import { postCard } from './posts.js';

export function postUrl(id) { return new URL(`/posts/${encodeURIComponent(id)}`, location.origin).href; }

function shareBox(post) {
  const url = postUrl(post.id);
  const linkField = h('input', { id: 'post-share-link', class: 'input', readonly: true, value: url });
  const status = h('p', { class: 'muted', role: 'status' });
  const share = async () => {
    if (navigator.share) {
      try { await navigator.share({ title: t('posts.share_title', { name: post.author.name }), url }); return; } catch (err) {
        if (err && err.name === 'AbortError') return;        // they closed the sheet: nothing to say
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = t('posts.link_copied');
    } catch {
      linkField.select();
      status.textContent = t('posts.link_copy_by_hand');
    }
  };
  return h('section', { class: 'post-share', 'aria-labelledby': 'post-share-title' },
    h('h2', { id: 'post-share-title' }, t('posts.share_heading')),
    h('div', { class: 'field' }, h('label', { for: 'post-share-link' }, t('posts.share_link_label')), linkField),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button', onclick: share }, t('posts.share')),
      h('a', { class: 'button button-secondary', href: '/' }, t('posts.all_updates'))),
    status);
}

export async function postScreen(view, { id }, query, ctx) {
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  let post;
  try {
    post = await api.get(`/api/posts/${encodeURIComponent(id)}`, { signal: ctx.signal });
  } catch (err) {
    if (err.name === 'AbortError') return;
    if (err.status === 404) {
      view.append(heading(t('posts.gone_title')), errorState(err), h('p', {}, h('a', { href: '/' }, t('posts.all_updates'))));
      return;
    }
    throw err;
  }
  view.append(heading(t('posts.page_title', { name: post.author.name })), offlineNote(post) || '', postCard(post, me), shareBox(post));
}
