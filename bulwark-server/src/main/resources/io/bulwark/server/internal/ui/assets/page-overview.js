// Overview: every health check, the nodes, queue totals, open breakers, degraded groups, and a
// throughput chart drawn from the queue figures this page polls.
import uPlot from './uPlot.esm.js';
import { api, ApiError } from './api.js';
import { badge, el, fill, num, pct, section, table, time } from './dom.js';

export const title = 'Overview';

const STATES = ['available', 'scheduled', 'running', 'retryable', 'completed', 'dead', 'cancelled', 'expired'];
const KEEP = 120;

/** The figures of one call, or the reason there are none (a capability this server does not run). */
async function settle(call) {
  try {
    return { data: await call() };
  } catch (e) {
    if (e instanceof ApiError && e.status === 503 && e.body && e.body.checks) {
      return { data: e.body }; // /health answers 503 with its report when unhealthy
    }
    if (e instanceof ApiError && e.status === 404) {
      return { missing: true };
    }
    return { error: e };
  }
}

function unavailable(result, what) {
  if (result.missing) {
    return el('p', { class: 'muted', text: `This server does not run ${what}.` });
  }
  return el('p', { class: 'notice error', text: `Could not load ${what}: ${result.error.message}` });
}

export async function render(ctx) {
  const health = el('div');
  const nodes = el('div');
  const totals = el('div');
  const breakers = el('div');
  const degraded = el('div');
  const now = el('p', { class: 'figure' });
  const plotHolder = el('div', { class: 'chart' });
  fill(ctx.content, el('div', { class: 'grid' },
    section('Health', health),
    section('Nodes', nodes),
    section('Queues', totals),
    section('Open circuit breakers', breakers),
    section('Degraded provider groups', degraded),
    section('Throughput', now,
      el('figure', {}, plotHolder, el('figcaption', { class: 'muted', text: 'Jobs completed and jobs that died per second, '
        + 'summed over every queue, as sampled by this page while it is open.' })))));

  const samples = [[], [], []];
  let lastDead = null;
  let plot = null;

  function chart() {
    const width = Math.max(280, plotHolder.clientWidth || 600);
    if (!plot) {
      plot = new uPlot({
        width,
        height: 220,
        series: [{}, { label: 'completed/s', stroke: '#0b5cad', width: 2 }, { label: 'dead/s', stroke: '#b00020', width: 2 }],
        axes: [{}, { label: 'per second' }],
        // The last five minutes, and from zero up: a single sample does not stretch the axes.
        scales: {
          x: { time: true, range: (u, min, max) => [Math.max(min, max) - 300, Math.max(min, max)] },
          y: { range: (u, min, max) => [0, Math.max(1, max * 1.2)] },
        },
      }, samples, plotHolder);
    } else {
      plot.setData(samples);
    }
  }

  async function refresh() {
    const [h, n, q, b, d] = await Promise.all([
      settle(() => api.get('/health')),
      settle(() => api.get('/api/v1/nodes')),
      settle(() => api.get('/api/v1/queues')),
      settle(() => api.get('/api/v1/circuit-breakers')),
      settle(() => api.get('/api/v1/degradation')),
    ]);

    if (h.data) {
      const checks = Object.values(h.data.checks || {});
      fill(health, el('p', {}, 'Overall: ', badge(h.data.status)), table('Health checks', [
        { label: 'Check', cell: (c) => c.name },
        { label: 'Status', cell: (c) => badge(c.status) },
        { label: 'Latency (ms)', cell: (c) => num(c.latencyMs), numeric: true },
      ], checks));
    } else {
      fill(health, unavailable(h, 'health checks'));
    }

    if (n.data) {
      const items = n.data.items || [];
      const leader = items.find((x) => x.leader);
      fill(nodes, el('p', {}, `${items.length} node(s); leader: `, leader ? leader.name : 'none'), table('Nodes', [
        { label: 'Node', cell: (x) => x.name },
        { label: 'Role', cell: (x) => x.role },
        { label: 'State', cell: (x) => badge(x.state) },
        { label: 'In flight', cell: (x) => num(x.inFlight), numeric: true },
        { label: 'Heartbeat', cell: (x) => time(x.lastHeartbeat) },
      ], items.slice(0, 10)), items.length > 10 ? el('p', {}, el('a', { href: '/ui/nodes', text: 'All nodes' })) : null);
    } else {
      fill(nodes, unavailable(n, 'the cluster'));
    }

    if (q.data) {
      const queues = q.data.queues || [];
      const sum = Object.fromEntries(STATES.map((s) => [s, 0]));
      let perSecond = 0;
      for (const queue of queues) {
        for (const s of STATES) {
          sum[s] += queue.counts[s] || 0;
        }
        perSecond += queue.completedPerSecond || 0;
      }
      fill(totals, el('p', {}, `${queues.length} queue(s), ${queues.filter((x) => x.paused).length} paused`),
        table('Jobs by state over every queue', [
          { label: 'State', cell: (s) => s },
          { label: 'Jobs', cell: (s) => num(sum[s], 0), numeric: true },
        ], STATES));
      const t = Date.now() / 1000;
      const deadPerSecond = lastDead === null || t === lastDead.t ? 0 : Math.max(0, (sum.dead - lastDead.n) / (t - lastDead.t));
      lastDead = { t, n: sum.dead };
      samples[0].push(t);
      samples[1].push(perSecond);
      samples[2].push(deadPerSecond);
      if (samples[0].length > KEEP) {
        samples.forEach((s) => s.shift());
      }
      now.textContent = `Now: ${num(perSecond)} completed/s, ${num(deadPerSecond)} dead/s`;
      chart();
    } else {
      fill(totals, unavailable(q, 'jobs'));
      now.textContent = 'No throughput: this server runs no jobs.';
    }

    if (b.data) {
      const open = (b.data.circuitBreakers || []).filter((x) => x.state !== 'CLOSED');
      fill(breakers, table('Circuit breakers not closed', [
        { label: 'Breaker', cell: (x) => x.name },
        { label: 'Group', cell: (x) => x.group },
        { label: 'State', cell: (x) => badge(x.state) },
        { label: 'Since', cell: (x) => time(x.since) },
        { label: 'Failure rate', cell: (x) => pct(x.failureRate), numeric: true },
      ], open, { empty: 'Every breaker is closed.' }), el('p', {}, el('a', { href: '/ui/providers', text: 'Providers and breakers' })));
    } else {
      fill(breakers, unavailable(b, 'provider groups'));
    }

    if (d.data) {
      const groups = (d.data.groups || []).filter((x) => x.degraded);
      fill(degraded, table('Degraded provider groups', [
        { label: 'Group', cell: (x) => x.group },
        { label: 'Since', cell: (x) => time(x.since) },
        { label: 'Reason', cell: (x) => x.reason },
        { label: 'Manual', cell: (x) => (x.manual ? 'yes' : 'no') },
      ], groups, { empty: 'No group is degraded.' }));
    } else {
      fill(degraded, unavailable(d, 'provider groups'));
    }
  }

  await refresh();
  ctx.poll(refresh);
}
