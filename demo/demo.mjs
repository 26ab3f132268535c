// `npm start`: jitterbug retrying a flaky HTTP API on 127.0.0.1 under the default policy,
// printing every attempt, its error, the delay drawn and the outcome.
import { Policy, RetryExhaustedError } from 'jitterbug';
import { JOB_SCRIPTS, startFlakyServer } from './flaky-server.mjs';

class HttpError extends Error {
  constructor(status, text) {
    super(`${status} ${text}`);
    this.name = 'HttpError';
    this.code = `HTTP_${status}`;
  }
}

const server = await startFlakyServer();
// The default policy (3 attempts, full jitter from 100 ms), with a per-attempt timeout so a
// slow response counts as a failure, and 404 never retried.
const policy = new Policy({ attemptTimeout: 500, abortOn: ['HTTP_404'] });
console.log(`flaky API on ${server.url}; policy ${JSON.stringify(policy.toJSON())}\n`);

const describe = (error) => error?.name === 'TypeError' && error.cause
  ? `network error (${error.cause.code ?? error.cause.message})`
  : `${error?.name}: ${error?.message}`;
const ms = (n) => `${Math.round(n)} ms`.padStart(7);

let succeeded = 0;
for (const job of Object.keys(JOB_SCRIPTS)) {
  const started = performance.now();
  const label = `job ${job}`;
  try {
    const body = await policy.execute(async ({ attempt, signal }) => {
      const response = await fetch(`${server.url}/jobs/${job}`, { signal }).catch((error) => {
        throw signal.aborted ? signal.reason : error;
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new HttpError(response.status, response.statusText);
      }
      const json = await response.json();
      console.log(`${label}  attempt ${attempt}  200 OK`);
      return json;
    }, {
      onRetry: ({ attempt, error, delay }) =>
        console.log(`${label}  attempt ${attempt}  ${describe(error).padEnd(44)} -> retry in ${ms(delay)}`),
    });
    succeeded += 1;
    console.log(`${label}  succeeded after ${body.requests} attempt(s) in ${ms(performance.now() - started)}\n`);
  } catch (error) {
    if (error instanceof RetryExhaustedError) {
      const last = error.log.at(-1);
      console.log(`${label}  attempt ${last.attempt}  ${describe(last.error)}`);
      console.log(`${label}  gave up: ${error.message} (${ms(performance.now() - started)})\n`);
    } else {
      console.log(`${label}  attempt 1  ${describe(error)}`);
      console.log(`${label}  not retried: ${describe(error)} is in abortOn\n`);
    }
  }
}
console.log(`${succeeded} of ${Object.keys(JOB_SCRIPTS).length} jobs succeeded.`);
await server.close();
