// retryFetch / createFetch against a real HTTP server on 127.0.0.1, counting what it saw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { RetryExhaustedError, HttpStatusError, createFetch, retryFetch } from 'jitterbug';

let server;
let base;
const seen = new Map(); // path → [{ method, body, at }]
const scripts = new Map(); // path → [step, …]; the last step repeats

const STEPS = {
  ok: (req, res, body) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(`ok ${body}`); },
  e503: (req, res) => { res.writeHead(503); res.end('busy'); },
  e500: (req, res) => { res.writeHead(500); res.end('oops'); },
  e404: (req, res) => { res.writeHead(404); res.end('missing'); },
  throttled1s: (req, res) => { res.writeHead(429, { 'retry-after': '1' }); res.end('slow down'); },
  busyUntilDate: (req, res) => { res.writeHead(503, { 'retry-after': new Date(Date.now() + 2000).toUTCString() }); res.end('busy'); },
  busyForAMinute: (req, res) => { res.writeHead(503, { 'retry-after': '120' }); res.end('busy'); },
  // Headers cut off half-way, then the connection is destroyed.
  reset: (req, res) => { req.socket.write('HTTP/1.1 200 OK\r\nContent-Le'); req.socket.destroy(); },
  slow: (req, res) => { const t = setTimeout(() => { res.writeHead(200); res.end('late'); }, 3000); res.on('close', () => clearTimeout(t)); },
};

before(async () => {
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const path = new URL(req.url, 'http://x').pathname;
      const log = seen.get(path) ?? [];
      log.push({ method: req.method, body, at: performance.now(), contentType: req.headers['content-type'],
        key: req.headers['idempotency-key'] });
      seen.set(path, log);
      const script = scripts.get(path) ?? ['ok'];
      STEPS[script[Math.min(log.length - 1, script.length - 1)]](req, res, body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => { server.closeAllConnections(); server.close(); });

let counter = 0;
/** A fresh path with a script of steps. */
function route(...steps) {
  const path = `/r${++counter}`;
  scripts.set(path, steps);
  return { url: base + path, requests: () => seen.get(path) ?? [] };
}

const fast = { initialDelay: 5, maxDelay: 20 };

test('503, 503, 200: resolves with the 200 after three requests', async () => {
  const r = route('e503', 'e503', 'ok');
  const response = await retryFetch(r.url, undefined, fast);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'ok ');
  assert.equal(r.requests().length, 3);
});

test('when the retries for a status run out, the last response is returned (fetch\'s contract)', async () => {
  const r = route('e500');
  const response = await retryFetch(r.url, undefined, { ...fast, maxAttempts: 3 });
  assert.equal(response.status, 500);
  assert.equal(await response.text(), 'oops');
  assert.equal(r.requests().length, 3);
});

test('a status not in retryOnStatus is returned at once', async () => {
  const r = route('e404');
  assert.equal((await retryFetch(r.url, undefined, fast)).status, 404);
  assert.equal(r.requests().length, 1);
  const custom = route('e404', 'ok');
  assert.equal((await retryFetch(custom.url, undefined, { ...fast, retryOnStatus: [404] })).status, 200);
  assert.equal(custom.requests().length, 2);
});

test('429 with Retry-After: 1 waits a second before the next request', async () => {
  const r = route('throttled1s', 'ok');
  const response = await retryFetch(r.url, undefined, { ...fast, maxDelay: 5000 });
  assert.equal(response.status, 200);
  const [first, second] = r.requests();
  assert.ok(second.at - first.at >= 990, `waited ${(second.at - first.at).toFixed(0)} ms`);
});

test('Retry-After as an HTTP-date is honoured', async () => {
  const r = route('busyUntilDate', 'ok');
  const response = await retryFetch(r.url, undefined, { ...fast, maxDelay: 5000 });
  assert.equal(response.status, 200);
  const [first, second] = r.requests();
  // The date has one-second resolution: the wait is between 1 and 2 seconds.
  const waited = second.at - first.at;
  assert.ok(waited >= 990 && waited <= 2500, `waited ${waited.toFixed(0)} ms`);
});

test('a Retry-After past the cap stops at once with that response, never a longer sleep', async () => {
  const r = route('busyForAMinute', 'ok');
  const started = performance.now();
  const response = await retryFetch(r.url, undefined, { ...fast, maxDelay: 10_000 });
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('retry-after'), '120');
  assert.equal(r.requests().length, 1);
  assert.ok(performance.now() - started < 1000);
  // The cap is maxDelay by default; maxRetryAfter raises it. Retry-After: 1 with maxDelay 500:
  const capped = route('throttled1s', 'ok');
  assert.equal((await retryFetch(capped.url, undefined, { ...fast, maxDelay: 500 })).status, 429);
  assert.equal(capped.requests().length, 1);
  const raised = route('throttled1s', 'ok');
  assert.equal((await retryFetch(raised.url, undefined, { ...fast, maxDelay: 500, maxRetryAfter: 2000 })).status, 200);
  const [first, second] = raised.requests();
  assert.ok(second.at - first.at >= 990, `waited ${(second.at - first.at).toFixed(0)} ms`);
});

