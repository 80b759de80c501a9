/**
 * `npm run bench:console [-- --users N] [-- --json FILE]`: the console's user list on a large
 * SQLite account. Seeds N users (default 1,000,000) straight into a new database, starts
 * `roster serve` on it, signs in through the console's own form, then times whole page
 * responses (HTML received to the last byte) of the users page: the first page, filtered
 * first pages, and a page 20 cursor steps deep; plus a user's page, setup and connection
 * status. With Chromium present it also times the first page as a browser opens it (navigation
 * to DOMContentLoaded). Target: the first page of the list under 300 ms.
 *
 * The server runs as the benches run Roster (bench/server-process.ts `rosterServe`); every
 * sample is one request at a time, after warm-up requests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserUnavailable, launchChromium } from '../test/browser/browser-kit.ts';
import { seedUsers } from './seed-users.ts';
import { BENCH_ADMIN_KEY, BENCH_TOKEN, rosterServe, startServer } from './server-process.ts';

const TARGET_MS = 300;

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

const users = Number(flag('users') ?? 1_000_000);
const jsonFile = flag('json');
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Timing {
  readonly name: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly target?: number;
  readonly met?: boolean;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

const dir = mkdtempSync(join(tmpdir(), 'roster-bench-console-'));
const database = join(dir, 'roster.db');
const results: Timing[] = [];

try {
  log(`Seeding ${users.toLocaleString('en')} users into ${database} …`);
  const seeded = await seedUsers({
    database,
    token: BENCH_TOKEN,
    from: 0,
    to: users,
    sampleSize: 10,
  });
  log(`  ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.usersPerSecond)} users/s)`);
  const server = await startServer({ name: 'roster', ...rosterServe(database) });
  try {
    // Sign in through the console's form, as a browser would, and keep the session cookie.
    const form = await fetch(`${server.url}/sign-in`);
    const signIn = /name="_signin" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const signInCookie = (form.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    const signedIn = await fetch(`${server.url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        Cookie: signInCookie,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _signin: signIn, key: BENCH_ADMIN_KEY }).toString(),
    });
    const session = signedIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('roster_session='))
      ?.split(';')[0];
    if (!session) throw new Error(`sign-in failed: ${signedIn.status}`);
    // The operator looks at the demo account (its CSRF token comes with the operator page).
    const operator = await (
      await fetch(`${server.url}/operator`, { headers: { Cookie: session } })
    ).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(operator)?.[1] ?? '';
    await fetch(`${server.url}/operator/show`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: session, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, accountId: seeded.accountId }).toString(),
    });

    const page = async (path: string): Promise<{ ms: number; html: string }> => {
      const started = performance.now();
      const response = await fetch(`${server.url}${path}`, { headers: { Cookie: session } });
      const html = await response.text();
      const ms = performance.now() - started;
      if (response.status !== 200)
        throw new Error(`${path}: ${response.status}\n${html.slice(0, 500)}`);
      return { ms, html };
    };

    async function time(name: string, path: string, samples: number, target?: number) {
      for (let i = 0; i < 3; i++) await page(path);
      const ms: number[] = [];
      for (let i = 0; i < samples; i++) ms.push((await page(path)).ms);
      ms.sort((a, b) => a - b);
      const timing: Timing = {
        name,
        samples,
        medianMs: quantile(ms, 0.5),
        p95Ms: quantile(ms, 0.95),
        maxMs: ms.at(-1) as number,
        ...(target === undefined ? {} : { target, met: quantile(ms, 0.95) < target }),
      };
      results.push(timing);
      log(
        `  ${name.padEnd(46)} median ${timing.medianMs.toFixed(1).padStart(7)} ms   p95 ${timing.p95Ms
          .toFixed(1)
          .padStart(
            7,
          )} ms${target === undefined ? '' : `   target < ${target} ms: ${timing.met ? 'met' : 'MISSED'}`}`,
      );
    }

    const first = await page('/users');
    const minimal = /<option value="([^"]+)">Minimal<\/option>/.exec(first.html)?.[1] ?? '';
    let cursorPath = '/users';
    for (let step = 0; step < 20; step++) {
      const next = /href="(\/users\?cursor=[^"]+)"/.exec((await page(cursorPath)).html)?.[1];
      if (!next) break;
      cursorPath = next.replaceAll('&amp;', '&');
    }
    const userId = /href="\/users\/([^"?]+)"/.exec(first.html)?.[1] ?? '';

    log(`Console pages on ${users.toLocaleString('en')} users (SQLite), one request at a time:`);
    await time('users: first page', '/users', 30, TARGET_MS);
    await time('users: page 21 (cursor)', cursorPath, 30);
    await time('users: managed by the IdP', '/users?managedBy=scim', 30);
    await time('users: active', '/users?active=true', 5);
    await time('users: permission set', `/users?permissionSetId=${minimal}`, 5);
    await time('users: search "lovelace"', '/users?search=lovelace', 5);
    await time('one user', `/users/${userId}`, 30);
    await time('setup', '/setup', 30);
    await time('connection status', '/connections', 30);

    const missing = browserUnavailable();
    if (missing) {
      log(`  (browser timing skipped: ${missing})`);
    } else {
      const browser = await launchChromium();
      try {
        const context = await browser.newContext();
        const [name, value] = session.split('=') as [string, string];
        await context.addCookies([{ name, value, url: server.url }]);
        const tab = await context.newPage();
        const ms: number[] = [];
        for (let i = 0; i < 13; i++) {
          const started = performance.now();
          await tab.goto(`${server.url}/users`, { waitUntil: 'domcontentloaded' });
          if (i >= 3) ms.push(performance.now() - started);
        }
        ms.sort((a, b) => a - b);
        const timing: Timing = {
          name: 'users: first page in Chromium (to DOMContentLoaded)',
          samples: ms.length,
          medianMs: quantile(ms, 0.5),
          p95Ms: quantile(ms, 0.95),
          maxMs: ms.at(-1) as number,
          target: TARGET_MS,
          met: quantile(ms, 0.95) < TARGET_MS,
        };
        results.push(timing);
        log(
          `  ${timing.name.padEnd(46)} median ${timing.medianMs.toFixed(1).padStart(7)} ms   p95 ${timing.p95Ms.toFixed(1).padStart(7)} ms   target < ${TARGET_MS} ms: ${timing.met ? 'met' : 'MISSED'}`,
        );
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.stop();
  }
  if (jsonFile) {
    writeFileSync(
      jsonFile,
      `${JSON.stringify({ kind: 'sqlite', date: new Date().toISOString(), users, results }, null, 2)}\n`,
    );
    log(`Wrote ${jsonFile}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
