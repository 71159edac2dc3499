// Admin actions for operators and admins: reconcile now, suspend/resume the source or a
// zone, roll back to an applied revision, and the DNS query tool. The server checks the
// role on every call; this page is only hidden from viewers so they are not offered
// buttons that would answer 403.
import { h, clear, badge, table, revLink, timeCell, errorBox, loading, shortRev, timeText } from '../dom.js';
import { get, post } from '../api.js';

const QUERY_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'SOA', 'TXT', 'SRV', 'CAA', 'PTR', 'DS', 'DNSKEY', 'ANY'];

function busy(button, text) {
  const old = button.textContent;
  button.disabled = true;
  button.textContent = text;
  return () => { button.disabled = false; button.textContent = old; };
}

function outcome(testid) {
  return h('div', { class: 'outcome', role: 'status', 'aria-live': 'polite', testid });
}

function showError(box, e) {
  clear(box).append(errorBox(e, box.dataset.testid + '-error'));
}

// ---- reconcile now ----

function reconcileCard() {
  const out = outcome('reconcile-result');
  const btn = h('button', { type: 'button', class: 'btn btn-primary', testid: 'reconcile-now' }, 'Reconcile now');
  btn.addEventListener('click', async () => {
    const done = busy(btn, 'Reconciling…');
    clear(out);
    try {
      const r = await post('/reconcile', undefined, { wait: 'true', timeout: '60s' });
      const rec = r.record || {};
      clear(out).append(h('p', null, badge(rec.result, 'reconcile-result-badge'), ' revision ', revLink(rec.revision),
        rec.durationMs !== undefined ? ` in ${rec.durationMs} ms` : '', rec.errors ? ` · ${rec.errors} error(s)` : ''),
      rec.message ? h('p', { class: 'muted' }, rec.message) : null,
      h('p', { class: 'small' }, h('a', { href: '#/overview' }, 'See the overview')));
    } catch (e) {
      showError(out, e);
    } finally {
      done();
    }
  });
  return h('section', { class: 'panel', testid: 'admin-reconcile' },
    h('h2', null, 'Reconcile now'),
    h('p', { class: 'help' }, 'Fetch the repository and apply its newest commit, then show the result.'),
    h('div', { class: 'actions' }, btn), out);
}

// ---- suspend / resume ----

let lastTarget = '';  // the chosen object survives the redraw after an action

function suspendCard(status, zones, reload, out) {
  const src = status.source || {};
  const reasonInput = h('input', { id: 'suspend-reason', placeholder: 'optional, shown in status', maxlength: 200, testid: 'suspend-reason' });
  const target = h('select', { id: 'suspend-target', testid: 'suspend-target' },
    h('option', { value: '' }, 'The whole source'),
    zones.map((z) => h('option', { value: `Zone/${z.name}` }, `Zone ${z.name}${z.suspended ? ' (suspended)' : ''}`)));
  target.value = lastTarget;
  if (target.value !== lastTarget) target.value = '';
  target.addEventListener('change', () => { lastTarget = target.value; });
  const act = async (what, button) => {
    const done = busy(button, what === 'suspend' ? 'Suspending…' : 'Resuming…');
    try {
      const body = {};
      if (target.value) body.object = target.value;
      if (what === 'suspend' && reasonInput.value.trim()) body.reason = reasonInput.value.trim();
      const r = await post('/' + what, body);
      const keys = r && (r.suspended || r.resumed);
      clear(out).append(h('p', null, what === 'suspend' ? 'Suspended' : 'Resumed', ': ', target.value || 'the whole source',
        Array.isArray(keys) && keys.length ? h('span', { class: 'muted' }, ` (now suspended: ${keys.join(', ')})`) : ''));
      reload();
    } catch (e) {
      showError(out, e);
    } finally {
      done();
    }
  };
  const suspendBtn = h('button', { type: 'button', class: 'btn btn-warn', testid: 'suspend' }, 'Suspend');
  const resumeBtn = h('button', { type: 'button', class: 'btn', testid: 'resume' }, 'Resume');
  suspendBtn.addEventListener('click', () => act('suspend', suspendBtn));
  resumeBtn.addEventListener('click', () => act('resume', resumeBtn));
  return h('section', { class: 'panel', testid: 'admin-suspend' },
    h('h2', null, 'Suspend or resume'),
    h('p', null, 'Source: ', badge(src.suspended ? 'Suspended' : 'Active', 'admin-source-state'),
      src.suspendReason ? h('span', { class: 'muted' }, ` ${src.suspendReason}`) : ''),
    h('p', { class: 'help' }, 'A suspended source fetches and applies nothing; a suspended zone keeps serving what it has and the reconciler leaves it alone.'),
    h('div', { class: 'form-row' },
      h('div', { class: 'field' }, h('label', { for: 'suspend-target' }, 'What'), target),
      h('div', { class: 'field' }, h('label', { for: 'suspend-reason' }, 'Reason'), reasonInput)),
    h('div', { class: 'actions' }, suspendBtn, resumeBtn), out);
}

