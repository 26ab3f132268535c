import type { RetryProps } from 'aws-cdk-lib/aws-stepfunctions';
import type { Policy } from 'jitterbug';

/**
 * `RetryProps` for a Step Functions state's `addRetry`, from jitterbug's Step Functions mapping:
 * `maxAttempts` counts retries, intervals are whole seconds (rounded up), jitter is FULL or
 * NONE. What the retrier cannot express is passed to `onLoss`, one sentence each.
 */
export declare function toRetryProps(policy: Policy, options?: { errors?: string[]; onLoss?: (loss: string) => void }): RetryProps;
