// One job: its fields, payload, result, error and every transition; cancel and retry.
import { api, seg } from './api.js';
import { action, badge, el, facts, fill, json, num, section, table, time } from './dom.js';

export const title = 'Job';

const CANCELLABLE = ['scheduled', 'available', 'retryable', 'running'];
const RETRYABLE = ['dead', 'cancelled', 'expired', 'completed'];
const FINAL = ['completed', 'dead', 'cancelled', 'expired'];

export async function render(ctx) {
  const id = ctx.params.get('id') || '';
  if (!id) {
    fill(ctx.content, el('p', {}, 'No job named: open one from ', el('a', { href: '/ui/jobs', text: 'the jobs list' }), '.'));
    return;
  }
  const actions = el('div', { class: 'actions' });
  const body = el('div');
  fill(ctx.content, actions, body);
  let poller = null;
  let current = null;

  function draw(job) {
    current = job;
    ctx.title(`Job ${job.id}`);
    fill(actions, ctx.can('operator') ? [
      CANCELLABLE.includes(job.state) ? action('Cancel job', async () => {
        const after = await api.post(`/api/v1/jobs/${seg(job.id)}/cancel`);
        draw(after);
        return `Job ${job.id} is now ${after.state}.`;
      }, { confirm: `Cancel job ${job.id}? A running job is interrupted.`, danger: true, name: 'cancel' }) : null,
      RETRYABLE.includes(job.state) ? action('Retry job', async () => {
        const after = await api.post(`/api/v1/jobs/${seg(job.id)}/retry`);
        draw(after);
        if (poller === null) {
          poller = ctx.poll(load);
        }
        return `Job ${job.id} is now ${after.state}.`;
      }, { confirm: `Run job ${job.id} again, with the same id?`, name: 'retry' }) : null,
    ] : []);
    fill(body,
      section('Job', facts([
        ['Id', el('span', { class: 'mono', text: job.id })],
        ['Queue', el('a', { href: '/ui/jobs?queue=' + encodeURIComponent(job.queue), text: job.queue })],
        ['Type', job.type],
        ['State', badge(job.state)],
        ['Attempt', `${job.attempt} of ${job.maxAttempts}`],
        ['Priority', num(job.priority, 0)],
        ['Tags', (job.tags || []).join(', ')],
        ['Idempotency key', job.idempotencyKey],
        ['Timeout', job.timeout],
        ['Backoff', job.backoff ? `${job.backoff.base} × ${job.backoff.factor}, at most ${job.backoff.cap}` : null],
        ['Run at', time(job.runAt)],
        ['Created', time(job.createdAt)],
        ['Started', time(job.startedAt)],
        ['Finished', time(job.finishedAt)],
        ['Expires', time(job.expiresAt)],
      ])),
      section('Payload', json(job.payload)),
      section('Result', json(job.result)),
      section('Error', job.lastError ? el('pre', { class: 'error-text', tabindex: '0' }, job.lastError) : el('p', { class: 'muted', text: 'none' })),
      section('History', table('Transitions, oldest first', [
        { label: 'At', cell: (t) => time(t.at) },
        { label: 'From', cell: (t) => (t.from ? badge(t.from) : '—') },
        { label: 'To', cell: (t) => badge(t.to) },
        { label: 'Attempt', cell: (t) => num(t.attempt, 0), numeric: true },
        { label: 'Node', cell: (t) => t.node },
        { label: 'Reason', cell: (t) => t.reason },
      ], job.history || [], { empty: 'No transition recorded.' })));
    if (FINAL.includes(job.state) && poller !== null) {
      poller.stop();
      poller = null;
    }
  }

  async function load() {
    draw(await api.get(`/api/v1/jobs/${seg(id)}`));
  }

  await load();
  if (!FINAL.includes(current.state)) {
    poller = ctx.poll(load);
  }
}