test('a Retry-After that would end past maxElapsed stops instead of sleeping', async () => {
  const r = route('throttled1s', 'ok');
  const response = await retryFetch(r.url, undefined, { ...fast, maxDelay: 5000, maxElapsed: 500 });
  assert.equal(response.status, 429);
  assert.equal(r.requests().length, 1);
});

test('a connection reset mid-response is a retryable network error', async () => {
  const r = route('reset', 'ok');
  const response = await retryFetch(r.url, undefined, fast);
  assert.equal(response.status, 200);
  assert.equal(r.requests().length, 2);
  // Resets every time: exhaustion rejects with RetryExhaustedError whose cause is fetch's TypeError.
  const always = route('reset');
  const error = await retryFetch(always.url, undefined, { ...fast, maxAttempts: 2 }).catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError);
  assert.equal(error.cause.name, 'TypeError');
  assert.equal(always.requests().length, 2);
});

test('a response slower than attemptTimeout is abandoned and retried', async () => {
  const r = route('slow', 'ok');
  const started = performance.now();
  const response = await retryFetch(r.url, undefined, { ...fast, attemptTimeout: 200 });
  assert.equal(response.status, 200);
  assert.equal(r.requests().length, 2);
  assert.ok(performance.now() - started < 2500, 'waited for the slow response');
});

test('POST is not retried without an Idempotency-Key, and is with one (body replayed)', async () => {
  const plain = route('e503', 'ok');
  const response = await retryFetch(plain.url, { method: 'POST', body: 'order=1' }, fast);
  assert.equal(response.status, 503);
  assert.equal(plain.requests().length, 1);
  const keyed = route('e503', 'e503', 'ok');
  const ok = await retryFetch(keyed.url, { method: 'POST', body: 'order=1', headers: { 'Idempotency-Key': 'k-1' } }, fast);
  assert.equal(await ok.text(), 'ok order=1');
  assert.deepEqual(keyed.requests().map((r) => [r.method, r.body]), [['POST', 'order=1'], ['POST', 'order=1'], ['POST', 'order=1']]);
  // A network error on a POST without a key propagates unchanged, after one request.
  const reset = route('reset');
  await assert.rejects(retryFetch(reset.url, { method: 'POST', body: 'x' }, fast), { name: 'TypeError' });
  assert.equal(reset.requests().length, 1);
  // retryMethods overrides the default list.
  const allowed = route('e503', 'ok');
  assert.equal((await retryFetch(allowed.url, { method: 'POST', body: 'x' }, { ...fast, retryMethods: ['POST'] })).status, 200);
});

