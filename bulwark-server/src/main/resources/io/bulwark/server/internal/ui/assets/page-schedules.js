// Schedules: each with its cron, zone, next firing and last firing; pause, resume and fire now.
import { api, seg } from './api.js';
import { action, badge, cursorPager, el, fill, section, table, time } from './dom.js';

export const title = 'Schedules';

export async function render(ctx) {
  const list = el('div');
  const pager = cursorPager(async (cursor) => {
    const page = await api.get('/api/v1/schedules', { limit: 25, cursor });
    fill(list, table('Schedules', [
      { label: 'Schedule', cell: (s) => s.name },
      { label: 'Cron', cell: (s) => el('span', { class: 'mono', text: s.cron }) },
      { label: 'Zone', cell: (s) => s.zone },
      { label: 'State', cell: (s) => badge(s.paused ? 'paused' : 'active') },
      { label: 'Next', cell: (s) => time(s.nextAt) },
      { label: 'Last firing', cell: (s) => (s.lastFiring ? [badge(s.lastFiring.state), ' ', time(s.lastFiring.at)] : '—') },
      { label: 'Source', cell: (s) => s.source },
      { label: 'Actions', cell: (s) => (ctx.can('operator') ? el('div', { class: 'actions' },
        s.paused
          ? action('Resume', async () => {
            await api.post(`/api/v1/schedules/${seg(s.name)}/resume`);
            return `Schedule ${s.name} resumed.`;
          }, { after: () => pager.refresh(), name: 'resume' })
          : action('Pause', async () => {
            await api.post(`/api/v1/schedules/${seg(s.name)}/pause`);
            return `Schedule ${s.name} paused.`;
          }, { after: () => pager.refresh(), name: 'pause' }),
        action('Fire now', async () => {
          const firing = await api.post(`/api/v1/schedules/${seg(s.name)}/trigger`);
          return `Schedule ${s.name} fired: ${firing.state}${firing.ref ? ' (' + firing.ref + ')' : ''}.`;
        }, { confirm: `Fire schedule ${s.name} now?`, after: () => pager.refresh(), name: 'trigger' })) : null) },
    ], page.items, { empty: 'No schedule. Add one in the config (schedules.*) or with POST /api/v1/schedules.' }));
    return page;
  });
  fill(ctx.content, section('Schedules', list, pager.node));
  await pager.reset();
  ctx.poll(() => pager.refresh());
}
