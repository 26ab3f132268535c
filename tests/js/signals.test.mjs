// The AbortSignal an attempt receives, and aborts at every point of a call. Against the built
// package, with real timers and a real HTTP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Policy, RetryBudget, retry, retryFetch } from 'jitterbug';

const fast = { initialDelay: 1, maxDelay: 1, jitter: 'none' };

test('without a caller signal, each call gets a signal of its own that never aborts', async () => {
  const seen = [];
  const policy = new Policy({ ...fast, maxAttempts: 2 });
  const record = ({ signal }) => { seen.push(signal); return 1; };
  await Promise.all([retry(record), retry(record, { maxAttempts: 2 }), policy.execute(record), retry(record, { budget: new RetryBudget() })]);
  assert.equal(new Set(seen).size, 4);
  for (const signal of seen) {
    assert.ok(signal instanceof AbortSignal);
    assert.equal(signal.aborted, false);
  }
  // Retries too: every attempt's signal is its own.
  const attempts = [];
  await retry(({ signal }) => { attempts.push(signal); if (attempts.length < 3) throw new Error('x'); }, fast);
  assert.equal(new Set(attempts).size, 3);
});

test('1,600 retryFetch calls in flight without a signal raise no MaxListenersExceededWarning', async () => {
  const server = createServer((req, res) => setTimeout(() => { res.writeHead(200); res.end('ok'); }, 50));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const warnings = [];
  const onWarning = (w) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    const url = `http://127.0.0.1:${server.address().port}/`;
    const responses = await Promise.all(Array.from({ length: 1600 }, () => retryFetch(url)));
    assert.ok(responses.every((r) => r.status === 200));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(warnings.filter((name) => name === 'MaxListenersExceededWarning'), []);
  } finally {
    process.off('warning', onWarning);
    server.closeAllConnections();
    server.close();
  }
});

test('an abort while an async retryIf is pending ends the call at once', { timeout: 5000 }, async () => {
  const controller = new AbortController();
  let asked = 0;
  const call = retry(async () => { throw new Error('down'); }, {
    ...fast,
    signal: controller.signal,
    // Never settles: the call must not wait for it.
    retryIf: () => { asked += 1; return new Promise(() => {}); },
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(asked, 1);
  controller.abort(new Error('caller gave up'));
  await assert.rejects(call, { message: 'caller gave up' });
});

test('an abort during the wait gives the budget back the retry it paid for', async () => {
  const budget = new RetryBudget({ capacity: 100 });
  const controller = new AbortController();
  const call = retry(async () => { throw new Error('down'); }, {
    initialDelay: 10_000, jitter: 'none', signal: controller.signal, budget,
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(budget.tokens, 95, 'the retry is paid for when it is decided');
  controller.abort(new Error('stop'));
  await assert.rejects(call, { message: 'stop' });
  assert.equal(budget.tokens, 100);
});
