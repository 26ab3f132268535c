// A backup Lambda in the spirit of an etcd backup function: upload a snapshot to an
// S3-like endpoint, retried under the policy the stack put in the function's environment
// (RETRY_* variables written by toEnv), never sleeping past the invocation's own timeout.
import { Policy, createFetch, deadlineFrom } from 'jitterbug';

// Read once per container, at cold start: a bad variable fails loudly on the first call.
const policy = Policy.fromEnv(process.env);

export const handler = async (event, context) => {
  const upload = createFetch({ ...policy.toJSON(), maxElapsed: deadlineFrom(context, { reserve: 1000 }) });
  const url = `${process.env.BACKUP_BUCKET_URL}/${encodeURIComponent(event.key)}`;
  const response = await upload(url, { method: 'PUT', body: JSON.stringify(event.snapshot), headers: { 'content-type': 'application/json' } });
  if (!response.ok) throw new Error(`backup upload failed: ${response.status} ${response.statusText}`);
  return { key: event.key, status: response.status, etag: response.headers.get('etag') };
};
