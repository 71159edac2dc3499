// Building DOM without innerHTML: every value from the server becomes a text node, so
// nothing the API returns (zone data, error messages) can inject markup or script.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    } else if (k === 'testid') {
      el.dataset.testid = v;
    } else if (k in el && typeof v !== 'string') {
      el[k] = v;  // properties such as checked, disabled, value
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A table inside a horizontally scrolling wrapper (narrow windows keep every column).
export function table(columns, rows, opts = {}) {
  const head = h('thead', null, h('tr', null, columns.map((c) =>
    h('th', { scope: 'col', class: c.class }, c.title))));
  const body = h('tbody', null, rows.length === 0
    ? h('tr', null, h('td', { colspan: columns.length, class: 'empty' }, opts.empty || 'Nothing to show.'))
    : rows.map((row, i) => {
      const tr = h('tr', { testid: opts.rowTestid ? opts.rowTestid(row) : undefined },
        columns.map((c) => h('td', { class: c.class, 'data-label': c.title }, c.cell(row, i))));
      if (opts.onRow) opts.onRow(tr, row);
      return tr;
    }));
  return h('div', { class: 'table-wrap', testid: opts.testid },
    h('table', { class: ['data', opts.class] },
      opts.caption ? h('caption', { class: 'visually-hidden' }, opts.caption) : null, head, body));
}

export function shortRev(rev) {
  return rev ? String(rev).slice(0, 10) : '—';
}

export function revLink(rev) {
  if (!rev) return h('span', { class: 'muted' }, '—');
  return h('a', { href: `#/history/${encodeURIComponent(rev)}`, class: 'mono', title: rev }, shortRev(rev));
}

export function timeText(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

export function relativeTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function timeCell(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, title: timeText(iso) }, relativeTime(iso) || timeText(iso));
}

// The status colours: one place decides which word is which colour.
const STATE_CLASS = {
  ready: 'ok', applied: 'ok', unchanged: 'ok', noerror: 'ok', create: 'ok', true: 'ok',
  stalled: 'bad', invalid: 'bad', failed: 'bad', servfail: 'bad', delete: 'bad', false: 'bad',
  nxdomain: 'warn', refused: 'bad',
  suspended: 'warn', held: 'warn', remove: 'bad', rolledback: 'warn', update: 'info', changes: 'info',
  reconciling: 'info', unknown: 'neutral',
};

export function badge(text, testid) {
  const key = String(text || 'unknown').toLowerCase();
  return h('span', { class: ['badge', `badge-${STATE_CLASS[key] || 'neutral'}`], testid }, text || 'Unknown');
}

export function errorBox(err, testid = 'error') {
  const msg = err && err.message ? err.message : String(err);
  return h('div', { class: 'alert alert-bad', role: 'alert', testid }, msg);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'muted loading', role: 'status' }, text);
}

// A "file:line:col: message" error split so the location stands out.
export function locatedError(text) {
  const m = /^(\S+?:\d+(?::\d+)?):\s*(.*)$/s.exec(String(text));
  if (!m) return h('span', null, String(text));
  return h('span', null, h('code', { class: 'location', testid: 'error-location' }, m[1]), ' ', m[2]);
}
