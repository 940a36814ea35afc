// Rollouts: every rollout with its phase, step and weight; one rollout (?name=) with its steps,
// analysis runs and history; promote, abort, pause, resume and retry for operators.
import { api, seg } from './api.js';
import { action, badge, el, facts, fill, listPager, num, section, table, time } from './dom.js';

export const title = 'Rollouts';

/** The actions that apply in each phase (the API answers 409 for the others). */
const ACTIONS = {
  PROGRESSING: ['pause', 'promote', 'abort'],
  PAUSED: ['resume', 'promote', 'abort'],
  HEALTHY: ['abort'],
  DEGRADED: ['retry'],
  ABORTED: ['retry'],
};
const LABELS = {
  promote: ['Promote', 'Promote rollout {n} to full weight now, skipping its remaining steps and analyses?'],
  abort: ['Abort', 'Abort rollout {n}? Traffic goes back to the stable version.'],
  pause: ['Pause', null],
  resume: ['Resume', null],
  retry: ['Retry', 'Start rollout {n} again from its first step?'],
};

export async function render(ctx) {
  const list = el('div');
  const detail = el('div');
  let shown = ctx.params.get('name') || '';
  const pager = listPager(25, (items) => fill(list, table('Rollouts', [
    { label: 'Rollout', cell: (r) => el('a', { href: '/ui/rollouts?name=' + encodeURIComponent(r.name), text: r.name }) },
    { label: 'Strategy', cell: (r) => r.strategy },
    { label: 'Phase', cell: (r) => badge(r.phase) },
    { label: 'Step', cell: (r) => `${num(r.step, 0)} of ${num(r.steps, 0)}`, numeric: true },
    { label: 'Weight', cell: (r) => `${num(r.weight, 0)} %`, numeric: true },
    { label: 'Message', cell: (r) => r.message },
    { label: 'Updated', cell: (r) => time(r.updatedAt) },
    { label: 'Actions', cell: (r) => buttons(r) },
  ], items, { empty: 'No rollout: POST /api/v1/rollouts, or `bulwark rollouts start`.' })));
  fill(ctx.content, section('Rollouts', list, pager.node), detail);

  function buttons(r) {
    if (!ctx.can('operator')) {
      return null;
    }
    return el('div', { class: 'actions' }, (ACTIONS[r.phase] || []).map((verb) => {
      const [label, confirm] = LABELS[verb];
      return action(label, async () => {
        const after = await api.post(`/api/v1/rollouts/${seg(r.name)}/${verb}${verb === 'abort' ? '?reason=' + encodeURIComponent('aborted from the dashboard') : ''}`);
        return `Rollout ${r.name}: ${after.phase}, weight ${after.weight} %.`;
      }, { confirm: confirm ? confirm.replace('{n}', r.name) : null, danger: verb === 'abort', after: refresh, name: verb });
    }));
  }

  function showDetail(r) {
    const runs = r.analysisRuns || [];
    fill(detail, section(`Rollout ${r.name}`, facts([
      ['Phase', badge(r.phase)],
      ['Weight', `${num(r.weight, 0)} % (target ${num(r.targetWeight, 0)} %)`],
      ['Message', r.message],
      ['Paused because', r.pauseReason],
      ['Deadline', time(r.deadline)],
      ['Driver error', r.driverError],
      ['Attempt', num(r.attempt, 0)],
      ['Started', time(r.startedAt)],
      ['Updated', time(r.updatedAt)],
    ]), buttons(r),
    el('h3', { text: 'Steps' }),
    el('ol', { class: 'steps' }, (r.steps || []).map((s, i) => el('li', { class: i < r.step ? 'done' : (i === r.step ? 'current' : null),
      'aria-current': i === r.step ? 'step' : null }, s, i < r.step ? ' (done)' : (i === r.step ? ' (current)' : '')))),
    el('h3', { text: 'Analysis runs' }),
    table(`Analysis runs of ${r.name}`, [
      { label: 'Run', cell: (a) => a.name },
      { label: 'Step', cell: (a) => num(a.step, 0), numeric: true },
      { label: 'Phase', cell: (a) => badge(a.phase) },
      { label: 'Metrics', cell: (a) => (a.metrics || []).map((m) => `${m.name}: ${m.phase} (${m.successful} ok, ${m.failed} failed, ${m.inconclusive} inconclusive, ${m.error} errors)`).join('; ') },
      { label: 'Last value', cell: (a) => (a.metrics || []).map((m) => { const last = (m.measurements || []).at(-1); return last ? `${m.name} = ${JSON.stringify(last.value)}` : ''; }).join('; ') },
      { label: 'Started', cell: (a) => time(a.startedAt) },
      { label: 'Finished', cell: (a) => time(a.finishedAt) },
    ], runs, { empty: 'No analysis has run.' }),
    el('h3', { text: 'History' }),
    table(`History of ${r.name}, newest first`, [
      { label: 'At', cell: (h) => time(h.at) },
      { label: 'Phase', cell: (h) => badge(h.phase) },
      { label: 'Step', cell: (h) => num(h.step, 0), numeric: true },
      { label: 'Weight', cell: (h) => `${num(h.weight, 0)} %`, numeric: true },
      { label: 'Reason', cell: (h) => h.reason },
    ], [...(r.history || [])].reverse().slice(0, 50))));
  }

  async function refresh() {
    const data = await api.get('/api/v1/rollouts');
    pager.set(data.rollouts || []);
    if (shown) {
      showDetail(await api.get(`/api/v1/rollouts/${seg(shown)}`));
    }
  }

  await refresh();
  ctx.poll(refresh);
}
