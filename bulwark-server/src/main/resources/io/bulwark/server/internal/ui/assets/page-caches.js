// Caches: each declared cache with its levels, status, sizes and hit ratios per level; invalidate
// a key, a tag or everything.
import { api, seg } from './api.js';
import { action, badge, describe, el, fill, listPager, notify, num, pct, section, table, time } from './dom.js';

export const title = 'Caches';

const LEVELS = ['l1', 'l2'];

export async function render(ctx) {
  const list = el('div');
  const pager = listPager(25, (items) => fill(list, table('Caches', [
    { label: 'Cache', cell: (c) => c.name },
    { label: 'Levels', cell: (c) => (c.levels || []).join(' + ') },
    { label: 'Status', cell: (c) => [badge(c.status), c.lastError ? ` ${c.lastError}` : ''] },
    { label: 'TTL', cell: (c) => c.ttl },
    ...LEVELS.flatMap((l) => [
      { label: `${l.toUpperCase()} size`, cell: (c) => (c.stats && c.stats[l] ? `${num(c.stats[l].size, 0)}${l === 'l1' && c.maximumSize ? ' of ' + num(c.maximumSize, 0) : ''}` : null), numeric: true },
      { label: `${l.toUpperCase()} hit ratio`, cell: (c) => (c.stats && c.stats[l] ? `${pct(c.stats[l].hitRatio)} (${num(c.stats[l].hits, 0)}/${num(c.stats[l].hits + c.stats[l].misses, 0)})` : null), numeric: true },
    ]),
    { label: 'Evictions', cell: (c) => num(LEVELS.reduce((n, l) => n + ((c.stats && c.stats[l] && c.stats[l].evictions) || 0), 0), 0), numeric: true },
    { label: 'Loads (failed)', cell: (c) => (c.stats && c.stats.l1 ? `${num(c.stats.l1.loads, 0)} (${num(c.stats.l1.loadFailures, 0)})` : null), numeric: true },
    { label: 'Tags', cell: (c) => (c.tags || []).join(', ') },
    { label: 'Last warm-up', cell: (c) => (c.warm && c.warm.last ? [badge(c.warm.last.state), ' ', time(c.warm.last.finished || c.warm.last.started)] : null) },
    { label: 'Since', cell: (c) => time(c.since) },
    { label: 'Actions', cell: (c) => (ctx.can('operator') ? action('Invalidate all', async () => {
      await api.post(`/api/v1/caches/${seg(c.name)}/invalidate`, { all: true });
      return `Every entry of cache ${c.name} was invalidated, on every node.`;
    }, { confirm: `Drop every entry of cache ${c.name} from every level and node?`, danger: true, after: refresh, name: 'invalidate-all' }) : null) },
  ], items, { empty: 'No cache is declared: set cache.<name>.* in the config.' })));

  const form = ctx.can('operator') ? invalidateForm() : null;
  fill(ctx.content, section('Caches', list, pager.node), form ? section('Invalidate keys or tags', form) : null);

  function invalidateForm() {
    const which = el('select', { id: 'i-cache', name: 'cache' });
    const keys = el('input', { id: 'i-keys', name: 'keys', autocomplete: 'off', placeholder: 'sku-1, sku-2' });
    const tags = el('input', { id: 'i-tags', name: 'tags', autocomplete: 'off', placeholder: 'catalog' });
    const f = el('form', { class: 'filters', 'aria-label': 'Invalidate keys or tags' },
      el('div', { class: 'field' }, el('label', { for: 'i-cache', text: 'Cache' }), which),
      el('div', { class: 'field' }, el('label', { for: 'i-keys', text: 'Keys (comma-separated)' }), keys),
      el('div', { class: 'field' }, el('label', { for: 'i-tags', text: 'Tags (comma-separated)' }), tags),
      el('div', { class: 'actions' }, el('button', { type: 'submit', 'data-action': 'invalidate' }, 'Invalidate')));
    const split = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
    f.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const r = await api.post(`/api/v1/caches/${seg(which.value)}/invalidate`, { keys: split(keys.value), tags: split(tags.value) });
        const count = (v) => num(Array.isArray(v) ? v.length : v || 0, 0);
        notify(`Cache ${r.cache}: ${count(r.keys)} key(s) and ${count(r.tags)} tag(s) invalidated.`);
        await refresh();
      } catch (e) {
        notify(`Invalidating failed: ${describe(e)}`, 'error');
      }
    });
    f.caches = which;
    return f;
  }

  async function refresh() {
    const items = [];
    let cursor = null;
    do {
      const page = await api.get('/api/v1/caches', { limit: 500, cursor });
      items.push(...(page.items || []));
      cursor = page.nextCursor;
    } while (cursor);
    pager.set(items);
    if (form) {
      const chosen = form.caches.value;
      fill(form.caches, items.map((c) => el('option', { value: c.name, selected: c.name === chosen, text: c.name })));
    }
  }

  await refresh();
  ctx.poll(refresh);
}
