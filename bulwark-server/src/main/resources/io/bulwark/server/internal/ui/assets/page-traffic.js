// Rate limits and load-balancing groups: each endpoint limit and its usage for a key; each
// balancer group with its endpoints, weights, health and ejections. An admin changes a limit.
import { api, seg } from './api.js';
import { badge, describe, el, facts, fill, listPager, notify, num, pct, section, table } from './dom.js';

export const title = 'Rate limits & balancing';

export async function render(ctx) {
  const limits = el('div');
  const settings = el('p', { class: 'muted' });
  const usage = el('div');
  const groups = el('div');
  const limitPager = listPager(25, (items) => fill(limits, table('Endpoint rate limits', [
    { label: 'Limit', cell: (l) => l.name },
    { label: 'Route', cell: (l) => el('span', { class: 'mono', text: l.route }) },
    { label: 'Limits', cell: (l) => el('span', { class: 'mono', text: l.limits }) },
    { label: 'Algorithm', cell: (l) => l.algorithm },
    { label: 'Key', cell: (l) => l.key },
    { label: 'Bypass', cell: (l) => l.bypass },
    { label: 'Source', cell: (l) => l.source },
    { label: 'Tracked keys', cell: (l) => num(l.trackedKeys, 0), numeric: true },
  ], items, { empty: 'No endpoint rate limit: set ratelimit.endpoints.* in the config, or PUT /api/v1/rate-limits.' })));
  const groupPager = listPager(10, (items) => fill(groups, items.length ? items.map(group)
    : el('p', { class: 'muted', text: 'No load-balancing group: set lb.groups.* in the config.' })));

  const names = el('select', { id: 'u-limit', name: 'limit' });
  const key = el('input', { id: 'u-key', name: 'key', autocomplete: 'off', required: true });
  const lookup = el('form', { class: 'filters', 'aria-label': 'Usage of one key' },
    el('div', { class: 'field' }, el('label', { for: 'u-limit', text: 'Limit' }), names),
    el('div', { class: 'field' }, el('label', { for: 'u-key', text: 'Key (an API key id, client address or header value)' }), key),
    el('div', { class: 'actions' }, el('button', { type: 'submit', 'data-action': 'usage' }, 'Show usage')));
  lookup.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const u = await api.get(`/api/v1/rate-limits/${seg(names.value)}/keys/${seg(key.value.trim())}`);
      fill(usage, table(`Usage of ${u.key} under ${u.name}`, [
        { label: 'Limit', cell: (l) => el('span', { class: 'mono', text: l.limit }) },
        { label: 'Algorithm', cell: (l) => l.algorithm },
        { label: 'Permits', cell: (l) => num(l.permits, 0), numeric: true },
        { label: 'Used', cell: (l) => num(l.used, 0), numeric: true },
        { label: 'Remaining', cell: (l) => num(l.remaining, 0), numeric: true },
        { label: 'Resets in', cell: (l) => `${num(l.resetAfterMillis / 1000, 1)} s`, numeric: true },
      ], u.limits || []));
    } catch (e) {
      notify(`Usage lookup failed: ${describe(e)}`, 'error');
    }
  });

  const edit = ctx.can('admin') ? editForm() : null;
  fill(ctx.content, section('Rate limits', settings, limits, limitPager.node, lookup, usage, edit),
    section('Load-balancing groups', groups, groupPager.node));

  function editForm() {
    const which = el('select', { id: 'e-limit', name: 'limit' });
    const value = el('input', { id: 'e-limits', name: 'limits', autocomplete: 'off', placeholder: '100/1m, 1000/1h' });
    const form = el('form', { class: 'filters', 'aria-label': 'Change a limit' },
      el('div', { class: 'field' }, el('label', { for: 'e-limit', text: 'Limit to change' }), which),
      el('div', { class: 'field' }, el('label', { for: 'e-limits', text: 'New limits' }), value),
      el('div', { class: 'actions' }, el('button', { type: 'submit', 'data-action': 'save-limit' }, 'Save limit')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api.put('/api/v1/rate-limits', { endpoints: { [which.value]: { limits: value.value.trim() } } });
        notify(`Limit ${which.value} is now ${value.value.trim()}.`);
        await refresh();
      } catch (e) {
        notify(`Saving limit ${which.value} failed: ${describe(e)}`, 'error');
      }
    });
    form.names = which;
    return form;
  }

  function group(g) {
    return section(`Group ${g.name}`, facts([
      ['Strategy', g.strategy],
      ['Endpoints', `${num(g.available, 0)} available of ${num(g.endpointCount, 0)}; ${num(g.ejected, 0)} ejected`],
      ['Requests', num(g.requests, 0)],
      ['Active health checks', g.activeHealthChecks ? `yes, ${g.healthPath}` : 'no'],
      ['Panic threshold', `${num(g.panicThreshold, 0)} %`],
      ['Slow start', `${num(g.slowStartSeconds, 1)} s`],
    ]), table(`Endpoints of ${g.name}`, [
      { label: 'Endpoint', cell: (e) => e.id },
      { label: 'URI', cell: (e) => el('span', { class: 'mono', text: e.uri }) },
      { label: 'Zone', cell: (e) => e.zone },
      { label: 'Weight', cell: (e) => num(e.weight, 0), numeric: true },
      { label: 'Effective weight', cell: (e) => num(e.effectiveWeight, 1), numeric: true },
      { label: 'Health', cell: (e) => badge(e.ejected ? 'ejected' : (e.healthy ? 'healthy' : 'unhealthy')) },
      { label: 'Ejections', cell: (e) => (e.ejected ? `${num(e.ejections, 0)} (out ${num(e.ejectedForSeconds, 0)} s more)` : num(e.ejections, 0)), numeric: true },
      { label: 'In flight', cell: (e) => (e.maxConcurrent ? `${num(e.inFlight, 0)} of ${num(e.maxConcurrent, 0)}` : num(e.inFlight, 0)), numeric: true },
      { label: 'Utilisation', cell: (e) => pct(e.utilisation), numeric: true },
      { label: 'EWMA ms', cell: (e) => num(e.ewmaLatencyMillis, 1), numeric: true },
      { label: 'Requests', cell: (e) => num(e.requests, 0), numeric: true },
      { label: 'Failures', cell: (e) => num(e.failures, 0), numeric: true },
      { label: 'Share', cell: (e) => pct(e.share), numeric: true },
    ], g.endpoints || [], { empty: 'This group has no endpoint.' }));
  }

  function options(select, items) {
    const chosen = select.value;
    fill(select, items.map((l) => el('option', { value: l.name, selected: l.name === chosen, text: l.name })));
  }

  async function refresh() {
    const [rl, lb] = await Promise.all([api.get('/api/v1/rate-limits'), api.get('/api/v1/load-balancing')]);
    const endpoints = rl.endpoints || [];
    limitPager.set(endpoints);
    options(names, endpoints);
    if (edit) {
      options(edit.names, endpoints);
    }
    lookup.hidden = endpoints.length === 0;
    if (edit) {
      edit.hidden = endpoints.length === 0;
    }
    settings.textContent = `Trusted proxies: ${rl.trustedProxies}. IETF RateLimit headers: ${rl.ietfHeaders ? 'on' : 'off'}.`;
    groupPager.set(lb.groups || []);
  }

  await refresh();
  ctx.poll(refresh);
}
