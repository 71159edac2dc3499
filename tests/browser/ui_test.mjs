// Browser test of the gitns status page and admin UI against a real gitnsd.
//
//   node ui_test.mjs --gitnsd PATH --source-dir REPO_ROOT [--artifacts DIR] [--keep]
//
// Makes a git repository from examples/repo in a temp folder, starts gitnsd on it (DNS and
// HTTP on free 127.0.0.1 ports, admin password from a file), and drives Debian's headless
// chromium through playwright-core: log in, see a zone applied by a commit, make an invalid
// commit and see its error with file:line:col on the overview, run the DNS query tool,
// log in with TOTP, and check that a viewer is offered no admin actions. Screenshots go to
// DIR (default ./test-artifacts, i.e. <build>/test-artifacts under ctest). Any failure
// exits 1 with the step that failed, a screenshot and the end of gitnsd's log.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// ---- arguments and environment ----

function parseArgs(argv) {
  const out = { artifacts: path.resolve('test-artifacts'), keep: false };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--gitnsd') out.gitnsd = argv[++i];
    else if (a === '--source-dir') out.sourceDir = argv[++i];
    else if (a === '--artifacts') out.artifacts = path.resolve(argv[++i]);
    else if (a === '--keep') out.keep = true;
    else throw new Error(`unknown argument ${a}; expected --gitnsd PATH --source-dir DIR [--artifacts DIR] [--keep]`);
  }
  if (!out.gitnsd || !out.sourceDir) throw new Error('--gitnsd PATH and --source-dir DIR are required');
  return out;
}

const args = parseArgs(process.argv);
const CHROMIUM = process.env.GITNS_CHROMIUM || '/usr/bin/chromium';
// No network beyond loopback here: the background-networking, QUIC, component-update and
// sync flags stop chromium from reaching for Google's hosts at every start.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update',
  '--disable-sync'];

async function loadPlaywright() {
  try {
    return (await import('playwright-core')).chromium;
  } catch (e) {
    throw new Error(`cannot load playwright-core (${e.message}): run \`npm ci\` in tests/browser ` +
      '(ci/install-deps.sh does)');
  }
}

// ---- processes, ports, git ----

function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// A port free for both UDP and TCP (gitnsd's DNS listener takes both).
async function freeDnsPort() {
  for (let i = 0; i < 50; i++) {
    const u = dgram.createSocket('udp4');
    const port = await new Promise((resolve, reject) => {
      u.once('error', reject);
      u.bind(0, '127.0.0.1', () => resolve(u.address().port));
    });
    const ok = await new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    u.close();
    if (ok && port !== 5353) return port;
  }
  throw new Error('no free port for both UDP and TCP on 127.0.0.1');
}

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'gitns browser test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'gitns browser test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

class Repo {
  constructor(dir) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true });
    this.git('init', '-q', '-b', 'main');
  }

  git(...a) {
    return execFileSync('git', a, { cwd: this.dir, env: { ...process.env, ...GIT_ENV, HOME: this.dir }, encoding: 'utf8' }).trim();
  }

  write(rel, text) {
    const full = path.join(this.dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }

  commit(message) {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }
}

class Gitnsd {
  constructor(binary, workdir) {
    this.binary = binary;
    this.workdir = workdir;
    this.logPath = path.join(workdir, 'gitnsd.log');
  }

