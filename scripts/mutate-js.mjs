// A mutation pass over the package's JavaScript (js/): changes one operator at a time, rebundles
// (over the last build's engine: run `npm run build` first), runs the Node tests, and counts the
// mutants the tests notice. The engine's own mutation testing is `cargo mutants`.
//
//   node scripts/mutate-js.mjs [--limit N] [--only file.js[,file.js…]] [--tests name[,name…]] [--sites test-artifacts/js-mutants.txt]
//
// Every mutant site is listed; with --limit, every k-th is tried so that the sample spreads
// over all files; with --sites, only the sites a file names (`js/retry.js:18:59`, as a report
// lists survivors). Survivors are printed and written to test-artifacts/js-mutants.txt.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const limit = Number(option('--limit') ?? Infinity);
const only = option('--only');
const sitesFile = option('--sites');
const wanted = sitesFile === undefined ? undefined
  : new Set(readFileSync(sitesFile, 'utf8').match(/js\/[\w-]+\.js:\d+:\d+/g));

const FILES = ['retry.js', 'sleep.js', 'fetch.js', 'options.js', 'policy.js', 'breaker.js', 'budget.js', 'infra.js',
  'describe.js', 'errors.js', 'index.js', 'number-options.js', 'traps.js', 'report.js', 'engine.js', 'store.js', 'slots.js',
  'idempotency.js', 'redis.js', 'engine-error.js', 'events.js', 'channels.js', 'retry-standard.js', 'log.js', 'prometheus.js',
  'powertools.js', 'otel.js', 'decorators.js', 'adaptive.js', 'hedge.js', 'batch.js']
  .filter((f) => only === undefined || only.split(',').includes(f));
// The tests that exercise js/ in Node, fast enough to run once per mutant (the browser, package,
// page and garbage-collection tests run the same code through slower harnesses).
// `--tests a,b` runs only tests/js/a.test.mjs and b.test.mjs (for a pass over the modules they cover).
const TESTS = (option('--tests')?.split(',') ?? ['retry', 'policy', 'delays', 'fetch', 'guards', 'signals', 'hostile', 'rules', 'budget',
  'breaker', 'traps', 'aws', 'fake-timers', 'coordination', 'redis', 'events', 'adapters', 'decorators', 'adaptive', 'hedging', 'batch', 'dynamodb-batch'])
  .map((name) => `tests/js/${name}.test.mjs`);

// [pattern, replacement]: each match of a pattern is one mutant.
const OPERATORS = [
  [/===/g, '!=='], [/!==/g, '==='], [/&&/g, '||'], [/\|\|/g, '&&'], [/\?\?/g, '||'],
  [/<=/g, '<'], [/>=/g, '>'], [/(?<![<=!>])<(?![<=])/g, '<='], [/(?<![=>-])>(?![>=])/g, '>='],
  [/\btrue\b/g, 'false'], [/\bfalse\b/g, 'true'], [/(?<=\()!(?=[\w#.])/g, ''], [/ \+ 1\b/g, ' - 1'],
  [/ - 1\b/g, ' + 1'], [/\bcontinue;/g, 'break;'],
];

/** Whether `index` in `line` is inside a string, template or regex literal (a rough but safe test). */
function inLiteral(line, index) {
  let quote;
  for (let i = 0; i < index; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') return true; // a trailing comment
  }
  return quote !== undefined || /^\s*(\/\/|\*|\/\*)/.test(line) || /\/.*\/[gimsuy]*\.test\(/.test(line);
}

const sites = [];
for (const file of FILES) {
  const lines = readFileSync(`${root}js/${file}`, 'utf8').split('\n');
  lines.forEach((line, lineIndex) => {
    if (/^\s*(import|export \{|export \*)/.test(line)) return;
    for (const [pattern, replacement] of OPERATORS) {
      for (const match of line.matchAll(pattern)) {
        if (inLiteral(line, match.index)) continue;
        sites.push({ file, line: lineIndex, column: match.index, from: match[0], to: replacement });
      }
    }
  });
}
const named = wanted === undefined ? sites : sites.filter((s) => wanted.has(`js/${s.file}:${s.line + 1}:${s.column + 1}`));
const step = Math.max(1, Math.ceil(named.length / limit));
const chosen = named.filter((_, i) => i % step === 0);
console.log(`mutate-js: ${sites.length} mutant sites in ${FILES.length} files; trying ${chosen.length} (every ${step})`);

const build = () => execFileSync(process.execPath, ['scripts/build.mjs', '--js-only'], { cwd: root, stdio: 'ignore' });
const testsPass = () => spawnSync(process.execPath, ['--test', ...TESTS], { cwd: root, stdio: 'ignore', timeout: 120_000 }).status === 0;

build();
if (!testsPass()) throw new Error('mutate-js: the tests fail without any mutation; fix them first');

const survivors = [];
let killed = 0;
for (const [n, site] of chosen.entries()) {
  const path = `${root}js/${site.file}`;
  const original = readFileSync(path, 'utf8');
  const lines = original.split('\n');
  const line = lines[site.line];
  lines[site.line] = line.slice(0, site.column) + site.to + line.slice(site.column + site.from.length);
  const where = `js/${site.file}:${site.line + 1}:${site.column + 1} ${site.from} -> ${site.to || '(deleted)'}`;
  writeFileSync(path, lines.join('\n'));
  let caught;
  try {
    build();
    caught = !testsPass();
  } catch {
    caught = true; // the bundle did not build: not a useful mutant, but not a survivor either
  } finally {
    writeFileSync(path, original);
  }
  if (caught) killed += 1;
  else survivors.push(`${where}    ${line.trim()}`);
  console.log(`mutate-js: ${n + 1}/${chosen.length} ${caught ? 'caught ' : 'MISSED '} ${where}`);
}
build();

const score = (100 * killed / chosen.length).toFixed(1);
const report = [`${killed} of ${chosen.length} mutants caught (${score}%)`, 'Survivors:', ...survivors].join('\n');
mkdirSync(`${root}test-artifacts`, { recursive: true });
writeFileSync(`${root}test-artifacts/js-mutants.txt`, `${report}\n`);
console.log(`mutate-js: ${report}`);
