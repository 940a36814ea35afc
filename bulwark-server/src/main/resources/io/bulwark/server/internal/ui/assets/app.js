// The entry of every dashboard page: checks the key (else to the login page), learns the caller's
// role from GET /api/v1/whoami, then draws the page the path names.
import { api, endSession, session, toLogin } from './api.js';
import { describe, el, fill, notify } from './dom.js';
import { poll } from './poll.js';
import * as overview from './page-overview.js';
import * as queues from './page-queues.js';
import * as jobs from './page-jobs.js';
import * as job from './page-job.js';
import * as dead from './page-dead.js';
import * as providers from './page-providers.js';
import * as schedules from './page-schedules.js';
import * as nodes from './page-nodes.js';
import * as pipelines from './page-pipelines.js';
import * as run from './page-run.js';
import * as traffic from './page-traffic.js';
import * as caches from './page-caches.js';
import * as messaging from './page-messaging.js';
import * as scaling from './page-scaling.js';
import * as rollouts from './page-rollouts.js';
import * as events from './page-events.js';

const PAGES = {
  '': overview, queues, jobs, job, dead, providers, schedules, nodes, pipelines, run, traffic, caches, messaging, scaling,
  rollouts, events,
};
const RANK = { viewer: 1, operator: 2, admin: 3 };

async function main() {
  if (session.key() === null) {
    toLogin();
    return;
  }
  const who = await api.get('/api/v1/whoami');
  if (!who.authenticated) {
    session.clear();
    toLogin();
    return;
  }
  const name = location.pathname.replace(/^\/ui\/?/, '').replace(/\/$/, '');
  const page = PAGES[name] || overview;
  for (const link of document.querySelectorAll('nav a[data-page]')) {
    if (link.dataset.page === name) {
      link.setAttribute('aria-current', 'page');
    }
  }
  fill(document.getElementById('who'), who.open ? 'Open API (no key)' : `${who.caller} · `, el('strong', { text: who.role }));
  document.body.dataset.role = who.role;
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.addEventListener('click', () => {
    session.clear();
    endSession().finally(() => location.assign('/ui/login'));
  });
  const pollers = [];
  const ctx = {
    who,
    /** Whether the caller's role includes `role`: operator actions are drawn only then. */
    can: (role) => (RANK[who.role] || 0) >= RANK[role],
    params: new URLSearchParams(location.search),
    content: document.getElementById('content'),
    title(text) {
      document.getElementById('title').textContent = text;
      document.title = `${text} · Bulwark`;
    },
    /** Polls `task` (see poll.js); errors show in the alert region and back the poller off. */
    poll(task, interval = 5000) {
      const p = poll(async () => {
        try {
          await task();
        } catch (e) {
          notify(describe(e), 'error');
          throw e;
        }
      }, { interval });
      pollers.push(p);
      return p;
    },
  };
  ctx.title(page.title);
  await page.render(ctx);
  // Milliseconds from the navigation's start until the page is drawn with its data (bulwark-bench dashboard reads it).
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  notify(`This page could not be loaded: ${describe(e)}`, 'error');
  document.body.dataset.ready = 'error';
});
