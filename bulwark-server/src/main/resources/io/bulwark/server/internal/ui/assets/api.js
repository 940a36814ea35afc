// The dashboard's only way to the server: the REST API, with the API key from this tab's session
// storage sent as a bearer header. API calls never carry a cookie (credentials: 'omit'); the one
// cookie, the session that lets the browser load the pages, is scoped to /ui and set and cleared
// here (see docs/dashboard.md, "Security").

const KEY = 'bulwark.key';

/** A refused or failed API call, with the problem+json body when there was one. */
export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && typeof body === 'object' && body.detail ? body.detail : `HTTP ${status}`;
    super(detail);
    this.status = status;
    this.body = body;
  }

  /** "field: message" for each field the API named, or an empty list. */
  fieldErrors() {
    const errors = this.body && Array.isArray(this.body.errors) ? this.body.errors : [];
    return errors.map((e) => `${e.field}: ${e.message}`);
  }
}

/** The key in this tab: null when not logged in, '' when the API is open and needs none. */
export const session = {
  key() {
    return sessionStorage.getItem(KEY);
  },
  save(key) {
    sessionStorage.setItem(KEY, key);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

/**
 * Starts the session cookie that lets this browser load the dashboard's pages (HttpOnly: no script
 * can read it). While the API is open there is none to start, and none is needed.
 */
export async function startSession(key) {
  const headers = key ? { Authorization: 'Bearer ' + key } : {};
  const response = await fetch('/ui/session', { method: 'POST', headers, credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) {
    throw new ApiError(response.status, await response.json().catch(() => null));
  }
}

/** Ends the session cookie; the pages need a new login to load again. */
export async function endSession() {
  await fetch('/ui/session', { method: 'DELETE', credentials: 'same-origin', cache: 'no-store' });
}

/** Goes to the login page, which comes back here once a key is given. */
export function toLogin() {
  const here = location.pathname + location.search;
  location.assign('/ui/login' + (here.startsWith('/ui') && !here.startsWith('/ui/login') ? '?next=' + encodeURIComponent(here) : ''));
}

/**
 * One API call. `query` values that are null, undefined or '' are left out. A 401 means the key is
 * gone (revoked, or the server's keys changed): the tab forgets it and goes to the login page.
 */
export async function request(method, path, { query, body, key = session.key() } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(name, value);
    }
  }
  const headers = { Accept: 'application/json, application/problem+json' };
  if (key) {
    headers.Authorization = 'Bearer ' + key;
  }
  const init = { method, headers, credentials: 'omit', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401) {
      session.clear();
      toLogin();
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body) => request('POST', path, { body }),
  put: (path, body) => request('PUT', path, { body }),
  del: (path) => request('DELETE', path),
};

/** A path segment, escaped: names come from the API and may hold any character it allows. */
export function seg(value) {
  return encodeURIComponent(String(value));
}
