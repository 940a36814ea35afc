// A pipeline run's steps drawn as a graph: an inline SVG built from the run's steps and the
// definition's `after` lists, laid out in columns by depth (a step sits one column right of the
// deepest step it waits for). Each node is coloured by its state (a class in app.css) and shows its
// timings; a node with a job links to that job. Built with createElementNS and text nodes only.

const NS = 'http://www.w3.org/2000/svg';
const W = 190;
const H = 58;
const GAP_X = 56;
const GAP_Y = 18;
const PAD = 8;

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/** The ids a definition step waits for: `after` holds ids or `{step, when}`. */
function waitsFor(step) {
  return (step.after || []).map((a) => (typeof a === 'string' ? a : a.step)).filter(Boolean);
}

/** A step instance's name: its id, or `id[index]` for a fan-out branch. */
export function instanceName(step) {
  return step.index === null || step.index === undefined ? step.id : `${step.id}[${step.index}]`;
}

/** Milliseconds for people: 850 ms, 12.3 s, 4 min 5 s. */
export function duration(ms) {
  if (ms === null || ms === undefined) {
    return '';
  }
  if (ms < 1000) {
    return `${ms} ms`;
  }
  if (ms < 60000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/**
 * Depth of each definition step: 0 for a step that waits for none; a fallback step without `after`
 * sits one right of the step it stands in for. Cycles cannot happen (the API refuses them) but are
 * cut rather than looped on.
 */
export function depths(definitionSteps) {
  const byId = new Map(definitionSteps.map((s) => [s.id, s]));
  const owner = new Map();
  for (const s of definitionSteps) {
    const fallback = s.onFailure && typeof s.onFailure === 'object' ? s.onFailure.fallback : null;
    if (fallback) {
      owner.set(fallback, s.id);
    }
  }
  const memo = new Map();
  const depth = (id, seen = new Set()) => {
    if (memo.has(id)) {
      return memo.get(id);
    }
    if (seen.has(id) || !byId.has(id)) {
      return 0;
    }
    seen.add(id);
    const parents = waitsFor(byId.get(id));
    if (parents.length === 0 && owner.has(id)) {
      parents.push(owner.get(id));
    }
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => depth(p, seen)));
    memo.set(id, d);
    return d;
  };
  definitionSteps.forEach((s) => depth(s.id));
  return memo;
}

/**
 * The SVG of a run: `run.steps` (instances) placed by the depth of their definition step, an arrow
 * from each step it waits for (dashed towards a fallback).
 */
export function drawRun(run, definition) {
  const defSteps = (definition && definition.steps) || [];
  const depthOf = depths(defSteps);
  const columns = [];
  for (const step of run.steps || []) {
    const d = depthOf.get(step.id) ?? 0;
    (columns[d] ||= []).push(step);
  }
  const at = new Map();
  let rows = 0;
  columns.forEach((column, d) => {
    (column || []).forEach((step, i) => {
      at.set(instanceName(step), { x: PAD + d * (W + GAP_X), y: PAD + i * (H + GAP_Y), step });
    });
    rows = Math.max(rows, (column || []).length);
  });
  const width = PAD * 2 + Math.max(1, columns.length) * (W + GAP_X) - GAP_X;
  const height = PAD * 2 + Math.max(1, rows) * (H + GAP_Y) - GAP_Y;
  const instancesOf = (id) => [...at.values()].filter((p) => p.step.id === id);

  const edges = svg('g', { class: 'dag-edges' });
  const link = (from, to, kind) => {
    const x1 = from.x + W;
    const y1 = from.y + H / 2;
    const x2 = to.x;
    const y2 = to.y + H / 2;
    const mid = (x1 + x2) / 2;
    edges.append(svg('path', { class: 'dag-edge' + (kind ? ' ' + kind : ''), d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 6},${y2}`,
      'marker-end': 'url(#dag-arrow)' }));
  };
  for (const def of defSteps) {
    for (const parent of waitsFor(def)) {
      instancesOf(parent).forEach((from) => instancesOf(def.id).forEach((to) => link(from, to)));
    }
    const fallback = def.onFailure && typeof def.onFailure === 'object' ? def.onFailure.fallback : null;
    if (fallback) {
      instancesOf(def.id).forEach((from) => instancesOf(fallback).forEach((to) => link(from, to, 'fallback')));
    }
  }

  const nodes = svg('g', { class: 'dag-nodes' });
  for (const [name, p] of at) {
    const s = p.step;
    const timing = s.durationMs !== null && s.durationMs !== undefined ? duration(s.durationMs)
      : (s.startedAt ? 'since ' + new Date(s.startedAt).toLocaleTimeString() : '');
    const hover = [`${name} (${s.type}): ${s.state}`, `attempts ${s.attempts}`,
      s.startedAt ? `started ${s.startedAt}` : null, s.finishedAt ? `finished ${s.finishedAt}` : null,
      s.error ? `error: ${s.error}` : null].filter(Boolean).join('\n');
    const group = svg('g', { class: `dag-node dag-${String(s.state).replace(/[^a-z_]/g, '')}`, 'data-step': name,
      transform: `translate(${p.x},${p.y})` },
    svg('title', {}, hover),
    svg('rect', { width: W, height: H, rx: 6 }),
    svg('text', { x: 10, y: 22, class: 'dag-name' }, name.length > 24 ? name.slice(0, 23) + '…' : name),
    svg('text', { x: 10, y: 44, class: 'dag-meta' }, `${s.state}${timing ? ' · ' + timing : ''}`));
    nodes.append(s.jobId ? svg('a', { href: '/ui/job?id=' + encodeURIComponent(s.jobId), 'aria-label': `Step ${name}: ${s.state}; open its job` }, group) : group);
  }

  const label = `Steps of run ${run.id}: ` + [...at.keys()].map((n) => `${n} ${at.get(n).step.state}`).join(', ');
  return svg('svg', { class: 'dag', role: 'group', 'aria-label': label, viewBox: `0 0 ${width} ${height}`, width, height },
    svg('defs', {}, svg('marker', { id: 'dag-arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'dag-head' }))),
    edges, nodes);
}
