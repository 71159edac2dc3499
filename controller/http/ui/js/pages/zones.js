// Zones: the list (#/zones) and one zone with its records (#/zones/NAME?name=&type=).
// Records come a page at a time with kubectl-style `continue` tokens; the tokens already
// seen are kept so "Previous" works without the server keeping any state.
import { h, clear, badge, table, revLink, errorBox, loading, locatedError, timeCell } from '../dom.js';
import { get, post, hasRole, zonePath } from '../api.js';

const RECORD_TYPES = ['', 'A', 'AAAA', 'CNAME', 'MX', 'NS', 'SOA', 'TXT', 'SRV', 'CAA', 'PTR', 'DNAME', 'DS', 'DNSKEY', 'TLSA', 'SVCB', 'HTTPS'];
const PAGE_SIZES = [10, 25, 50, 100, 500];

export function render(main, ctx) {
  if (ctx.match.length && ctx.match[0]) return renderZone(main, ctx, ctx.match[0]);
  return renderList(main, ctx);
}

// ---- the list ----

function zonesTable(items) {
  return table([
    { title: 'Zone', cell: (z) => h('a', { href: `#/zones/${encodeURIComponent(z.name)}`, class: 'mono', testid: 'zone-link' }, z.name) },
    { title: 'State', cell: (z) => badge(z.suspended ? 'Suspended' : z.state, 'zone-state') },
    { title: 'Serial', class: 'num', cell: (z) => z.serial ?? '' },
    { title: 'Records', class: 'num', cell: (z) => z.records ?? '' },
    { title: 'File', cell: (z) => z.file ? h('code', null, z.file) : '' },
    { title: 'Last changed', cell: (z) => revLink(z.lastChangedRevision) },
  ], items, { testid: 'zones-table', rowTestid: () => 'zone-row', empty: 'No zones are served.', caption: 'Zones' });
}

function renderList(main, ctx) {
  const filter = h('input', { id: 'zone-filter', type: 'search', placeholder: 'Filter by name', testid: 'zone-filter' });
  const body = h('div', null, loading());
  const more = h('button', { type: 'button', class: 'btn', hidden: true, testid: 'zones-more' }, 'Load more');
  let items = [];
  let cont = null;
  const show = () => {
    const f = filter.value.trim().toLowerCase();
    clear(body).append(zonesTable(f ? items.filter((z) => z.name.toLowerCase().includes(f)) : items));
    more.hidden = !cont;
  };
  const load = async () => {
    try {
      const r = await get('/zones', { limit: 500, continue: cont || undefined });
      if (!ctx.alive()) return;
      items = items.concat(r.items || []);
      cont = r.continue || null;
      show();
    } catch (e) {
      if (ctx.alive()) clear(body).append(errorBox(e, 'zones-error'));
    }
  };
  filter.addEventListener('input', show);
  more.addEventListener('click', load);
  main.append(
    h('div', { class: 'page-head' }, h('h1', null, 'Zones'),
      h('div', { class: 'actions' }, h('label', { for: 'zone-filter', class: 'visually-hidden' }, 'Filter zones'), filter)),
    h('section', { class: 'panel' }, body, h('div', { class: 'pager' }, more)));
  load();
}

// ---- one zone ----

// Stalled=True is bad news, Ready=True good: the colour follows the meaning, not the word.
function conditionBadge(c) {
  const on = c.status === true || c.status === 'True';
  const good = c.type === 'Stalled' ? !on : on;
  const el = badge(on ? 'True' : 'False');
  el.className = `badge badge-${c.type === 'Reconciling' ? (on ? 'info' : 'neutral') : good ? 'ok' : 'bad'}`;
  return el;
}

function conditionsTable(conditions) {
  return table([
    { title: 'Condition', cell: (c) => c.type },
    { title: 'Status', cell: conditionBadge },
    { title: 'Reason', cell: (c) => c.reason || '' },
    { title: 'Message', class: 'wrap', cell: (c) => c.message || '' },
    { title: 'Since', cell: (c) => timeCell(c.lastTransitionTime) },
  ], conditions || [], { testid: 'zone-conditions', empty: 'No conditions reported.', caption: 'Conditions' });
}

function zoneHeader(zone, ctx, reload) {
  const admin = hasRole('operator');
  const out = h('div', { class: 'panel' },
    h('dl', { class: 'facts' },
      h('div', null, h('dt', null, 'State'), h('dd', null, badge(zone.suspended ? 'Suspended' : zone.state, 'zone-state'))),
      h('div', null, h('dt', null, 'Serial'), h('dd', { class: 'mono', testid: 'zone-serial' }, String(zone.serial ?? '—'))),
      h('div', null, h('dt', null, 'Records'), h('dd', { class: 'mono' }, String(zone.records ?? '—'))),
      h('div', null, h('dt', null, 'File'), h('dd', { class: 'mono' }, zone.file || '—')),
      h('div', null, h('dt', null, 'Last changed'), h('dd', null, revLink(zone.lastChangedRevision)))));
  if (zone.lastError) out.append(h('div', { class: 'alert alert-bad', role: 'alert', testid: 'zone-error' }, locatedError(zone.lastError)));
  if (zone.conditions && zone.conditions.length) out.append(h('h2', null, 'Conditions'), conditionsTable(zone.conditions));
  if (admin) {
    const msg = h('span', { class: 'muted small', role: 'status' });
    const act = async (what) => {
      try {
        await post('/' + what, { object: `Zone/${zone.name}` });
        msg.textContent = what === 'suspend' ? 'Suspended.' : 'Resumed.';
        reload();
      } catch (e) { msg.textContent = e.message; }
    };
    out.append(h('div', { class: 'actions admin-only', testid: 'zone-actions' },
      zone.suspended
        ? h('button', { type: 'button', class: 'btn', testid: 'zone-resume', onclick: () => act('resume') }, 'Resume zone')
        : h('button', { type: 'button', class: 'btn btn-warn', testid: 'zone-suspend', onclick: () => act('suspend') }, 'Suspend zone'),
      msg));
  }
  return out;
}