  async start(repoDir, adminPasswordFile) {
    this.dnsPort = await freeDnsPort();
    this.httpPort = await freeTcpPort();
    this.base = `http://127.0.0.1:${this.httpPort}`;
    const log = fs.openSync(this.logPath, 'a');
    this.proc = spawn(this.binary, [
      '--repo', repoDir, '--state-dir', path.join(this.workdir, 'state'),
      '--listen', `127.0.0.1:${this.dnsPort}`, '--http', `127.0.0.1:${this.httpPort}`,
      '--admin-password-file', adminPasswordFile, '--poll', '0', '--threads', '2',
    ], { stdio: ['ignore', log, log] });
    this.exited = null;
    this.proc.on('exit', (code, signal) => { this.exited = { code, signal }; });
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`gitnsd exited (${JSON.stringify(this.exited)}) while starting:\n${this.logTail()}`);
      try {
        const r = await fetch(`${this.base}/api/v1/health`);
        if (r.ok) return;
      } catch { /* not listening yet */ }
      await sleep(100);
    }
    throw new Error(`gitnsd's HTTP API did not answer on ${this.base} within 30 s:\n${this.logTail()}`);
  }

  logTail(chars = 4000) {
    try { return fs.readFileSync(this.logPath, 'utf8').slice(-chars); } catch { return '(no log)'; }
  }

  async stop() {
    if (!this.proc || this.exited) return;
    this.proc.kill('SIGTERM');
    for (let i = 0; i < 150 && !this.exited; i++) await sleep(100);
    if (!this.exited) this.proc.kill('SIGKILL');
  }
}

// ---- the API, for setup only (the UI is what is tested) ----

async function api(base, method, p, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(base + '/api/v1' + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!r.ok) throw new Error(`${method} ${p} answered ${r.status}: ${text}`);
  return data;
}

async function waitFor(what, fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), to enrol and log in a two-factor user.
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`bad base32 character ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

// ---- manifests ----

const BROWSER_ZONE = `apiVersion: gitns.io/v1
kind: Zone
metadata:
  name: browser.test
spec:
  ttl: 300
  soa: {mname: ns1, rname: hostmaster, refresh: 3600, retry: 600, expire: 1209600, minimum: 300}
  nameservers: [ns1]
  records:
    ns1: [{type: A, value: 192.0.2.53}]
    web: [{type: A, value: 192.0.2.77}]
    mail: [{type: A, value: 192.0.2.25}]
`;

// Line 10 (1-based) has a TTL that is not a number: a schema error located at that value.
const BROKEN_ZONE = `apiVersion: gitns.io/v1
kind: Zone
metadata:
  name: broken.test
spec:
  ttl: 300
  nameservers: [ns1]
  records:
    ns1: [{type: A, value: 192.0.2.53}]
    www: [{type: A, ttl: not-a-number, value: 192.0.2.80}]
`;
const BROKEN_LINE = 10;

// ---- the test ----

const steps = [];
let page = null;

async function step(name, fn) {
  const t0 = Date.now();
  process.stdout.write(`- ${name} ... `);
  try {
    await fn();
    steps.push(name);
    console.log(`ok (${Date.now() - t0} ms)`);
  } catch (e) {
    console.log('FAILED');
    e.step = name;
    throw e;
  }
}

async function shot(p, name) {
  fs.mkdirSync(args.artifacts, { recursive: true });
  const file = path.join(args.artifacts, `ui-${name}.png`);
  await p.screenshot({ path: file, fullPage: true });
  return file;
}

function watchConsole(p, problems) {
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} [${m.location().url || ''}]`);
  });
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

