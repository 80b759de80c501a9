/**
 * `npm run fuzz`: the hardening issue's grammar fuzz. Per store, a real `roster serve` process
 * over a fresh database, two seeded SCIM tenants and an admin API playground, then N valid
 * filters and M malformed requests (test/fuzz/). Prints counts by status class, every distinct
 * 5xx with a minimal reproduction, suspicious answers and slow requests; --json writes it all.
 * Exits 1 on any 5xx, timeout, connection failure, cross-tenant leak or failed final check.
 *
 *   npm run fuzz -- --store sqlite --filters 20000 --malformed 80000 --seed 1 --json fuzz.json
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FailureGroup } from '../test/fuzz/fuzz-run.ts';
import { type FuzzStore, fuzzStore, type StoreReport } from '../test/fuzz/fuzz-store.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    filters: { type: 'string', default: '20000' },
    malformed: { type: 'string', default: '80000' },
    seed: { type: 'string', default: 'roster-fuzz' },
    users: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    'timeout-ms': { type: 'string', default: '30000' },
    'slow-ms': { type: 'string', default: '1000' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'npm run fuzz -- [--store sqlite|postgres|both] [--filters N] [--malformed N] [--seed S]\n' +
      '                [--users N] [--concurrency N] [--timeout-ms MS] [--slow-ms MS] [--json FILE]\n',
  );
  process.exit(0);
}

function count(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`fuzz: --${name} must be a non-negative integer, got ${text}\n`);
    process.exit(2);
  }
  return n;
}

const stores: FuzzStore[] =
  values.store === 'both'
    ? ['sqlite', 'postgres']
    : values.store === 'sqlite' || values.store === 'postgres'
      ? [values.store]
      : [];
if (stores.length === 0) {
  process.stderr.write(`fuzz: --store must be sqlite, postgres or both, got ${values.store}\n`);
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${line}\n`);

function classes(byClass: Record<string, number>): string {
  const order = ['2xx', '3xx', '4xx', '5xx', 'timeout', 'error', 'unsendable'];
  return order.map((c) => `${c} ${byClass[c] ?? 0}`).join(', ');
}

function printGroup(group: FailureGroup, n: number): void {
  const r = group.reproduction;
  log(
    `  [${n}] ${group.kind} ${r.status ?? ''} ${group.template} ×${group.count}${group.reproducible ? '' : ' (did not happen again when replayed alone)'}`,
  );
  log(`      response: ${group.detail}`);
  if (group.serverError) log(`      server:   ${group.serverError}`);
  log(`      minimal reproduction: ${r.method} ${r.path.slice(0, 500)}`);
  for (const [name, value] of Object.entries(r.headers))
    log(`        ${name}: ${String(value).slice(0, 200)}`);
  if (r.bodyText !== undefined)
    log(`        body: ${r.bodyText.slice(0, 1500)}${r.bodyText.length > 1500 ? '…' : ''}`);
  if (r.bodyBase64 !== undefined)
    log(`        body (base64, not UTF-8): ${r.bodyBase64.slice(0, 500)}`);
  log(`      ${r.curl.slice(0, 2000)}`);
}

/** Whether the report fails the run. */
function failed(report: StoreReport): boolean {
  return (
    report.failures > 0 ||
    !report.serverAlive ||
    report.finalChecks.some((c) => !c.ok) ||
    report.suspicions.some((s) => s.what.includes('LEAK') || s.what.includes('must fail'))
  );
}

function print(report: StoreReport): void {
  const { filters, malformed } = report.phases;
  log('');
  log(`== ${report.store}: seed '${report.seed}', ${report.users} users per tenant`);
  log(
    `   seeding ${report.seedSeconds.toFixed(1)} s, filters ${filters.seconds.toFixed(1)} s, malformed ${malformed.seconds.toFixed(1)} s, total ${report.totalSeconds.toFixed(1)} s`,
  );
  log(
    `   valid filters: ${filters.cases} cases, ${filters.requests} requests: ${classes(filters.byClass)}`,
  );
  log(`   malformed:     ${malformed.cases} requests: ${classes(malformed.byClass)}`);
  const fiveXx = (filters.byClass['5xx'] ?? 0) + (malformed.byClass['5xx'] ?? 0);
  log(
    `   5xx responses: ${fiveXx}; failures in all (5xx, 5xx inside Bulk, timeouts, errors): ${report.failures} in ${report.groups.length} distinct groups`,
  );
  for (const [i, group] of report.groups.entries()) printGroup(group, i + 1);
  if (report.suspicions.length > 0) {
    log('   suspicious answers:');
    for (const s of report.suspicions) {
      log(`   - ${s.what}: ${s.count}`);
      for (const e of s.examples.slice(0, 2))
        log(
          `       ${e.status} ${e.request.method} ${e.request.path.slice(0, 300)} → ${e.detail.slice(0, 200)}`,
        );
    }
  }
  if (report.slow.length > 0) {
    log('   slowest requests:');
    for (const s of report.slow.slice(0, 12)) {
      const what = s.filter
        ? `filter: ${s.filter.slice(0, 400)}`
        : `${s.method} ${s.path.slice(0, 200)}`;
      log(`   - ${s.ms} ms ${s.status ?? 'timeout'} [${s.phase} #${s.index}] ${what}`);
      if (!s.filter && s.body) log(`       body: ${s.body.slice(0, 300)}`);
    }
  }
  if (report.serverErrors.length > 0) {
    log('   server error log:');
    for (const e of report.serverErrors.slice(0, 15))
      log(`   - ×${e.count} ${e.message.slice(0, 400)}`);
  }
  log(
    `   final checks: ${report.finalChecks.map((c) => `${c.check} ${c.ok ? 'ok' : `FAILED (${c.detail})`}`).join('; ')}`,
  );
  log(`   server exit code after SIGTERM: ${report.exitCode}`);
  log(`   ${failed(report) ? 'FAILED' : 'passed'}`);
}

const reports: StoreReport[] = [];
for (const store of stores) {
  log(`fuzzing ${store}…`);
  const report = await fuzzStore({
    store,
    seed: values.seed as string,
    filters: count('filters', values.filters),
    malformed: count('malformed', values.malformed),
    users: count('users', values.users),
    concurrency: Math.max(1, count('concurrency', values.concurrency)),
    timeoutMs: count('timeout-ms', values['timeout-ms']),
    slowMs: count('slow-ms', values['slow-ms']),
    onProgress: (message) => log(`  [${store}] ${message}`),
  });
  print(report);
  reports.push(report);
  if (values.json)
    writeFileSync(
      values.json,
      `${JSON.stringify({ date: new Date().toISOString(), reports }, null, 2)}\n`,
    );
}
process.exit(reports.some(failed) ? 1 : 0);
