import type { RetryProps } from 'aws-cdk-lib/aws-stepfunctions';
import type { Policy } from 'jitterbug';

/**
 * `RetryProps` for a Step Functions state's `addRetry`, from jitterbug's Step Functions mapping:
 * `maxAttempts` counts retries, intervals are whole seconds (rounded up), jitter is FULL or
 * NONE. What the retrier cannot express is passed to `onLoss`, one sentence each.
 */
export declare function toRetryProps(policy: Policy, options?: { errors?: string[]; onLoss?: (loss: string) => void }): RetryProps;

/**
 * `state.addRetry(toRetryProps(policy, options))`, and a loss (to `onLoss`) for each error that
 * an earlier retrier on the state already catches — such as a `LambdaInvoke`'s own retrier for
 * Lambda service exceptions, unless it was created with `retryOnServiceExceptions: false`.
 */
export declare function addRetry(
  state: { addRetry(props: RetryProps): unknown; toStateJson(): object },
  policy: Policy,
  options?: { errors?: string[]; onLoss?: (loss: string) => void },
): RetryProps;
