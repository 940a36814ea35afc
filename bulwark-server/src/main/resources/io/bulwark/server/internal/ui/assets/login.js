// The login page: checks a key with GET /api/v1/whoami (which answers 200 either way), keeps it in
// this tab's session storage and starts the session that lets the browser load the pages; then back
// to the page that sent the user here.
import { request, session, startSession } from './api.js';

const form = document.getElementById('login');
const input = document.getElementById('key');
const error = document.getElementById('error');

/** Where to go after logging in: a dashboard path only, never another site. */
function next() {
  const asked = new URLSearchParams(location.search).get('next') || '/ui';
  return /^\/ui(\/[a-z]*)?(\?[^#]*)?$/.test(asked) ? asked : '/ui';
}

async function logIn(key) {
  const who = await request('GET', '/api/v1/whoami', { key });
  if (!who.authenticated) {
    session.clear();
    error.textContent = `Not logged in: ${who.detail}`;
    input.focus();
    return;
  }
  await startSession(key);
  session.save(key);
  location.assign(next());
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  error.textContent = '';
  const key = input.value.trim();
  if (!key) {
    error.textContent = 'Enter an API key.';
    return;
  }
  logIn(key).catch((e) => {
    error.textContent = `The server did not answer: ${e.message}`;
  });
});

document.getElementById('continue').addEventListener('click', () => {
  logIn('').catch((e) => {
    error.textContent = `The server did not answer: ${e.message}`;
  });
});

// A page sent here a tab that still holds its key (the session expired, or another tab logged out):
// renew the session and go back. Opened directly, the page asks for a key, to log in as someone else.
// An open API (loopback, no key exists) needs no key: offer to go on without one.
const kept = new URLSearchParams(location.search).has('next') ? session.key() : null;
(kept ? logIn(kept) : Promise.resolve()).then(() => request('GET', '/api/v1/whoami', { key: '' })).then((who) => {
  document.getElementById('open').hidden = !who.open;
  document.body.dataset.ready = 'true';
}).catch((e) => {
  error.textContent = `The server did not answer: ${e.message}`;
  document.body.dataset.ready = 'error';
});
input.focus();
