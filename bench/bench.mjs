// `npm run bench`: jitterbug beside cockatiel, p-retry, exponential-backoff and async-retry,
// measured side by side in one run, reported as ratios (this machine is shared and noisy).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { Policy, createFetch, retry } from 'jitterbug';
import { retry as cockatielRetry, handleAll, ExponentialBackoff } from 'cockatiel';
import pRetry from 'p-retry';
import asyncRetry from 'async-retry';
import { backOff } from 'exponential-backoff';
import { jsonLogger } from 'jitterbug/log';
import { prometheusMetrics } from 'jitterbug/prometheus';
import { powertools } from 'jitterbug/powertools';
import { openTelemetry } from 'jitterbug/otel';
import { Registry as PromRegistry } from 'prom-client';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const root = new URL('..', import.meta.url).pathname;
const CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
const target = (name, ok, detail) => results.push({ name, ok, detail });

// ---- 1. The success path: a call that succeeds first time ----------------------------------
const fn = async () => 1;
const signal = new AbortController().signal;
const onRejected = (error) => { throw error; };
let varying = 0;
const policy = new Policy({ maxAttempts: 3, initialDelay: 100 });
const cockatiel = cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff({ initialDelay: 100 }) });

// The baseline: the least any wrapper can do and still catch a rejection. Written as a
// function of `fn`, like every candidate, so that each is called the same way by timeCalls.
function thinnestWrapper(f) {
  return f({ attempt: 1, signal }).then(undefined, onRejected);
}

const candidates = [
  ['thinnest wrapper: fn(ctx).then(undefined, onRejected)', (f) => thinnestWrapper(f)],
  ['jitterbug policy.execute(fn)', (f) => policy.execute(f)],
  ['jitterbug retry(fn, policy)', (f) => retry(f, policy)],
  ['jitterbug retry(fn, { ...inline options })', (f) => retry(f, { maxAttempts: 3, initialDelay: 100 })],
  // Options whose values change on every call always reach the engine's check.
  ['jitterbug retry(fn, { ...options changing per call })', (f) => retry(f, { maxAttempts: 3, initialDelay: 100 + (varying++ & 1) })],
  ['cockatiel retry(...).execute (pre-built)', (f) => cockatiel.execute(f)],
  ['async-retry', (f) => asyncRetry(f, { retries: 2, minTimeout: 100 })],
  ['exponential-backoff backOff', (f) => backOff(f, { numOfAttempts: 3, startingDelay: 100 })],
  ['p-retry', (f) => pRetry(f, { retries: 2, minTimeout: 100 })],
];

// Each candidate's garbage is collected before the next is timed, so that no candidate pays
// for another's allocations (run with --expose-gc; `npm run bench` does).
const collect = globalThis.gc ?? (() => {});
if (!globalThis.gc) console.warn('bench: run with node --expose-gc for a fair comparison');

async function timeCalls(call, calls) {
  collect();
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await call(fn);
  return Number(process.hrtime.bigint() - started) / calls;
}

