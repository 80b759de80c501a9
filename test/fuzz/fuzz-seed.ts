/**
 * Seeds a running server for the fuzz, over its own APIs only, as an operator and an IdP would:
 * tenant A is the demo account (its token given to `roster serve`); tenant B and the admin API
 * playground are created through the admin API (account, admin key, domain verified against a
 * loopback DNS server, SCIM app uploaded and installed for a token of their own). A and B then
 * get users with varied profiles (some deactivated, managers, enterprise extension) and groups
 * with members, through /Bulk.
 */
import { scimAppProjectTemplate } from '../../src/directory/scim-app-project/project-template.ts';
import type { FilterValues } from './filter-grammar.ts';
import type { FuzzClient } from './fuzz-client.ts';
import { API, type FuzzWorld, type Playground, SCIM, type Tenant } from './fuzz-world.ts';
import { Random } from './random.ts';
import { BULK_SCHEMA, groupBody, type Json, userBody } from './scim-bodies.ts';
import { DEPARTMENTS, FAMILY_NAMES, GIVEN_NAMES, GROUP_WORDS, TITLES } from './vocabulary.ts';

export interface SeedOptions {
  readonly seed: string;
  /** Users per SCIM tenant. */
  readonly users: number;
  readonly operatorKey: string;
  /** The demo account's token, as given to `roster serve` (ROSTER_DEMO_TOKEN). */
  readonly demoToken: string;
  /** Publishes a TXT record on the DNS server the server under test asks. */
  readonly publishTxt: (host: string, value: string) => void;
  readonly onProgress?: (message: string) => void;
}

interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: seeding reads fields of the server's JSON answers
  readonly body: any;
}

async function call(
  client: FuzzClient,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<Answer> {
  const outcome = await client.send({
    method,
    path,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body === undefined
        ? {}
        : { 'Content-Type': path.startsWith(SCIM) ? 'application/scim+json' : 'application/json' }),
    },
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    kind: 'seed',
  });
  if (outcome.kind !== 'response') {
    throw new Error(`seeding: ${method} ${path} failed: ${JSON.stringify(outcome)}`);
  }
  const text = outcome.response.body.toString('utf8');
  return { status: outcome.response.status, body: text ? JSON.parse(text) : undefined };
}

async function expectStatus(
  answer: Promise<Answer>,
  status: number,
  what: string,
): Promise<Answer> {
  const got = await answer;
  if (got.status !== status) {
    throw new Error(
      `seeding: ${what} answered ${got.status}, not ${status}: ${JSON.stringify(got.body).slice(0, 500)}`,
    );
  }
  return got;
}

interface AccountSetup {
  readonly accountId: string;
  readonly adminKey: string;
  readonly adminKeyId: string;
  readonly token: string;
  readonly tokenId: string;
}

/** An account through the admin API, with an admin key, a verified domain and the SCIM app. */
async function createAccount(
  client: FuzzClient,
  options: SeedOptions,
  name: string,
  domain: string,
): Promise<AccountSetup> {
  const op = options.operatorKey;
  const account = await expectStatus(
    call(client, 'POST', `${API}/accounts`, op, {
      name,
      tier: 'enterprise',
      pricingModel: 'classic',
      ssoEnabled: true,
    }),
    201,
    `creating account ${name}`,
  );
  const id = account.body.id as string;
  const base = `${API}/accounts/${id}`;
  const key = await expectStatus(
    call(client, 'POST', `${base}/admin-keys`, op, { name: 'fuzz' }),
    201,
    'an admin key',
  );
  const added = await expectStatus(
    call(client, 'POST', `${base}/domains`, op, { domain }),
    201,
    `adding ${domain}`,
  );
  options.publishTxt(added.body.txtRecord.host, added.body.txtRecord.value);
  const verified = await expectStatus(
    call(client, 'POST', `${base}/domains/${domain}/verify`, op),
    200,
    `verifying ${domain}`,
  );
  if (verified.body.verified !== true)
    throw new Error(`seeding: ${domain} not verified: ${verified.body.reason}`);
  const template = scimAppProjectTemplate({ name: 'scim-app' });
  if (!template.ok) throw new Error(template.error);
  const files = {
    'app-hsmeta.json': template.value[0]?.contents,
    'scim/scim-hsmeta.json': template.value[1]?.contents,
  };
  await expectStatus(
    call(client, 'PUT', `${base}/scim-app`, op, { files }),
    200,
    'uploading the SCIM app',
  );
  const installed = await expectStatus(
    call(client, 'POST', `${base}/scim-app/install`, op),
    201,
    'installing the SCIM app',
  );
  return {
    accountId: id,
    adminKey: key.body.key,
    adminKeyId: key.body.id,
    token: installed.body.token,
    tokenId: installed.body.tokenRecord.id,
  };
}

