// The playground: a policy editor, a plot of the delays a policy draws, and a live retryFetch
// against the flaky API served beside this page.
import { Policy, presets, createFetch, backoffKinds, jitterKinds, retryOutcome } from '/pkg/jitterbug.browser.mjs';

const $ = (id) => document.getElementById(id);
const form = $('policy');
const SEEDS = 200;
const MAX_PLOTTED_RETRIES = 12;
const ms = (n) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
/** A short label for the chart's scales: ms, s or min, so that long waits still fit. */
const short = (n) => (n < 1000 ? ms(n) : n < 60_000 ? `${+(n / 1000).toFixed(1)} s` : `${+(n / 60_000).toFixed(1)} min`);

for (const [name, kinds] of [['backoff', backoffKinds], ['jitter', jitterKinds]]) {
  form.querySelector(`select[name=${name}]`).append(...kinds.map((kind) => new Option(kind, kind)));
}
$('preset').append(...Object.keys(presets).map((name) => new Option(name, name)));

const splitList = (text) => text.split(',').map((item) => item.trim()).filter(Boolean);

/** The form as policy options: empty fields are left out, so they keep their defaults. */
function readForm() {
  const options = {};
  for (const element of form.elements) {
    if (element.value.trim() === '') continue;
    // A list of delays, when given, takes the place of the backoff formula's name.
    options[element.name] = element.type === 'number' ? Number(element.value)
      : 'delays' in element.dataset ? splitList(element.value).map(Number)
        : 'list' in element.dataset ? splitList(element.value) : element.value;
  }
  return options;
}

function writeForm(json) {
  for (const element of form.elements) {
    const value = json[element.name];
    if (element.name === 'backoff') {
      // The select shows a formula's name; the delays field, a list.
      const listed = Array.isArray(value);
      element.value = 'delays' in element.dataset ? (listed ? value.join(', ') : '') : (listed ? '' : value ?? '');
      continue;
    }
    element.value = Array.isArray(value) ? value.join(', ') : value ?? '';
  }
}

let policy = new Policy();

/** Marks the field an error names (its message starts with it), and unmarks the others. */
function markInvalid(error) {
  const named = error === undefined ? undefined : /^`(\w+)`/.exec(error.message)?.[1];
  for (const element of form.elements) {
    if (element.name === named) element.setAttribute('aria-invalid', 'true');
    else element.removeAttribute('aria-invalid');
  }
}

