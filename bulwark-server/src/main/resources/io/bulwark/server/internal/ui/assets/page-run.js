// One pipeline run: its DAG drawn from the steps and the definition's `after` lists, each step's
// state and timings, live while it runs; retry from the failed step, cancel; approve or reject a
// waiting approval step.
import { api, seg } from './api.js';
import { action, badge, el, facts, fill, json, num, section, table, time } from './dom.js';
import { drawRun, duration, instanceName } from './dag.js';

export const title = 'Run';

export async function render(ctx) {
  const id = ctx.params.get('id') || '';
  if (!id) {
    fill(ctx.content, el('p', {}, 'No run named: open one from ', el('a', { href: '/ui/pipelines', text: 'the runs list' }), '.'));
    return;
  }
  const actions = el('div', { class: 'actions' });
  const body = el('div');
  fill(ctx.content, actions, body);
  const definitions = new Map();

  async function definitionOf(run) {
    const key = `${run.pipeline}@${run.version}`;
    if (!definitions.has(key)) {
      const v = await api.get(`/api/v1/pipelines/${seg(run.pipeline)}/versions/${seg(run.version)}`);
      definitions.set(key, v.definition);
    }
    return definitions.get(key);
  }

  async function draw(run) {
    const definition = await definitionOf(run);
    ctx.title(`Run of ${run.pipeline}`);
    fill(actions, ctx.can('operator') ? [
      run.state === 'failed' ? action('Retry from failed step', async () => {
        const after = await api.post(`/api/v1/runs/${seg(run.id)}/retry`);
        await draw(after);
        return `Run ${run.id} restarted from step ${run.failedStep}: ${after.state}.`;
      }, { confirm: `Run ${run.id} again from its failed step ${run.failedStep}? Completed steps keep their outputs.`, name: 'retry-run' }) : null,
      run.state === 'running' ? action('Cancel run', async () => {
        const after = await api.post(`/api/v1/runs/${seg(run.id)}/cancel`, { reason: 'cancelled from the dashboard' });
        await draw(after);
        return `Run ${run.id} is now ${after.state}.`;
      }, { confirm: `Cancel run ${run.id}? Its running steps' jobs are cancelled.`, danger: true, name: 'cancel-run' }) : null,
    ] : []);
    fill(body,
      section('Run', facts([
        ['Id', el('span', { class: 'mono', text: run.id })],
        ['Pipeline', el('a', { href: '/ui/pipelines?pipeline=' + encodeURIComponent(run.pipeline), text: `${run.pipeline} v${run.version}` })],
        ['State', badge(run.state)],
        ['Failed step', run.failedStep],
        ['Error', run.error],
        ['Retries', num(run.retries, 0)],
        ['Idempotency key', run.idempotencyKey],
        ['Created', time(run.createdAt)],
        ['Finished', time(run.finishedAt)],
        ['Duration', duration(run.durationMs)],
      ])),
      section('Graph', el('div', { class: 'dag-wrap', tabindex: '0', role: 'region', 'aria-label': 'Graph of the steps' }, drawRun(run, definition)),
        el('p', { class: 'muted', text: 'Columns by depth: a step sits right of the steps it waits for. Hover a step for its times; a step with a job links to it.' })),
      section('Steps', table('Steps of the run', [
        { label: 'Step', cell: (s) => instanceName(s) },
        { label: 'Type', cell: (s) => s.type },
        { label: 'State', cell: (s) => badge(s.state) },
        { label: 'Attempts', cell: (s) => num(s.attempts, 0), numeric: true },
        { label: 'Started', cell: (s) => time(s.startedAt) },
        { label: 'Finished', cell: (s) => time(s.finishedAt) },
        { label: 'Duration', cell: (s) => duration(s.durationMs), numeric: true },
        { label: 'Job', cell: (s) => (s.jobId ? el('a', { href: '/ui/job?id=' + encodeURIComponent(s.jobId), class: 'mono', text: s.jobId }) : null) },
        { label: 'Child run', cell: (s) => (s.childRun ? el('a', { href: '/ui/run?id=' + encodeURIComponent(s.childRun), class: 'mono', text: s.childRun }) : null) },
        { label: 'Error', cell: (s) => s.error },
        { label: 'Decision', cell: (s) => decision(run, s) },
      ], run.steps || [])),
      section('Input', json(run.input)),
      section('Output', json(run.output)));
  }

  /** Approve and Reject buttons for an approval step that waits, to those who may decide. */
  function decision(run, step) {
    if (step.type !== 'approval' || step.state !== 'running' || run.state !== 'running' || !ctx.can('operator')) {
      return null;
    }
    const name = instanceName(step);
    const decide = (verb) => async () => {
      const after = await api.post(`/api/v1/runs/${seg(run.id)}/steps/${seg(name)}/${verb}`,
        { comment: `${verb === 'approve' ? 'approved' : 'rejected'} from the dashboard` });
      await draw(after);
      return `Step ${name} of run ${run.id} ${verb === 'approve' ? 'approved' : 'rejected'}.`;
    };
    return el('span', { class: 'actions' },
      action('Approve', decide('approve'), { confirm: `Approve step ${name}? The run goes on past it.`, name: 'approve-' + name }),
      action('Reject', decide('reject'), { confirm: `Reject step ${name}? The step fails and its onFailure applies.`,
        danger: true, name: 'reject-' + name }));
  }

  const load = async () => draw(await api.get(`/api/v1/runs/${seg(id)}`));
  await load();
  ctx.poll(load, 2000);
}
