// /answers: the public answer archive (GET /api/answers?q=&topic=&cursor=), searchable, no handles.

import { api } from '../api.js';
import { t, formatDate } from '../i18n.js';
import { h, heading, spinner, emptyState, errorState, offlineNote, errorMessage } from '../ui.js';
import { answerCard, roleLabel } from './stream.js';

export const TOPICS = ['law', 'traffic', 'online', 'safety', 'substances', 'school', 'home', 'police', 'other'];
const SEARCH_DELAY_MS = 350;

function archiveItem(answer) {
  const staff = answer.staff || {};
  return h('li', { class: 'card chat-archive-item' },
    h('article', { 'aria-labelledby': `answer-${answer.id}-q` },
      h('h2', { id: `answer-${answer.id}-q`, class: 'chat-archive-question' }, answer.question),
      answerCard({ ...answer, author: null, staff: null }),     // who answered is said once, below
      h('p', { class: 'muted' },
        staff.name && `${staff.name}, ${roleLabel(staff.role)} · `,
        answer.topic && TOPICS.includes(answer.topic) && `${t(`chat.topic_${answer.topic}`)} · `,
        answer.published_at && h('time', { datetime: answer.published_at }, formatDate(answer.published_at)))));
}

export async function archive(view, params, query, ctx) {
  const q = query.get('q') || '';
  const topic = TOPICS.includes(query.get('topic')) ? query.get('topic') : '';
  const input = h('input', { id: 'answers-q', name: 'q', type: 'search', class: 'input', value: q,
    autocomplete: 'off', enterkeyhint: 'search' });
  const select = h('select', { id: 'answers-topic', name: 'topic', class: 'input' },
    h('option', { value: '' }, t('chat.topic_all')),
    TOPICS.map((name) => h('option', { value: name, selected: name === topic }, t(`chat.topic_${name}`))));
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { class: 'chat-archive-results' }, spinner());
  const form = h('form', { class: 'chat-archive-search', role: 'search', 'aria-label': t('chat.archive_search') },
    h('div', { class: 'field' }, h('label', { for: 'answers-q' }, t('chat.archive_search')), input),
    h('div', { class: 'field' }, h('label', { for: 'answers-topic' }, t('chat.topic_label')), select),
    h('button', { type: 'submit', class: 'button' }, t('chat.archive_search_button')));
  view.append(heading(t('chat.archive_title')), h('p', { class: 'lead' }, t('chat.archive_intro')), form, status, results);

  let timer = null;
  let controller = null;
  const search = () => {
    const next = new URLSearchParams();
    if (input.value.trim()) next.set('q', input.value.trim());
    if (select.value) next.set('topic', select.value);
    history.replaceState(history.state, '', `/answers${next.toString() ? `?${next}` : ''}`);
    load(next, null);
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); clearTimeout(timer); search(); });
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, SEARCH_DELAY_MS); });
  select.addEventListener('change', search);

  async function load(filters, cursor) {
    if (controller) controller.abort();
    controller = new AbortController();
    ctx.signal.addEventListener('abort', () => controller.abort(), { once: true });
    const url = new URLSearchParams(filters);
    if (cursor) url.set('cursor', cursor);
    if (!cursor) results.replaceChildren(spinner());
    let page;
    try {
      page = await api.get(`/api/answers${url.toString() ? `?${url}` : ''}`, { signal: controller.signal });
    } catch (err) {
      if (err.name === 'AbortError') return;
      results.replaceChildren(errorState(err, () => load(filters, cursor)));
      status.textContent = errorMessage(err);
      return;
    }
    const items = (page.answers || []).map(archiveItem);
    const more = page.next_cursor && h('button', { type: 'button', class: 'button button-secondary button-block',
      onclick: (event) => { event.currentTarget.remove(); load(filters, page.next_cursor); } }, t('chat.archive_more'));
    if (cursor) {
      results.querySelector('.card-list').append(...items);
      if (more) results.append(more);
    } else {
      results.replaceChildren(offlineNote(page) || '',
        items.length ? h('ul', { class: 'card-list' }, items)
          : emptyState(filters.get('q') || filters.get('topic') ? t('chat.archive_none_found') : t('chat.archive_empty')),
        more || '');
    }
    status.textContent = filters.get('q') || filters.get('topic')
      ? t('chat.archive_found', { count: results.querySelectorAll('.chat-archive-item').length }) : '';
  }
  load(new URLSearchParams([...query].filter(([key]) => key === 'q' || key === 'topic')), null);
  return () => { clearTimeout(timer); if (controller) controller.abort(); };
}
