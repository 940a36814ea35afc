// Providers and breakers: each group with its degradation and providers; per provider its breaker,
// recent calls and latency; open, close and reset a breaker; enter and leave degradation.
import { api, seg } from './api.js';
import { action, badge, el, fill, listPager, num, pct, section, table, time } from './dom.js';

export const title = 'Providers & breakers';

export async function render(ctx) {
  const groups = el('div');
  const history = el('div');
  const pager = listPager(10, (items) => fill(groups, items.length ? items.map(group)
    : el('p', { class: 'muted', text: 'No provider group is configured: set providers.* in the config, or PUT /api/v1/providers.' })));
  fill(ctx.content, groups, pager.node, history);

  function breakerActions(p) {
    if (!ctx.can('operator')) {
      return null;
    }
    const change = (verb, label, message) => action(label, async () => {
      const b = await api.post(`/api/v1/circuit-breakers/${seg(p.name)}/${verb}`);
      return `Breaker ${p.name} is now ${b.state}. ${message}`;
    }, { after: refresh, name: `${verb}-breaker`, confirm: verb === 'open' ? `Force breaker ${p.name} open? No call to it passes until it is closed or reset.` : null, danger: verb === 'open' });
    return el('div', { class: 'actions' },
      p.breaker.state === 'FORCED_OPEN' ? null : change('open', 'Open', ''),
      p.breaker.state === 'FORCED_CLOSED' ? null : change('close', 'Close', 'Calls pass unjudged until it is reset.'),
      change('reset', 'Reset', 'Its window is empty.'));
  }

  function group(g) {
    const d = g.degradation || {};
    const operator = ctx.can('operator');
    return section(`Group ${g.name}`,
      el('p', {}, `Strategy ${g.strategy}; fallback chain: ${(g.fallbackChain || []).join(' → ') || 'none'}. Degradation: `,
        badge(d.degraded ? 'degraded' : 'normal'), d.degraded ? ` since ` : '', d.degraded ? time(d.since) : '',
        d.degraded && d.reason ? ` (${d.reason})` : ''),
      operator ? el('div', { class: 'actions' }, d.degraded
        ? action('Exit degradation', async () => {
          const after = await api.post(`/api/v1/degradation/${seg(g.name)}/exit`);
          return `Group ${g.name} is ${after.degraded ? 'still degraded (a trigger holds it)' : 'no longer degraded'}.`;
        }, { after: refresh, name: 'exit-degradation' })
        : action('Enter degradation', async () => {
          await api.post(`/api/v1/degradation/${seg(g.name)}/enter`, { reason: 'switched on from the dashboard' });
          return `Group ${g.name} is degraded until an operator exits it.`;
        }, { confirm: `Degrade group ${g.name} until someone exits it?`, after: refresh, name: 'enter-degradation' })) : null,
      table(`Providers of ${g.name}`, [
        { label: 'Provider', cell: (p) => p.name },
        { label: 'Base URL', cell: (p) => el('span', { class: 'mono', text: p.baseUrl }) },
        { label: 'Weight', cell: (p) => num(p.weight, 0), numeric: true },
        { label: 'Breaker', cell: (p) => badge(p.breaker.state) },
        { label: 'Failure rate', cell: (p) => pct(p.breaker.failureRate), numeric: true },
        { label: 'Calls', cell: (p) => num(p.recent && p.recent.calls, 0), numeric: true },
        { label: 'Errors', cell: (p) => num(p.recent && p.recent.errors, 0), numeric: true },
        { label: 'p50 ms', cell: (p) => num(p.recent && p.recent.p50Ms, 1), numeric: true },
        { label: 'p95 ms', cell: (p) => num(p.recent && p.recent.p95Ms, 1), numeric: true },
        { label: 'p99 ms', cell: (p) => num(p.recent && p.recent.p99Ms, 1), numeric: true },
        { label: 'Drift', cell: (p) => (p.drift && p.drift.length ? p.drift.join('; ') : 'none') },
        { label: 'Actions', cell: (p) => el('div', { class: 'actions' },
          el('button', { type: 'button', class: 'secondary', 'data-action': 'history', 'aria-label': `Breaker history of ${p.name}`,
            onclick: () => showHistory(p.name) }, 'History'), breakerActions(p)) },
      ], g.providers || [], { empty: 'This group has no provider.' }));
  }

  async function showHistory(name) {
    const b = await api.get(`/api/v1/circuit-breakers/${seg(name)}`, { limit: 50 });
    fill(history, section(`Breaker ${name}`, el('p', {}, 'State ', badge(b.state), ' since ', time(b.since),
      `; ${num(b.bufferedCalls, 0)} calls in the window, ${num(b.failedCalls, 0)} failed, ${num(b.notPermittedCalls, 0)} refused.`),
    table(`Transitions of breaker ${name}, newest first`, [
      { label: 'At', cell: (t) => time(t.at) },
      { label: 'From', cell: (t) => (t.from ? badge(t.from) : '—') },
      { label: 'To', cell: (t) => badge(t.to) },
      { label: 'Reason', cell: (t) => t.reason },
      { label: 'Failure rate', cell: (t) => pct(t.failureRate), numeric: true },
    ], b.history || [], { empty: 'No transition yet.' })));
  }

  async function refresh() {
    const data = await api.get('/api/v1/providers');
    pager.set(data.groups || []);
  }

  await refresh();
  ctx.poll(refresh);
}
