// The dashboard in a real headless Chromium: sign in with an API key, see a
// pending approval created by a caller waiting on POST /v1/decide?wait=true,
// click Approve, and the waiting caller is released with allow. Also: the live
// feed, the chart, audit verification, policy errors after a rejected reload,
// hostile action text shown as text, and a wrong key refused.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { server, auth } from '../server/helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const s = await server();
const profile = mkdtempSync(join(tmpdir(), 'aw-chromium-'));
let ctx: BrowserContext;
let page: Page;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await ctx?.close();
  await s.close();
  rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

const post = async (path: string, body: unknown, token: string) => {
  const r = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(token) }, body: JSON.stringify(body) });
  return (await r.json()) as Record<string, any>;
};

test('a wrong key is refused at sign-in; an agent key cannot sign in', async () => {
  await page.goto(`${s.url}/dashboard`);
  assert.match(page.url(), /\/dashboard\/login$/);
  for (const key of ['aw_nope', s.keys.agent]) {
    await page.fill('#key', key);
    await page.click('#login');
    await page.waitForSelector('#login-error');
    assert.match(page.url(), /error=key/);
  }
});

test('sign in, click Approve on a pending action, and the waiting caller gets allow', async () => {
  await page.goto(`${s.url}/dashboard/login`);
  await page.fill('#key', s.keys.approver);
  await page.click('#login');
  await page.waitForURL(`${s.url}/dashboard`);
  const cookies = await ctx.cookies();
  const c = cookies.find((x) => x.name === 'aw_session');
  assert.ok(c, 'a session cookie is set');
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, 'Strict');

  await page.goto(`${s.url}/dashboard/approvals`);
  const waiting = post('/v1/decide?wait=true', { kind: 'tool', tool: 'trade', args: { amount: 250_000 }, principal: { id: 'trader-bot' }, session: 'ui-1' }, s.keys.agent);
  let settled = false;
  void waiting.then(() => (settled = true));
  const row = page.locator('tr[data-approval]', { hasText: 'trader-bot' });
  await row.waitFor();
  const id = await row.getAttribute('data-approval');
  assert.ok(id);
  assert.equal(settled, false, 'the caller waits while the approval is pending');
  await page.click(`button[data-action="approve"][data-id="${id}"]`);
  const d = await waiting;
  assert.equal(d.effect, 'allow');
  assert.ok(d.reasons.some((r: string) => r.includes('approved by alice')), d.reasons.join('; '));
  await page.locator('#resolved-rows tr[data-approval]', { hasText: 'trader-bot' }).waitFor();
  await page.waitForFunction(() => document.getElementById('msg')?.textContent?.includes('approved by alice'));
});

test('deny from the dashboard releases the caller with deny', async () => {
  await page.goto(`${s.url}/dashboard/approvals`);
  const waiting = post('/v1/decide?wait=true', { kind: 'tool', tool: 'trade', args: { amount: 400_000 }, principal: { id: 'deny-bot' } }, s.keys.agent);
  const row = page.locator('#pending-rows tr[data-approval]', { hasText: 'deny-bot' });
  await row.waitFor();
  const id = await row.getAttribute('data-approval');
  await page.click(`button[data-action="deny"][data-id="${id}"]`);
  assert.equal((await waiting).effect, 'deny');
});

test('the live feed shows decisions as they happen, hostile text as text, and the chart loads', async () => {
  let dialogs = 0;
  page.on('dialog', (dlg) => {
    dialogs++;
    void dlg.dismiss();
  });
  await page.goto(`${s.url}/dashboard`);
  await page.waitForSelector('#feed');
  await post('/v1/decide', { kind: 'tool', tool: 'read_file', args: { path: '/etc/<img src=x onerror=alert(1)>' }, principal: { id: 'feed-agent' } }, s.keys.agent);
  const row = page.locator('#feed tr', { hasText: 'feed-agent' });
  await row.waitFor();
  assert.match(await row.innerText(), /deny/i);
  assert.match(await row.innerText(), /<img src=x onerror=alert\(1\)>/, 'markup in an action is shown as text');
  assert.equal(await page.locator('#feed img').count(), 0);
  const ok = await page.evaluate(async () => {
    const img = document.getElementById('chart') as HTMLImageElement;
    if (!img.complete) await new Promise((r) => img.addEventListener('load', r, { once: true }));
    return img.naturalWidth > 0;
  });
  assert.ok(ok, 'the chart SVG rendered');
  assert.equal(dialogs, 0);
});

test('audit search shows records and the verification status', async () => {
  await page.goto(`${s.url}/dashboard/audit?effect=deny`);
  assert.equal(await page.locator('#verify-status').innerText(), 'intact');
  assert.ok((await page.locator('tbody tr').count()) > 0);
  assert.match(await page.locator('tbody').innerText(), /no-etc/);
});

test('the policy page shows the rules and the problems of a rejected reload', async () => {
  const bad = await fetch(`${s.url}/v1/policy/reload`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(s.keys.admin) }, body: JSON.stringify({ text: 'version: 1\nrules:\n  - id: x\n    effect: maybe\n' }) });
  assert.equal(bad.status, 422);
  await page.goto(`${s.url}/dashboard/policy`);
  assert.match(await page.locator('body').innerText(), /big-trades/);
  assert.match(await page.locator('#policy-errors').innerText(), /:4:\d+/);
  await page.fill('#text', 'version: 1\ndefault: deny\nrules: []\n');
  await page.click('#validate');
  await page.waitForFunction(() => document.getElementById('result')?.textContent?.startsWith('valid'));
  assert.equal(await page.locator('#reload').count(), 0, 'approvers see no reload button');
});
