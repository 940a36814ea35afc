// Queues: counts by state, throughput, pause and resume, and each queue's settings.
import { api, seg } from './api.js';
import { action, badge, describe, el, facts, fill, listPager, notify, num, section, table } from './dom.js';

export const title = 'Queues';

const STATES = ['available', 'scheduled', 'running', 'retryable', 'completed', 'dead', 'cancelled', 'expired'];
/** The settings a PUT takes, with how each is read from its input. */
const SETTINGS = [
  { name: 'concurrency', label: 'Concurrency', kind: 'int', help: '1 to 10000' },
  { name: 'ratePerSecond', label: 'Rate per second', kind: 'number', help: '0 to 1000000; 0 means no limit' },
  { name: 'burst', label: 'Burst', kind: 'int', help: '1 to 1000000' },
  { name: 'maxSize', label: 'Maximum size', kind: 'int', help: '0 means no limit' },
  { name: 'priority', label: 'Default priority', kind: 'int', help: '0 to 9' },
  { name: 'maxAttempts', label: 'Maximum attempts', kind: 'int', help: '1 to 1000' },
  { name: 'timeout', label: 'Timeout', kind: 'text', help: 'a duration: 30s, 5m, 1h' },
  { name: 'discardAfter', label: 'Discard after', kind: 'text', help: 'a duration, or never' },
];

export async function render(ctx) {
  const list = el('div');
  const settings = el('div');
  const pager = listPager(25, (items) => fill(list, queueTable(items)));
  fill(ctx.content, section('Queues', list, pager.node), settings);

  let shown = null;

  function queueTable(items) {
    const columns = [
      { label: 'Queue', cell: (q) => el('a', { href: '/ui/jobs?queue=' + encodeURIComponent(q.name), text: q.name }) },
      { label: 'State', cell: (q) => badge(q.paused ? 'paused' : 'running') },
      { label: 'Actions', cell: (q) => el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', 'data-action': 'settings', 'aria-label': `Settings of ${q.name}`,
          onclick: () => showSettings(q) }, 'Settings'),
        ctx.can('operator') ? (q.paused
          ? action('Resume', async () => {
            await api.post(`/api/v1/queues/${seg(q.name)}/resume`);
            return `Queue ${q.name} resumed.`;
          }, { after: refresh, name: 'resume' })
          : action('Pause', async () => {
            await api.post(`/api/v1/queues/${seg(q.name)}/pause`);
            return `Queue ${q.name} paused: no job of it starts until it is resumed.`;
          }, { after: refresh, name: 'pause' })) : null) },
      ...STATES.map((s) => ({ label: s, numeric: true,
        cell: (q) => (s === 'dead' && q.counts.dead > 0
          ? el('a', { href: '/ui/dead?queue=' + encodeURIComponent(q.name), text: num(q.counts.dead, 0) })
          : num(q.counts[s], 0)) })),
      { label: 'In flight', cell: (q) => num(q.inFlight, 0), numeric: true },
      { label: 'Completed/s', cell: (q) => num(q.completedPerSecond), numeric: true },
      { label: 'Oldest waiting (s)', cell: (q) => num(q.oldestAvailableAgeSeconds, 0), numeric: true },
    ];
    const queues = table('Queues', columns, items, { empty: 'No queue has jobs or settings yet.' });
    const age = Math.max(0, ...items.map((q) => q.countsAgeSeconds || 0));
    // Counts of a large table are read in the background: say how old these are once it shows.
    return age < 2 ? queues : el('div', {}, queues, el('p', { class: 'muted', 'data-counted-ago': String(age),
      text: `Counts read ${age} s ago: a store with many jobs counts them in the background.` }));
  }

  function showSettings(queue) {
    shown = queue.name;
    const s = queue.settings;
    const heading = `Settings of ${queue.name}`;
    if (!ctx.can('operator')) {
      fill(settings, section(heading, facts(SETTINGS.map((f) => [f.label, String(s[f.name])]).concat([
        ['Backoff', `${s.backoff.base} × ${s.backoff.factor}, at most ${s.backoff.cap}`]]))));
      return;
    }
    const inputs = {};
    const fields = SETTINGS.map((f) => {
      const id = 'setting-' + f.name;
      inputs[f.name] = el('input', { id, name: f.name, type: f.kind === 'text' ? 'text' : 'number',
        step: f.kind === 'number' ? 'any' : (f.kind === 'int' ? '1' : null), value: String(s[f.name]),
        'aria-describedby': id + '-help' });
      return el('div', { class: 'field' }, el('label', { for: id, text: f.label }), inputs[f.name],
        el('span', { id: id + '-help', class: 'muted', text: f.help }));
    });
    const form = el('form', { class: 'settings' }, fields, el('div', { class: 'actions' },
      el('button', { type: 'submit' }, 'Save settings')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      for (const f of SETTINGS) {
        const raw = inputs[f.name].value.trim();
        if (raw !== '') {
          body[f.name] = f.kind === 'text' ? raw : Number(raw);
        }
      }
      try {
        const saved = await api.put(`/api/v1/queues/${seg(queue.name)}`, body);
        notify(`Settings of ${queue.name} saved.`);
        showSettings(saved);
        await refresh();
      } catch (e) {
        notify(`Saving the settings of ${queue.name} failed: ${describe(e)}`, 'error');
      }
    });
    fill(settings, section(heading, form));
    inputs.concurrency.focus();
  }

  async function refresh() {
    const data = await api.get('/api/v1/queues');
    pager.set(data.queues || []);
    return data;
  }

  const first = await refresh();
  const asked = ctx.params.get('queue');
  if (asked) {
    // A queue with neither jobs nor settings is not listed, but has the default settings.
    showSettings((first.queues || []).find((q) => q.name === asked) || await api.get(`/api/v1/queues/${seg(asked)}`));
  }
  ctx.poll(refresh);
  return shown;
}
