// Reconcile history, newest first (#/history), and one revision with its plan
// (#/history/REV): what that revision changed, zone by zone.
import { h, clear, badge, table, revLink, timeCell, errorBox, loading, shortRev, locatedError } from '../dom.js';
import { get } from '../api.js';

function zonesText(r) {
  const z = r.zones || { created: r.zonesCreated, updated: r.zonesUpdated, deleted: r.zonesDeleted };
  const parts = [];
  if (z.created) parts.push(`+${z.created}`);
  if (z.updated) parts.push(`~${z.updated}`);
  if (z.deleted) parts.push(`−${z.deleted}`);
  return parts.join(' ') || '0';
}

function recordsText(r) {
  const c = r.records || {};
  return h('span', { class: 'delta' },
    h('span', { class: 'plus' }, `+${c.added || 0}`), ' ', h('span', { class: 'minus' }, `−${c.removed || 0}`));
}

function historyTable(items) {
  return table([
    { title: 'Started', cell: (r) => timeCell(r.started) },
    { title: 'Revision', cell: (r) => revLink(r.revision) },
    { title: 'Trigger', cell: (r) => r.trigger || '' },
    { title: 'Result', cell: (r) => badge(r.result, 'history-result') },
    { title: 'Duration', class: 'num', cell: (r) => r.durationMs !== undefined ? `${r.durationMs} ms` : '' },
    { title: 'Zones', class: 'num', cell: zonesText },
    { title: 'Records', class: 'num', cell: recordsText },
    { title: 'Errors', class: 'num', cell: (r) => r.errors ? h('span', { class: 'text-bad' }, String(r.errors)) : '0' },
    { title: 'Message', class: 'wrap', cell: (r) => r.message || '' },
  ], items, { testid: 'history-table', rowTestid: () => 'history-row', empty: 'No reconciles yet.', caption: 'Reconcile history' });
}

function rrLine(sign, rr) {
  return h('tr', { class: sign === '+' ? 'add' : 'del' },
    h('td', { class: 'sign', 'aria-label': sign === '+' ? 'added' : 'removed' }, sign),
    h('td', { class: 'mono' }, rr.name), h('td', { class: 'num' }, String(rr.ttl ?? '')),
    h('td', null, h('span', { class: 'rtype' }, rr.type)), h('td', { class: 'mono wrap' }, rr.data));
}

function zonePlan(zp) {
  const counts = zp.counts || { added: (zp.added || []).length, removed: (zp.removed || []).length };
  const changes = [...(zp.removed || []).map((rr) => rrLine('−', rr)), ...(zp.added || []).map((rr) => rrLine('+', rr))];
  const serial = zp.serialTo !== undefined && zp.serialTo !== zp.serialFrom
    ? `serial ${zp.serialFrom ?? '—'} → ${zp.serialTo}` : null;
  const unsafe = zp.unsafe || ((zp.unsafeReasons || []).length ? zp.unsafeReasons.join('; ') : null);
  return h('details', { class: 'zone-plan', testid: 'plan-zone', 'data-zone': zp.zone, open: changes.length > 0 && changes.length <= 50 },
    h('summary', null, badge(zp.action, 'plan-action'), ' ', h('span', { class: 'mono' }, zp.zone), ' ',
      h('span', { class: 'delta' }, h('span', { class: 'plus' }, `+${counts.added || 0}`), ' ', h('span', { class: 'minus' }, `−${counts.removed || 0}`)),
      serial ? h('span', { class: 'muted small' }, serial) : null,
      zp.file ? h('code', { class: 'muted small' }, zp.file) : null,
      zp.held ? badge('held') : null,
      unsafe ? h('span', { class: 'badge badge-warn' }, 'unsafe') : null),
    unsafe ? h('p', { class: 'alert alert-warn' }, unsafe, zp.allowedBy ? ` (allowed by ${zp.allowedBy})` : '') : null,
    changes.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data diff' }, h('tbody', null, changes)))
      : h('p', { class: 'muted' }, 'No record changes listed.'),
    zp.truncated ? h('p', { class: 'muted small' }, 'The list is cut short; the counts above are complete.') : null);
}

