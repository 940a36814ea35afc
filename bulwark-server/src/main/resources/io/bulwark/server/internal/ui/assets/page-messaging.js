// Messaging: each broker connection (up or not, its features) and its bridges into jobs with
// their work in flight and lag (where the broker tells it); a topic's dead letters, and redriving them.
import { api, seg } from './api.js';
import { action, badge, describe, el, fill, json, listPager, notify, num, section, table, time } from './dom.js';

export const title = 'Messaging';

export async function render(ctx) {
  const list = el('div');
  const dead = el('div');
  const pager = listPager(10, (items) => fill(list, items.length ? items.map(connection)
    : el('p', { class: 'muted', text: 'No broker connection: set messaging.connections.* in the config.' })));
  fill(ctx.content, list, pager.node, dead);

  function connection(c) {
    const f = c.features || {};
    const topic = el('input', { id: `t-${c.name}`, name: 'topic', autocomplete: 'off', required: true });
    const form = el('form', { class: 'filters', 'aria-label': `Dead letters on ${c.name}` },
      el('div', { class: 'field' }, el('label', { for: `t-${c.name}`, text: 'Topic' }), topic),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'secondary', 'data-action': 'dead-letters' }, 'Show dead letters')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      showDead(c.name, topic.value.trim()).catch((e) => notify(`Dead letters failed: ${describe(e)}`, 'error'));
    });
    return section(`Connection ${c.name}`,
      el('p', {}, badge(c.up ? 'up' : 'down'), ` ${c.type} at `, el('span', { class: 'mono', text: c.url }), c.error ? ` — ${c.error}` : ''),
      el('p', { class: 'muted', text: `Delay: ${f.delay ?? '—'}; priorities: ${f.priorities ? 'yes' : 'no'}; dead letters: ${f.deadLetters ?? '—'}; `
        + `largest message: ${num(f.maxMessageBytes, 0)} bytes; ordering: ${f.ordering ?? '—'}.` }),
      table(`Bridges of ${c.name}`, [
        { label: 'Bridge', cell: (b) => b.name },
        { label: 'Topic', cell: (b) => b.topic },
        { label: 'Group', cell: (b) => b.group },
        { label: 'Target', cell: (b) => (typeof b.target === 'string' ? b.target : JSON.stringify(b.target)) },
        { label: 'State', cell: (b) => badge(b.running ? 'running' : 'stopped') },
        { label: 'In flight', cell: (b) => `${num(b.inFlight, 0)} of ${num(b.concurrency, 0)}`, numeric: true },
        { label: 'Lag', cell: (b) => (b.lag === undefined ? 'not told' : num(b.lag, 0)), numeric: true },
      ], c.bridges || [], { empty: 'No bridge reads from this connection.' }),
      form);
  }

  async function showDead(name, topic) {
    const r = await api.get(`/api/v1/messaging/${seg(name)}/dead`, { topic, limit: 50 });
    const items = r.items || [];
    fill(dead, section(`Dead letters of ${topic} on ${name}`,
      ctx.can('operator') && items.length ? el('div', { class: 'actions' }, action('Redrive', async () => {
        const out = await api.post(`/api/v1/messaging/${seg(name)}/dead/redrive`, { topic, max: 1000 });
        await showDead(name, topic);
        return `${num(out.redriven, 0)} message(s) of ${topic} published again.`;
      }, { confirm: `Publish the dead letters of ${topic} again?`, name: 'redrive' })) : null,
      table(`Dead letters of ${topic}`, [
        { label: 'Id', cell: (m) => el('span', { class: 'mono', text: m.id }) },
        { label: 'Key', cell: (m) => m.key },
        { label: 'Reason', cell: (m) => m.reason },
        { label: 'Published', cell: (m) => time(m.publishedAt) },
        { label: 'Body', cell: (m) => json(m.body) },
      ], items, { empty: 'No dead letter on this topic (the first 50 are shown).' })));
  }

  async function refresh() {
    try {
      const data = await api.get('/api/v1/messaging');
      pager.set(data.connections || []);
    } catch (e) {
      if (e.status === 404) {
        pager.set([]);
        return;
      }
      throw e;
    }
  }

  await refresh();
  ctx.poll(refresh);
}
