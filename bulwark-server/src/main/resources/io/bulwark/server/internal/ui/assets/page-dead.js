// Dead letters: jobs that died (attempts exhausted, or a failure that is not retried). Inspect them,
// run them again (those selected, or all of a queue) or purge a queue's, after a confirmation.
import { api, seg } from './api.js';
import { action, cursorPager, el, fill, notify, section, time } from './dom.js';
import { jobTable } from './page-jobs.js';

export const title = 'Dead letters';

const PAGE = 25;

export async function render(ctx) {
  let queue = ctx.params.get('queue') || '';
  const select = el('select', { id: 'dead-queue', name: 'queue' });
  const actions = el('div', { class: 'actions' });
  const list = el('div');
  const selected = new Map();
  let shown = [];

  const pager = cursorPager(async (cursor) => {
    const page = await api.get('/api/v1/jobs', { state: 'dead', queue, limit: PAGE, cursor });
    shown = page.items;
    for (const id of [...selected.keys()]) {
      if (!shown.some((j) => j.id === id)) {
        selected.delete(id);
      }
    }
    const extra = ctx.can('operator') ? [{ label: 'Select', cell: (j) => el('input', {
      type: 'checkbox', 'aria-label': `Select job ${j.id}`, 'data-job': j.id, checked: selected.has(j.id),
      onchange: (e) => (e.target.checked ? selected.set(j.id, j.queue) : selected.delete(j.id)),
    }) }] : [];
    fill(list, jobTable('Dead jobs', page.items, extra, [
      { label: 'Died', cell: (j) => time(j.finishedAt) },
      { label: 'Last error', cell: (j) => el('span', { class: 'clip', title: j.lastError || '', text: j.lastError || '—' }) },
    ]));
    return page;
  });

  async function retry(byQueue) {
    let total = 0;
    for (const [name, ids] of byQueue) {
      const answer = await api.post(`/api/v1/queues/${seg(name)}/dead/retry`, ids ? { ids } : undefined);
      total += answer.retried;
    }
    selected.clear();
    return total;
  }

  function drawActions() {
    if (!ctx.can('operator')) {
      fill(actions);
      return;
    }
    fill(actions,
      action('Retry selected', async () => {
        if (selected.size === 0) {
          throw new Error('select jobs first');
        }
        const byQueue = new Map();
        for (const [id, name] of selected) {
          byQueue.set(name, [...(byQueue.get(name) || []), id]);
        }
        const n = await retry(byQueue);
        return `${n} job(s) queued to run again.`;
      }, { after: () => pager.reset(), name: 'retry-selected' }),
      queue ? action(`Retry all in ${queue}`, async () => {
        const n = await retry(new Map([[queue, null]]));
        return `${n} dead job(s) of ${queue} queued to run again.`;
      }, { confirm: `Run every dead job of queue ${queue} again?`, after: () => pager.reset(), name: 'retry-all' }) : null,
      queue ? action(`Purge ${queue}`, async () => {
        const answer = await api.del(`/api/v1/queues/${seg(queue)}/dead`);
        return `${answer.purged} dead job(s) of ${queue} purged.`;
      }, { confirm: `Delete every dead job of queue ${queue} for good? This cannot be undone.`, danger: true,
        after: () => pager.reset(), name: 'purge' }) : el('span', { class: 'muted', text: 'Choose a queue to retry or purge all its dead jobs.' }));
  }

  select.addEventListener('change', () => {
    queue = select.value;
    selected.clear();
    history.replaceState(null, '', '/ui/dead' + (queue ? '?queue=' + encodeURIComponent(queue) : ''));
    drawActions();
    pager.reset().catch((e) => notify(e.message, 'error'));
  });

  fill(ctx.content, section('Dead jobs',
    el('div', { class: 'field' }, el('label', { for: 'dead-queue', text: 'Queue' }), select),
    actions, list, pager.node));

  const queues = (await api.get('/api/v1/queues')).queues || [];
  fill(select, el('option', { value: '', text: 'All queues' }), queues.map((q) => el('option', {
    value: q.name, selected: q.name === queue, text: `${q.name} (${q.counts.dead} dead)` })));
  if (queue && !queues.some((q) => q.name === queue)) {
    select.append(el('option', { value: queue, selected: true, text: queue }));
  }
  drawActions();
  await pager.reset();
  ctx.poll(() => pager.refresh());
}