function planView(plan) {
  const zones = plan.zones || [];
  const changed = zones.filter((z) => z.action !== 'unchanged');
  const errors = plan.errors || [];
  const warnings = plan.warnings || [];
  return h('div', { testid: 'plan' },
    h('p', null, 'From ', revLink(plan.fromRevision), ' to ', revLink(plan.revision),
      plan.result ? [' · ', badge(plan.result, 'plan-result')] : null),
    errors.length ? h('div', { class: 'alert alert-bad', testid: 'plan-errors' },
      h('strong', null, 'This revision cannot be applied:'),
      h('ul', { class: 'error-list' }, errors.map((e) => h('li', null, locatedError(e))))) : null,
    warnings.length ? h('div', { class: 'alert alert-warn' }, h('ul', { class: 'error-list' }, warnings.map((w) => h('li', null, locatedError(w))))) : null,
    (plan.held || []).length ? h('div', { class: 'alert alert-warn' }, 'Held: ', plan.held.join('; ')) : null,
    changed.length ? changed.map(zonePlan) : (errors.length ? null : h('p', { class: 'muted' }, 'This revision changed no zone.')),
    zones.length > changed.length ? h('p', { class: 'muted small' }, `${zones.length - changed.length} zone(s) unchanged.`) : null);
}

function revisionPanel(rev, ctx, records) {
  const planBox = h('div', null, loading('Loading the plan…'));
  const mine = records.filter((r) => r.revision && (r.revision === rev || r.revision.startsWith(rev)));
  const panel = h('section', { class: 'panel', testid: 'revision-panel' },
    h('h2', null, 'Revision ', h('span', { class: 'mono', title: rev }, shortRev(rev))),
    mine.length ? historyTable(mine) : null,
    h('h3', null, 'Plan'), planBox);
  get(`/revisions/${encodeURIComponent(rev)}/plan`).then((plan) => {
    if (ctx.alive()) clear(planBox).append(planView(plan));
  }).catch((e) => {
    if (!ctx.alive()) return;
    if (e.status === 404 || e.status === 501) {
      clear(planBox).append(h('p', { class: 'muted', testid: 'plan-unavailable' },
        'No plan is available for this revision', e.message ? ` (${e.message})` : '', '.'));
    } else {
      clear(planBox).append(errorBox(e, 'plan-error'));
    }
  });
  return panel;
}

export function render(main, ctx) {
  const rev = ctx.match[0] || null;
  const top = h('div');
  const body = h('div', null, loading());
  const older = h('button', { type: 'button', class: 'btn', hidden: true, testid: 'history-more' }, 'Older →');
  let items = [];
  let cont = null;
  main.append(
    rev ? h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/history' }, 'History'), ' / ', h('span', { class: 'mono' }, shortRev(rev))) : null,
    h('div', { class: 'page-head' }, h('h1', null, rev ? 'Revision' : 'Reconcile history')),
    top,
    h('section', { class: 'panel' }, rev ? h('h2', null, 'All reconciles') : null, body, h('div', { class: 'pager' }, older)));
  const load = async () => {
    try {
      const r = await get('/history', { limit: 50, continue: cont || undefined });
      if (!ctx.alive()) return;
      items = items.concat(r.items || []);
      cont = r.continue || null;
      clear(body).append(historyTable(items));
      older.hidden = !cont;
      if (rev && !top.firstChild) top.append(revisionPanel(rev, ctx, items));
    } catch (e) {
      if (!ctx.alive()) return;
      clear(body).append(errorBox(e, 'history-error'));
      if (rev && !top.firstChild) top.append(revisionPanel(rev, ctx, []));
    }
  };
  older.addEventListener('click', load);
  load();
}