// ---- rollback ----

function rollbackCard(revisions, status, reload, out) {
  const applied = (status.source || {}).lastAppliedRevision;
  const select = h('select', { id: 'rollback-rev', testid: 'rollback-revision' },
    revisions.map((r) => h('option', { value: r.revision },
      `${shortRev(r.revision)} · generation ${r.generation}${r.applied ? ' · ' + timeText(r.applied) : ''}${r.revision === applied ? ' (serving)' : ''}`)));
  const start = h('button', { type: 'button', class: 'btn btn-warn', testid: 'rollback-start', disabled: revisions.length === 0 }, 'Roll back…');
  const confirmBox = h('div', { class: 'confirm', hidden: true, testid: 'rollback-confirm-box' });
  start.addEventListener('click', () => {
    const rev = select.value;
    clear(confirmBox).append(
      h('p', null, 'Serve revision ', h('code', null, shortRev(rev)), ' now and suspend the source until it is resumed?'),
      h('button', { type: 'button', class: 'btn btn-bad', testid: 'rollback-confirm', onclick: async (ev) => {
        const done = busy(ev.currentTarget, 'Rolling back…');
        try {
          const r = await post('/rollback', { revision: rev });
          confirmBox.hidden = true;
          clear(out).append(h('p', null, 'Now serving ', revLink(r.revision || rev),
            r.generation !== undefined ? ` (generation ${r.generation})` : '', '. The source is suspended; resume it to follow git again.'));
          reload();
        } catch (e) {
          showError(out, e);
        } finally {
          done();
        }
      } }, 'Roll back'),
      ' ',
      h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => { confirmBox.hidden = true; } }, 'Cancel'));
    confirmBox.hidden = false;
  });
  return h('section', { class: 'panel', testid: 'admin-rollback' },
    h('h2', null, 'Roll back'),
    h('p', { class: 'help' }, 'Serve an earlier applied revision at once (serials still move forward). The source is suspended until resumed.'),
    revisions.length === 0 ? h('p', { class: 'muted' }, 'No applied revisions yet.') : null,
    h('div', { class: 'form-row' }, h('div', { class: 'field grow' }, h('label', { for: 'rollback-rev' }, 'Revision'), select)),
    h('div', { class: 'actions' }, start), confirmBox, out);
}

// ---- query tool ----

function rrTable(title, rrs, testid) {
  if (!rrs || rrs.length === 0) return null;
  return h('div', null, h('h4', null, title, ' ', h('span', { class: 'count' }, String(rrs.length))),
    table([
      { title: 'Name', class: 'mono', cell: (r) => r.name },
      { title: 'TTL', class: 'num', cell: (r) => r.ttl },
      { title: 'Type', cell: (r) => h('span', { class: 'rtype' }, r.type) },
      { title: 'Data', class: 'mono wrap', cell: (r) => r.data },
    ], rrs, { testid, rowTestid: () => 'rr-row', caption: title }));
}