function recordsTable(items) {
  return table([
    { title: 'Name', class: 'mono', cell: (r) => r.name },
    { title: 'Type', cell: (r) => h('span', { class: 'rtype' }, r.type) },
    { title: 'TTL', class: 'num', cell: (r) => r.ttl },
    { title: 'Data', class: 'mono wrap', cell: (r) => r.data },
  ], items, { testid: 'records-table', rowTestid: () => 'record-row', empty: 'No records match.', caption: 'Records' });
}

function recordsSection(zoneName, ctx) {
  const p = ctx.params;
  const name = h('input', { id: 'rec-name', type: 'search', value: p.get('name') || '', placeholder: 'www or *.example.com.', testid: 'records-name' });
  const type = h('select', { id: 'rec-type', testid: 'records-type' },
    RECORD_TYPES.map((t) => h('option', { value: t, selected: t === (p.get('type') || '').toUpperCase() }, t || 'Any type')));
  const size = h('select', { id: 'rec-size', testid: 'records-limit' },
    PAGE_SIZES.map((n) => h('option', { value: String(n), selected: String(n) === (p.get('limit') || '50') }, String(n))));
  const results = h('div', null, loading());
  const info = h('span', { class: 'muted small', testid: 'records-page' });
  const prev = h('button', { type: 'button', class: 'btn', testid: 'records-prev', disabled: true }, '← Previous');
  const next = h('button', { type: 'button', class: 'btn', testid: 'records-next', disabled: true }, 'Next →');
  const tokens = [null];  // tokens[i] fetches page i
  let page = 0;

  const fetchPage = async () => {
    prev.disabled = next.disabled = true;
    try {
      const r = await get(zonePath(zoneName) + '/records', {
        name: qualify(name.value.trim(), zoneName), type: type.value, limit: size.value, continue: tokens[page] || undefined,
      });
      if (!ctx.alive()) return;
      const items = r.items || [];
      clear(results).append(recordsTable(items));
      tokens[page + 1] = r.continue || null;
      info.textContent = `page ${page + 1} · ${items.length} record${items.length === 1 ? '' : 's'}`;
      prev.disabled = page === 0;
      next.disabled = !r.continue;
    } catch (e) {
      if (ctx.alive()) clear(results).append(errorBox(e, 'records-error'));
      prev.disabled = page === 0;
    }
  };
  const search = (ev) => {
    if (ev) ev.preventDefault();
    tokens.length = 1;
    page = 0;
    // Keep the search in the address so it can be bookmarked, without a re-render.
    const q = new URLSearchParams();
    if (name.value.trim()) q.set('name', name.value.trim());
    if (type.value) q.set('type', type.value);
    if (size.value !== '50') q.set('limit', size.value);
    const hash = `#/zones/${encodeURIComponent(zoneName)}${q.toString() ? '?' + q : ''}`;
    if (window.location.hash !== hash) history.replaceState(null, '', hash);
    fetchPage();
  };
  prev.addEventListener('click', () => { if (page > 0) { page--; fetchPage(); } });
  next.addEventListener('click', () => { if (tokens[page + 1]) { page++; fetchPage(); } });
  const form = h('form', { class: 'search-form', role: 'search', testid: 'records-search', onsubmit: search },
    h('div', { class: 'field' }, h('label', { for: 'rec-name' }, 'Owner name'), name),
    h('div', { class: 'field' }, h('label', { for: 'rec-type' }, 'Type'), type),
    h('div', { class: 'field' }, h('label', { for: 'rec-size' }, 'Per page'), size),
    h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'records-submit' }, 'Search')));
  search();
  return h('section', { class: 'panel' }, h('h2', null, 'Records'),
    h('p', { class: 'help' }, 'Owner name: a name relative to the zone (', h('code', null, 'www'), ', ', h('code', null, '@'),
      '), an absolute name, or ', h('code', null, '*.sub'), ' for everything below a name.'),
    form, results, h('div', { class: 'pager' }, prev, info, next));
}

// The API filters on absolute owners: "www" in zone example.com. means www.example.com.,
// "@" the apex, "*.sub" everything under sub.example.com.
export function qualify(text, zone) {
  if (!text) return '';
  const apex = zone.endsWith('.') ? zone : zone + '.';
  if (text === '@') return apex;
  if (text.endsWith('.')) return text;
  if (text === '*') return '*.' + apex;
  return `${text}.${apex}`;
}

function renderZone(main, ctx, zoneName) {
  const head = h('div', null, loading());
  main.append(
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/zones' }, 'Zones'), ' / ', h('span', { class: 'mono' }, zoneName)),
    h('div', { class: 'page-head' }, h('h1', { class: 'mono', testid: 'zone-title' }, zoneName)), head);
  const loadZone = async () => {
    try {
      const z = await get(zonePath(zoneName));
      if (ctx.alive()) clear(head).append(zoneHeader(z, ctx, loadZone));
    } catch (e) {
      if (ctx.alive()) clear(head).append(errorBox(e, 'zone-error'));
    }
  };
  loadZone();
  main.append(recordsSection(zoneName, ctx));
}
