// CommonJS consumers resolve index.d.cts through the `require` condition.
import jitterbug = require('jitterbug');

const policy: jitterbug.Policy = new jitterbug.Policy({ maxAttempts: 2 });
const result: Promise<number> = jitterbug.retry(async () => 1, policy);
void result;
