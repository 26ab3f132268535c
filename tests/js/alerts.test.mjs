// The alerting rules in examples/prometheus/alerts.yml: valid for Prometheus (promtool), firing
// when they should (promtool's rule unit tests, tests/prometheus/alerts.test.yml), and written
// against the metrics and labels jitterbug/prometheus really exposes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { Registry } from 'prom-client';
import { retry } from 'jitterbug';
import { prometheusMetrics } from 'jitterbug/prometheus';

const root = new URL('../../', import.meta.url).pathname;
const promtool = (...args) => execFileSync('promtool', args, { cwd: root, encoding: 'utf8' });

test('promtool accepts the rules and their unit tests pass (HighRetryRate, RetryExhaustion)', () => {
  assert.match(promtool('check', 'rules', 'examples/prometheus/alerts.yml'), /SUCCESS: 2 rules found/);
  assert.match(promtool('test', 'rules', 'tests/prometheus/alerts.test.yml'), /SUCCESS/);
});

test('every metric and label the rules use is one jitterbug/prometheus exposes', async () => {
  const registry = new Registry();
  const onEvent = prometheusMetrics({ registry });
  let calls = 0;
  await retry(async () => { if (++calls < 2) throw new Error('busy'); }, { initialDelay: 1, service: 'lake', operation: 'sync', onEvent });
  await retry(async () => { throw new Error('down'); }, { maxAttempts: 1, service: 'lake', operation: 'sync', onEvent }).catch(() => {});
  const exposed = new Map((await registry.getMetricsAsJSON()).map((metric) => [metric.name, new Set(metric.values.flatMap((v) => Object.keys(v.labels)))]));
  const rules = yaml.load(readFileSync(`${root}examples/prometheus/alerts.yml`, 'utf8')).groups.flatMap((group) => group.rules);
  assert.deepEqual(rules.map((rule) => rule.alert), ['HighRetryRate', 'RetryExhaustion']);
  for (const { alert, expr } of rules) {
    const metrics = [...expr.matchAll(/\b(retry_[a-z_]+)\b/g)].map((m) => m[1]);
    assert.ok(metrics.length > 0, alert);
    for (const metric of metrics) {
      assert.ok(exposed.has(metric), `${alert} uses ${metric}, which is not exposed`);
      const labels = [...expr.matchAll(/by \(([^)]*)\)/g), ...expr.matchAll(/\{(\w+)!?=/g)].flatMap((m) => m[1].split(',').map((l) => l.trim()));
      for (const label of labels) assert.ok(exposed.get(metric).has(label), `${alert}: ${metric} has no label ${label}`);
    }
  }
});