/** Runs `operations` through /Bulk and returns the id each created, in order. */
async function bulk(
  client: FuzzClient,
  token: string,
  operations: Json[],
  what: string,
): Promise<string[]> {
  const answer = await expectStatus(
    call(client, 'POST', `${SCIM}/Bulk`, token, { schemas: [BULK_SCHEMA], Operations: operations }),
    200,
    what,
  );
  return (answer.body.Operations as Json[]).map((result, i) => {
    if (result.status !== '201') {
      throw new Error(
        `seeding: ${what}, operation ${i} answered ${result.status}: ${JSON.stringify(result.response)}`,
      );
    }
    return String(result.location).split('/').pop() as string;
  });
}

interface SeededTenant {
  readonly userIds: string[];
  readonly userNames: string[];
  readonly externalIds: string[];
  readonly groupIds: string[];
  readonly groupNames: string[];
}

async function seedTenant(
  client: FuzzClient,
  options: SeedOptions,
  label: string,
  token: string,
  domain: string,
): Promise<SeededTenant> {
  const seeded: SeededTenant = {
    userIds: [],
    userNames: [],
    externalIds: [],
    groupIds: [],
    groupNames: [],
  };
  const chunk = 100;
  for (let start = 0; start < options.users; start += chunk) {
    const operations: Json[] = [];
    const names: string[] = [];
    for (let n = start; n < Math.min(options.users, start + chunk); n++) {
      const r = Random.for(options.seed, 'seed-user', label, n);
      const userName = `u${n}.${label.toLowerCase()}@${domain}`;
      // Managers: an earlier user of this request (a bulkId reference) or of an earlier one.
      const manager =
        n > start && r.chance(0.2)
          ? `bulkId:u${r.int(start, n - 1)}`
          : seeded.userIds.length > 0 && r.chance(0.2)
            ? r.pick(seeded.userIds)
            : undefined;
      const externalId = r.chance(0.6) ? `ext-${label}-${n}` : undefined;
      if (externalId) seeded.externalIds.push(externalId);
      names.push(userName);
      operations.push({
        method: 'POST',
        path: '/Users',
        bulkId: `u${n}`,
        data: userBody(r, userName, domain, {
          manager,
          active: !r.chance(0.08),
          ...(externalId ? { externalId } : {}),
        }),
      });
    }
    seeded.userIds.push(...(await bulk(client, token, operations, `creating users of ${label}`)));
    seeded.userNames.push(...names);
    if (seeded.userIds.length % 1000 === 0 || seeded.userIds.length === options.users) {
      options.onProgress?.(`${label}: ${seeded.userIds.length} users`);
    }
  }
  const r = Random.for(options.seed, 'seed-groups', label);
  const groups = Math.max(4, Math.ceil(options.users / 40));
  const operations: Json[] = [];
  for (let g = 0; g < groups; g++) {
    const name = `${r.pick(GROUP_WORDS)} ${g}`;
    // One large group, a few empty ones, the rest of varied sizes.
    const size = g === 0 ? Math.floor(options.users / 2) : g % 10 === 9 ? 0 : r.geometric(20, 300);
    seeded.groupNames.push(name);
    operations.push({
      method: 'POST',
      path: '/Groups',
      bulkId: `g${g}`,
      data: groupBody(
        name,
        r.sample(seeded.userIds, size),
        r.chance(0.5) ? `gext-${label}-${g}` : undefined,
      ),
    });
  }
  for (let start = 0; start < operations.length; start += 20) {
    seeded.groupIds.push(
      ...(await bulk(
        client,
        token,
        operations.slice(start, start + 20),
        `creating groups of ${label}`,
      )),
    );
  }
  options.onProgress?.(`${label}: ${seeded.groupIds.length} groups`);
  return seeded;
}

function filterValues(
  r: Random,
  own: SeededTenant,
  other: SeededTenant,
  domain: string,
): FilterValues {
  return {
    strings: [
      ...r.sample(own.userNames, 60),
      ...r.sample(own.externalIds, 20),
      ...own.groupNames,
      ...GIVEN_NAMES,
      ...FAMILY_NAMES,
      ...TITLES,
      ...DEPARTMENTS,
      domain,
      `@${domain}`,
      'work',
      'home',
      'mobile',
      'direct',
      'User',
      'Group',
      '+1',
      '555',
    ],
    ids: [
      ...r.sample(own.userIds, 30),
      ...r.sample(own.groupIds, 10),
      ...r.sample(other.userIds, 10),
      ...r.sample(other.groupIds, 5),
    ],
  };
}

