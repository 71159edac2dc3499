// gitns status page and admin UI: hash routing over a handful of pages, each a module
// that renders into <main> and may return a cleanup function (timers, observers).
import { h, clear } from './dom.js';
import { api, session, hasRole, setUnauthorizedHandler } from './api.js';
import * as overview from './pages/overview.js';
import * as zones from './pages/zones.js';
import * as history from './pages/history.js';
import * as admin from './pages/admin.js';
import * as login from './pages/login.js';

const ROUTES = [
  { re: /^\/login$/, page: login, public: true, title: 'Log in' },
  { re: /^\/overview$/, page: overview, nav: 'overview', title: 'Overview' },
  { re: /^\/zones$/, page: zones, nav: 'zones', title: 'Zones' },
  { re: /^\/zones\/([^/]+)$/, page: zones, nav: 'zones', title: 'Zone' },
  { re: /^\/history$/, page: history, nav: 'history', title: 'History' },
  { re: /^\/history\/([^/]+)$/, page: history, nav: 'history', title: 'Revision' },
  { re: /^\/admin$/, page: admin, nav: 'admin', role: 'operator', title: 'Admin' },
];

const NAV = [
  { id: 'overview', href: '#/overview', text: 'Overview' },
  { id: 'zones', href: '#/zones', text: 'Zones' },
  { id: 'history', href: '#/history', text: 'History' },
  { id: 'admin', href: '#/admin', text: 'Admin', role: 'operator' },
];

let cleanup = null;
let generation = 0;

export function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/overview';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return { path, params };
}

export function navigate(hash) {
  if (window.location.hash === hash) render();
  else window.location.hash = hash;
}

function renderHeader(active) {
  const nav = clear(document.getElementById('nav'));
  const user = session.user();
  document.body.classList.toggle('signed-in', !!user);
  if (!user) return;
  for (const item of NAV) {
    if (item.role && !hasRole(item.role)) continue;
    nav.append(h('a', {
      href: item.href, testid: `nav-${item.id}`,
      'aria-current': item.id === active ? 'page' : undefined,
    }, item.text));
  }
  const who = clear(document.getElementById('session'));
  who.append(
    h('span', { class: 'who', testid: 'current-user' }, user.name),
    h('span', { class: ['role', `role-${user.role}`], testid: 'current-role' }, user.role),
    h('button', { type: 'button', class: 'btn btn-quiet', testid: 'logout', onclick: logout }, 'Log out'));
}

async function logout() {
  try { await api('POST', '/logout'); } catch { /* the session ends here either way */ }
  session.clear();
  navigate('#/login');
}

function forbidden(main, role) {
  main.append(h('section', { class: 'panel', testid: 'forbidden' },
    h('h1', null, 'Not allowed'),
    h('p', null, `This page needs the ${role} role; you are signed in as `,
      h('strong', null, session.user()?.role || 'nobody'), '.')));
}

function render() {
  const gen = ++generation;
  if (cleanup) { try { cleanup(); } catch { /* a page's cleanup never blocks navigation */ } cleanup = null; }
  const { path, params } = parseHash();
  const route = ROUTES.find((r) => r.re.test(path));
  const main = clear(document.getElementById('main'));
  if (!route) {
    renderHeader(null);
    main.append(h('section', { class: 'panel', testid: 'not-found' }, h('h1', null, 'No such page'),
      h('p', null, h('a', { href: '#/overview' }, 'Go to the overview'))));
    return;
  }
  if (!route.public && !session.token()) {
    navigate('#/login?next=' + encodeURIComponent('#' + path + (params.toString() ? '?' + params : '')));
    return;
  }
  renderHeader(route.nav);
  document.title = `${route.title} · gitns`;
  if (route.role && !hasRole(route.role)) { forbidden(main, route.role); return; }
  const match = route.re.exec(path).slice(1).map(decodeURIComponent);
  const ctx = {
    params, match, navigate,
    alive: () => gen === generation,
    refreshHeader: () => renderHeader(route.nav),
  };
  const result = route.page.render(main, ctx);
  Promise.resolve(result).then((fn) => {
    if (typeof fn !== 'function') return;
    if (gen === generation) cleanup = fn; else fn();
  }).catch((e) => console.error(e));
}

// The role can change server-side; the session may have expired while the tab slept.
async function refreshUser() {
  if (!session.token()) return;
  try {
    const me = await api('GET', '/users/me');
    session.setUser({ name: me.name, role: me.effectiveRole || me.role });
  } catch { /* 401 is handled globally; anything else keeps the stored user */ }
}

setUnauthorizedHandler(() => {
  session.clear();
  const { path } = parseHash();
  if (path !== '/login') {
    navigate('#/login?expired=1&next=' + encodeURIComponent(window.location.hash || '#/overview'));
  }
});

window.addEventListener('hashchange', render);
refreshUser().finally(render);
