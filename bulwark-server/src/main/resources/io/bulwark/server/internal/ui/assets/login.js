// The login page: checks a key with GET /api/v1/whoami (which answers 200 either way) and keeps it in
// this tab's session storage; then back to the page that sent the user here.
import { request, session } from './api.js';

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
    error.textContent = `Not logged in: ${who.detail}`;
    input.focus();
    return;
  }
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

// An open API (loopback, no key exists) needs no key: offer to go on without one.
request('GET', '/api/v1/whoami', { key: '' }).then((who) => {
  document.getElementById('open').hidden = !who.open;
  document.body.dataset.ready = 'true';
}).catch((e) => {
  error.textContent = `The server did not answer: ${e.message}`;
  document.body.dataset.ready = 'error';
});
input.focus();