function queryResult(r, ms) {
  return h('div', { testid: 'query-answer' },
    h('p', { class: 'query-head' }, badge(r.rcode, 'query-rcode'), ' ',
      h('span', { class: 'flags mono', testid: 'query-flags' }, (r.flags || []).join(' ')),
      h('span', { class: 'muted small' }, ` · ${r.sizeBytes ?? '?'} bytes · ${ms} ms`)),
    (r.ede || []).map((e) => h('p', { class: 'alert alert-warn', testid: 'query-ede' }, `EDE ${e.code}`, e.name ? ` (${e.name})` : '', e.text ? `: ${e.text}` : '')),
    rrTable('Answer', r.answer, 'query-answer-section'),
    rrTable('Authority', r.authority, 'query-authority-section'),
    rrTable('Additional', r.additional, 'query-additional-section'),
    !(r.answer || []).length ? h('p', { class: 'muted' }, 'No records in the answer section.') : null);
}

function queryCard() {
  const name = h('input', { id: 'q-name', required: true, placeholder: 'www.example.com.', testid: 'query-name', autocomplete: 'off' });
  const type = h('select', { id: 'q-type', testid: 'query-type' }, QUERY_TYPES.map((t) => h('option', { value: t }, t)));
  const dnssec = h('input', { id: 'q-dnssec', type: 'checkbox', testid: 'query-dnssec' });
  const tcp = h('input', { id: 'q-tcp', type: 'checkbox', testid: 'query-tcp' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'query-submit' }, 'Query');
  const out = outcome('query-result');
  const form = h('form', { class: 'search-form', testid: 'query-form' },
    h('div', { class: 'field grow' }, h('label', { for: 'q-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'q-type' }, 'Type'), type),
    h('div', { class: 'field check' }, dnssec, h('label', { for: 'q-dnssec' }, 'DNSSEC (DO)')),
    h('div', { class: 'field check' }, tcp, h('label', { for: 'q-tcp' }, 'TCP')),
    h('div', { class: 'field field-button' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) {
      clear(out).append(h('p', { class: 'text-bad' }, 'Enter a name to ask for.'));
      name.focus();
      return;
    }
    const done = busy(submit, 'Asking…');
    const t0 = performance.now();
    try {
      const r = await post('/query', { name: name.value.trim(), type: type.value, dnssec: dnssec.checked, tcp: tcp.checked });
      clear(out).append(queryResult(r, Math.round(performance.now() - t0)));
    } catch (e) {
      showError(out, e);
    } finally {
      done();
    }
  });
  return h('section', { class: 'panel', testid: 'admin-query' },
    h('h2', null, 'DNS query tool'),
    h('p', { class: 'help' }, 'Ask this node\'s DNS engine a question and see the parsed answer.'),
    form, out);
}

export function render(main, ctx) {
  // The reconcile and query cards stay; the cards that show state are redrawn after each
  // action, and their result lines live outside them so a redraw keeps the message.
  const stateBox = h('div', { class: 'admin-state' }, loading());
  const outs = { suspend: outcome('suspend-result'), rollback: outcome('rollback-result') };
  main.append(h('div', { class: 'page-head' }, h('h1', null, 'Admin')),
    h('div', { class: 'admin-grid' }, reconcileCard(), queryCard(), stateBox));
  const load = async () => {
    const [status, zones, revisions] = await Promise.allSettled([
      get('/status'), get('/zones', { limit: 5000 }), get('/revisions')]);
    if (!ctx.alive()) return;
    const st = status.status === 'fulfilled' ? status.value : {};
    clear(stateBox);
    if (status.status === 'rejected') stateBox.append(errorBox(status.reason, 'admin-status-error'));
    stateBox.append(suspendCard(st, zones.status === 'fulfilled' ? zones.value.items || [] : [], load, outs.suspend));
    if (revisions.status === 'fulfilled') stateBox.append(rollbackCard(revisions.value.items || [], st, load, outs.rollback));
    else stateBox.append(h('section', { class: 'panel', testid: 'admin-rollback' }, h('h2', null, 'Roll back'), errorBox(revisions.reason, 'rollback-load-error')));
  };
  load();
}
