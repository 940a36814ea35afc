// Scaling: the autoscaler (policy, current and desired replicas, the last decision and recent
// ones) and the vertical recommendations per deployment; an operator sets the replica bounds or
// goes back to the configured policy.
import { api } from './api.js';
import { action, badge, describe, el, facts, fill, listPager, notify, num, section, table, time } from './dom.js';

export const title = 'Scaling';

/** The fields of a policy document (PUT /api/v1/scaling/policy); GET shows more (source, queues, ...). */
const POLICY_FIELDS = ['minReplicas', 'maxReplicas', 'waitingJobsPerWorker', 'cpuPercent', 'memoryPercent', 'tolerance', 'behavior'];

export async function render(ctx) {
  const status = el('div');
  const decisions = el('div');
  const recommendations = el('div');
  const decisionPager = listPager(10, (items) => fill(decisions, table('Recent decisions, newest first', [
    { label: 'At', cell: (d) => time(d.at) },
    { label: 'Node', cell: (d) => d.node },
    { label: 'Current', cell: (d) => num(d.current, 0), numeric: true },
    { label: 'Waiting jobs', cell: (d) => num(d.waitingJobs, 0), numeric: true },
    { label: 'Recommended', cell: (d) => num(d.recommended, 0), numeric: true },
    { label: 'Desired', cell: (d) => num(d.desired, 0), numeric: true },
    { label: 'Rule', cell: (d) => d.rule },
    { label: 'Explanation', cell: (d) => d.explanation },
    { label: 'Applied', cell: (d) => (d.applied ? 'yes' : `no${d.note ? ' (' + d.note + ')' : ''}`) },
  ], items, { empty: 'No decision yet.' })));
  const form = ctx.can('operator') ? policyForm() : null;
  fill(ctx.content, section('Autoscaler', status, form), section('Decisions', decisions, decisionPager.node),
    section('Recommended requests', recommendations));

  function policyForm() {
    const min = el('input', { id: 'p-min', name: 'minReplicas', type: 'number', min: '0', inputmode: 'numeric' });
    const max = el('input', { id: 'p-max', name: 'maxReplicas', type: 'number', min: '1', inputmode: 'numeric' });
    const f = el('form', { class: 'filters', 'aria-label': 'Replica bounds' },
      el('div', { class: 'field' }, el('label', { for: 'p-min', text: 'Minimum replicas' }), min),
      el('div', { class: 'field' }, el('label', { for: 'p-max', text: 'Maximum replicas' }), max),
      el('div', { class: 'actions' }, el('button', { type: 'submit', 'data-action': 'save-policy' }, 'Save bounds'),
        action('Back to config', async () => {
          await api.del('/api/v1/scaling/policy');
          f.dataset.filled = '';
          return 'The autoscaler follows the configured policy again.';
        }, { confirm: 'Drop the policy set over the API and follow the config?', after: refresh, name: 'reset-policy' })));
    f.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        // The API takes a whole policy: the one in force, with the two bounds changed.
        const policy = {};
        for (const field of POLICY_FIELDS) {
          if (f.policy && f.policy[field] !== undefined && f.policy[field] !== null) {
            policy[field] = f.policy[field];
          }
        }
        const after = await api.put('/api/v1/scaling/policy', { ...policy, minReplicas: Number(min.value), maxReplicas: Number(max.value) });
        notify(`Replicas now between ${after.policy.minReplicas} and ${after.policy.maxReplicas}; the leader takes it up at its next decision.`);
        await refresh();
      } catch (e) {
        notify(`Saving the bounds failed: ${describe(e)}`, 'error');
      }
    });
    f.min = min;
    f.max = max;
    return f;
  }

  async function refresh() {
    const s = await api.get('/api/v1/scaling');
    const [d, r] = await Promise.all([s.enabled ? api.get('/api/v1/scaling/decisions', { limit: 100 }) : {},
      api.get('/api/v1/scaling/recommendations')]);
    const p = s.policy || {};
    const last = s.last;
    fill(status, s.enabled ? facts([
      ['State', badge('active')],
      ['Driver', s.driver],
      ['Leader here', s.leader ? 'yes' : 'no (the leader decides)'],
      ['Replicas', `${num(s.current, 0)} now, ${num(s.desired, 0)} desired`],
      ['Policy', `${num(p.minReplicas, 0)} to ${num(p.maxReplicas, 0)} replicas, ${num(p.waitingJobsPerWorker, 0)} waiting jobs per worker, `
        + `tolerance ${num(p.tolerance, 2)}; queues ${(p.queues || []).join(', ')}; every ${p.interval} (from ${p.source})`],
      ['Last decision', last ? [time(last.at), ` — ${last.rule}: ${last.explanation}`] : null],
      ['Proposals', last ? (last.proposals || []).map((x) => `${x.metric}: ${x.replicas} (${x.note})`).join('; ') : null],
    ]) : el('p', { class: 'muted', text: 'The autoscaler is off (scaling.autoscaler.enabled).' }));
    if (form) {
      form.policy = p;
      form.hidden = !s.enabled;
      if (s.enabled && !form.dataset.filled) {
        form.min.value = p.minReplicas;
        form.max.value = p.maxReplicas;
        form.dataset.filled = 'yes';
      }
    }
    decisionPager.set(d.decisions || []);
    fill(recommendations, r.enabled === false ? el('p', { class: 'muted', text: 'The recommender is off.' }) : table('Recommended requests per deployment', [
      { label: 'Deployment', cell: (x) => x.deployment },
      { label: 'Samples', cell: (x) => num(x.samples, 0), numeric: true },
      { label: 'Confidence (days)', cell: (x) => num(x.confidenceDays, 2), numeric: true },
      { label: 'CPU target (lower–upper)', cell: (x) => `${num(x.cpu.targetMillicores, 0)}m (${bound(x.cpu.lowerMillicores, 'm')}–${bound(x.cpu.upperMillicores, 'm')})` },
      { label: 'Memory target (lower–upper)', cell: (x) => `${num(x.memory.targetMiB, 0)}Mi (${bound(x.memory.lowerMiB, 'Mi')}–${bound(x.memory.upperMiB, 'Mi')})` },
      { label: 'Requests', cell: (x) => el('span', { class: 'mono', text: `cpu: ${x.requests.cpu}, memory: ${x.requests.memory}` }) },
    ], r.deployments || [], { empty: 'No recommendation yet: the nodes have not published enough figures.' }));
  }

  const bound = (v, unit) => (v < 0 ? 'open' : num(v, 0) + unit);

  await refresh();
  ctx.poll(refresh);
}
