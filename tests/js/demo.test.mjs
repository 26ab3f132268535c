// `npm start`'s demonstration runs against its flaky server and reports every attempt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

test('the demonstration retries each failure mode and reports the outcome', () => {
  const demo = new URL('../../demo/demo.mjs', import.meta.url).pathname;
  const out = execFileSync(process.execPath, [demo], { encoding: 'utf8', timeout: 60_000 });
  assert.match(out, /job 2 {2}attempt 1 {2}HttpError: 503 Service Unavailable +-> retry in +\d+ ms/);
  assert.match(out, /job 3 {2}attempt 1 {2}network error \(/);
  assert.match(out, /job 4 {2}attempt 1 {2}TimeoutError: Attempt 1 timed out after 500 ms/);
  assert.match(out, /job 4 {2}succeeded after 3 attempt\(s\)/);
  assert.match(out, /job 5 {2}gave up: Gave up after 3 attempts \(maxAttempts reached\)/);
  assert.match(out, /job 6 {2}not retried: HttpError: 404 Not Found is in abortOn/);
  assert.match(out, /^4 of 6 jobs succeeded\.$/m);
});
