// The browser build's stand-in for infra.js: Step Functions, Lambda and AWS SDK exports belong
// to infrastructure code and handlers, which run in Node (cargo feature `infra`).
import { nodeOnly } from './overload.js';

const missing = (name) => () => {
  throw nodeOnly(name);
};

export const toStepFunctionsRetry = missing('toStepFunctionsRetry');
export const toEnv = missing('toEnv');
export const deadlineFrom = missing('deadlineFrom');
export const toAwsRetryStrategy = missing('toAwsRetryStrategy');
