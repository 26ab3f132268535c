// jitterbug/otel: retries in OpenTelemetry traces, through the application's
// @opentelemetry/api (an optional peer): a span event on the active span for each retry and
// give-up, and (in Node) a client span for each HTTP attempt of retryFetch, with
// `http.request.resend_count` on the resent ones (OpenTelemetry's one stable retry attribute).
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { errorType } from './retry-standard.js';

/**
 * A listener (for `onEvent` or `subscribe`). `tracer`: where retryFetch's attempt spans are
 * made (default: `trace.getTracer('jitterbug')`). Events are attached to the span active when
 * the call was made (OpenTelemetry's context follows the call through its awaits).
 */
export function openTelemetry({ tracer = trace.getTracer('jitterbug') } = {}) {
  if (tracer === null || typeof tracer !== 'object' || typeof tracer.startSpan !== 'function') {
    throw new TypeError('`tracer` must be an OpenTelemetry Tracer (trace.getTracer(name))');
  }
  return (event) => {
    const labels = {};
    if (event.service !== undefined) labels['jitterbug.service'] = event.service;
    if (event.operation !== undefined) labels['jitterbug.operation'] = event.operation;
    if (event.type === 'retry') {
      trace.getActiveSpan()?.addEvent('jitterbug.retry', {
        ...labels, 'jitterbug.attempt': event.attempt, 'jitterbug.delay_ms': event.delay, 'jitterbug.error_class': event.errorClass,
        'error.type': errorType(event.error),
      });
    } else if (event.type === 'hedge') {
      trace.getActiveSpan()?.addEvent('jitterbug.hedge', { ...labels, 'jitterbug.attempt': event.attempt });
    } else if (event.type === 'giveUp') {
      trace.getActiveSpan()?.addEvent('jitterbug.give_up', {
        ...labels, 'jitterbug.attempts': event.attempts, 'jitterbug.reason': event.reason, 'error.type': errorType(event.error),
      });
    } else if (event.type === 'attempt' && event.method !== undefined) {
      httpAttemptSpan(tracer, event);
    }
  };
}

/** The client span of one HTTP attempt, made when it has ended (its times are the attempt's). */
function httpAttemptSpan(tracer, event) {
  const end = performance.timeOrigin + performance.now();
  const attributes = { 'http.request.method': event.method, 'url.full': event.url };
  if (event.attempt > 1) attributes['http.request.resend_count'] = event.attempt - 1;
  if (event.status !== undefined) attributes['http.response.status_code'] = event.status;
  if (event.outcome !== 'success') attributes['error.type'] = event.status !== undefined ? String(event.status) : errorType(event.error);
  const span = tracer.startSpan(event.method, { kind: SpanKind.CLIENT, startTime: end - event.duration, attributes }, context.active());
  if (event.outcome !== 'success') span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(end);
}