/** Seeds the server behind `client` and describes it for the generators. */
export async function seedWorld(client: FuzzClient, options: SeedOptions): Promise<FuzzWorld> {
  const op = options.operatorKey;
  const openapi = (
    await expectStatus(call(client, 'GET', `${API}/openapi.json`, op), 200, 'the OpenAPI document')
  ).body;
  const accounts = await expectStatus(
    call(client, 'GET', `${API}/accounts`, op),
    200,
    'listing accounts',
  );
  const demoId = accounts.body.items[0]?.id as string;
  const demoKey = await expectStatus(
    call(client, 'POST', `${API}/accounts/${demoId}/admin-keys`, op, { name: 'fuzz' }),
    201,
    'a demo admin key',
  );

  const b = await createAccount(client, options, 'Fuzz tenant B', 'tenant-b.test');
  const c = await createAccount(client, options, 'Fuzz playground', 'playground.test');
  options.onProgress?.('accounts ready');

  const seededA = await seedTenant(client, options, 'A', options.demoToken, 'example.com');
  const seededB = await seedTenant(client, options, 'B', b.token, 'tenant-b.test');

  // The playground: a few app-managed users, SCIM users and groups, permission sets, teams.
  const pBase = `${API}/accounts/${c.accountId}`;
  const pUsers: string[] = [];
  for (let i = 0; i < 5; i++) {
    const created = await expectStatus(
      call(client, 'POST', `${pBase}/users`, op, {
        email: `app${i}@playground.test`,
        givenName: 'App',
        familyName: `User ${i}`,
      }),
      201,
      'a playground user',
    );
    pUsers.push(created.body.id);
  }
  const pr = Random.for(options.seed, 'playground');
  const scimUsers = await bulk(
    client,
    c.token,
    Array.from({ length: 10 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `p${i}`,
      data: userBody(pr, `scim${i}@playground.test`, 'playground.test'),
    })),
    'playground SCIM users',
  );
  const pGroups = await bulk(
    client,
    c.token,
    [0, 1, 2].map((g) => ({
      method: 'POST',
      path: '/Groups',
      bulkId: `pg${g}`,
      data: groupBody(`Playground ${g}`, scimUsers.slice(0, g * 3)),
    })),
    'playground groups',
  );
  for (const name of ['Fuzz set 1', 'Fuzz set 2']) {
    await expectStatus(
      call(client, 'POST', `${pBase}/permission-sets`, op, { name, permissions: ['users.read'] }),
      201,
      'a permission set',
    );
  }
  // Keys the fuzz may revoke (never the one it uses).
  for (const name of ['spare 1', 'spare 2', 'spare 3']) {
    await expectStatus(
      call(client, 'POST', `${pBase}/admin-keys`, op, { name }),
      201,
      'a spare admin key',
    );
  }
  for (const name of ['Fuzz team 1', 'Fuzz team 2']) {
    await expectStatus(call(client, 'POST', `${pBase}/teams`, op, { name }), 201, 'a team');
  }
  const ids = async (path: string) =>
    (
      (await expectStatus(call(client, 'GET', `${pBase}${path}`, op), 200, path)).body
        .items as Json[]
    ).map((item) => String(item.id));
  const playground: Playground = {
    accountId: c.accountId,
    adminKey: c.adminKey,
    adminKeyId: c.adminKeyId,
    domain: 'playground.test',
    userIds: [...pUsers, ...scimUsers],
    groupIds: pGroups,
    permissionSetIds: await ids('/permission-sets'),
    teamIds: await ids('/teams'),
    tokenIds: await ids('/tokens'),
    keyIds: await ids('/admin-keys'),
  };

  const r = Random.for(options.seed, 'values');
  const tenant = (
    label: string,
    accountId: string,
    token: string,
    adminKey: string,
    domain: string,
    own: SeededTenant,
    other: SeededTenant,
  ): Tenant => ({
    label,
    accountId,
    token,
    adminKey,
    domain,
    ...own,
    values: filterValues(r, own, other, domain),
  });
  return {
    tenants: [
      tenant('A', demoId, options.demoToken, demoKey.body.key, 'example.com', seededA, seededB),
      tenant('B', b.accountId, b.token, b.adminKey, 'tenant-b.test', seededB, seededA),
    ],
    operatorKey: op,
    playground,
    openapi,
    cursors: [],
  };
}
