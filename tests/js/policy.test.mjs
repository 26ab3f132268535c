// Policy validation, data round trips, presets and seeded schedules, against the built package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Policy, presets, retry } from 'jitterbug';

test('defaults are the documented ones', () => {
  assert.deepEqual(new Policy().toJSON(), {
    maxAttempts: 3, initialDelay: 100, maxDelay: 10000, multiplier: 2, backoff: 'exponential',
    jitter: 'full', jitterFactor: 0.25, longRetryAfter: 'stop', retryOn: [], abortOn: [], throttlingOn: [], transientOn: [],
  });
});

test('bad values are RangeErrors naming the field and the value', () => {
  const cases = [
    [{ maxAttempts: 0 }, '`maxAttempts` must be an integer from 1 to 4294967295, got 0'],
    [{ maxAttempts: 2.5 }, '`maxAttempts` must be an integer from 1 to 4294967295, got 2.5'],
    [{ maxAttempts: Infinity }, '`maxAttempts` must be an integer from 1 to 4294967295, got Infinity'],
    [{ initialDelay: NaN }, '`initialDelay` must be a number of ms from 0 to 2147483647, got NaN'],
    [{ initialDelay: -1 }, '`initialDelay` must be a number of ms from 0 to 2147483647, got -1'],
    [{ initialDelay: 500, maxDelay: 50 }, '`maxDelay` must be a number of ms from `initialDelay` to 2147483647, got 50'],
    [{ initialDelay: 20000 }, '`initialDelay` must be at most `maxDelay` (10000 by default), got 20000'],
    [{ maxDelay: 1e21 }, '`maxDelay` must be a number of ms from `initialDelay` to 2147483647, got 1e+21'],
    [{ multiplier: 0.5 }, '`multiplier` must be a finite number >= 1, got 0.5'],
    [{ jitterFactor: 2 }, '`jitterFactor` must be a number from 0 to 1, got 2'],
    [{ maxElapsed: 0 }, '`maxElapsed` must be a finite number of ms > 0, got 0'],
    [{ attemptTimeout: -5 }, '`attemptTimeout` must be a number of ms > 0 and <= 2147483647, got -5'],
    [{ seed: 1.5 }, '`seed` must be an integer from 0 to 9007199254740991, got 1.5'],
    [{ backoff: 'exp' }, "`backoff` must be one of 'constant', 'linear', 'exponential', 'fibonacci', or a list of delays, got 'exp'"],
    [{ jitter: 'FULL' }, "`jitter` must be one of 'none', 'full', 'equal', 'decorrelated', 'proportional', 'additive', got 'FULL'"],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => new Policy(options), { name: 'RangeError', message }, JSON.stringify(options));
    // Inline options get the same check on every call, before fn runs.
    let called = false;
    assert.throws(() => retry(() => { called = true; }, options), { name: 'RangeError', message });
    assert.equal(called, false);
  }
});

test('wrong types and unknown fields are TypeErrors naming the field and the value', () => {
  const cases = [
    [{ maxAttempts: '3' }, "`maxAttempts` must be a number, got '3'"],
    [{ initialDelay: null }, '`initialDelay` must be a number, got null'],
    [{ jitter: 1 }, '`jitter` must be a string, got 1'],
    [{ retryOn: 'ECONNRESET' }, "`retryOn` must be an array of error names or codes (non-empty strings), got 'ECONNRESET'"],
    [{ abortOn: [404] }, '`abortOn` must be an array of error names or codes (non-empty strings), got [404]'],
    [{ onRetry: 'log' }, "`onRetry` must be a function, got 'log'"],
    [{ retryIf: true }, '`retryIf` must be a function, got true'],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => new Policy(options), { name: 'TypeError', message }, JSON.stringify(options));
  }
  assert.throws(() => new Policy({ maxAttemps: 3 }), { name: 'TypeError', message: /^Unknown option `maxAttemps` \(known: maxAttempts, / });
  assert.throws(() => new Policy(5), { name: 'TypeError', message: 'Expected options to be an object or a Policy, got 5' });
  assert.throws(() => new Policy({ signal: new AbortController().signal }), { name: 'TypeError', message: /`signal` belongs to a call/ });
  // A call's options are named as such, whatever the wrong value.
  for (const [call, shown] of [[null, 'null'], [5, '5']]) {
    assert.throws(() => new Policy().execute(() => 1, call), { name: 'TypeError', message: `Expected call options to be an object, got ${shown}` });
  }
});

test('undefined fields count as absent', () => {
  assert.deepEqual(new Policy({ maxAttempts: undefined, seed: undefined }).toJSON(), new Policy().toJSON());
});

