/**
 * `npm run bench -- --groups [--quick]`: group membership and Bulk on SQLite.
 *
 * - PATCH add or remove one member on groups of 10, 10,000 and 100,000 members: the cost must
 *   not follow the group's size, so the figure is the ratio between them. Members are seeded
 *   straight into the store; each request adds or removes one of 2,000 spare users, alternating,
 *   so every request really changes the membership.
 * - 1,000 user creates in one /Bulk request against 1,000 single POST /Users, sent one at a time
 *   (an IdP's single connection) and with 50 connections.
 *
 * The server runs pinned to core 0 and this process to core 1, as in bench/run.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDirectory } from '../src/directory/directory.ts';
import { SYSTEM_ACTOR } from '../src/directory/events.ts';
import type { Group, User } from '../src/directory/model.ts';
import { createStore } from '../src/store/create-store.ts';
import { createUserRequests } from './create-requests.ts';
import { measure } from './load.ts';
import { codeVersion, fmt, log } from './report.ts';
import { seededUser } from './seed-users.ts';
import { BENCH_TOKEN, pinProcess, rosterServe, startServer } from './server-process.ts';

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const CONNECTIONS = 50;
const SPARE = 2_000;
const BULK_SIZE = 1_000;

interface Seeded {
  readonly groups: readonly { readonly size: number; readonly id: string }[];
  readonly spare: readonly string[];
}

async function seedGroups(database: string, sizes: readonly number[]): Promise<Seeded> {
  const store = createStore(database);
  try {
    await store.migrate();
    const directory = createDirectory({ store });
    const { account } = await directory.accounts.ensureDemoAccount(BENCH_TOKEN);
    if (!account) throw new Error('no demo account');
    const minimal = await store.permissionSets.findMinimal(account.id);
    if (!minimal) throw new Error('no minimal permission set');
    const total = sizes.reduce((a, b) => a + b, 0) + SPARE;
    const users: User[] = [];
    for (let n = 0; n < total; n++) users.push(seededUser(n, account.id, minimal.id));
    const started = performance.now();
    for (let i = 0; i < users.length; i += 10_000) {
      await store.users.insertMany(users.slice(i, i + 10_000));
    }
    const ids = users.map((u) => u.id);
    const groups: { size: number; id: string }[] = [];
    let offset = SPARE;
    for (const size of sizes) {
      const now = new Date().toISOString();
      const group: Group = {
        id: crypto.randomUUID(),
        accountId: account.id,
        displayName: `Bench group of ${size}`,
        externalId: null,
        memberCount: size,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      const members = ids.slice(offset, offset + size);
      offset += size;
      await store.transaction(async (session) => {
        await session.groups.insert(group);
        await session.groupMembers.add(account.id, group.id, members);
      });
      groups.push({ size, id: group.id });
    }
    log(
      `Seeded ${fmt(total)} users and ${fmt(offset - SPARE)} memberships in ${fmt((performance.now() - started) / 1000, 1)} s`,
    );
    return { groups, spare: ids.slice(0, SPARE) };
  } finally {
    await store.close();
  }
}

/**
 * One member added or removed through the directory (no HTTP, one at a time), round-robin over
 * the groups, so whatever else the machine does slows every size alike. Microseconds per change.
 */
async function interleaved(
  database: string,
  seeded: Seeded,
  rounds: number,
): Promise<Map<number, number[]>> {
  const store = createStore(database);
  const timings = new Map<number, number[]>();
  try {
    const directory = createDirectory({ store });
    const [account] = await store.accounts.list();
    if (!account) throw new Error('no account');
    for (let i = 0; i < rounds; i++) {
      const userId = seeded.spare[i % seeded.spare.length] as string;
      const add = Math.floor(i / seeded.spare.length) % 2 === 0;
      for (const group of seeded.groups) {
        const started = performance.now();
        await directory.groups.update(
          account.id,
          group.id,
          (current) => ({
            draft: { displayName: current.displayName, externalId: current.externalId },
            membership: [{ kind: add ? 'add' : 'remove', userIds: [userId] }],
          }),
          { actor: SYSTEM_ACTOR },
        );
        const list = timings.get(group.size) ?? [];
        list.push((performance.now() - started) * 1000);
        timings.set(group.size, list);
      }
    }
    return timings;
  } finally {
    await store.close();
  }
}

