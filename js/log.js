// jitterbug/log: the retry standard's JSON log line, for every retry, give-up and recovery,
// written to stdout or handed to a logger the application already has. No dependencies.
import { lambdaTraceId, logLineOf } from './retry-standard.js';
import { typeError } from './describe.js';

const METHODS = { INFO: 'info', WARNING: 'warn', ERROR: 'error' };

/**
 * A listener (for `onEvent` or `subscribe`) that logs the retry standard's line:
 * `{ timestamp, level, service, operation, attempt, delay, error, trace_id, message }`.
 * - `logger`: an object with `info`, `warn` and `error` methods, given each line as an object
 *   (pino, winston, console, Powertools' Logger); by default each line is written to stdout as
 *   one line of JSON.
 * - `traceId()`: the trace id to log; by default the X-Ray trace id of the Lambda invocation
 *   (from `_X_AMZN_TRACE_ID`), left out when there is none.
 */
export function jsonLogger({ logger, traceId = lambdaTraceId } = {}) {
  if (logger !== undefined && !Object.values(METHODS).every((method) => typeof logger?.[method] === 'function')) {
    throw typeError('logger', 'an object with info, warn and error methods', logger);
  }
  if (typeof traceId !== 'function') throw typeError('traceId', 'a function', traceId);
  const write = logger !== undefined ? (line) => logger[METHODS[line.level]](line)
    : typeof globalThis.process?.stdout?.write === 'function' ? (line) => globalThis.process.stdout.write(`${JSON.stringify(line)}\n`)
      : (line) => console.log(JSON.stringify(line));
  return (event) => {
    const line = logLineOf(event);
    if (line === undefined) return;
    const { level, message, ...fields } = line;
    const trace = traceId();
    write({ timestamp: new Date().toISOString(), level, ...fields, ...(trace === undefined ? {} : { trace_id: trace }), message });
  };
}