/** A different order each round (seeded, so runs are comparable). */
function shuffled(length, round) {
  const order = Array.from({ length }, (_, i) => i);
  let state = round + 1;
  for (let i = length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

console.log(`success path: ${CALLS.toLocaleString()} sequential awaited calls per candidate, ${ROUNDS} rounds, shuffled order, GC between candidates`);
const samples = candidates.map(() => []);
for (const [, call] of candidates) await timeCalls(call, Math.min(CALLS, 20_000)); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const i of shuffled(candidates.length, round)) {
    // p-retry is ~100x slower; fewer calls keep a round short without changing its per-call cost.
    const calls = candidates[i][0] === 'p-retry' ? Math.ceil(CALLS / 10) : CALLS;
    samples[i].push(await timeCalls(candidates[i][1], calls));
  }
}
const perCall = samples.map(median);
// Each candidate against the thinnest wrapper of the same round, the median of those ratios:
// this machine is shared, and its speed drifts between rounds more than within one.
const ratios = samples.map((own) => median(own.map((ns, round) => ns / samples[0][round])));
const ratio = (name) => ratios[candidates.findIndex(([n]) => n === name)];
console.table(candidates.map(([name], i) => ({ approach: name, 'ns per call (median)': Math.round(perCall[i]), '× thinnest (median of rounds)': +ratios[i].toFixed(2) })));
for (const name of ['jitterbug policy.execute(fn)', 'jitterbug retry(fn, policy)']) {
  target(`${name} <= 1.25x thinnest wrapper`, ratio(name) <= 1.25, `${ratio(name).toFixed(2)}x`);
}
const inline = ratio('jitterbug retry(fn, { ...inline options })');
const cockatielRatio = ratio('cockatiel retry(...).execute (pre-built)');
target('retry(fn, { inline }) <= cockatiel execute (pre-built)', inline <= cockatielRatio,
  `${inline.toFixed(2)}x vs cockatiel ${cockatielRatio.toFixed(2)}x`);

// ---- 1b. What listening costs: a retried call with each adapter attached ----------------------
// Every row above ran with no onEvent and no subscriber: the success path's targets hold with
// events compiled in. Here, a call that fails once and succeeds at its retry (a wait of 0 ms),
// bare and with each adapter as its onEvent, interleaved; the adapters' output goes to a sink.
const RETRIED = Math.max(1, Math.round(CALLS / 20));
const sinkLogger = { info() {}, warn() {}, error() {} };
const powertoolsLogger = new Logger({ serviceName: 'bench' });
const powertoolsMetrics = new Metrics({ namespace: 'bench', serviceName: 'bench' });
// OpenTelemetry's row runs as in a traced service: its context follows each call through its
// awaits (AsyncLocalStorage), and the calls run inside an active span. That context costs every
// promise something, so only that row has it.
const contextManager = new AsyncLocalStorageContextManager();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
const tracer = provider.getTracer('bench');
const listeners = [
  ['no listener', undefined],
  ['onEvent: () => {}', () => {}],
  ['jitterbug/log (to a logger)', jsonLogger({ logger: sinkLogger, traceId: () => undefined })],
  ['jitterbug/prometheus', prometheusMetrics({ registry: new PromRegistry() })],
  ['jitterbug/powertools (Logger + Metrics)', powertools({ logger: powertoolsLogger, metrics: powertoolsMetrics })],
  ['jitterbug/otel (context manager, active span)', openTelemetry({ tracer })],
  ['no listener (context manager, active span)', undefined],
];
const TRACED = new Set([listeners.length - 2, listeners.length - 1]);
const flakyOnce = () => {
  let failed = false;
  return async () => {
    if (!failed) {
      failed = true;
      throw new Error('busy');
    }
    return 1;
  };
};
async function retriedCalls(policy) {
  for (let i = 0; i < RETRIED; i++) await policy.execute(flakyOnce());
}
async function timeRetried(onEvent, traced) {
  const policy = new Policy({ initialDelay: 0, jitter: 'none', service: 'bench', operation: 'retried', onEvent });
  if (traced) context.setGlobalContextManager(contextManager.enable());
  collect();
  const write = [process.stdout.write, process.stderr.write];
  process.stdout.write = process.stderr.write = () => true; // Powertools writes its lines and EMF there
  const started = process.hrtime.bigint();
  try {
    if (traced) {
      await tracer.startActiveSpan('bench', async (span) => {
        await retriedCalls(policy);
        span.end();
      });
    } else {
      await retriedCalls(policy);
    }
  } finally {
    [process.stdout.write, process.stderr.write] = write;
    if (traced) context.disable();
  }
  return Number(process.hrtime.bigint() - started) / RETRIED;
}
const retriedSamples = listeners.map(() => []);
for (const [i, [, onEvent]] of listeners.entries()) await timeRetried(onEvent, TRACED.has(i)); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const i of shuffled(listeners.length, round)) retriedSamples[i].push(await timeRetried(listeners[i][1], TRACED.has(i)));
}
const retriedNs = retriedSamples.map(median);
console.log(`\na call that fails once and succeeds at its retry: ${RETRIED.toLocaleString()} calls per listener, ${ROUNDS} rounds, shuffled order`);
// Each row against its own baseline: the traced rows against the traced call with no listener.
const baselineOf = (i) => retriedNs[TRACED.has(i) ? listeners.length - 1 : 0];
console.table(listeners.map(([name], i) => ({ listener: name, 'µs per call (median)': +(retriedNs[i] / 1000).toFixed(2),
  '× no listener': +(retriedNs[i] / baselineOf(i)).toFixed(2) })));