/** Each request adds or removes one spare user, alternating per pass over the spares. */
function membershipPatches(spare: readonly string[]) {
  let n = 0;
  return () => {
    const i = n++;
    const value = spare[i % spare.length] as string;
    const add = Math.floor(i / spare.length) % 2 === 0;
    const operation = add
      ? { op: 'add', path: 'members', value: [{ value }] }
      : { op: 'remove', path: `members[value eq "${value}"]` };
    return {
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [operation],
      }),
    };
  };
}

export async function runGroups(quick: boolean): Promise<void> {
  const sizes = quick ? [10, 1_000, 10_000] : [10, 10_000, 100_000];
  const warmup = quick ? 1 : 2;
  const seconds = quick ? 2 : 8;
  const workdir = mkdtempSync(join(tmpdir(), 'roster-bench-groups-'));
  const database = join(workdir, 'roster.db');
  pinProcess(process.pid, LOAD_CORE);
  log(`Roster groups bench${quick ? ' (--quick)' : ''} — ${new Date().toISOString()}`);
  log(`Code: ${codeVersion()}; load average (1 min): ${loadavg()[0]?.toFixed(2)}`);
  const seeded = await seedGroups(database, sizes);

  // First without HTTP or concurrency, interleaved, before the server opens the file.
  const rounds = quick ? 200 : 1_000;
  const timings = await interleaved(database, seeded, rounds);
  const median = (values: readonly number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const p90 = (values: readonly number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)] as number;
  const base = median(timings.get(sizes[0] as number) ?? []);
  log(
    `\nOne member added or removed through the directory, ${fmt(rounds)} rounds round-robin over the groups (SQLite, synchronous=FULL)`,
  );
  log('| group size | median µs | p90 µs | median ratio to the group of 10 |');
  log('|---:|---:|---:|---:|');
  for (const size of sizes) {
    const list = timings.get(size) ?? [];
    log(
      `| ${fmt(size)} | ${fmt(median(list))} | ${fmt(p90(list))} | ${fmt(median(list) / base, 2)} |`,
    );
  }
  const server = await startServer({ name: 'roster', ...rosterServe(database), core: SERVER_CORE });
  const headers = {
    authorization: `Bearer ${BENCH_TOKEN}`,
    'content-type': 'application/scim+json',
  };
  try {
    log('\nPATCH one member (add or remove), 50 connections, SQLite; sizes run up, then down');
    log('| group size | pass | req/s | p50 ms | p99 ms | non-2xx |');
    log('|---:|---:|---:|---:|---:|---:|');
    const rates = new Map<number, number[]>();
    const order = [...seeded.groups, ...[...seeded.groups].reverse()];
    for (const [pass, group] of order.entries()) {
      const result = await measure({
        url: `${server.url}/scim/v2/Groups/${group.id}`,
        connections: CONNECTIONS,
        warmupSeconds: warmup,
        seconds,
        method: 'PATCH',
        headers,
        next: membershipPatches(seeded.spare),
      });
      rates.set(group.size, [...(rates.get(group.size) ?? []), result.requestsPerSecond]);
      log(
        `| ${fmt(group.size)} | ${pass < seeded.groups.length ? 'up' : 'down'} | ${fmt(result.requestsPerSecond)} | ${fmt(result.p50Ms, 1)} | ${fmt(result.p99Ms, 1)} | ${result.non2xx + result.errors} |`,
      );
      const check = await fetch(
        `${server.url}/scim/v2/Groups/${group.id}?excludedAttributes=members`,
        { headers },
      );
      if (check.status !== 200) throw new Error(`group ${group.id} unreadable: ${check.status}`);
    }
    // The same write on a user, for scale: what one PATCH costs in this run at all.
    let u = 0;
    const userPatch = await measure({
      url: `${server.url}/scim/v2/Users`,
      connections: CONNECTIONS,
      warmupSeconds: warmup,
      seconds,
      method: 'PATCH',
      headers,
      next: () => {
        const n = u++;
        return {
          path: `/scim/v2/Users/${seeded.spare[n % seeded.spare.length]}`,
          body: JSON.stringify({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [
              {
                op: 'replace',
                path: 'active',
                value: Math.floor(n / seeded.spare.length) % 2 === 1,
              },
            ],
          }),
        };
      },
    });
    log(
      `| (user PATCH replace active, for scale) | | ${fmt(userPatch.requestsPerSecond)} | ${fmt(userPatch.p50Ms, 1)} | ${fmt(userPatch.p99Ms, 1)} | ${userPatch.non2xx + userPatch.errors} |`,
    );
    const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const smallest = mean(rates.get(sizes[0] as number) ?? []);
    log('\n| group size | mean req/s | ratio to the group of 10 |');
    log('|---:|---:|---:|');
    for (const size of sizes) {
      const rate = mean(rates.get(size) ?? []);
      log(`| ${fmt(size)} | ${fmt(rate)} | ${fmt(rate / smallest, 2)} |`);
    }

    log(`\n${fmt(BULK_SIZE)} user creates, SQLite`);
    const next = createUserRequests(`bulk${Date.now().toString(36)}`);
    const bodies = () => Array.from({ length: BULK_SIZE }, () => JSON.parse(next().body as string));
    const timed = async (work: () => Promise<void>) => {
      const started = performance.now();
      await work();
      return (performance.now() - started) / 1000;
    };
    const post = async (body: unknown) => {
      const response = await fetch(`${server.url}/scim/v2/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`create answered ${response.status}`);
    };
    const rounds = quick ? 1 : 3;
    const results: Record<string, number[]> = { bulk: [], sequential: [], concurrent: [] };
    for (let round = 0; round < rounds; round++) {
      const users = bodies();
      results.bulk?.push(
        await timed(async () => {
          const response = await fetch(`${server.url}/scim/v2/Bulk`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
              Operations: users.map((data, i) => ({
                method: 'POST',
                path: '/Users',
                bulkId: `u${i}`,
                data,
              })),
            }),
          });
          const body = (await response.json()) as { Operations: { status: string }[] };
          const created = body.Operations.filter((o) => o.status === '201').length;
          if (created !== BULK_SIZE) throw new Error(`Bulk created ${created} of ${BULK_SIZE}`);
        }),
      );
      const one = bodies();
      results.sequential?.push(
        await timed(async () => {
          for (const body of one) await post(body);
        }),
      );
      const many = bodies();
      results.concurrent?.push(
        await timed(async () => {
          let index = 0;
          await Promise.all(
            Array.from({ length: CONNECTIONS }, async () => {
              while (index < many.length) await post(many[index++]);
            }),
          );
        }),
      );
    }
    const bulk = median(results.bulk ?? []);
    // Single creates as bench/run.ts measures them (autocannon, 50 connections, fixed time).
    const singles = await measure({
      url: `${server.url}/scim/v2/Users`,
      connections: CONNECTIONS,
      warmupSeconds: warmup,
      seconds,
      method: 'POST',
      headers,
      next: createUserRequests(`single${Date.now().toString(36)}`),
    });
    log(`| how | seconds (median of ${rounds}) | users/s | ratio to Bulk |`);
    log('|---|---:|---:|---:|');
    for (const [label, key] of [
      ['one /Bulk request', 'bulk'],
      ['single POSTs, one at a time', 'sequential'],
      [`single POSTs, ${CONNECTIONS} connections`, 'concurrent'],
    ] as const) {
      const s = median(results[key] ?? []);
      log(`| ${label} | ${fmt(s, 2)} | ${fmt(BULK_SIZE / s)} | ${fmt(s / bulk, 2)} |`);
    }
    const autocannonSeconds = BULK_SIZE / singles.requestsPerSecond;
    log(
      `| single POSTs, ${CONNECTIONS} connections (autocannon, ${seconds} s) | ${fmt(autocannonSeconds, 2)} | ${fmt(singles.requestsPerSecond)} | ${fmt(autocannonSeconds / bulk, 2)} |`,
    );
  } finally {
    await server.stop();
    rmSync(workdir, { recursive: true, force: true });
  }
}
