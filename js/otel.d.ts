import type { JitterbugEvent } from 'jitterbug';
import type { Tracer } from '@opentelemetry/api';

/**
 * A listener for `onEvent` or `subscribe()`: a `jitterbug.retry` / `jitterbug.give_up` span
 * event on the active span, and (in Node) a client span per HTTP attempt of retryFetch, with
 * `http.request.resend_count` on resent ones. `tracer` default: `trace.getTracer('jitterbug')`.
 */
export declare function openTelemetry(options?: { tracer?: Tracer }): (event: JitterbugEvent) => void;
