// The playground page (www/) in headless Chromium, served by `npm start`'s own server with its
// flaky API: edit a policy, watch the plot change, run a live retry, abort one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer } from '../../demo/server.mjs';

const artifacts = new URL('../../test-artifacts/', import.meta.url).pathname;
let server;
let browser;
let page;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startServer({ port: 0 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
  page.on('pageerror', (error) => { throw error; });
  await page.goto(server.url);
  await page.waitForFunction(() => window.playgroundReady === true, null, { timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const bands = () => page.$$eval('#chart rect.band', (rects) => rects.length);
const tableRows = () => page.$$eval('#delays tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));

test('the first run, as the page opens, succeeds under the default policy', async () => {
  await page.click('#run');
  await page.waitForFunction(() => /^(Succeeded|Gave up)/.test(document.querySelector('#outcome').textContent), null, { timeout: 20_000 });
  assert.match(await page.textContent('#outcome'), /^Succeeded: 200 OK after 2 attempts/);
});

test('the editor starts from the defaults and the plot shows one band per retry', async () => {
  assert.equal(await page.inputValue('input[name=maxAttempts]'), '3');
  assert.equal(await page.inputValue('select[name=jitter]'), 'full');
  assert.equal(await bands(), 2);
  assert.deepEqual((await tableRows()).map((r) => r[0]), ['1', '2']);
});

test('editing the policy redraws the plot; a preset fills the form', async () => {
  await page.fill('input[name=maxAttempts]', '6');
  await page.selectOption('select[name=jitter]', 'none');
  assert.equal(await bands(), 5);
  // Without jitter every seed draws the same delays: 100, 200, 400, 800, 1600 ms.
  assert.deepEqual((await tableRows()).map((r) => r[2]), ['100 ms', '200 ms', '400 ms', '800 ms', '1600 ms']);
  assert.deepEqual((await tableRows()).map((r) => r[5]), ['100 ms', '300 ms', '700 ms', '1500 ms', '3100 ms']);
  await page.selectOption('#preset', 'aggressive');
  assert.equal(await page.inputValue('input[name=maxAttempts]'), '5');
  assert.equal(await page.inputValue('input[name=multiplier]'), '1.5');
  // The retry standard's fleet settings travel with the preset, into the JSON too.
  assert.equal(await page.inputValue('input[name=slotWidth]'), '50');
  assert.equal(await page.inputValue('input[name=slotCount]'), '20');
  assert.match(await page.textContent('#policy-json'), /"idempotencyTtl": 1800000/);
  assert.equal(await bands(), 4);
});

test('a list of delays replaces the formula; longRetryAfter travels into the JSON', async () => {
  await page.selectOption('#preset', '');
  await page.fill('input[name=maxAttempts]', '5');
  await page.selectOption('select[name=jitter]', 'none');
  await page.fill('input[data-delays]', '50, 300, 900');
  assert.deepEqual((await tableRows()).map((r) => r[2]), ['50 ms', '300 ms', '900 ms', '900 ms']);
  assert.match(await page.textContent('#policy-json'), /"backoff": \[\s*50,\s*300,\s*900\s*\]/);
  await page.selectOption('select[name=longRetryAfter]', 'cap');
  assert.match(await page.textContent('#policy-json'), /"longRetryAfter": "cap"/);
  await page.fill('input[data-delays]', '50, 20000');
  assert.equal(await page.textContent('#policy-error'), 'RangeError: `backoff` must be a non-empty list of delays, each from 0 to `maxDelay`, got 20000');
  await page.fill('input[data-delays]', '');
  await page.selectOption('select[name=longRetryAfter]', 'stop');
  assert.deepEqual((await tableRows()).map((r) => r[2]), ['100 ms', '200 ms', '400 ms', '800 ms']);
});

test('a bad value shows the engine\'s own error and keeps the last good plot', async () => {
  await page.fill('input[name=maxAttempts]', '0');
  assert.equal(await page.textContent('#policy-error'), 'RangeError: `maxAttempts` must be an integer from 1 to 4294967295, got 0');
  // The field at fault is marked where it is.
  assert.equal(await page.getAttribute('input[name=maxAttempts]', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('input[name=maxDelay]', 'aria-invalid'), null);
  assert.equal(await page.isVisible('#policy-error'), true);
  assert.equal(await bands(), 4);
  await page.fill('input[name=maxAttempts]', '5');
  await page.fill('input[name=maxDelay]', '10');
  assert.match(await page.textContent('#policy-error'), /`initialDelay` must be|`maxDelay` must be a number of ms from `initialDelay`/);
  await page.fill('input[name=maxDelay]', '5000');
  assert.equal(await page.isVisible('#policy-error'), false);
});

/** Runs `scenario` in the live panel under the default policy with `fields` set; waits for its outcome. */
async function runScenario(scenario, fields) {
  await page.selectOption('#preset', '');
  for (const [name, value] of Object.entries(fields)) await page.fill(`input[name=${name}]`, value);
  await page.selectOption('#scenario', scenario);
  await page.click('#run');
  await page.waitForFunction(() => /^(Succeeded|Gave up)/.test(document.querySelector('#outcome').textContent), null, { timeout: 20_000 });
}

test('the live panel retries the flaky API and lists each attempt as it happens', async () => {
  await runScenario('mixed', { maxAttempts: '5', initialDelay: '20' });
  assert.match(await page.textContent('#outcome'), /^Succeeded/);
  const attempts = await page.$$eval('#attempts li', (items) => items.map((li) => li.textContent));
  assert.equal(attempts.length, 4);
  assert.match(attempts[0], /^attempt 1: 503 Service Unavailable · Retry-After: 1 · at \d+(?:\.\d)? ms → retry in \d+(?:\.\d)? ms$/);
  assert.match(attempts[1], /^attempt 2: 500 Internal Server Error · at \d+(?:\.\d)? ms → retry in [\d.]+ ms$/);
  assert.match(attempts[2], /^attempt 3: 429 Too Many Requests · Retry-After: 1 · at \d+(?:\.\d)? ms → retry in \d+(?:\.\d)? ms$/);
  assert.match(attempts[3], /^attempt 4: 200 OK · at \d+(?:\.\d)? ms$/);
  // Retry-After: 1 was honoured: the waits after attempts 1 and 3 are at least 1000 ms.
  for (const i of [0, 2]) assert.ok(Number(/retry in (\d+)/.exec(attempts[i])[1]) >= 1000, attempts[i]);
  assert.match(await page.textContent('#outcome'), /^Succeeded: 200 OK after 4 attempts in \d+(?:\.\d)? ms$/);
  // The same run, as its event stream told it (onEvent), in order.
  const events = await page.$$eval('#events li', (items) => items.map((li) => li.textContent));
  const number = '\\d+(?:\\.\\d)?';
  const expected = [
    `^attempt 1 failure after ${number} ms$`, `^retry 1 scheduled in ${number} ms \\(other error, 4 left\\)$`,
    `^attempt 2 failure after ${number} ms$`, `^retry 2 scheduled in ${number} ms \\(other error, 3 left\\)$`,
    `^attempt 3 failure after ${number} ms$`, `^retry 3 scheduled in ${number} ms \\(other error, 2 left\\)$`,
    `^attempt 4 success after ${number} ms$`, `^success after 4 attempts, ${number} ms$`,
  ];
  assert.equal(events.length, expected.length, events.join('\n'));
  events.forEach((line, i) => assert.match(line, new RegExp(expected[i])));
  await page.screenshot({ path: `${artifacts}playground.png`, fullPage: true });
});

test('retryOn, abortOn and retryOnStatus are edited as lists', async () => {
  await page.fill('input[name=abortOn]', 'HTTP_404, ValidationError');
  assert.match(await page.textContent('#policy-json'), /"abortOn": \[\s*"HTTP_404",\s*"ValidationError"\s*\]/);
  await page.fill('input[name=abortOn]', '');
  // A status list the engine refuses is reported by the live panel instead of being sent.
  await page.fill('#retry-on-status', '503, 700');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#outcome').textContent.startsWith('TypeError'), null, { timeout: 5_000 });
  assert.match(await page.textContent('#outcome'), /^TypeError: `retryOnStatus` must be an array of HTTP statuses \(integers from 100 to 599\), got \[503, 700\]/);
  await page.fill('#retry-on-status', '');
});

test('Retry-After past the cap: the panel gives up at once with the 503', async () => {
  await page.selectOption('#scenario', 'retry-after-too-long');
  await page.click('#run');
  await page.waitForFunction(() => /^(Succeeded|Gave up)/.test(document.querySelector('#outcome').textContent), null, { timeout: 10_000 });
  assert.match(await page.textContent('#outcome'), /^Gave up \(the server asked to wait longer than maxRetryAfter\): 503 Service Unavailable after 1 attempt in \d+(?:\.\d)? ms$/);
});

test('Abort stops a retry in the middle of its sleep', async () => {
  await page.fill('input[name=initialDelay]', '5000');
  await page.fill('input[name=maxDelay]', '5000');
  await page.selectOption('select[name=jitter]', 'none');
  await page.selectOption('#scenario', 'down');
  await page.click('#run');
  await page.waitForFunction(() => /retry in/.test(document.querySelector('#attempts li')?.textContent ?? ''), null, { timeout: 10_000 });
  const clickedAt = Date.now();
  await page.click('#abort');
  await page.waitForFunction(() => document.querySelector('#outcome').textContent.startsWith('AbortError'), null, { timeout: 2_000 });
  assert.ok(Date.now() - clickedAt < 1000, 'the abort did not stop the 5 s sleep');
  assert.match(await page.textContent('#outcome'), /^AbortError: Aborted by the user \(after 1 attempt, \d+(?:\.\d)? ms\)$/);
  assert.equal(await page.$$eval('#attempts li', (items) => items.length), 1);
  await page.screenshot({ path: `${artifacts}playground-aborted.png`, fullPage: true });
});

test('a run that gives up says why', async () => {
  await runScenario('down', { maxAttempts: '2', initialDelay: '10' });
  assert.match(await page.textContent('#outcome'), /^Gave up \(maxAttempts reached\): 503 Service Unavailable after 2 attempts in/);
  assert.equal(await page.getAttribute('input[name=maxAttempts]', 'aria-invalid'), null, 'a fixed field is unmarked');
});

test('the plot honours the seed field and says when it shows only the first retries', async () => {
  await page.selectOption('#preset', '');
  await page.fill('input[name=maxAttempts]', '4');
  await page.fill('input[name=seed]', '42');
  assert.match(await page.textContent('#plot .note'), /^Seed 42: one schedule/);
  // With a seed every draw is the same: p5, median and p95 agree.
  for (const row of await tableRows()) assert.ok(row[1] === row[2] && row[2] === row[3], row.join(' '));
  await page.fill('input[name=seed]', '');
  await page.fill('input[name=maxAttempts]', '1000');
  assert.match(await page.textContent('#plot .note'), /The first 12 of 999 retries are shown/);
  assert.equal(await bands(), 12);
  await page.fill('input[name=maxAttempts]', '3');
});

test('the first view fits a desktop and a 390 px phone (screenshots in test-artifacts/)', async () => {
  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const view = await browser.newPage({ viewport });
    await view.goto(server.url);
    await view.waitForFunction(() => window.playgroundReady === true, null, { timeout: 20_000 });
    const overflow = await view.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `${name}: the page is ${overflow} px wider than the screen`);
    await view.screenshot({ path: `${artifacts}first-view-${name}.png`, fullPage: true });
    await view.close();
  }
});

test('the chart\'s labels stay inside it, however long the waits', async () => {
  await page.selectOption('#preset', '');
  await page.fill('input[name=seed]', '');
  await page.fill('input[name=maxAttempts]', '12');
  await page.fill('input[name=initialDelay]', '1000');
  await page.fill('input[name=maxDelay]', '300000');
  const outside = await page.$$eval('#chart text', (texts) => texts.map((t) => [t.textContent, t.getBBox()])
    .filter(([, box]) => box.x < 0 || box.x + box.width > 640).map(([text]) => text));
  assert.deepEqual(outside, []);
  assert.match(await page.textContent('#chart'), /min/, 'long waits are written in minutes');
  await page.fill('input[name=maxAttempts]', '3');
  await page.fill('input[name=initialDelay]', '100');
  await page.fill('input[name=maxDelay]', '10000');
});
