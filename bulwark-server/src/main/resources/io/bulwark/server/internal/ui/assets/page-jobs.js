// Jobs: newest first, filtered by queue, state, type, tag and creation time, a page at a time (the API's cursor).
import { api } from './api.js';
import { badge, cursorPager, el, fill, num, section, table, time } from './dom.js';

export const title = 'Jobs';

export const STATES = ['scheduled', 'available', 'running', 'retryable', 'completed', 'dead', 'cancelled', 'expired'];
const PAGE = 25;

export function jobTable(caption, items, before = [], after = []) {
  return table(caption, [
    ...before,
    { label: 'Job', cell: (j) => el('a', { href: '/ui/job?id=' + encodeURIComponent(j.id), class: 'mono', text: j.id }) },
    { label: 'Queue', cell: (j) => j.queue },
    { label: 'Type', cell: (j) => j.type },
    { label: 'State', cell: (j) => badge(j.state) },
    { label: 'Attempt', cell: (j) => `${j.attempt} of ${j.maxAttempts}`, numeric: true },
    { label: 'Priority', cell: (j) => num(j.priority, 0), numeric: true },
    { label: 'Tags', cell: (j) => (j.tags || []).flatMap((t, i) => [i ? ', ' : '',
      el('a', { href: '/ui/jobs?tag=' + encodeURIComponent(t), title: 'Jobs tagged ' + t, text: t })]) },
    { label: 'Run at', cell: (j) => time(j.runAt) },
    { label: 'Created', cell: (j) => time(j.createdAt) },
    ...after,
  ], items, { empty: 'No job matches.' });
}

export async function render(ctx) {
  const filter = {};
  for (const name of ['queue', 'state', 'type', 'tag', 'since', 'until']) filter[name] = ctx.params.get(name) || '';
  const queue = el('input', { id: 'f-queue', name: 'queue', value: filter.queue, list: 'queue-names', autocomplete: 'off' });
  const names = el('datalist', { id: 'queue-names' });
  const state = el('select', { id: 'f-state', name: 'state' }, el('option', { value: '', text: 'any' }),
    STATES.map((s) => el('option', { value: s, selected: s === filter.state, text: s })));
  const type = el('input', { id: 'f-type', name: 'type', value: filter.type, autocomplete: 'off' });
  const tag = el('input', { id: 'f-tag', name: 'tag', value: filter.tag, autocomplete: 'off' });
  const when = 'an ISO-8601 instant or how long ago, e.g. 2h or 2026-12-05T10:00:00Z';
  const since = el('input', { id: 'f-since', name: 'since', value: filter.since, autocomplete: 'off', placeholder: 'e.g. 2h', title: when });
  const until = el('input', { id: 'f-until', name: 'until', value: filter.until, autocomplete: 'off', placeholder: 'e.g. 30m', title: when });
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter jobs' },
    el('div', { class: 'field' }, el('label', { for: 'f-queue', text: 'Queue' }), queue, names),
    el('div', { class: 'field' }, el('label', { for: 'f-state', text: 'State' }), state),
    el('div', { class: 'field' }, el('label', { for: 'f-type', text: 'Type' }), type),
    el('div', { class: 'field' }, el('label', { for: 'f-tag', text: 'Tag' }), tag),
    el('div', { class: 'field' }, el('label', { for: 'f-since', text: 'Created since' }), since),
    el('div', { class: 'field' }, el('label', { for: 'f-until', text: 'Created before' }), until),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Filter')));
  const list = el('div');
  const pager = cursorPager(async (cursor) => {
    const page = await api.get('/api/v1/jobs', { ...filter, limit: PAGE, cursor });
    fill(list, jobTable('Jobs', page.items));
    return page;
  });
  fill(ctx.content, section('Filter', form,
    el('p', { class: 'muted', text: 'Times are ' + when + '. A tag matches exactly; click a job\'s tag to list its fellows.' })),
  section('Jobs', list, pager.node));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filter.queue = queue.value.trim();
    filter.state = state.value;
    filter.type = type.value.trim();
    filter.tag = tag.value.trim();
    filter.since = since.value.trim();
    filter.until = until.value.trim();
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
    history.replaceState(null, '', '/ui/jobs' + (query.size ? '?' + query : ''));
    pager.reset();
  });

  api.get('/api/v1/queues').then((data) => fill(names, (data.queues || []).map((q) => el('option', { value: q.name }))))
    .catch(() => {});
  await pager.reset();
  ctx.poll(() => pager.refresh());
}
