import type { JitterbugEvent } from 'jitterbug';

export interface PowertoolsOptions {
  /** A Powertools Logger (`@aws-lambda-powertools/logger`): the retry standard's log lines, with its X-Ray trace id. */
  logger?: { info(...args: any[]): void; warn(...args: any[]): void; error(...args: any[]): void; createChild(options: { serviceName: string }): any };
  /** A Powertools Metrics (`@aws-lambda-powertools/metrics`): the retry standard's metrics as CloudWatch EMF. */
  metrics?: { singleMetric(): any; addMetric(...args: any[]): void };
  /** How many `error_type` values are kept; later new ones count as `'other'`. Default: 50. */
  maxErrorTypes?: number;
}

/** A listener for `onEvent` or `subscribe()` writing through Powertools' Logger and/or Metrics. */
export declare function powertools(options: PowertoolsOptions): (event: JitterbugEvent) => void;
