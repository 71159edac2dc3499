// Overview: where the source is (fetched / applied revision, suspended?), the last
// reconcile and its errors with their file:line:col, every object with its conditions, and
// queries per second over the last hour. Refreshes every 10 s while shown.
import { h, clear, badge, table, revLink, timeCell, errorBox, loading, locatedError, shortRev } from '../dom.js';
import { get } from '../api.js';
import { qpsChart } from '../chart.js';

const REFRESH_MS = 10000;

function cond(conditions, type) {
  return (conditions || []).find((c) => c.type === type);
}

// One word for an object or the source, in the order that matters to an operator.
export function stateOf(conditions, suspended) {
  if (suspended) return 'Suspended';
  const isTrue = (c) => c && (c.status === true || c.status === 'True');
  if ((conditions || []).some((c) => c.reason === 'Suspended' && isTrue(c))) return 'Suspended';
  if (isTrue(cond(conditions, 'Stalled'))) return 'Stalled';
  if (isTrue(cond(conditions, 'Reconciling'))) return 'Reconciling';
  if (isTrue(cond(conditions, 'Ready'))) return 'Ready';
  if (cond(conditions, 'Ready')) return 'Stalled';
  return 'Unknown';
}

function mainCondition(conditions) {
  const isTrue = (c) => c && (c.status === true || c.status === 'True');
  return (conditions || []).find((c) => c.type === 'Stalled' && isTrue(c)) || cond(conditions, 'Ready') || (conditions || [])[0];
}

function card(title, testid, ...body) {
  return h('div', { class: 'card', testid }, h('div', { class: 'card-title' }, title), h('div', { class: 'card-body' }, ...body));
}

function lastRecord(status) {
  const hist = status.history || [];
  return hist.length ? hist[hist.length - 1] : null;
}

function sourceCards(status) {
  const src = status.source || {};
  const state = stateOf(src.conditions, src.suspended);
  const rec = lastRecord(status);
  const node = status.node || {};
  return h('div', { class: 'cards' },
    card('Source', 'source-card',
      h('div', { class: 'big' }, badge(state, 'source-state')),
      h('div', { class: 'sub mono', title: src.source || '' }, src.source || '—')),
    card('Applied revision', 'applied-card',
      h('div', { class: 'big', testid: 'applied-revision', 'data-revision': src.lastAppliedRevision || '' }, revLink(src.lastAppliedRevision)),
      h('div', { class: 'sub' }, 'fetched ', h('span', { testid: 'fetched-revision', 'data-revision': src.lastFetchedRevision || '' }, revLink(src.lastFetchedRevision)))),
    card('Last reconcile', 'last-reconcile',
      rec ? h('div', { class: 'big' }, badge(rec.result, 'last-result'), ' ', h('span', { class: 'sub' }, timeCell(rec.started)))
        : h('div', { class: 'big muted' }, 'none yet'),
      h('div', { class: 'sub' }, rec ? (rec.message || `revision ${shortRev(rec.revision)}`) : (src.lastReconcileTime ? '' : 'waiting for the first reconcile'))),
    card('Node', 'node-card',
      h('div', { class: 'big' }, node.version ? `gitnsd ${node.version}` : 'gitnsd'),
      h('div', { class: 'sub' }, [node.mode ? `mode ${node.mode}` : null,
        node.uptimeSeconds !== undefined ? `up ${uptime(node.uptimeSeconds)}` : null].filter(Boolean).join(' · ') || '—')));
}