async function login(p, base, user, password, code) {
  await p.goto(`${base}/`);
  await p.getByTestId('login-form').waitFor();
  await p.getByLabel('User name').fill(user);
  await p.getByLabel('Password').fill(password);
  await p.getByTestId('login-submit').click();
  if (code) {
    await p.getByLabel('Authenticator code').waitFor();
    await p.getByLabel('Authenticator code').fill(code);
    await p.getByTestId('login-submit').click();
  }
  await p.getByTestId('current-user').filter({ hasText: user }).waitFor();
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

async function main() {
  const chromium = await loadPlaywright();
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: install Debian's chromium (ci/install-deps.sh) or set GITNS_CHROMIUM`);
  if (!fs.existsSync(args.gitnsd)) throw new Error(`no gitnsd at ${args.gitnsd}`);
  // Only this test's old files go: the folder is shared with other tests' artifacts.
  fs.mkdirSync(args.artifacts, { recursive: true });
  for (const f of fs.readdirSync(args.artifacts)) {
    if (f.startsWith('ui-')) fs.rmSync(path.join(args.artifacts, f), { force: true });
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gitns-ui-'));
  const repo = new Repo(path.join(work, 'repo'));
  fs.cpSync(path.join(args.sourceDir, 'examples', 'repo'), repo.dir, { recursive: true });
  const first = repo.commit('examples/repo');
  const adminPassword = crypto.randomBytes(12).toString('hex');
  const pwFile = path.join(work, 'admin-password');
  fs.writeFileSync(pwFile, adminPassword + '\n', { mode: 0o600 });

  const gitnsd = new Gitnsd(args.gitnsd, work);
  let browser = null;
  const problems = [];
  try {
    await step('gitnsd starts with --http and applies the first commit', async () => {
      await gitnsd.start(repo.dir, pwFile);
      const admin = await api(gitnsd.base, 'POST', '/login', { body: { username: 'admin', password: adminPassword } });
      gitnsd.adminToken = admin.token;
      await waitFor('the first commit to be applied', async () => {
        const s = await api(gitnsd.base, 'GET', '/status', { token: admin.token });
        return s.source && s.source.lastAppliedRevision === first;
      });
    });

    await step('GET / redirects to the UI, whose assets carry a strict CSP', async () => {
      const r = await fetch(`${gitnsd.base}/`, { redirect: 'manual' });
      expect(r.status === 302 && r.headers.get('location') === '/ui/', `GET / answered ${r.status} to ${r.headers.get('location')}`);
      const ui = await fetch(`${gitnsd.base}/ui/`);
      const csp = ui.headers.get('content-security-policy') || '';
      expect(ui.status === 200 && csp.includes("default-src 'self'") && !csp.includes('unsafe-inline'), `/ui/ CSP: ${csp}`);
      expect((ui.headers.get('content-type') || '').startsWith('text/html'), 'index.html must be text/html');
    });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15000);
    watchConsole(page, problems);

    await step('the login page asks for credentials and refuses a wrong password', async () => {
      await page.goto(`${gitnsd.base}/`);
      await page.getByTestId('login-form').waitFor();
      expect(page.url().includes('/ui/#/login'), `expected the login page, at ${page.url()}`);
      await shot(page, '01-login');
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill('wrong-password');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').filter({ hasText: /wrong/i }).waitFor();
    });

    await step('admin logs in and sees the example zones', async () => {
      await login(page, gitnsd.base, 'admin', adminPassword);
      expect(await page.getByTestId('current-role').textContent() === 'admin', 'role shown must be admin');
      await page.getByTestId('nav-zones').click();
      await page.getByTestId('zone-link').filter({ hasText: 'example.com.' }).waitFor();
      await shot(page, '02-zones-initial');
    });

    let second;
    await step('a commit adding zone browser.test. shows on the zones page after "Reconcile now"', async () => {
      repo.write('zones/browser.test.yaml', BROWSER_ZONE);
      second = repo.commit('add browser.test');
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('reconcile-now').click();
      await page.getByTestId('reconcile-result-badge').waitFor({ timeout: 45000 });
      const result = await page.getByTestId('reconcile-result-badge').textContent();
      expect(result === 'applied', `reconcile result ${result}, expected applied`);
      await page.getByTestId('nav-zones').click();
      const row = page.getByTestId('zone-row').filter({ hasText: 'browser.test.' });
      await row.waitFor();
      expect((await row.getByTestId('zone-state').textContent()) === 'Ready', 'browser.test. must be Ready');
      await shot(page, '03-zones-after-commit');
      await row.getByTestId('zone-link').click();
      await page.getByTestId('records-table').waitFor();
      await page.getByTestId('record-row').filter({ hasText: '192.0.2.77' }).waitFor();
      // Search by owner and type narrows the list.
      await page.getByLabel('Owner name').fill('mail');
      await page.getByLabel('Type').selectOption('A');
      await page.getByTestId('records-submit').click();
      await waitFor('the search to narrow the records', async () => {
        const rows = await page.getByTestId('record-row').allTextContents();
        return rows.length === 1 && rows[0].includes('192.0.2.25');
      }, 15000);
      await shot(page, '04-zone-records-search');
      // Pages of 10 with continue tokens: Next, then Previous, with no record twice.
      await page.goto(`${gitnsd.base}/ui/#/zones/example.com.?limit=10`);
      await page.getByTestId('record-row').first().waitFor();
      const page1 = await page.getByTestId('record-row').allTextContents();
      expect(page1.length === 10, `page 1 has ${page1.length} records, expected 10`);
      await page.getByTestId('records-next').click();
      await page.getByTestId('records-page').filter({ hasText: 'page 2' }).waitFor();
      const page2 = await page.getByTestId('record-row').allTextContents();
      expect(page2.length > 0 && page2.every((r) => !page1.includes(r)), `page 2 ${JSON.stringify(page2)} repeats page 1`);
      await page.getByTestId('records-prev').click();
      await page.getByTestId('records-page').filter({ hasText: 'page 1' }).waitFor();
      expect(JSON.stringify(await page.getByTestId('record-row').allTextContents()) === JSON.stringify(page1), 'Previous shows page 1 again');
    });

    await step('the overview shows the applied revision', async () => {
      await page.getByTestId('nav-overview').click();
      await page.locator(`[data-testid=applied-revision][data-revision="${second}"]`).waitFor();
      expect((await page.getByTestId('source-state').textContent()) === 'Ready', 'source must be Ready');
      await page.getByTestId('qps-chart').locator('svg').waitFor();
      await shot(page, '05-overview-ready');
    });

    let bad;
    await step('an invalid commit is reported on the overview with file:line:col', async () => {
      repo.write('zones/broken.test.yaml', BROKEN_ZONE);
      bad = repo.commit('a broken zone');
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('reconcile-now').click();
      await page.getByTestId('reconcile-result-badge').filter({ hasText: 'invalid' }).waitFor({ timeout: 45000 });
      await page.getByTestId('nav-overview').click();
      const errors = page.getByTestId('source-errors');
      await errors.waitFor();
      const locations = await errors.getByTestId('error-location').allTextContents();
      const want = new RegExp(`^zones/broken\\.test\\.yaml:${BROKEN_LINE}:\\d+$`);
      expect(locations.some((l) => want.test(l)), `expected an error at zones/broken.test.yaml:${BROKEN_LINE}:COL, got ${JSON.stringify(locations)}`);
      // The last good revision keeps serving.
      await page.locator(`[data-testid=applied-revision][data-revision="${second}"]`).waitFor();
      expect((await page.getByTestId('last-result').textContent()) === 'invalid', 'last reconcile must be invalid');
      expect(await errors.textContent().then((t) => t.includes(bad.slice(0, 10))), 'the error panel names the failed revision');
      await shot(page, '06-overview-invalid-commit');
    });

    await step('history lists the reconciles and shows each revision\'s plan', async () => {
      await page.getByTestId('nav-history').click();
      await page.getByTestId('history-row').first().waitFor();
      const results = await page.getByTestId('history-result').allTextContents();
      expect(results[0] === 'invalid' && results.includes('applied'), `history results ${JSON.stringify(results)}`);
      await page.getByTestId('history-row').filter({ hasText: second.slice(0, 10) }).locator('a').first().click();
      await page.getByTestId('plan').waitFor();
      const zone = page.locator('[data-testid=plan-zone][data-zone="browser.test."]');
      await zone.waitFor();
      const action = await zone.getByTestId('plan-action').textContent();
      expect(action === 'create', `browser.test. plan action ${action}, expected create`);
      expect((await zone.textContent()).includes('192.0.2.77'), 'the plan lists the records the commit added');
      await shot(page, '07-history-revision-plan');
      // The invalid revision's plan names its error and where it is.
      await page.goto(`${gitnsd.base}/ui/#/history/${bad}`);
      const errors = page.getByTestId('plan-errors');
      await errors.waitFor();
      const locations = await errors.getByTestId('error-location').allTextContents();
      expect(locations.some((l) => l.startsWith(`zones/broken.test.yaml:${BROKEN_LINE}:`)),
        `the invalid revision's plan must locate its error: ${JSON.stringify(locations)}`);
    });

    await step('the DNS query tool answers from this node', async () => {
      await page.getByTestId('nav-admin').click();
      await page.getByLabel('Name').fill('web.browser.test.');
      await page.getByTestId('query-type').selectOption('A');
      await page.getByTestId('query-submit').click();
      await page.getByTestId('query-answer').waitFor();
      expect((await page.getByTestId('query-rcode').textContent()) === 'NOERROR', 'rcode must be NOERROR');
      const answer = await page.getByTestId('query-answer-section').textContent();
      expect(answer.includes('192.0.2.77'), `answer section: ${answer}`);
      expect((await page.getByTestId('query-flags').textContent()).split(' ').includes('aa'), 'authoritative answer');
      await shot(page, '08-query-tool');
      await page.getByLabel('Name').fill('nothing-here.browser.test.');
      await page.getByTestId('query-submit').click();
      await page.getByTestId('query-rcode').filter({ hasText: 'NXDOMAIN' }).waitFor();
    });

    await step('an operator suspends and resumes a zone from its page', async () => {
      await page.goto(`${gitnsd.base}/ui/#/zones/browser.test.`);
      await page.getByTestId('zone-suspend').click();
      await page.getByTestId('zone-state').filter({ hasText: 'Suspended' }).waitFor();
      await shot(page, '09-zone-suspended');
      await page.getByTestId('zone-resume').click();
      await page.getByTestId('zone-state').filter({ hasText: 'Ready' }).waitFor();
    });

    await step('a narrow window keeps every page usable', async () => {
      // The same tab (sessionStorage, so the session, is per tab), made phone-sized.
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [hash, testid] of [['#/overview', 'objects-table'], ['#/zones/browser.test.', 'records-table'],
        ['#/history', 'history-table'], ['#/admin', 'query-form']]) {
        await page.goto(`${gitnsd.base}/ui/${hash}`);
        await page.getByTestId(testid).waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow <= 1, `${hash} scrolls sideways by ${overflow}px at 390px wide`);
        if (hash === '#/overview') await shot(page, '10-overview-narrow');
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    const viewerPassword = crypto.randomBytes(9).toString('hex');
    await step('a viewer sees status but no admin actions', async () => {
      await api(gitnsd.base, 'POST', '/users', { token: gitnsd.adminToken, body: { username: 'viewer1', password: viewerPassword, role: 'viewer' } });
      const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const vp = await ctx2.newPage();
      vp.setDefaultTimeout(15000);
      watchConsole(vp, problems);
      await login(vp, gitnsd.base, 'viewer1', viewerPassword);
      expect((await vp.getByTestId('current-role').textContent()) === 'viewer', 'role shown must be viewer');
      await vp.getByTestId('objects-table').waitFor();
      expect(await vp.getByTestId('nav-admin').count() === 0, 'a viewer must not see the Admin link');
      await vp.goto(`${gitnsd.base}/ui/#/zones/browser.test.`);
      await vp.getByTestId('records-table').waitFor();
      expect(await vp.getByTestId('zone-actions').count() === 0, 'a viewer must not see zone suspend/resume');
      await vp.goto(`${gitnsd.base}/ui/#/admin`);
      await vp.getByTestId('forbidden').waitFor();
      expect(await vp.getByTestId('reconcile-now').count() === 0, 'a viewer must not see "Reconcile now"');
      expect(await vp.getByTestId('query-form').count() === 0, 'a viewer must not see the query tool');
      await shot(vp, '11-viewer-admin-forbidden');
      await ctx2.close();
    });

    await step('a user with TOTP logs in with the code the form asks for', async () => {
      const pw = crypto.randomBytes(9).toString('hex');
      await api(gitnsd.base, 'POST', '/users', { token: gitnsd.adminToken, body: { username: 'ops1', password: pw, role: 'operator' } });
      const s = await api(gitnsd.base, 'POST', '/login', { body: { username: 'ops1', password: pw } });
      const enrol = await api(gitnsd.base, 'POST', '/users/me/totp', { token: s.token });
      const now = Date.now() / 1000;
      await api(gitnsd.base, 'POST', '/users/me/totp/confirm', { token: s.token, body: { code: totp(enrol.secret, now) } });
      const ctx3 = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const tp = await ctx3.newPage();
      tp.setDefaultTimeout(15000);
      watchConsole(tp, problems);
      await tp.goto(`${gitnsd.base}/`);
      await tp.getByLabel('User name').fill('ops1');
      await tp.getByLabel('Password').fill(pw);
      await tp.getByTestId('login-submit').click();
      await tp.getByLabel('Authenticator code').waitFor();
      await shot(tp, '12-login-totp');
      // Each step's code is accepted once: the next step's code (within the ±1 window).
      await tp.getByLabel('Authenticator code').fill(totp(enrol.secret, now + 30));
      await tp.getByTestId('login-submit').click();
      await tp.getByTestId('current-role').filter({ hasText: 'operator' }).waitFor();
      expect(await tp.getByTestId('nav-admin').count() === 1, 'an operator sees the Admin link');
      await ctx3.close();
    });

    // Last of the admin steps: afterwards the source follows a broken HEAD again.
    await step('rollback to the first revision suspends the source, resume follows git again', async () => {
      await page.goto(`${gitnsd.base}/ui/#/admin`);
      await page.getByTestId('rollback-revision').selectOption(first);
      await page.getByTestId('rollback-start').click();
      await page.getByTestId('rollback-confirm').click();
      await page.getByTestId('rollback-result').filter({ hasText: 'Now serving' }).waitFor();
      await page.getByTestId('nav-overview').click();
      const banner = page.getByTestId('source-suspended');
      await banner.waitFor();
      const text = await banner.textContent();
      expect(text.includes(first.slice(0, 10)), `the banner must name the rolled-back revision: ${text}`);
      await shot(page, '13-overview-rolled-back');
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('suspend-target').selectOption('');
      await page.getByTestId('resume').click();
      await page.getByTestId('suspend-result').filter({ hasText: 'Resumed' }).waitFor();
      await page.getByTestId('nav-overview').click();
      await waitFor('the suspended banner to go after resume', async () => {
        await page.getByTestId('overview-refresh').click();
        await sleep(300);
        return (await page.getByTestId('source-suspended').count()) === 0;
      }, 20000);
    });

    await step('an ended session sends the page back to the login form', async () => {
      await page.evaluate(() => sessionStorage.setItem('gitns.token', 'gns_s_not-a-valid-token'));
      await page.goto(`${gitnsd.base}/ui/#/zones`);
      await page.getByTestId('login-form').waitFor();
      expect(page.url().includes('#/login'), `expected the login page after a 401, at ${page.url()}`);
    });

    // The deliberate 401s above (wrong password, TOTP asked for, dead token) show as
    // "Failed to load resource"; anything else (a CSP violation, a script error, another
    // failed request) fails the test.
    const unexpected = problems.filter((p) => !/status of 401/.test(p));
    expect(unexpected.length === 0, `the browser reported problems:\n${unexpected.join('\n')}`);
    console.log(`PASS: ${steps.length} steps; screenshots in ${args.artifacts}`);
  } catch (e) {
    if (page) {
      try { console.log(`screenshot of the failure: ${await shot(page, 'failure')}`); } catch { /* page gone */ }
    }
    console.error(`FAIL${e.step ? ` in "${e.step}"` : ''}: ${e.message}`);
    if (problems.length) console.error(`browser console:\n${problems.join('\n')}`);
    console.error(`--- end of gitnsd's log (${gitnsd.logPath}) ---\n${gitnsd.logTail()}`);
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await gitnsd.stop();
    // A sanitizer build of gitnsd reports into its log (leaks at exit too): that fails.
    const report = /(==\d+==ERROR: \w+Sanitizer.*|.*runtime error:.*)/.exec(gitnsd.logTail(1 << 24));
    if (report) {
      console.error(`FAIL: gitnsd's log holds a sanitizer report: ${report[0]}`);
      process.exitCode = 1;
    }
    try { fs.copyFileSync(gitnsd.logPath, path.join(args.artifacts, 'ui-gitnsd.log')); } catch { /* no log */ }
    if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

main().catch((e) => {
  console.error(`FAIL: ${e.message}`);
  process.exitCode = 1;
});
