// jitterbug/cdk: a Policy as AWS CDK `RetryProps` for Step Functions states. aws-cdk-lib is an
// optional peer dependency: only this entry point needs it.
import { Duration } from 'aws-cdk-lib';
import { JitterType } from 'aws-cdk-lib/aws-stepfunctions';
import { toStepFunctionsRetry } from 'jitterbug';

/**
 * `RetryProps` for `state.addRetry(...)`, from the engine's Step Functions mapping (so
 * `maxAttempts` counts retries). What the retrier cannot express is passed to `onLoss`, one
 * sentence each (default: none; `toStepFunctionsRetry` returns them too).
 */
export function toRetryProps(policy, { errors, onLoss } = {}) {
  const { retrier, losses } = toStepFunctionsRetry(policy, { errors });
  if (onLoss !== undefined) losses.forEach((loss) => onLoss(loss));
  return {
    errors: retrier.ErrorEquals,
    interval: Duration.seconds(retrier.IntervalSeconds),
    maxAttempts: retrier.MaxAttempts,
    backoffRate: retrier.BackoffRate,
    maxDelay: Duration.seconds(retrier.MaxDelaySeconds),
    jitterStrategy: retrier.JitterStrategy === 'FULL' ? JitterType.FULL : JitterType.NONE,
  };
}
