// The browser build's stand-in for infra.js: Step Functions, Lambda and AWS SDK exports belong
// to infrastructure code and handlers, which run in Node (cargo feature `infra`).
const missing = (name) => () => {
  throw new TypeError(`${name} is not in the browser build: it is for infrastructure code and Lambda handlers (Node)`);
};

export const toStepFunctionsRetry = missing('toStepFunctionsRetry');
export const toEnv = missing('toEnv');
export const deadlineFrom = missing('deadlineFrom');
export const toAwsRetryStrategy = missing('toAwsRetryStrategy');
