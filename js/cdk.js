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

/**
 * `state.addRetry(toRetryProps(policy, options))`, and a loss for each error an earlier
 * retrier on the state already catches: Step Functions tries a state's retriers in order, so
 * the new rule never fires for it. A `LambdaInvoke` adds such a retrier for Lambda's service
 * exceptions unless it is created with `retryOnServiceExceptions: false`.
 */
export function addRetry(state, policy, options = {}) {
  const props = toRetryProps(policy, options);
  // The state's retriers as Step Functions will see them (its public rendering).
  const earlier = state.toStateJson().Retry ?? [];
  for (const error of props.errors) {
    if (earlier.some(({ ErrorEquals }) => ErrorEquals.includes(error) || ErrorEquals.includes('States.ALL'))) {
      options.onLoss?.(`${error} is caught first by an earlier retrier on this state, so this rule never fires for it ` +
        '(a LambdaInvoke retries service exceptions itself unless created with retryOnServiceExceptions: false)');
    }
  }
  state.addRetry(props);
  return props;
}