function uptime(s) {
  s = Number(s) || 0;
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d`;
}

function suspendedBanner(src) {
  if (!src.suspended && !src.rolledBackTo) return null;
  return h('div', { class: 'alert alert-warn', role: 'status', testid: 'source-suspended' },
    h('strong', null, 'Source suspended'),
    src.suspendReason ? ` (${src.suspendReason})` : '',
    src.rolledBackTo ? [': serving rolled-back revision ', revLink(src.rolledBackTo)] : '',
    '. gitnsd fetches and applies nothing until the source is resumed.');
}

function errorsPanel(src) {
  const errors = src.errors || [];
  if (errors.length === 0 && !src.lastError) return null;
  const failedRev = src.lastAttemptedRevision && src.lastAttemptedRevision !== src.lastAppliedRevision
    ? src.lastAttemptedRevision : null;
  return h('section', { class: 'panel panel-bad', testid: 'source-errors', 'aria-labelledby': 'errors-title' },
    h('h2', { id: 'errors-title' }, 'Errors',
      failedRev ? [' in revision ', revLink(failedRev)] : null),
    h('p', { class: 'muted' }, failedRev
      ? ['This revision was not applied; gitnsd keeps serving ', revLink(src.lastAppliedRevision), '.']
      : 'The last reconcile reported these errors.'),
    errors.length
      ? h('ul', { class: 'error-list' }, errors.map((e) => h('li', { testid: 'source-error' }, locatedError(e))),
        src.errorsOmitted ? h('li', { class: 'muted' }, `… and ${src.errorsOmitted} more`) : null)
      : h('p', { testid: 'source-error' }, locatedError(src.lastError)));
}

function objectsTable(objects) {
  return table([
    { title: 'Kind', cell: (o) => o.kind },
    { title: 'Name', cell: (o) => o.kind === 'Zone' ? h('a', { href: `#/zones/${encodeURIComponent(o.name)}` }, o.name) : o.name },
    { title: 'State', cell: (o) => badge(stateOf(o.conditions, o.suspended)) },
    { title: 'Reason', cell: (o) => mainCondition(o.conditions)?.reason || '' },
    { title: 'Message', class: 'wrap', cell: (o) => o.lastError ? locatedError(o.lastError) : (mainCondition(o.conditions)?.message || '') },
    { title: 'Serial', class: 'num', cell: (o) => o.servedSerial ?? '' },
    { title: 'Records', class: 'num', cell: (o) => o.recordCount ?? '' },
    { title: 'Defined at', cell: (o) => o.location ? h('code', { class: 'location' }, o.location) : '' },
  ], objects, { testid: 'objects-table', rowTestid: () => 'object-row', empty: 'No objects yet.', caption: 'Objects' });
}

async function load(view, ctx) {
  const [status, stats] = await Promise.allSettled([get('/status'), get('/stats')]);
  if (!ctx.alive()) return;
  clear(view);
  if (status.status === 'rejected') {
    view.append(errorBox(status.reason, 'overview-error'));
    return;
  }
  const s = status.value;
  const src = s.source || {};
  view.append(suspendedBanner(src) || '', sourceCards(s), errorsPanel(src) || '');
  const chartPanel = h('section', { class: 'panel' });
  if (stats.status === 'fulfilled') chartPanel.append(qpsChart(stats.value.qps || []));
  else chartPanel.append(h('h2', null, 'Queries per second'), errorBox(stats.reason, 'stats-error'));
  view.append(chartPanel,
    h('section', { class: 'panel' }, h('h2', null, 'Objects ', h('span', { class: 'count' }, String((s.objects || []).length))),
      objectsTable(s.objects || [])));
}

export function render(main, ctx) {
  const stamp = h('span', { class: 'muted small', testid: 'overview-updated' });
  const refresh = h('button', { type: 'button', class: 'btn', testid: 'overview-refresh' }, 'Refresh');
  const view = h('div', { class: 'view' }, loading());
  main.append(h('div', { class: 'page-head' }, h('h1', null, 'Overview'), h('div', { class: 'actions' }, stamp, refresh)), view);
  const run = async () => {
    refresh.disabled = true;
    try {
      await load(view, ctx);
      stamp.textContent = 'updated ' + new Date().toISOString().slice(11, 19) + ' UTC';
    } catch (e) {
      if (ctx.alive()) clear(view).append(errorBox(e, 'overview-error'));
    } finally {
      refresh.disabled = false;
    }
  };
  refresh.addEventListener('click', run);
  run();
  const timer = setInterval(() => { if (!document.hidden) run(); }, REFRESH_MS);
  return () => clearInterval(timer);
}