// ---- 2. Import time in a fresh Node process ----------------------------------------------
const IMPORTS = Number(process.env.BENCH_IMPORTS ?? 15);
// Each line: the package, how it is imported, and the first use that makes it ready to retry
// (jitterbug compiles its engine on first use, so the second column shows that cost too).
const importers = [
  ['jitterbug (import)', "const m = await import('jitterbug')", 'new m.Policy()'],
  ['jitterbug (require)', "const m = (await import('node:module')).createRequire(import.meta.url)('jitterbug')", 'new m.Policy()'],
  ['p-retry', "const m = await import('p-retry')", "await m.default(() => 1)"],
  ['cockatiel', "const m = await import('cockatiel')", 'm.retry(m.handleAll, { maxAttempts: 2 })'],
  ['async-retry', "const m = await import('async-retry')", 'await m.default(() => 1)'],
  ['exponential-backoff', "const m = await import('exponential-backoff')", 'await m.backOff(() => 1)'],
];
// Each package is imported as npm installs it: a real directory in node_modules, not the
// build's node_modules/jitterbug -> pkg/ link, whose resolution alone costs ~0.5-1 ms more.
const installed = mkdtempSync(join(tmpdir(), 'jitterbug-bench-'));
function install(name, from = `${root}node_modules/${name}`) {
  const to = join(installed, 'node_modules', name);
  if (existsSync(to)) return;
  cpSync(from, to, { recursive: true, dereference: true });
  const { dependencies = {} } = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  for (const dependency of Object.keys(dependencies)) install(dependency);
}
install('jitterbug', `${root}pkg`);
for (const peer of ['p-retry', 'cockatiel', 'async-retry', 'exponential-backoff']) install(peer);
const importSamples = importers.map(() => []);
const readySamples = importers.map(() => []);
for (let round = 0; round < IMPORTS; round++) {
  importers.forEach(([, load, use], i) => {
    const script = `const t0 = performance.now(); ${load}; const t1 = performance.now(); ${use}; console.log(t1 - t0, performance.now() - t0);`;
    const [imported, usable] = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: installed, encoding: 'utf8' }).split(' ').map(Number);
    importSamples[i].push(imported);
    readySamples[i].push(usable);
  });
}
rmSync(installed, { recursive: true, force: true });
const importMs = importSamples.map(median);
const readyMs = readySamples.map(median);
console.log(`\nimport time in a fresh Node process, each package installed as npm would (median of ${IMPORTS}, interleaved):`);
console.table(importers.map(([name, , use], i) => ({
  package: name, 'import ms': +importMs[i].toFixed(2), '× p-retry': +(importMs[i] / importMs[2]).toFixed(2),
  'import + first use ms': +readyMs[i].toFixed(2), 'first use': use.replace(/^(await )?m\./, ''),
})));
target('import jitterbug <= import p-retry', importMs[0] <= importMs[2], `${importMs[0].toFixed(2)} ms vs ${importMs[2].toFixed(2)} ms`);

