// Pipelines and their runs: every registered pipeline (start a run), and runs newest first,
// filtered by pipeline and state, a page at a time (the API's cursor).
import { api, seg } from './api.js';
import { action, badge, cursorPager, el, fill, section, table, time } from './dom.js';
import { duration } from './dag.js';

export const title = 'Pipelines';

const RUN_STATES = ['running', 'completed', 'failed', 'cancelled'];

export function runTable(caption, items) {
  return table(caption, [
    { label: 'Run', cell: (r) => el('a', { href: '/ui/run?id=' + encodeURIComponent(r.id), class: 'mono', text: r.id }) },
    { label: 'Pipeline', cell: (r) => `${r.pipeline} v${r.version}` },
    { label: 'State', cell: (r) => badge(r.state) },
    { label: 'Failed step', cell: (r) => r.failedStep },
    { label: 'Created', cell: (r) => time(r.createdAt) },
    { label: 'Finished', cell: (r) => time(r.finishedAt) },
    { label: 'Duration', cell: (r) => duration(r.durationMs), numeric: true },
    { label: 'Error', cell: (r) => (r.error ? el('span', { class: 'clip', title: r.error, text: r.error }) : null) },
  ], items, { empty: 'No run matches.' });
}

export async function render(ctx) {
  const filter = { pipeline: ctx.params.get('pipeline') || '', state: ctx.params.get('state') || '' };
  const pipelinesList = el('div');
  const runsList = el('div');
  const pipelines = cursorPager(async (cursor) => {
    const page = await api.get('/api/v1/pipelines', { limit: 25, cursor });
    fill(pipelinesList, table('Pipelines', [
      { label: 'Pipeline', cell: (p) => el('a', { href: '/ui/pipelines?pipeline=' + encodeURIComponent(p.id), text: p.id,
        'aria-label': `Runs of ${p.id}` }) },
      { label: 'Version', cell: (p) => `v${p.version}` },
      { label: 'Steps', cell: (p) => String(p.steps), numeric: true },
      { label: 'Step ids', cell: (p) => ((p.definition && p.definition.steps) || []).map((s) => s.id).join(', ') },
      { label: 'Registered', cell: (p) => time(p.registeredAt) },
      { label: 'Actions', cell: (p) => (ctx.can('operator') ? action('Start run', async () => {
        const run = await api.post(`/api/v1/pipelines/${seg(p.id)}/runs`, {});
        await runs.reset();
        return `Run ${run.id} of ${p.id} started (${run.state}).`;
      }, { confirm: `Start a run of pipeline ${p.id} with an empty input?`, name: 'start-run' }) : null) },
    ], page.items, { empty: 'No pipeline is registered: POST /api/v1/pipelines, or `bulwark pipelines register`.' }));
    return page;
  });
  const runs = cursorPager(async (cursor) => {
    const page = await api.get('/api/v1/runs', { ...filter, limit: 25, cursor });
    fill(runsList, runTable('Runs', page.items));
    return page;
  });

  const pipeline = el('input', { id: 'f-pipeline', name: 'pipeline', value: filter.pipeline, autocomplete: 'off' });
  const state = el('select', { id: 'f-run-state', name: 'state' }, el('option', { value: '', text: 'any' }),
    RUN_STATES.map((s) => el('option', { value: s, selected: s === filter.state, text: s })));
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter runs' },
    el('div', { class: 'field' }, el('label', { for: 'f-pipeline', text: 'Pipeline' }), pipeline),
    el('div', { class: 'field' }, el('label', { for: 'f-run-state', text: 'State' }), state),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Filter')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filter.pipeline = pipeline.value.trim();
    filter.state = state.value;
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
    history.replaceState(null, '', '/ui/pipelines' + (query.size ? '?' + query : ''));
    runs.reset();
  });

  fill(ctx.content, section('Pipelines', pipelinesList, pipelines.node), section('Runs', form, runsList, runs.node));
  await Promise.all([pipelines.reset(), runs.reset()]);
  ctx.poll(() => Promise.all([pipelines.refresh(), runs.refresh()]));
}
