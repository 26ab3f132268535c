import type { JitterbugEvent } from 'jitterbug';

/** The retry standard's log line. `delay` is in seconds; `trace_id` is left out when unknown. */
export interface RetryLogLine {
  timestamp: string;
  level: 'INFO' | 'WARNING' | 'ERROR';
  service?: string;
  operation?: string;
  attempt?: number;
  delay?: number;
  error?: string;
  trace_id?: string;
  message: string;
}

export interface JsonLoggerOptions {
  /** Given each line as an object (pino, winston, console, …). Default: one line of JSON on stdout. */
  logger?: { info(line: RetryLogLine): unknown; warn(line: RetryLogLine): unknown; error(line: RetryLogLine): unknown };
  /** The trace id to log. Default: the Lambda invocation's X-Ray trace id (`_X_AMZN_TRACE_ID`), or none. */
  traceId?: () => string | undefined;
}

/**
 * A listener for `onEvent` or `subscribe()` that logs each retry (WARNING), give-up (ERROR) and
 * success after retries (INFO), and breaker and coordination-store changes.
 */
export declare function jsonLogger(options?: JsonLoggerOptions): (event: JitterbugEvent) => void;