test('toJSON gives every field; fromJSON and JSON text round-trip exactly', () => {
  const options = {
    maxAttempts: 6, initialDelay: 25, maxDelay: 4000, multiplier: 1.5, backoff: 'fibonacci', jitter: 'decorrelated',
    jitterFactor: 0.3, maxElapsed: 30000, attemptTimeout: 2500, seed: 77, throttlingDelay: 400, transientDelay: 10,
    longRetryAfter: 'cap', retryOn: ['ECONNRESET', 'TimeoutError'], abortOn: ['ValidationError'], throttlingOn: ['429'], transientOn: ['ECONNRESET', '503'],
  };
  const policy = new Policy(options);
  assert.deepEqual(policy.toJSON(), options);
  const again = Policy.fromJSON(JSON.parse(JSON.stringify(policy)));
  assert.deepEqual(again.toJSON(), options);
  assert.deepEqual(again.delays(20), policy.delays(20));
});

test('fromEnv reads the seeds\' variables in seconds, and every other field', () => {
  const env = {
    RETRY_MAX_ATTEMPTS: '5', RETRY_INITIAL_DELAY: '0.1', RETRY_MAX_DELAY: '10.0', RETRY_MULTIPLIER: '1.5',
    RETRY_BACKOFF: 'linear', RETRY_JITTER: 'proportional', RETRY_JITTER_FACTOR: '0.1', RETRY_MAX_ELAPSED: '1.1',
    RETRY_ATTEMPT_TIMEOUT: '0.25', RETRY_SEED: '12', RETRY_RETRY_ON: 'ECONNRESET, ThrottlingException', RETRY_ABORT_ON: '',
    RETRY_THROTTLING_DELAY: '0.5', RETRY_TRANSIENT_DELAY: '20ms', RETRY_THROTTLING_ON: '429,ThrottlingException', RETRY_TRANSIENT_ON: 'ECONNRESET',
    RETRY_LONG_RETRY_AFTER: 'cap', UNRELATED: 'x',
  };
  assert.deepEqual(Policy.fromEnv(env).toJSON(), {
    maxAttempts: 5, initialDelay: 100, maxDelay: 10000, multiplier: 1.5, backoff: 'linear', jitter: 'proportional',
    jitterFactor: 0.1, maxElapsed: 1100, attemptTimeout: 250, seed: 12, throttlingDelay: 500, transientDelay: 20,
    longRetryAfter: 'cap', retryOn: ['ECONNRESET', 'ThrottlingException'], abortOn: [], throttlingOn: ['429', 'ThrottlingException'], transientOn: ['ECONNRESET'],
  });
  assert.equal(Policy.fromEnv({ PAY_MAX_ATTEMPTS: '7' }, { prefix: 'PAY_' }).toJSON().maxAttempts, 7);
  assert.deepEqual(Policy.fromEnv({}).toJSON(), new Policy().toJSON());
});

test('fromEnv errors name the variable and the value', () => {
  assert.throws(() => Policy.fromEnv({ RETRY_MAX_DELAY: 'ten' }), { name: 'TypeError', message: "`RETRY_MAX_DELAY` must be a number of seconds (or of ms, written 100ms), got 'ten'" });
  assert.throws(() => Policy.fromEnv({ RETRY_MAX_ATTEMPTS: '0' }), { name: 'RangeError', message: '`RETRY_MAX_ATTEMPTS` must be an integer from 1 to 4294967295, got 0' });
  assert.throws(() => Policy.fromEnv({ RETRY_MAX_ATTEMPTS: '0x10' }), { name: 'TypeError', message: "`RETRY_MAX_ATTEMPTS` must be a number, got '0x10'" });
  assert.throws(() => Policy.fromEnv({ RETRY_JITTER: 'lots' }), { name: 'RangeError', message: /^`RETRY_JITTER` must be one of/ });
  assert.throws(() => Policy.fromEnv(null), { name: 'TypeError', message: '`env` must be an object of strings, got null' });
});

test('presets carry seed 004\'s numbers and AWS standard mode', () => {
  assert.deepEqual(Object.keys(presets), ['default', 'aggressive', 'conservative', 'awsStandard', 'aws2026']);
  const pick = (p) => { const j = p.toJSON(); return [j.maxAttempts, j.initialDelay, j.maxDelay, j.multiplier, j.jitter, j.jitterFactor]; };
  assert.deepEqual(pick(presets.default), [3, 100, 10000, 2, 'proportional', 0.1]);
  assert.deepEqual(pick(presets.aggressive), [5, 50, 5000, 1.5, 'proportional', 0.1]);
  assert.deepEqual(pick(presets.conservative), [2, 500, 15000, 2, 'proportional', 0.05]);
  assert.deepEqual(pick(presets.awsStandard), [3, 100, 20000, 2, 'full', 0.25]);
  assert.deepEqual(pick(presets.aws2026), [3, 50, 20000, 2, 'full', 0.25]);
  assert.equal(presets.awsStandard.toJSON().throttlingDelay, 500);
  assert.equal(presets.aws2026.toJSON().throttlingDelay, 1000);
  // Only throttling and transient errors are retried, as in the SDKs.
  const aws = presets.awsStandard.toJSON();
  assert.deepEqual(aws.retryOn, [...aws.throttlingOn, ...aws.transientOn]);
  assert.ok(aws.throttlingOn.includes('429') && aws.transientOn.includes('503') && !aws.retryOn.includes('501'));
  assert.equal(presets.default, presets.default, 'a preset is built once');
  assert.ok(Object.isFrozen(presets));
});

