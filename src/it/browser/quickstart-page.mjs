// Drives the quickstart's live page in headless Chromium (run by QuickstartPageIT; usable by hand too):
//   node src/it/browser/quickstart-page.mjs http://localhost:8080/ target/quickstart-page.png
// Exits 0 and prints one "page-check ok {...}" line with the timings, or exits 1 saying which check failed.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot] = process.argv.slice(2);
if (!url) {
  console.error('usage: node quickstart-page.mjs PAGE_URL [SCREENSHOT.png]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const ROWS = '#rows tr[data-id]';
const results = {};

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const seq = (id) => Number(/-(\d+)$/.exec(id)?.[1]);

const profile = mkdtempSync(join(tmpdir(), 'quickstart-page-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1360, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
    '--disable-component-update', '--disable-sync'],
});
const errors = [];
const outside = [];
try {
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console error: ' + m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(new URL(url).origin) && !r.url().startsWith('data:')) outside.push(r.url()); });

  // 1. Rows appear within seconds of the page opening.
  const opened = Date.now();
  await page.goto(url);
  await page.waitForSelector(ROWS, { timeout: 10_000 });
  results.firstRowMs = Date.now() - opened;
  check(results.firstRowMs < 5000, `first row after ${results.firstRowMs} ms`);

  // Live notifications keep arriving from Redis.
  await page.waitForFunction(() => document.querySelectorAll('#rows tr[data-via="redis"]').length >= 5,
    null, { timeout: 15_000 });
  await page.waitForFunction(() => parseFloat(document.querySelector('#rate').textContent) > 0, null, { timeout: 5000 });
  results.rate = await page.textContent('#rate');
  results.busiestBars = await page.locator('#busiest rect').count();
  check(results.busiestBars >= 3, `busiest channels drawn with ${results.busiestBars} bars`);

  // 2. A click shows the event whose id matches the row, fetched from Kafka.
  await page.hover('.list'); // the list holds new rows while the pointer is on it, as a person's click needs
  const id = await page.locator('#rows tr[data-via="redis"]').nth(2).getAttribute('data-id');
  const clicked = Date.now();
  await page.click(`#rows tr[data-id="${id}"]`);
  await page.waitForSelector(`#event[data-id="${id}"]`, { timeout: 5000 });
  results.clickToEventMs = Date.now() - clicked;
  results.eventFetchMs = Number(/fetched in (\d+) ms/.exec(await page.textContent('#event-meta'))?.[1]);
  const event = JSON.parse(await page.textContent('#event'));
  const notification = JSON.parse(await page.textContent('#notification'));
  check(event.id === id && notification.id === id, `clicked ${id}, shown ${notification.id} and event ${event.id}`);
  check(event.payload !== undefined && event.actor !== undefined, 'the full event carries its payload and actor');
  await page.mouse.move(5, 5);

  // 3. A reload mid-stream shows recent rows at once, then live rows keep coming, with no gap and no duplicate.
  const reloaded = Date.now();
  await page.reload();
  const first = await page.waitForFunction(() => {
    const rows = document.querySelectorAll('#rows tr[data-id]');
    return rows.length > 0 && [...rows].map((r) => ({ id: r.dataset.id, via: r.dataset.via }));
  }, null, { timeout: 10_000, polling: 'raf' });
  results.reloadToRowsMs = Date.now() - reloaded;
  const recent = await first.jsonValue();
  results.rowsAtOnceAfterReload = recent.length;
  check(recent.length >= 20, `only ${recent.length} rows right after the reload`);
  check(recent.filter((r) => r.via === 'kafka').length >= 20, 'the rows right after the reload are the recent events from Kafka');
  const lastRecent = Math.max(...recent.filter((r) => r.via === 'kafka').map((r) => seq(r.id)));
  await page.waitForFunction((after) => [...document.querySelectorAll('#rows tr[data-via="redis"]')]
    .filter((r) => Number(/-(\d+)$/.exec(r.dataset.id)[1]) > after).length >= 10, lastRecent, { timeout: 15_000 });
  const ids = await page.$$eval(ROWS, (rows) => rows.map((r) => r.dataset.id));
  results.rowsAfterReload = ids.length;
  check(new Set(ids).size === ids.length, 'a notification shows twice');
  const seqs = new Set(ids.map(seq));
  const newest = Math.max(...seqs);
  const missing = [];
  for (let n = lastRecent - 15; n <= newest; n++) if (!seqs.has(n)) missing.push(n);
  check(missing.length === 0, `gap where the recent events meet the live ones (after evt-${lastRecent}): missing ${missing}`);
  results.seamChecked = `evt-${lastRecent - 15}..evt-${newest}`;

  // 4. Watching a pattern: the gateway PSUBSCRIBEs it, and every row is on a matching channel.
  await page.fill('#watch', 'events:repo:*');
  await page.press('#watch', 'Enter');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#rows tr[data-id]')];
    return rows.length >= 5 && document.querySelector('#status').textContent.includes('PSUBSCRIBE events:repo:*');
  }, null, { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelectorAll('#rows tr[data-via="redis"]').length >= 3, null, { timeout: 15_000 });
  const channels = await page.$$eval(ROWS, (rows) => rows.map((r) => r.dataset.channel));
  check(channels.every((c) => c.startsWith('events:repo:')), `rows off the pattern: ${channels.filter((c) => !c.startsWith('events:repo:'))}`);
  check(page.url().includes('#watch=events%3Arepo%3A*'), `the watch is kept in the address: ${page.url()}`);
  results.patternRows = channels.length;

  if (screenshot) {
    // A fresh page left open a while (PAGE_SETTLE_SECONDS, default 3), one notification clicked.
    const shot = await context.newPage();
    shot.on('pageerror', (e) => errors.push('page error: ' + e.message));
    await shot.goto(url);
    await shot.waitForTimeout(1000 * Number(process.env.PAGE_SETTLE_SECONDS || 3));
    await shot.hover('.list');
    const shown = await shot.locator('#rows tr[data-via="redis"]').nth(2).getAttribute('data-id');
    await shot.click(`#rows tr[data-id="${shown}"]`);
    await shot.waitForSelector(`#event[data-id="${shown}"]`, { timeout: 5000 });
    await shot.evaluate(() => window.scrollTo(0, 0)); // the pointer stays on the list: the clicked row stays in view
    await shot.waitForTimeout(1200); // the age column and the charts tick once more
    await shot.screenshot({ path: screenshot });
  }

  // 5. No script errors, nothing loaded from elsewhere.
  check(errors.length === 0, errors.join('; '));
  check(outside.length === 0, `requests outside the gateway: ${outside}`);
  console.log('page-check ok ' + JSON.stringify(results));
} catch (e) {
  console.error('page-check FAILED: ' + e.message + (errors.length ? ' (page errors: ' + errors.join('; ') + ')' : ''));
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
