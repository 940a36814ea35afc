// Nodes: the fleet, its leader, each node's heartbeat and work; drain a node.
import { api, seg } from './api.js';
import { action, badge, el, fill, listPager, num, section, table, time } from './dom.js';

export const title = 'Nodes';

export async function render(ctx) {
  const leader = el('p');
  const list = el('div');
  const pager = listPager(25, (items) => fill(list, table('Nodes', [
    { label: 'Node', cell: (n) => n.name },
    { label: 'Id', cell: (n) => el('span', { class: 'mono', text: n.id }) },
    { label: 'Role', cell: (n) => n.role },
    { label: 'State', cell: (n) => badge(n.state) },
    { label: 'Leader', cell: (n) => (n.leader ? `yes (term ${n.term})` : 'no') },
    { label: 'Version', cell: (n) => n.version },
    { label: 'Heartbeat', cell: (n) => time(n.lastHeartbeat) },
    { label: 'In flight', cell: (n) => `${num(n.inFlight, 0)} of ${num(n.capacity, 0)}`, numeric: true },
    { label: 'Queues', cell: (n) => (n.queues || []).join(', ') },
    { label: 'Started', cell: (n) => time(n.startedAt) },
    { label: 'Actions', cell: (n) => (ctx.can('operator') && n.state !== 'dead' && !n.drainRequested
      ? action('Drain', async () => {
        const answer = await api.post(`/api/v1/nodes/${seg(n.id)}/drain`);
        return `Node ${n.name}: ${answer.detail}.`;
      }, { confirm: `Drain node ${n.name}? It stops claiming jobs and leaves once its running jobs end.`, danger: true,
        after: refresh, name: 'drain' })
      : (n.drainRequested ? 'draining' : null)) },
  ], items, { empty: 'No node has registered.' })));
  fill(ctx.content, section('Cluster', leader), section('Nodes', list, pager.node));

  async function refresh() {
    const [nodes, cluster] = await Promise.all([api.get('/api/v1/nodes'), api.get('/api/v1/cluster')]);
    pager.set(nodes.items || []);
    fill(leader, cluster.leader ? `Leader: ${cluster.leader.holder}, term ${cluster.leader.term}, elected ` : 'No leader right now.',
      cluster.leader ? time(cluster.leader.electedAt) : '', `. Store reachable: ${cluster.storeReachable ? 'yes' : 'no'}.`);
  }

  await refresh();
  ctx.poll(refresh);
}