function update() {
  try {
    policy = new Policy(readForm());
  } catch (error) {
    // The engine's own words: they name the field and the value.
    $('policy-error').textContent = `${error.name}: ${error.message}`;
    $('policy-error').hidden = false;
    markInvalid(error);
    return;
  }
  markInvalid(undefined);
  $('policy-error').hidden = true;
  $('policy-json').textContent = JSON.stringify(policy.toJSON(), null, 2);
  plot(policy.toJSON());
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Per retry, the spread of delays over many seeds (or the policy's own seed), and the cumulative worst case. */
function summarise(json) {
  const retries = Math.min(json.maxAttempts - 1, MAX_PLOTTED_RETRIES);
  if (retries < 1) return [];
  const seeds = json.seed === undefined ? Array.from({ length: SEEDS }, (_, i) => i + 1) : [json.seed];
  const draws = seeds.map((seed) => new Policy({ ...json, seed }).delays(retries));
  let worst = 0;
  return Array.from({ length: retries }, (_, r) => {
    const sorted = draws.map((d) => d[r]).sort((a, b) => a - b);
    const max = sorted.at(-1);
    worst += max;
    return { retry: r + 1, p5: percentile(sorted, 0.05), median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max, worst };
  });
}

function plot(json) {
  const rows = summarise(json);
  $('plot-scope').textContent = json.seed === undefined ? `Over ${SEEDS} seeds` : `Seed ${json.seed}: one schedule`;
  const retries = json.maxAttempts - 1;
  $('plot-clipped').textContent = retries > MAX_PLOTTED_RETRIES ? ` The first ${MAX_PLOTTED_RETRIES} of ${retries} retries are shown.` : '';
  $('delays').tBodies[0].replaceChildren(...rows.map((row) => {
    const tr = document.createElement('tr');
    for (const value of [row.retry, ms(row.p5), ms(row.median), ms(row.p95), ms(row.max), ms(row.worst)]) {
      tr.append(Object.assign(document.createElement('td'), { textContent: value }));
    }
    return tr;
  }));
  const svg = $('chart');
  const [W, H, left, right, top, bottom] = [640, 300, 56, 64, 16, 36];
  const parts = [];
  if (rows.length === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">maxAttempts is 1: no retries to plot</text>`);
  } else {
    const yMax = Math.max(...rows.map((r) => r.max)) || 1;
    const wMax = rows.at(-1).worst || 1;
    const step = (W - left - right) / rows.length;
    const y = (v) => top + (H - top - bottom) * (1 - v / yMax);
    const yw = (v) => top + (H - top - bottom) * (1 - v / wMax);
    parts.push(`<line class="axis" x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}"/>`);
    parts.push(`<text x="${left - 6}" y="${top + 4}" text-anchor="end">${short(yMax)}</text><text x="${left - 6}" y="${H - bottom}" text-anchor="end">0</text>`);
    parts.push(`<text x="${left - 6}" y="${top + 16}" text-anchor="end">delay</text>`);
    parts.push(`<text class="worst-label" x="${W - right + 4}" y="${top + 4}">${short(wMax)}</text><text class="worst-label" x="${W - right + 4}" y="${top + 16}">total</text>`);
    rows.forEach((row, i) => {
      const x = left + step * i + step / 2;
      parts.push(`<rect class="band" x="${x - step * 0.3}" y="${y(row.p95)}" width="${step * 0.6}" height="${Math.max(1, y(row.p5) - y(row.p95))}"/>`);
      parts.push(`<circle class="median" cx="${x}" cy="${y(row.median)}" r="3.5"/>`);
      parts.push(`<text x="${x}" y="${H - bottom + 16}" text-anchor="middle">${row.retry}</text>`);
    });
    const points = rows.map((row, i) => `${left + step * i + step / 2},${yw(row.worst)}`).join(' ');
    parts.push(`<polyline class="worst" points="${points}"/>`);
    parts.push(`<text x="${(W - right + left) / 2}" y="${H - 4}" text-anchor="middle">retry</text>`);
  }
  svg.innerHTML = parts.join('');
}

$('preset').addEventListener('change', (event) => {
  writeForm(event.target.value ? presets[event.target.value].toJSON() : new Policy().toJSON());
  update();
});
form.addEventListener('input', update);

// ---- The live panel -----------------------------------------------------------------------
let controller;

/** One line of the events list: the call's event stream (onEvent), as it happens. */
function eventLine(event) {
  switch (event.type) {
    case 'attempt':
      return `attempt ${event.attempt} ${event.outcome} after ${ms(event.duration)}`;
    case 'retry':
      return `retry ${event.attempt} scheduled in ${ms(event.delay)} (${event.errorClass} error, ${event.retriesLeft} left)`;
    case 'success':
      return `success after ${event.attempts} attempt${event.attempts === 1 ? '' : 's'}, ${ms(event.elapsed)}`;
    case 'giveUp':
      return `gave up: ${event.reason} after ${event.attempts} attempt${event.attempts === 1 ? '' : 's'}`;
    default:
      return event.type;
  }
}

function showEvent(event) {
  const li = document.createElement('li');
  li.dataset.type = event.type;
  li.textContent = eventLine(event);
  $('events').append(li);
}

function attemptItem(n) {
  const li = document.createElement('li');
  li.dataset.attempt = n;
  li.textContent = `attempt ${n}: waiting for a response…`;
  $('attempts').append(li);
  return li;
}

$('run').addEventListener('click', async () => {
  let options;
  try {
    options = new Policy(readForm()).toJSON();
  } catch (error) {
    $('outcome').textContent = `Fix the policy first: ${error.message}`;
    return;
  }
  $('attempts').replaceChildren();
  $('events').replaceChildren();
  $('outcome').textContent = 'running…';
  $('run').disabled = true;
  $('abort').disabled = false;
  controller = new AbortController();
  const started = performance.now();
  const items = [];
  // Records every attempt as it happens; retryFetch calls it once per attempt.
  const loggingFetch = async (input, init) => {
    const li = attemptItem(items.length + 1);
    items.push(li);
    try {
      const response = await fetch(input, init);
      const retryAfter = response.headers.get('retry-after');
      li.textContent = `attempt ${items.indexOf(li) + 1}: ${response.status} ${response.statusText}` +
        `${retryAfter ? ` · Retry-After: ${retryAfter}` : ''} · at ${ms(performance.now() - started)}`;
      li.className = response.ok ? 'ok' : 'failed';
      return response;
    } catch (error) {
      li.textContent = `attempt ${items.indexOf(li) + 1}: ${error.name}: ${error.message} · at ${ms(performance.now() - started)}`;
      li.className = 'failed';
      throw error;
    }
  };
  const onRetry = ({ attempt, delay }) => {
    const li = items[attempt - 1];
    if (li) li.textContent += ` → retry in ${ms(delay)}`;
  };
  const session = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const scenario = $('scenario').value;
  try {
    const statuses = splitList($('retry-on-status').value).map(Number);
    const fetchWithRetry = createFetch({ ...options, onRetry, onEvent: showEvent, service: 'flaky-api', operation: scenario, ...(statuses.length ? { retryOnStatus: statuses } : {}) }, loggingFetch);
    const response = await fetchWithRetry(`/api/flaky?scenario=${scenario}&session=${session}`, { signal: controller.signal });
    const why = GAVE_UP_BECAUSE[retryOutcome(response)?.reason];
    $('outcome').textContent = `${response.ok ? 'Succeeded' : `Gave up${why ? ` (${why})` : ''}`}: ${response.status} ${response.statusText} after ` +
      `${items.length} attempt${items.length === 1 ? '' : 's'} in ${ms(performance.now() - started)}`;
  } catch (error) {
    const count = `${items.length} attempt${items.length === 1 ? '' : 's'}`;
    $('outcome').textContent = `${error.name}: ${error.message} (after ${count}, ${ms(performance.now() - started)})`;
  } finally {
    $('run').disabled = false;
    $('abort').disabled = true;
  }
});

// Why retryFetch stopped, in the words of the policy's fields.
const GAVE_UP_BECAUSE = {
  attempts: 'maxAttempts reached',
  deadline: 'maxElapsed would be exceeded',
  retryAfter: 'the server asked to wait longer than maxRetryAfter',
  notRetryable: 'not retryable',
};

$('abort').addEventListener('click', () => controller?.abort(new DOMException('Aborted by the user', 'AbortError')));

writeForm(policy.toJSON());
update();
window.playgroundReady = true;
