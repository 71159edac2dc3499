// The one way the UI talks to gitnsd: /api/v1 with the session token from sessionStorage
// (gone when the tab closes). A 401 on any call ends the session and goes to the login page.

const TOKEN_KEY = 'gitns.token';
const USER_KEY = 'gitns.user';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || `request failed with HTTP ${status}`);
    this.status = status;
    this.code = code || 'http_' + status;
  }
}

export const session = {
  token() { return sessionStorage.getItem(TOKEN_KEY); },
  user() {
    try { return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null'); } catch { return null; }
  },
  set(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  setUser(user) { sessionStorage.setItem(USER_KEY, JSON.stringify(user)); },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

const ROLE_RANK = { viewer: 1, operator: 2, admin: 3 };

export function hasRole(min) {
  const u = session.user();
  return !!u && (ROLE_RANK[u.role] || 0) >= ROLE_RANK[min];
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

function url(path, query) {
  const u = new URL('/api/v1' + path, window.location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  return u.pathname + u.search;
}

export async function api(method, path, { body, query, auth = true, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = session.token();
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  let resp;
  try {
    resp = await fetch(url(path, query), {
      method, headers, signal, credentials: 'omit', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', `cannot reach gitnsd (${e.message})`);
  }
  const text = await resp.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!resp.ok) {
    const err = data && data.error ? data.error : {};
    const e = new ApiError(resp.status, err.code, err.message ||
      `${method} ${path} failed with HTTP ${resp.status}`);
    if (resp.status === 401 && auth) onUnauthorized(e);
    throw e;
  }
  return data;
}

export const get = (path, query, opts) => api('GET', path, { ...opts, query });
export const post = (path, body, query) => api('POST', path, { body, query });

export function zonePath(zone) {
  return '/zones/' + encodeURIComponent(zone);
}
