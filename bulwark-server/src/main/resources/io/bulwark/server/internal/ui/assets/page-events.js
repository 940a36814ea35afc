// Events: this node's events (leader changes, rollouts, breakers, ...), filtered by kind prefix,
// the newest 1000, newest first, paged in the page.
import { api } from './api.js';
import { badge, el, fill, section, table, time } from './dom.js';

export const title = 'Events';

const PAGE = 50;

export async function render(ctx) {
  const filter = { kind: ctx.params.get('kind') || '' };
  const list = el('div');
  const starts = [];
  const prev = el('button', { type: 'button', class: 'secondary' }, 'Newer');
  const next = el('button', { type: 'button', class: 'secondary' }, 'Older');
  const where = el('span', { class: 'muted' });

  const kind = el('input', { id: 'f-kind', name: 'kind', value: filter.kind, autocomplete: 'off', placeholder: 'rollout.' });
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter events' },
    el('div', { class: 'field' }, el('label', { for: 'f-kind', text: 'Kind starts with' }), kind),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Filter')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filter.kind = kind.value.trim();
    history.replaceState(null, '', '/ui/events' + (filter.kind ? '?kind=' + encodeURIComponent(filter.kind) : ''));
    starts.length = 0;
    show();
  });
  prev.addEventListener('click', () => {
    starts.pop();
    show();
  });
  next.addEventListener('click', () => {
    starts.push(null);
    show();
  });
  fill(ctx.content, section('Filter', form), section('Events, newest first', list,
    el('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, where, next)));

  /** The newest 1000 events matching the filter (the API gives the newest N, oldest first). */
  async function all() {
    const page = await api.get('/api/v1/events', { kind: filter.kind, limit: 1000 });
    return page.events || [];
  }

  async function show() {
    const events = (await all()).reverse();
    const index = starts.length;
    const pages = Math.max(1, Math.ceil(events.length / PAGE));
    const at = Math.min(index, pages - 1);
    prev.disabled = at === 0;
    next.disabled = at >= pages - 1;
    where.textContent = `Page ${at + 1} of ${pages}`;
    fill(list, table('Events', [
      { label: 'Id', cell: (e) => String(e.id), numeric: true },
      { label: 'At', cell: (e) => time(e.at) },
      { label: 'Kind', cell: (e) => el('span', { class: 'mono', text: e.kind }) },
      { label: 'Severity', cell: (e) => badge(e.severity) },
      { label: 'Subject', cell: (e) => e.subject },
      { label: 'Message', cell: (e) => e.message },
      { label: 'Labels', cell: (e) => Object.entries(e.labels || {}).map(([k, v]) => `${k}=${v}`).join(', ') },
    ], events.slice(at * PAGE, (at + 1) * PAGE), { empty: 'No event matches.' }));
  }

  await show();
  ctx.poll(show);
}
