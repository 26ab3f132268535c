// jitterbug/prometheus: the retry standard's metrics in a prom-client registry (prom-client is
// the application's own, an optional peer dependency of jitterbug).
import client from 'prom-client';
import { BoundedLabel, METRICS, samplesOf } from './retry-standard.js';
import { typeError } from './describe.js';

const errorTypesOf = new WeakMap();

/**
 * A listener (for `onEvent` or `subscribe`) that counts into `registry` (default: prom-client's
 * global one): `retry_attempts_total`, `retry_success_total`, `retry_failure_total` and the
 * `retry_duration_seconds` histogram. `maxErrorTypes` (default 50) bounds the `error_type`
 * label: later new error names count as `other`. The metrics are made once per registry;
 * asking again for the same registry returns a listener counting into them.
 */
export function prometheusMetrics({ registry = client.register, maxErrorTypes = 50 } = {}) {
  if (!(registry instanceof client.Registry)) {
    throw typeError('registry', 'a prom-client Registry', registry);
  }
  // One bound per registry, however many listeners count into it.
  if (!errorTypesOf.has(registry)) errorTypesOf.set(registry, new BoundedLabel('maxErrorTypes', maxErrorTypes));
  const errorTypes = errorTypesOf.get(registry);
  const metrics = {};
  for (const [key, { name, help, labels, buckets }] of Object.entries(METRICS)) {
    const existing = registry.getSingleMetric(name);
    metrics[key] = existing ?? (buckets === undefined
      ? new client.Counter({ name, help, labelNames: labels, registers: [registry] })
      : new client.Histogram({ name, help, labelNames: labels, buckets, registers: [registry] }));
  }
  return (event) => {
    for (const [key, labels, value] of samplesOf(event, errorTypes)) {
      if (key === 'duration') metrics[key].observe(labels, value);
      else metrics[key].inc(labels, value);
    }
  };
}
