// Tests that users write with fake timers drive jitterbug's retries: @sinonjs/fake-timers
// installed after the import, Jest's modern timers and Vitest's, each the way its users
// write it (the async tick variants: a retry awaits promises between its timers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { RetryExhaustedError, retry } from 'jitterbug';

const root = new URL('../../', import.meta.url).pathname;

test('@sinonjs/fake-timers: each retry waits exactly its delay; 0 ms waits and the deadline follow the fake clock', async () => {
  const clock = FakeTimers.install();
  try {
    let calls = 0;
    const call = retry(async () => { calls += 1; if (calls < 3) throw new Error('down'); return 'ok'; },
      { initialDelay: 1000, jitter: 'none' });
    await clock.tickAsync(999);
    assert.equal(calls, 1, 'the second attempt started before its 1000 ms');
    await clock.tickAsync(1);
    assert.equal(calls, 2);
    await clock.tickAsync(2000);
    assert.equal(await call, 'ok');
    assert.equal(calls, 3);
    // A 0 ms wait takes an immediate, which the fake clock runs too.
    let zero = 0;
    const immediate = retry(async () => { zero += 1; if (zero < 3) throw new Error('x'); return 'ok'; }, { initialDelay: 0, maxDelay: 0 });
    await clock.runAllAsync();
    assert.equal(await immediate, 'ok');
    assert.equal(zero, 3);
    // The deadline aborts an attempt in flight when the fake clock reaches it.
    const stuck = retry(() => new Promise(() => {}), { maxElapsed: 5000 }).catch((e) => e);
    await clock.tickAsync(5000);
    const error = await stuck;
    assert.ok(error instanceof RetryExhaustedError);
    assert.equal(error.reason, 'deadline');
  } finally {
    clock.uninstall();
  }
});

/** Writes `files` to a fresh directory under target/ and runs `command` there; its output. */
function runIn(files, command, args) {
  mkdirSync(join(root, 'target'), { recursive: true });
  const dir = mkdtempSync(join(root, 'target', 'fake-timers-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return execFileSync(join(root, 'node_modules/.bin', command), [...args, dir], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`${command} failed:\n${error.stdout}\n${error.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The same test, as each runner's users write it: `timers` is `jest` or `vi`.
const scenario = (timers) => `
test('a retried call follows the fake clock', async () => {
  ${timers}.useFakeTimers();
  let calls = 0;
  const call = retry(async () => { calls += 1; if (calls < 3) throw new Error('down'); return 'ok'; }, { initialDelay: 1000, jitter: 'none' });
  await ${timers}.advanceTimersByTimeAsync(999);
  expect(calls).toBe(1);
  await ${timers}.advanceTimersByTimeAsync(1);
  expect(calls).toBe(2);
  await ${timers}.advanceTimersByTimeAsync(2000);
  await expect(call).resolves.toBe('ok');
  const stuck = retry(() => new Promise(() => {}), { maxElapsed: 5000 }).catch((e) => e);
  await ${timers}.advanceTimersByTimeAsync(5000);
  expect((await stuck).reason).toBe('deadline');
  ${timers}.useRealTimers();
});
`;

test('Jest\'s modern fake timers drive the retries (jest.advanceTimersByTimeAsync)', () => {
  runIn({ 'retry.test.js': `const { retry } = require('jitterbug');\n${scenario('jest')}` }, 'jest', ['--ci', '--rootDir']);
});

test('Vitest\'s fake timers drive the retries (vi.advanceTimersByTimeAsync)', () => {
  const output = runIn({ 'retry.test.mjs': `import { expect, test, vi } from 'vitest';\nimport { retry } from 'jitterbug';\n${scenario('vi')}` },
    'vitest', ['run', '--reporter=verbose', '--root']);
  assert.match(output, /a retried call follows the fake clock/);
});