test('seeded delays are the same in Node as in the Rust engine\'s pinned test', () => {
  // src/engine/schedule.rs: seeded_full_jitter_sequence_is_exact_and_repeatable (seed 42).
  assert.deepEqual(new Policy({ seed: 42 }).delays(5), [
    74.15648787718233, 31.982078575384023, 111.44045210205546, 275.35257321891004, 60.84826966439394,
  ]);
});

test('unseeded policies draw a fresh stream each time; seeds 1..N do not move in lockstep', () => {
  const policy = new Policy();
  assert.notDeepEqual(policy.delays(5), policy.delays(5));
  const firsts = Array.from({ length: 100 }, (_, i) => new Policy({ seed: i + 1 }).delays(1)[0]);
  assert.equal(new Set(firsts).size, 100);
  const belowHalf = firsts.filter((d) => d < 50).length;
  assert.ok(belowHalf > 30 && belowHalf < 70, `${belowHalf} of 100 first delays below the median`);
});

test('every delay stays finite and within [0, maxDelay] for every jitter, up to 10,000 retries', () => {
  for (const jitter of ['none', 'full', 'equal', 'decorrelated', 'proportional', 'additive']) {
    for (const backoff of ['constant', 'linear', 'exponential', 'fibonacci']) {
      const delays = new Policy({ jitter, backoff, jitterFactor: 1, initialDelay: 3, maxDelay: 5000 }).delays(10_000);
      assert.ok(delays.every((d) => Number.isFinite(d) && d >= 0 && d <= 5000), `${jitter}/${backoff}`);
    }
  }
});

test('delays(count) validates count', () => {
  assert.throws(() => new Policy().delays(-1), { name: 'RangeError', message: '`count` must be an integer from 0 to 100000, got -1' });
  assert.throws(() => new Policy().delays('5'), { name: 'RangeError', message: "`count` must be an integer from 0 to 100000, got '5'" });
  assert.deepEqual(new Policy().delays(0), []);
});

test('empty names and names or environment values with NUL characters are rejected', () => {
  assert.throws(() => new Policy({ retryOn: [''] }), { name: 'TypeError', message: "`retryOn` must be an array of error names or codes (non-empty strings), got ['']" });
  assert.throws(() => new Policy({ retryOn: ['a\0b'] }), { name: 'TypeError', message: /^`retryOn` must be an array of error names or codes/ });
  assert.throws(() => Policy.fromEnv({ RETRY_JITTER: 'full\0' }), { name: 'TypeError', message: /^`RETRY_JITTER` must be text without NUL characters/ });
});

test('fromEnv refuses a variable it does not know under its prefix, naming the one meant', () => {
  assert.throws(() => Policy.fromEnv({ RETRY_MAX_ATTEMPT: '5', RETRY_MAX_DELAY: '2' }), {
    name: 'TypeError',
    message: /^Unknown environment variable `RETRY_MAX_ATTEMPT` \(did you mean `RETRY_MAX_ATTEMPTS`\?\)/,
  });
  assert.throws(() => Policy.fromEnv({ RETRY_TIMEOUT: '5' }), { name: 'TypeError', message: /Unknown environment variable `RETRY_TIMEOUT`.*another prefix/ });
  // A suggestion for names two edits away, none past that.
  assert.throws(() => Policy.fromEnv({ RETRY_MAX_ATTEMPTSXY: '5' }), { message: /`RETRY_MAX_ATTEMPTSXY` \(did you mean `RETRY_MAX_ATTEMPTS`\?\)/ });
  assert.throws(() => Policy.fromEnv({ RETRY_MAX_ATTEMPTSXYZ: '5' }), { message: /^Unknown environment variable `RETRY_MAX_ATTEMPTSXYZ`: Policy.fromEnv reads/ });
  // Other variables, and the known ones, are fine; a duration may name its unit.
  const policy = Policy.fromEnv({ PATH: '/bin', RETRY_INITIAL_DELAY: '100ms', RETRY_MAX_DELAY: '2s', PAY_MAX_ATTEMPT: '1' });
  assert.deepEqual([policy.toJSON().initialDelay, policy.toJSON().maxDelay], [100, 2000]);
  assert.equal(Policy.fromEnv({ PAY_MAX_ATTEMPTS: '4', RETRY_X: '1' }, { prefix: 'PAY_' }).toJSON().maxAttempts, 4);
});
