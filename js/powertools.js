// jitterbug/powertools: the retry standard's log lines through Powertools for AWS Lambda's
// Logger (which adds the timestamp and the X-Ray trace id) and its metrics as CloudWatch EMF
// through Powertools' Metrics. Both are the application's own instances: nothing is imported.
import { BoundedLabel, METRICS, lambdaTraceId, logLineOf, samplesOf } from './retry-standard.js';

const METHODS = { INFO: 'info', WARNING: 'warn', ERROR: 'error' };

function isInstanceWith(value, methods) {
  return value !== null && typeof value === 'object' && methods.every((method) => typeof value[method] === 'function');
}

/**
 * A listener (for `onEvent` or `subscribe`) that writes through a Powertools `logger` and/or
 * `metrics` (give either or both):
 * - each log line is the retry standard's (service, operation, attempt, delay, error,
 *   trace_id) in the Logger's format; a named call logs through a child Logger whose service
 *   is the call's, since Powertools keeps `service` for itself;
 * - each metric is one EMF document (a Powertools single metric) with the standard's name
 *   and dimensions; a named call's service and operation replace the instance's default
 *   dimensions on it (Powertools would otherwise warn that `service` is set twice).
 *   `retry_duration_seconds` is a metric in Seconds (CloudWatch computes its percentiles).
 * `maxErrorTypes` (default 50) bounds the `error_type` dimension, as in jitterbug/prometheus.
 */
export function powertools({ logger, metrics, maxErrorTypes = 50 } = {}) {
  if (logger !== undefined && !isInstanceWith(logger, ['info', 'warn', 'error', 'createChild'])) {
    throw new TypeError('`logger` must be a Powertools Logger (from @aws-lambda-powertools/logger)');
  }
  if (metrics !== undefined && !isInstanceWith(metrics, ['singleMetric', 'addMetric'])) {
    throw new TypeError('`metrics` must be a Powertools Metrics (from @aws-lambda-powertools/metrics)');
  }
  if (logger === undefined && metrics === undefined) throw new TypeError('powertools() needs a `logger`, `metrics` or both');
  const errorTypes = new BoundedLabel('maxErrorTypes', maxErrorTypes);
  const children = new Map();
  const loggerOf = (service) => {
    if (service === undefined) return logger;
    if (!children.has(service)) children.set(service, logger.createChild({ serviceName: service }));
    return children.get(service);
  };
  return (event) => {
    if (logger !== undefined) {
      const line = logLineOf(event);
      if (line !== undefined) {
        const { level, message, service, ...fields } = line;
        const traceId = lambdaTraceId();
        loggerOf(service)[METHODS[level]](message, traceId === undefined ? fields : { ...fields, trace_id: traceId });
      }
    }
    if (metrics !== undefined) {
      for (const [key, labels, value] of samplesOf(event, errorTypes)) {
        const single = metrics.singleMetric();
        const dimensions = Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
        if (dimensions.service !== undefined) single.clearDefaultDimensions();
        single.addDimensions(dimensions);
        single.addMetric(METRICS[key].name, key === 'duration' ? 'Seconds' : 'Count', value);
      }
    }
  };
}
