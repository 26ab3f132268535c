// One Policy drives both the Lambda's own retries (its environment, from toEnv) and the Step
// Functions task that invokes it (its Retry block, from addRetry / toRetryProps).
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { DefinitionBody, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Policy, presets, toEnv } from 'jitterbug';
import { addRetry } from 'jitterbug/cdk';

export function backupApp({ onLoss } = {}) {
  const app = new App();
  const stack = new Stack(app, 'BackupStack');
  const policy = new Policy({ ...presets.default.toJSON(), maxAttempts: 4, initialDelay: 1000 });
  const backup = new NodejsFunction(stack, 'Backup', {
    entry: new URL('../lambda/handler.mjs', import.meta.url).pathname,
    runtime: Runtime.NODEJS_20_X,
    timeout: Duration.seconds(30),
    environment: { ...toEnv(policy), BACKUP_BUCKET_URL: 'https://backups.example.com/etcd' },
  });
  // Without retryOnServiceExceptions: false, the task's own retrier would catch
  // Lambda.ServiceException first and this policy would never apply to it (addRetry says so).
  const run = new LambdaInvoke(stack, 'RunBackup', { lambdaFunction: backup, retryOnServiceExceptions: false });
  addRetry(run, policy, { errors: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'], onLoss });
  new StateMachine(stack, 'NightlyBackup', { definitionBody: DefinitionBody.fromChainable(run) });
  return { app, stack, policy };
}