test('every replayable body type is sent again on each attempt', async () => {
  const form = new FormData();
  form.set('a', '1');
  const bodies = {
    string: 'plain text',
    arrayBuffer: new TextEncoder().encode('bytes').buffer,
    typedArray: new TextEncoder().encode('view'),
    blob: new Blob(['blob body'], { type: 'text/plain' }),
    urlSearchParams: new URLSearchParams({ q: 'search' }),
    formData: form,
  };
  for (const [kind, body] of Object.entries(bodies)) {
    const r = route('e503', 'ok');
    const response = await retryFetch(r.url, { method: 'PUT', body }, fast);
    assert.equal(response.status, 200, kind);
    const [first, second] = r.requests();
    assert.ok(first.body.length > 0, kind);
    // Multipart boundaries are drawn afresh for each request; the parts must be the same.
    const parts = (text) => text.replace(/-+formdata-[\w-]+/g, '--boundary');
    assert.equal(parts(second.body), parts(first.body), kind);
    if (kind === 'formData') assert.match(first.body, /name="a"\r\n\r\n1\r\n/);
  }
  // A Request with a body: cloned for each attempt.
  const r = route('e503', 'ok');
  const response = await retryFetch(new Request(r.url, { method: 'PUT', body: 'from a Request' }), undefined, fast);
  assert.equal(await response.text(), 'ok from a Request');
  assert.deepEqual(r.requests().map((q) => q.body), ['from a Request', 'from a Request']);
});

test('a ReadableStream body is sent once and not retried', async () => {
  const r = route('e503', 'ok');
  const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('streamed')); c.close(); } });
  const response = await retryFetch(r.url, { method: 'PUT', body: stream, duplex: 'half' }, fast);
  assert.equal(response.status, 503);
  assert.deepEqual(r.requests().map((q) => q.body), ['streamed']);
});

test('aborting in the middle of a sleep rejects within a few ms and sends nothing more', async () => {
  const r = route('e503');
  const controller = new AbortController();
  const pending = retryFetch(r.url, { signal: controller.signal }, { initialDelay: 5000, maxDelay: 5000, jitter: 'none' });
  while (r.requests().length < 1) await new Promise((res) => setTimeout(res, 5));
  await new Promise((res) => setTimeout(res, 20));
  const abortedAt = performance.now();
  controller.abort(new Error('page closed'));
  await assert.rejects(pending, /page closed/);
  assert.ok(performance.now() - abortedAt < 50);
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(r.requests().length, 1);
});

test('the body of each discarded response is cancelled', async () => {
  const cancelled = [];
  let n = 0;
  const fakeFetch = async () => {
    const index = ++n;
    const body = new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(1024)); }, cancel() { cancelled.push(index); } });
    return new Response(index < 3 ? body : 'done', { status: index < 3 ? 503 : 200 });
  };
  const fetchWithRetry = createFetch(fast, fakeFetch);
  const response = await fetchWithRetry('http://unused.invalid/');
  assert.equal(await response.text(), 'done');
  await new Promise((res) => setTimeout(res, 10));
  assert.deepEqual(cancelled, [1, 2]); // the two 503s that were retried past
});

test('onRetry and retryIf see HttpStatusError with the status and Retry-After', async () => {
  const r = route('throttled1s', 'ok');
  const events = [];
  await retryFetch(r.url, undefined, { ...fast, maxDelay: 5000, onRetry: (e) => events.push([e.error.name, e.error.status, e.error.retryAfter, e.delay >= 1000]) });
  assert.deepEqual(events, [['HttpStatusError', 429, 1000, true]]);
  const stop = route('e503', 'ok');
  const response = await retryFetch(stop.url, undefined, { ...fast, retryIf: (error) => !(error instanceof HttpStatusError && error.status === 503) });
  assert.equal(response.status, 503);
  assert.equal(stop.requests().length, 1);
});

test('createFetch validates its options once and keeps fetch\'s signature', async () => {
  assert.throws(() => createFetch({ retryOnStatus: [700] }), { name: 'TypeError', message: /`retryOnStatus` must be an array of HTTP statuses \(integers from 100 to 599\), got \[700\]/ });
  assert.throws(() => createFetch({ retryMethods: ['GET POST'] }), { name: 'TypeError', message: /`retryMethods` must be an array of HTTP method names/ });
  assert.throws(() => createFetch({ maxAttempts: 0 }), { name: 'RangeError', message: /`maxAttempts`/ });
  assert.throws(() => createFetch({}, 'fetch'), { name: 'TypeError', message: /`fetchImpl` must be a function like fetch/ });
  const r = route('e500', 'ok');
  const fetchWithRetry = createFetch({ ...fast, retryOnStatus: [500] });
  assert.equal(fetchWithRetry.length, 2);
  assert.equal((await fetchWithRetry(r.url)).status, 200);
});

