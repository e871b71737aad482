// Map changes a youth is told about on Home ("Katajanokka is now part of Kruununhaka"), and the map's credits
// (the source and licence of the district outlines) in About on the Me screen.

import { api } from '../api.js';
import { t } from '../i18n.js';
import { h } from '../ui.js';
import { getMe } from '../session.js';

/** Home: the sectors a youth followed that a new map retired, each with the sector they follow now. */
export async function renderSectorMoves(container, ctx) {
  const me = await getMe().catch(() => ({ kind: 'visitor' }));
  let moves = [];
  if (me.kind === 'youth') {
    try { ({ moves } = await api.get('/api/sectors/moves', { signal: ctx.signal })); } catch (err) { if (err.name === 'AbortError') throw err; }
  }
  if (!moves.length) { container.remove(); return; }
  const ok = h('button', { type: 'button', class: 'button button-secondary' }, t('sectors.moved_ok'));
  ok.addEventListener('click', async () => {
    ok.disabled = true;
    try { await api.post('/api/sectors/moves/seen', {}); container.remove(); } catch { ok.disabled = false; }
  });
  container.setAttribute('aria-labelledby', 'home-moves-title');
  container.classList.add('card', 'sector-moves');
  container.append(h('h2', { id: 'home-moves-title' }, t('sectors.moved_title')),
    h('ul', { class: 'list' }, moves.map((move) => h('li', {},
      t('sectors.moved', { from: move.from, to: move.to.name }), ' ',
      h('a', { href: `/sectors/${move.to.id}` }, move.to.name)))),
    ok);
}

/** Me: where the map comes from (its attribution as the city's open data asks), shown offline from the cache. */
export async function renderMapCredits(container, me, ctx) {
  let collection = null;
  try { collection = await api.get('/api/sectors', { signal: ctx.signal }); } catch (err) { if (err.name === 'AbortError') throw err; }
  container.setAttribute('aria-labelledby', 'me-map-title');
  container.append(h('h2', { id: 'me-map-title' }, t('sectors.about_map_title')), h('p', {}, t('sectors.about_map')),
    collection && collection.attribution ? h('p', { class: 'muted map-credit' }, t('sectors.map_credit', { source: collection.attribution })) : '');
}
