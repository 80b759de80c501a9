/**
 * Seeds SCIM-managed users straight into the store (not over HTTP): user<n>@example.com for n in
 * [from, to), in the demo account, in batches of one transaction each. Run it before the server
 * opens the same database file.
 */

import { createDirectory } from '../src/directory/directory.ts';
import { newId } from '../src/directory/ids.ts';
import type { User } from '../src/directory/model.ts';
import { createStore } from '../src/store/create-store.ts';
import { BENCH_TOKEN } from './server-process.ts';

const GIVEN = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Perlman'];
/** Seeded users were "created" one second apart, ending before the bench starts. */
const EPOCH_MS = Date.parse('2025-01-01T00:00:00.000Z');

export interface SeedOptions {
  readonly database: string;
  readonly token: string;
  readonly from: number;
  readonly to: number;
  readonly batchSize?: number;
  /** How many user ids (spread evenly over the range) to hand back for by-id scenarios. */
  readonly sampleSize?: number;
  readonly onProgress?: (done: number) => void;
}

export interface SeedResult {
  readonly accountId: string;
  readonly seeded: number;
  readonly seconds: number;
  readonly usersPerSecond: number;
  readonly sampleIds: readonly string[];
}

export function userNameOf(n: number): string {
  return `user${n}@example.com`;
}

export function seededUser(n: number, accountId: string, permissionSetId: string): User {
  const givenName = GIVEN[n % GIVEN.length] as string;
  const familyName = FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length] as string;
  const displayName = `${givenName} ${familyName}`;
  const email = userNameOf(n);
  const at = new Date(EPOCH_MS + n * 1000).toISOString();
  return {
    id: newId(),
    accountId,
    userName: email,
    externalId: null,
    email,
    displayName,
    givenName,
    familyName,
    active: true,
    superAdmin: false,
    permissionSetId,
    managedBy: 'scim',
    deprovisionedAt: null,
    profile: { name: { givenName, familyName }, displayName },
    multiValued: { emails: [{ value: email, type: 'work', primary: true }] },
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

export async function seedUsers(options: SeedOptions): Promise<SeedResult> {
  const { from, to } = options;
  const batchSize = options.batchSize ?? 10_000;
  const sampleEvery = Math.max(1, Math.floor((to - from) / (options.sampleSize ?? 2_000)));
  const store = createStore(options.database);
  try {
    await store.migrate();
    const directory = createDirectory({ store });
    const { account } = await directory.accounts.ensureDemoAccount(options.token);
    if (!account) throw new Error('the database has accounts but no demo account');
    const minimal = await store.permissionSets.findMinimal(account.id);
    if (!minimal) throw new Error('the demo account has no minimal permission set');

    const sampleIds: string[] = [];
    const started = performance.now();
    for (let start = from; start < to; start += batchSize) {
      const batch: User[] = [];
      for (let n = start; n < Math.min(to, start + batchSize); n++) {
        const user = seededUser(n, account.id, minimal.id);
        if ((n - from) % sampleEvery === 0) sampleIds.push(user.id);
        batch.push(user);
      }
      await store.users.insertMany(batch);
      options.onProgress?.(Math.min(to, start + batchSize) - from);
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      accountId: account.id,
      seeded: to - from,
      seconds,
      usersPerSecond: (to - from) / seconds,
      sampleIds,
    };
  } finally {
    await store.close();
  }
}

// `node --import tsx bench/seed-users.ts FILE N`: seeds N users into a new database FILE.
if (process.argv[1]?.endsWith('seed-users.ts') && process.argv[2] !== undefined) {
  const [, , database, count] = process.argv;
  const result = await seedUsers({
    database: database as string,
    token: BENCH_TOKEN,
    from: 0,
    to: Number(count ?? 100_000),
  });
  process.stdout.write(
    `Seeded ${result.seeded} users in ${result.seconds.toFixed(1)} s into ${database}\n`,
  );
}