test('idempotencyKey: one key on every attempt of a call, a new one per call; a POST with it is retried', async () => {
  scripts.set('/charge', ['e503', 'e503', 'ok']);
  const post = createFetch({ idempotencyKey: true, initialDelay: 1, maxDelay: 2 });
  assert.equal((await post(`${base}/charge`, { method: 'POST', body: 'amount=5' })).status, 200);
  const first = seen.get('/charge').map((r) => r.key);
  assert.equal(first.length, 3);
  assert.match(first[0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(new Set(first).size, 1, 'the same key on every attempt');
  await post(`${base}/charge`, { method: 'POST', body: 'amount=5' });
  assert.notEqual(seen.get('/charge')[3].key, first[0], 'a new call, a new key');
  // A key the request already has is kept; a string or a function names the call's key.
  scripts.set('/charge-own', ['e503', 'ok']);
  await retryFetch(`${base}/charge-own`, { method: 'POST', headers: { 'Idempotency-Key': 'mine' } }, { idempotencyKey: true, initialDelay: 1 });
  await retryFetch(`${base}/charge-own`, { method: 'POST' }, { idempotencyKey: 'order-42', initialDelay: 1 });
  await createFetch({ idempotencyKey: (input, init) => `from-${init.method}`, initialDelay: 1 })(`${base}/charge-own`, { method: 'POST' });
  assert.deepEqual(seen.get('/charge-own').map((r) => r.key), ['mine', 'mine', 'order-42', 'from-POST']);
  // Without a key a POST is sent once.
  scripts.set('/charge-bare', ['e503', 'ok']);
  assert.equal((await retryFetch(`${base}/charge-bare`, { method: 'POST' }, { initialDelay: 1 })).status, 503);
  assert.equal(seen.get('/charge-bare').length, 1);
});

test('idempotencyKey refuses what cannot name a key', async () => {
  for (const bad of [false, '', 42]) {
    assert.throws(() => createFetch({ idempotencyKey: bad }), { name: 'TypeError', message: /`idempotencyKey` must be true \(a random key per call\)/ });
  }
  await assert.rejects(async () => createFetch({ idempotencyKey: () => '' })(`${base}/x`, { method: 'POST' }),
    { name: 'TypeError', message: /`idempotencyKey\(\)` must be a function that returns a non-empty string, got ''/ });
});

test('retryOn names the codes users know: a reset connection\'s code is on fetch\'s `cause`, and status retries keep working', async () => {
  // undici's `TypeError: fetch failed` carries the socket's code on `cause`.
  scripts.set('/reset-then-ok', ['reset', 'ok']);
  const options = { retryOn: ['ECONNRESET', 'UND_ERR_SOCKET'], initialDelay: 1, maxDelay: 2 };
  assert.equal((await retryFetch(`${base}/reset-then-ok`, undefined, options)).status, 200);
  assert.equal(seen.get('/reset-then-ok').length, 2);
  // retryOn lists error codes; a retryable status is retried all the same.
  scripts.set('/busy-then-ok', ['e503', 'ok']);
  assert.equal((await retryFetch(`${base}/busy-then-ok`, undefined, options)).status, 200);
  assert.equal(seen.get('/busy-then-ok').length, 2);
  // abortOn still names a status to stop on.
  scripts.set('/busy-abort', ['e503', 'ok']);
  assert.equal((await retryFetch(`${base}/busy-abort`, undefined, { ...options, abortOn: ['503'] })).status, 503);
  assert.equal(seen.get('/busy-abort').length, 1);
});

test('retry options in fetch\'s init slot are refused, not ignored', async () => {
  await assert.rejects(async () => retryFetch(`${base}/x`, { maxAttempts: 3 }), {
    name: 'TypeError', message: "`maxAttempts` is a retry option, not fetch's: pass it third, retryFetch(input, init, { maxAttempts })" });
  await assert.rejects(async () => createFetch()(`${base}/x`, { retryOnStatus: [503] }), { name: 'TypeError', message: /`retryOnStatus` is a retry option/ });
  await assert.rejects(async () => retryFetch(`${base}/x`, { onGiveUp: () => {} }), { name: 'TypeError', message: /`onGiveUp` is a retry option/ });
  for (const option of ['retryAfterOn', 'retryOnResult', 'unref', 'throttlingOn']) {
    await assert.rejects(async () => retryFetch(`${base}/x`, { [option]: [] }), { name: 'TypeError', message: new RegExp(`\`${option}\` is a retry option`) }, option);
  }
  // fetch's own options, and a signal (which both have), are fine.
  scripts.set('/init-ok', ['ok']);
  assert.equal((await retryFetch(`${base}/init-ok`, { method: 'GET', headers: {}, signal: new AbortController().signal, cache: 'no-store' })).status, 200);
});

test('when retryFetch resolves with a failing response, retryOutcome(response) and onGiveUp say why and after how many attempts', async () => {
  const { retryOutcome } = await import('jitterbug');
  const gaveUp = [];
  const options = { initialDelay: 1, maxDelay: 2, maxAttempts: 3, onGiveUp: (event) => gaveUp.push(event) };
  scripts.set('/always-busy', ['e503']);
  const busy = await retryFetch(`${base}/always-busy`, undefined, options);
  assert.equal(busy.status, 503);
  assert.deepEqual({ ...retryOutcome(busy), elapsed: undefined }, { attempts: 3, reason: 'attempts', elapsed: undefined });
  assert.equal(gaveUp.length, 1);
  assert.equal(gaveUp[0].response, busy);
  assert.deepEqual([gaveUp[0].reason, gaveUp[0].attempts], ['attempts', 3]);
  // A Retry-After past the cap: given up at once.
  scripts.set('/minute', ['busyForAMinute']);
  const minute = await retryFetch(`${base}/minute`, undefined, options);
  assert.deepEqual([retryOutcome(minute).reason, retryOutcome(minute).attempts], ['retryAfter', 1]);
  // Not retried at all: a POST without a key.
  scripts.set('/post-busy', ['e503']);
  const post = await retryFetch(`${base}/post-busy`, { method: 'POST' }, options);
  assert.deepEqual(retryOutcome(post), { attempts: 1, reason: 'notRetryable' });
  // A status the call does not retry (404) is its answer, not a give-up.
  scripts.set('/missing', ['e404']);
  assert.equal(retryOutcome(await retryFetch(`${base}/missing`, undefined, options)), undefined);
  // A success after retries is no give-up; a listener that throws breaks nothing.
  scripts.set('/busy-once', ['e503', 'ok']);
  const ok = await retryFetch(`${base}/busy-once`, undefined, { ...options, onGiveUp: () => { throw new Error('listener'); } });
  assert.equal(ok.status, 200);
  assert.equal(retryOutcome(ok), undefined);
  assert.equal(gaveUp.length, 3);
  assert.throws(() => createFetch({ onGiveUp: 5 }), { name: 'TypeError', message: '`onGiveUp` must be a function, got 5' });
});

test('QUERY, safe and idempotent, is retried by default like GET', async () => {
  scripts.set('/query', ['e503', 'ok']);
  const response = await retryFetch(`${base}/query`, { method: 'QUERY', body: 'select *', headers: { 'content-type': 'text/plain' } }, { initialDelay: 1 });
  assert.equal(response.status, 200);
  assert.deepEqual(seen.get('/query').map((r) => [r.method, r.body]), [['QUERY', 'select *'], ['QUERY', 'select *']]);
});

test('maxElapsed holds for a request in flight: it is aborted at the deadline and the call rejects with reason deadline', async () => {
  let closed;
  const gone = new Promise((resolve) => { closed = resolve; });
  const hanging = createServer((req, res) => { res.on('close', closed); }); // never answers
  await new Promise((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  try {
    const started = performance.now();
    const error = await retryFetch(`http://127.0.0.1:${hanging.address().port}/slow`, {}, { maxElapsed: 150 }).catch((e) => e);
    assert.ok(error instanceof RetryExhaustedError, `${error}`);
    assert.equal(error.reason, 'deadline');
    assert.ok(performance.now() - started >= 149);
    await gone; // the server saw the request go: fetch was aborted, not left running
  } finally {
    hanging.closeAllConnections();
    hanging.close();
  }
});

/** The first wait a response with `status` and `headers` asks for, as retryFetch reads it (the call is aborted before it sleeps). */
async function firstWait(status, headers, options = {}) {
  const hinting = createServer((req, res) => { req.resume(); res.writeHead(status, headers); res.end('wait'); });
  await new Promise((resolve) => hinting.listen(0, '127.0.0.1', resolve));
  const controller = new AbortController();
  let delay;
  try {
    await retryFetch(`http://127.0.0.1:${hinting.address().port}/`, { signal: controller.signal }, {
      initialDelay: 1, maxDelay: 1, jitter: 'none', maxRetryAfter: 60_000, ...options,
      onRetry: (event) => { delay = event.delay; controller.abort(new Error('seen')); },
    }).catch(() => {});
  } finally {
    hinting.close();
  }
  return delay;
}

test('delay hints from anywhere: Retry-After, x-amz-retry-after, RateLimit-Reset and the X-RateLimit headers', async () => {
  assert.equal(await firstWait(429, { 'retry-after': '2' }), 2000);
  assert.equal(await firstWait(429, { 'x-amz-retry-after': '250' }), 250, 'AWS sends ms');
  assert.equal(await firstWait(429, { 'ratelimit-reset': '3' }), 3000, 'seconds from now');
  assert.equal(await firstWait(503, { 'x-ratelimit-retry-after': '4' }), 4000);
  assert.equal(await firstWait(429, { 'x-ratelimit-reset': '5' }), 5000, 'a small number is seconds from now');
  // A large one is a Unix time in seconds (GitHub's, Twitter's): the wait is until then.
  const at = Math.ceil(Date.now() / 1000) + 6;
  const untilThen = await firstWait(429, { 'x-ratelimit-reset': String(at) });
  assert.ok(untilThen > 4000 && untilThen <= 7000, `${untilThen}`);
  // Retry-After wins over the others; a malformed one lets the next speak.
  assert.equal(await firstWait(429, { 'retry-after': '1', 'ratelimit-reset': '9' }), 1000);
  assert.equal(await firstWait(429, { 'retry-after': 'soon', 'ratelimit-reset': '3' }), 3000);
  // Only on the statuses that carry one: 429 and 503 by default, or the ones listed.
  assert.equal(await firstWait(500, { 'retry-after': '2' }), 1, 'a 500 asks nothing');
  assert.equal(await firstWait(413, { 'retry-after': '2' }, { retryOnStatus: [413] }), 1);
  assert.equal(await firstWait(413, { 'retry-after': '2' }, { retryOnStatus: [413], retryAfterOn: [413, 429] }), 2000);
  assert.throws(() => createFetch({ retryAfterOn: [99] }), { name: 'TypeError', message: /`retryAfterOn` must be an array of HTTP statuses/ });
});

test('a thrown error with retryAfter (ms) asks for its wait, as an SDK or gRPC error can', async () => {
  const { retry } = await import('jitterbug');
  const delays = [];
  let n = 0;
  await retry(async () => { if (++n < 3) throw Object.assign(new Error('throttled'), { retryAfter: n === 1 ? 30 : 'soon' }); return 'ok'; },
    { initialDelay: 1, maxDelay: 1, jitter: 'none', maxRetryAfter: 1000, onRetry: ({ delay }) => delays.push(delay) });
  assert.deepEqual(delays, [30, 1], 'a retryAfter that is not a number is ignored');
});
