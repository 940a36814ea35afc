// Building the page. Text from the API only ever reaches the page as text: elements are made with
// createElement and filled with text nodes or textContent, never by parsing markup (the pages'
// Content-Security-Policy enforces Trusted Types, so assigning a string as markup would throw).

/**
 * An element. `props`: `class`, `text` (its textContent), `on<event>` listeners, anything else an
 * attribute (true: present, null/undefined/false: left out). Children: nodes or strings (as text).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      node.className = value;
    } else if (name === 'text') {
      node.textContent = String(value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  add(node, children);
  return node;
}

function add(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
}

/** Replaces the children of `node`. */
export function fill(node, ...children) {
  node.replaceChildren();
  add(node, children);
  return node;
}

/**
 * A time in the browser's zone, with the UTC instant in its title (shown on hover) and its
 * datetime attribute. '—' when there is none.
 */
export function time(iso) {
  if (!iso) {
    return el('span', { class: 'muted', text: '—' });
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return document.createTextNode(String(iso));
  }
  const utc = d.toISOString().replace('.000Z', 'Z');
  return el('time', { datetime: utc, title: utc + ' UTC', text: d.toLocaleString() });
}

/** A number for people: up to `digits` decimals, '—' for none. */
export function num(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '—';
  }
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** A percentage of a rate from 0 to 1 (negative: not enough calls to say). */
export function pct(rate) {
  return rate === null || rate === undefined || rate < 0 ? '—' : num(rate * 100, 1) + ' %';
}

/** A state as a badge; its class colours it, its text says it. */
export function badge(state) {
  const s = String(state ?? '—');
  return el('span', { class: 'badge badge-' + s.toLowerCase().replace(/[^a-z0-9_-]/g, '') }, s);
}

/** A section with a heading. */
export function section(title, ...children) {
  const id = 'h-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return el('section', { class: 'card', 'aria-labelledby': id }, el('h2', { id, text: title }), ...children);
}

/**
 * A table. `columns`: `{label, cell: row => node or text, numeric}`. Wide tables scroll inside a
 * region that the keyboard can reach.
 */
export function table(caption, columns, rows, { empty = 'Nothing to show.' } = {}) {
  if (!rows || rows.length === 0) {
    return el('p', { class: 'muted empty', text: empty });
  }
  const head = el('tr', {}, columns.map((c) => el('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)));
  const body = rows.map((row) => el('tr', {}, columns.map((c) => el('td', { class: c.numeric ? 'num' : null }, cell(c.cell(row))))));
  return el('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' },
    el('table', {}, el('caption', { class: 'sr-only', text: caption }), el('thead', {}, head), el('tbody', {}, body)));
}

function cell(value) {
  if (value instanceof Node || Array.isArray(value)) {
    return value;
  }
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** A definition list of [term, value] pairs. */
export function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.map(([term, value]) => [el('dt', { text: term }), el('dd', {}, cell(value))]));
}

/** JSON, pretty-printed as text. */
export function json(value) {
  if (value === null || value === undefined) {
    return el('p', { class: 'muted', text: 'none' });
  }
  return el('pre', { class: 'json', tabindex: '0' }, JSON.stringify(value, null, 2));
}

/** Says how an action went, in the page's live region (errors in its alert region). */
export function notify(message, kind = 'ok') {
  const status = document.getElementById('status');
  const alert = document.getElementById('alert');
  if (kind === 'error') {
    fill(alert, el('p', { class: 'notice error', text: message }));
    fill(status);
  } else {
    fill(status, el('p', { class: 'notice ok', text: message }));
    fill(alert);
  }
}

/** The message of an error, with each field the API named. */
export function describe(error) {
  const fields = typeof error.fieldErrors === 'function' ? error.fieldErrors() : [];
  return fields.length ? `${error.message} (${fields.join('; ')})` : error.message;
}

/** Asks before a destructive action, in a modal dialog; resolves true when confirmed. */
export function confirmDialog(message, confirmLabel) {
  return new Promise((resolve) => {
    const id = 'confirm-' + Math.random().toString(36).slice(2);
    const dialog = el('dialog', { class: 'confirm', 'aria-labelledby': id });
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    fill(dialog, el('p', { id, text: message }), el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', onclick: () => done(false) }, 'Cancel'),
      el('button', { type: 'button', class: 'danger', 'data-confirm': 'yes', onclick: () => done(true) }, confirmLabel)));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * A button that runs `run` (a promise of a result message), after a confirmation when `confirm`
 * is given, and says how it went. `after` runs on success (to refresh the page).
 */
export function action(label, run, { confirm, danger, after, name } = {}) {
  const button = el('button', { type: 'button', class: danger ? 'danger' : null, 'data-action': name || label }, label);
  button.addEventListener('click', async () => {
    if (confirm && !(await confirmDialog(confirm, label))) {
      return;
    }
    button.disabled = true;
    try {
      const message = await run();
      notify(message || `${label}: done.`);
      if (after) {
        await after();
      }
    } catch (e) {
      notify(`${label} failed: ${describe(e)}`, 'error');
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/**
 * Previous/next buttons over a cursor-paged API list. `load(cursor)` fetches a page
 * (`{items, nextCursor}`) and shows it; the pager keeps the cursors seen, for going back.
 */
export function cursorPager(load) {
  const cursors = [null];
  const prev = el('button', { type: 'button', class: 'secondary', disabled: true }, 'Previous page');
  const next = el('button', { type: 'button', class: 'secondary', disabled: true }, 'Next page');
  const where = el('span', { class: 'muted' });
  let nextCursor = null;
  const show = async () => {
    const page = await load(cursors[cursors.length - 1]);
    nextCursor = page.nextCursor || null;
    prev.disabled = cursors.length === 1;
    next.disabled = !nextCursor;
    where.textContent = `Page ${cursors.length}`;
    return page;
  };
  prev.addEventListener('click', () => {
    cursors.pop();
    show().catch((e) => notify(describe(e), 'error'));
  });
  next.addEventListener('click', () => {
    cursors.push(nextCursor);
    show().catch((e) => notify(describe(e), 'error'));
  });
  return {
    node: el('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, where, next),
    refresh: show,
    reset() {
      cursors.length = 1;
      return show();
    },
  };
}

/**
 * Pages a list the API returns whole (it has no cursor): `render(items)` gets one page of `size`.
 */
export function listPager(size, render) {
  let items = [];
  let index = 0;
  const prev = el('button', { type: 'button', class: 'secondary' }, 'Previous page');
  const next = el('button', { type: 'button', class: 'secondary' }, 'Next page');
  const where = el('span', { class: 'muted' });
  const show = () => {
    const pages = Math.max(1, Math.ceil(items.length / size));
    index = Math.min(index, pages - 1);
    prev.disabled = index === 0;
    next.disabled = index >= pages - 1;
    where.textContent = `Page ${index + 1} of ${pages}`;
    render(items.slice(index * size, (index + 1) * size));
  };
  prev.addEventListener('click', () => {
    index -= 1;
    show();
  });
  next.addEventListener('click', () => {
    index += 1;
    show();
  });
  return {
    node: el('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, where, next),
    set(all) {
      items = all;
      show();
    },
  };
}
