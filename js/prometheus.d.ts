import type { JitterbugEvent } from 'jitterbug';
import type { Registry } from 'prom-client';

export interface PrometheusMetricsOptions {
  /** Where the metrics live. Default: prom-client's global registry. */
  registry?: Registry;
  /** How many `error_type` values the registry keeps; later new ones count as `'other'`. Default: 50. */
  maxErrorTypes?: number;
}

/**
 * A listener for `onEvent` or `subscribe()` counting `retry_attempts_total` (service, operation,
 * attempt), `retry_success_total` (service, operation, attempts_needed), `retry_failure_total`
 * (service, operation, error_type) and the histogram `retry_duration_seconds` (service,
 * operation; buckets 0.1, 0.5, 1, 2, 5, 10).
 */
export declare function prometheusMetrics(options?: PrometheusMetricsOptions): (event: JitterbugEvent) => void;