// ---- 3. Size: what a browser downloads, minified and gzipped ------------------------------
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const browserJs = gz(readFileSync(`${root}pkg/jitterbug.browser.mjs`));
const wasm = gz(readFileSync(`${root}pkg/jitterbug.wasm`));
async function peerSize(entry) {
  const out = await build({ stdin: { contents: entry, resolveDir: root }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  return gz(out.outputFiles[0].contents);
}
const sizes = [
  ['jitterbug (jitterbug.browser.mjs + jitterbug.wasm)', browserJs + wasm],
  ['p-retry', await peerSize("export { default } from 'p-retry';")],
  ['async-retry', await peerSize("export { default } from 'async-retry';")],
  ['exponential-backoff', await peerSize("export { backOff } from 'exponential-backoff';")],
  ['cockatiel', await peerSize("export { retry, handleAll, ExponentialBackoff } from 'cockatiel';")],
];
console.log('\nbrowser bundle, minified + gzipped (-9):');
console.table(sizes.map(([name, bytes]) => ({ package: name, bytes, KiB: +(bytes / 1024).toFixed(2) })));
console.log(`  jitterbug: ${browserJs} bytes of JavaScript + ${wasm} bytes of WebAssembly`);
target('browser bundle <= 20 KiB (20,480 bytes)', browserJs + wasm <= 20_480, `${browserJs + wasm} bytes`);

// ---- 4. Garbage collection: 60,000 policies made per request, then dropped ------------------
// The longest the event loop is blocked while they are collected and their WebAssembly memory
// freed, beside a plain JavaScript decorator's closures (a child process each, --expose-gc).
const fixture = `${root}tests/js/fixtures/gc-stall.mjs`;
const stalls = Object.fromEntries(['plain', 'policy', 'budget', 'breaker'].map((kind) => {
  const runs = Array.from({ length: 3 }, () => JSON.parse(execFileSync(process.execPath, ['--expose-gc', fixture, '60000', kind], { cwd: root, encoding: 'utf8' })).longestBlockMs);
  return [kind, median(runs)];
}));
console.log('\nlongest event-loop block while 60,000 objects are collected (median of 3, ms):');
console.table(Object.entries(stalls).map(([kind, ms]) => ({ objects: kind === 'plain' ? 'plain JS decorators' : `jitterbug ${kind}`, 'longest block ms': ms })));
const worstStall = Math.max(stalls.policy, stalls.budget, stalls.breaker);
target('collecting 60,000 policies, budgets or breakers blocks the loop <= 50 ms', worstStall <= 50,
  `policy ${stalls.policy} ms, budget ${stalls.budget} ms, breaker ${stalls.breaker} ms; plain JS ${stalls.plain} ms`);

// ---- 5. Overload: a fleet during a full outage (the engine's state machines, virtual time) ---
console.log('');
const simulation = execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'simulate'], { cwd: root, encoding: 'utf8' });
console.log(simulation.trim());
const [overloadTable, throttlingTable] = simulation.split('\nthrottling simulation');
const rows = Object.fromEntries(overloadTable.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| protection'))
  .map((line) => line.split('|').map((cell) => cell.trim()).filter(Boolean))
  .map(([name, , , amplification, recovery]) => [name, { amplification: parseFloat(amplification), recovery: parseFloat(recovery) }]));
const openDelay = Number(/openDelay (\d+) ms/.exec(simulation)[1]);
target('amplification during the outage with a budget <= 1.1x (3x without)', rows.budget.amplification <= 1.1 && rows['budget + breaker'].amplification <= 1.1,
  `budget ${rows.budget.amplification}x, budget + breaker ${rows['budget + breaker'].amplification}x, none ${rows['no budget'].amplification}x`);
target('recovery no slower than without a budget by more than one openDelay', Math.max(rows.budget.recovery, rows['budget + breaker'].recovery) <= rows['no budget'].recovery + openDelay,
  `budget ${rows.budget.recovery} ms, budget + breaker ${rows['budget + breaker'].recovery} ms, none ${rows['no budget'].recovery} ms, openDelay ${openDelay} ms`);
// ---- 6. Throttling: a fleet asking twice what a service serves, with and without AdaptiveRate -
const throttling = Object.fromEntries(throttlingTable.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| client rate'))
  .map((line) => line.split('|').map((cell) => cell.trim()).filter(Boolean))
  .map(([name, requests, throttled, succeeded]) => [name, { requests: +requests, throttled: +throttled, succeeded: +succeeded }]));
const { none: unpaced, AdaptiveRate: paced } = throttling;
target('AdaptiveRate cuts throttled requests at least 4x, serving as many calls (within 5%)',
  paced.throttled * 4 <= unpaced.throttled && paced.succeeded >= 0.95 * unpaced.succeeded,
  `throttled ${paced.throttled} vs ${unpaced.throttled} without; calls served ${paced.succeeded} vs ${unpaced.succeeded}`);

// ---- 7. Hedging: a local server where 5% of requests take 1 s and the rest 10 ms -----------
// The same calls through retryFetch with and without `hedgeDelay`; each request's speed is drawn
// from a seeded stream, so a run is the same draw every time.
const HEDGE_CALLS = 1000;
const HEDGE_CONCURRENCY = 10;
const hedgeDelay = 50;
let hedgeRequests = 0;
let draw = 0x9e3779b9;
const slowNext = () => {
  // xorshift32: a fixed stream of uniform draws
  draw ^= draw << 13; draw ^= draw >>> 17; draw ^= draw << 5;
  return (draw >>> 0) / 2 ** 32 < 0.05;
};
const tail = createServer((req, res) => {
  hedgeRequests += 1;
  const timer = setTimeout(() => res.end('ok'), slowNext() ? 1000 : 10);
  res.on('close', () => clearTimeout(timer));
});
await new Promise((resolve) => tail.listen(0, '127.0.0.1', resolve));
const tailUrl = `http://127.0.0.1:${tail.address().port}/`;
async function tailLatencies(fetchWith) {
  hedgeRequests = 0;
  const latencies = [];
  let next = 0;
  await Promise.all(Array.from({ length: HEDGE_CONCURRENCY }, async () => {
    while (next < HEDGE_CALLS) {
      next += 1;
      const begun = performance.now();
      await (await fetchWith(tailUrl)).text();
      latencies.push(performance.now() - begun);
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.ceil(q * latencies.length) - 1];
  return { p50: at(0.5), p99: at(0.99), max: latencies.at(-1), requests: hedgeRequests };
}
const unhedged = await tailLatencies(createFetch({}));
const hedged = await tailLatencies(createFetch({ hedgeDelay }));
tail.closeAllConnections();
tail.close();
console.log(`\nhedging: ${HEDGE_CALLS} GETs, ${HEDGE_CONCURRENCY} at a time, to a server where 5% of requests take 1 s (ms):`);
console.table([['without hedging', unhedged], [`hedgeDelay ${hedgeDelay} ms`, hedged]].map(([name, r]) => ({
  fetch: name, p50: +r.p50.toFixed(1), p99: +r.p99.toFixed(1), max: +r.max.toFixed(1), requests: r.requests,
})));
target('hedging: p99 at least 5x lower for at most 10% more requests', unhedged.p99 >= 5 * hedged.p99 && hedged.requests <= 1.1 * unhedged.requests,
  `p99 ${hedged.p99.toFixed(1)} vs ${unhedged.p99.toFixed(1)} ms (${(unhedged.p99 / hedged.p99).toFixed(1)}x lower), requests ${hedged.requests} vs ${unhedged.requests} (+${((hedged.requests / unhedged.requests - 1) * 100).toFixed(1)}%)`);

console.log('\ntargets:');
for (const { name, ok, detail } of results) console.log(`  ${ok ? 'met    ' : 'NOT MET'}  ${name}: ${detail}`);
