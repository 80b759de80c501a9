/**
 * The floors: for each SCIM hot path, the cheapest server this stack can be that does the same
 * work on the same database. It is not Roster. Each answers one route (`--scenario`) on
 * node:http alone (`--bare`): the bearer token checked as sha256 against the stored hash, the
 * same statement(s) Roster runs on the same file or PostgreSQL database, and a minimal SCIM
 * response built from the row. No provisioning log, no groups, no brake, no domain check, no
 * identity lookup before a create: Roster's own work is what it must fit into the headroom.
 *
 * Scenarios (the SQL text is Roster's own where it matters: the `users` columns it reads and
 * the INSERTs it issues, from src/store/sql/users.ts and user-rows.ts):
 * - `lookup` (default): `GET /scim/v2/Users?filter=userName eq "…"`, one read by
 *   `user_name_lower`, `select u.*` (Roster also adds its visibility condition to this statement;
 *   the unique index pins one row either way).
 * - `get`: `GET /scim/v2/Users/{id}`, one read by id, `select u.* … where u.account_id = ? and
 *   u.id = ?`, Roster's statement.
 * - `patch`: `PATCH /scim/v2/Users/{id}` with `{"Operations":[{"op":"replace","path":"active",
 *   "value":…}]}`: in one transaction, the read by id and one UPDATE of `active`, `updated_at`
 *   and `version` (compare-and-set on the version read).
 * - `create`: `POST /scim/v2/Users`: in one transaction, the `users` row with every NOT NULL
 *   column filled as Roster's `userRow` fills it (the account's minimal permission set,
 *   `managed_by` 'scim', version 1, profile and multi_valued JSON) and the `user_values` row of
 *   its email (`valueRows`), with Roster's INSERT text. Ids are Roster's UUIDv7.
 *
 * Durability is Roster's. SQLite: WAL, `synchronous=FULL`, group commit: every write that
 * arrives in one event-loop turn runs in one transaction, started on the next turn
 * (`setImmediate`, as src/store/sql/group-commit.ts does) and COMMITted before any of them is
 * answered. Each job's statements fail alone (a failed INSERT leaves no row), so the floor needs
 * no savepoints; the bench never sends conflicting writes. PostgreSQL: a pool (`--pool`, default
 * 10, Roster's default), each write its own transaction, `synchronous_commit` as the server has
 * it, named prepared statements (the cheapest way pg offers to run them).
 *
 * Without `--bare` the lookup is served by Hono on @hono/node-server, Roster's HTTP stack: an
 * informational floor showing what the framework costs (lookup and SQLite only).
 *
 * Usage: `node --import tsx bench/floor-server.ts --database <file | postgres://…> --token <t>
 *   [--scenario lookup|get|patch|create] [--bare] [--pool N]`
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import pg from 'pg';
import { newId } from '../src/directory/ids.ts';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const SCENARIOS = ['lookup', 'get', 'patch', 'create'] as const;
type Scenario = (typeof SCENARIOS)[number];
const scenario = (flag('--scenario') ?? 'lookup') as Scenario;
if (!SCENARIOS.includes(scenario)) throw new Error(`unknown --scenario ${scenario}`);
const bare = process.argv.includes('--bare');
if (!bare && scenario !== 'lookup') throw new Error('only the lookup has a Hono floor: add --bare');
const databaseUrl = flag('--database') as string;
const postgres = /^postgres(ql)?:\/\//.test(databaseUrl);
if (!bare && postgres) throw new Error('the Hono floor is SQLite only: add --bare');
const tokenHash = createHash('sha256')
  .update(flag('--token') as string)
  .digest('hex');

// Roster's statements (src/store/sql/users.ts, user-rows.ts), `?` placeholders.
const SELECT_BY_USER_NAME =
  'select u.* from users u where u.account_id = ? and u.user_name_lower = ?';
const SELECT_BY_ID = 'select u.* from users u where u.account_id = ? and u.id = ?';
const UPDATE_ACTIVE =
  'update users set active = ?, updated_at = ?, version = ? where id = ? and account_id = ? and version = ?';
const INSERT_USER =
  'insert into "users" ("id", "account_id", "user_name", "user_name_lower", "external_id", "email", "email_lower", "display_name", "given_name", "family_name", "active", "super_admin", "permission_set_id", "managed_by", "deprovisioned_at", "profile", "multi_valued", "created_at", "updated_at", "version") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_VALUE =
  'insert into "user_values" ("user_id", "account_id", "attribute", "position", "value", "value_lower", "type", "is_primary", "display", "data") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** `?` → `$1, $2…` for PostgreSQL. */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

interface UserRow {
  id: string;
  user_name: string;
  active: number | boolean;
  /** JSON text on SQLite, parsed by pg on PostgreSQL. */
  profile: string | Record<string, unknown>;
  multi_valued: string | Record<string, unknown>;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A user's new row and its email element, as Roster's userRow/valueRows would write them. */
interface NewUser {
  readonly user: unknown[];
  readonly value: unknown[] | undefined;
  readonly row: UserRow;
}

type Answer = readonly [status: number, body: string];

/** What each store does; reads on SQLite are synchronous, everything else settles later. */
interface FloorStore {
  byUserName(userNameLower: string): UserRow | undefined | Promise<UserRow | undefined>;
  byId(id: string): UserRow | undefined | Promise<UserRow | undefined>;
  /** The row after the update, undefined when there is no such user. */
  setActive(id: string, active: boolean): Promise<UserRow | undefined>;
  create(user: NewUser): Promise<void>;
  readonly accountId: string;
  readonly minimalPermissionSetId: string;
  /** Booleans as the dialect binds them (0/1 on SQLite). */
  bool(value: boolean): number | boolean;
}

function sqliteStore(file: string): FloorStore {
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  const account = database
    .prepare('select account_id from access_tokens where hash = ?')
    .get(tokenHash) as { account_id: string } | undefined;
  if (!account) throw new Error('the token is not in the database');
  const accountId = account.account_id;
  const minimal = database
    .prepare('select id from permission_sets where account_id = ? and is_minimal = 1')
    .get(accountId) as { id: string } | undefined;
  const byUserName = database.prepare(SELECT_BY_USER_NAME);
  const byId = database.prepare(SELECT_BY_ID);
  const updateActive = database.prepare(UPDATE_ACTIVE);
  const insertUser = database.prepare(INSERT_USER);
  const insertValue = database.prepare(INSERT_VALUE);
  const begin = database.prepare('begin');
  const commit = database.prepare('commit');

  // Group commit: jobs queued in one turn run in one transaction on the next.
  interface Job {
    readonly work: () => unknown;
    readonly settle: (error: unknown, value: unknown) => void;
  }
  let queue: Job[] = [];
  const flush = () => {
    const jobs = queue;
    queue = [];
    const outcomes: [unknown, unknown][] = [];
    try {
      begin.run();
      for (const job of jobs) {
        try {
          outcomes.push([undefined, job.work()]);
        } catch (error) {
          outcomes.push([error, undefined]);
        }
      }
      commit.run();
    } catch (error) {
      if (database.inTransaction) database.exec('rollback');
      for (const job of jobs) job.settle(error, undefined);
      return;
    }
    for (const [i, job] of jobs.entries()) job.settle(...(outcomes[i] as [unknown, unknown]));
  };
  const write = <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({
        work,
        settle: (error, value) => (error === undefined ? resolve(value as T) : reject(error)),
      });
    });

  return {
    accountId,
    minimalPermissionSetId: minimal?.id ?? '',
    bool: (value) => (value ? 1 : 0),
    byUserName: (lower) => byUserName.get(accountId, lower) as UserRow | undefined,
    byId: (id) => byId.get(accountId, id) as UserRow | undefined,
    setActive: (id, active) =>
      write(() => {
        const row = byId.get(accountId, id) as UserRow | undefined;
        if (!row) return undefined;
        const updatedAt = new Date().toISOString();
        const version = row.version + 1;
        const flag = active ? 1 : 0;
        if (updateActive.run(flag, updatedAt, version, id, accountId, row.version).changes === 0)
          throw new Error('the user changed meanwhile');
        return { ...row, active: flag, updated_at: updatedAt, version };
      }),
    create: ({ user, value }) =>
      write(() => {
        insertUser.run(...user);
        if (value) insertValue.run(...value);
      }),
  };
}

async function postgresStore(url: string): Promise<FloorStore> {
  const pool = new pg.Pool({ connectionString: url, max: Number(flag('--pool') ?? 10) });
  // A pooled client that loses its connection must not take the process down.
  pool.on('error', () => {});
  const account = await pool.query<{ account_id: string }>(
    'select account_id from access_tokens where hash = $1',
    [tokenHash],
  );
  const accountId = account.rows[0]?.account_id;
  if (!accountId) throw new Error('the token is not in the database');
  const minimal = await pool.query<{ id: string }>(
    'select id from permission_sets where account_id = $1 and is_minimal = true',
    [accountId],
  );
  const statement = (name: string, text: string) => (values: unknown[]) => ({
    name,
    text: numbered(text),
    values,
  });
  const byUserName = statement('by_user_name', SELECT_BY_USER_NAME);
  const byId = statement('by_id', SELECT_BY_ID);
  const updateActive = statement('update_active', UPDATE_ACTIVE);
  const insertUser = statement('insert_user', INSERT_USER);
  const insertValue = statement('insert_value', INSERT_VALUE);
  const transaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    accountId,
    minimalPermissionSetId: minimal.rows[0]?.id ?? '',
    bool: (value) => value,
    byUserName: async (lower) =>
      (await pool.query<UserRow>(byUserName([accountId, lower]))).rows[0],
    byId: async (id) => (await pool.query<UserRow>(byId([accountId, id]))).rows[0],
    setActive: (id, active) =>
      transaction(async (client) => {
        const row = (await client.query<UserRow>(byId([accountId, id]))).rows[0];
        if (!row) return undefined;
        const updatedAt = new Date().toISOString();
        const version = row.version + 1;
        const result = await client.query(
          updateActive([active, updatedAt, version, id, accountId, row.version]),
        );
        if (result.rowCount === 0) throw new Error('the user changed meanwhile');
        return { ...row, active, updated_at: updatedAt, version };
      }),
    create: ({ user, value }) =>
      transaction(async (client) => {
        await client.query(insertUser(user));
        if (value) await client.query(insertValue(value));
      }),
  };
}

const store = postgres ? await postgresStore(databaseUrl) : sqliteStore(databaseUrl);
const json = (value: unknown) =>
  typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : value;

/** The minimal SCIM User of a row. */
function resource(row: UserRow) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: row.id,
    userName: row.user_name,
    ...(json(row.profile) as object),
    ...(json(row.multi_valued) as object),
    active: row.active === 1 || row.active === true,
    meta: {
      resourceType: 'User',
      created: row.created_at,
      lastModified: row.updated_at,
      version: `W/"${row.version}"`,
    },
  };
}

const authorized = (authorization: string | undefined) =>
  authorization !== undefined &&
  createHash('sha256').update(authorization.slice(7)).digest('hex') === tokenHash;

const UNAUTHORIZED: Answer = [401, '{"status":"401"}'];
const NOT_FOUND: Answer = [404, '{"status":"404"}'];
const BAD_REQUEST: Answer = [400, '{"status":"400"}'];
const FILTER = /^userName eq "([^"]*)"$/;

function listResponse(row: UserRow | undefined): Answer {
  const resources = row ? [resource(row)] : [];
  return [
    200,
    JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: resources.length,
      itemsPerPage: resources.length,
      startIndex: 1,
      Resources: resources,
    }),
  ];
}

const userAnswer = (row: UserRow | undefined, status = 200): Answer =>
  row ? [status, JSON.stringify(resource(row))] : NOT_FOUND;

/** The lookup, shared by both HTTP front ends. */
function lookup(filter: string): Answer | Promise<Answer> {
  const match = FILTER.exec(filter);
  if (!match) return [400, '{"status":"400","scimType":"invalidFilter"}'];
  const row = store.byUserName((match[1] as string).toLowerCase());
  return row instanceof Promise ? row.then(listResponse) : listResponse(row);
}

function patch(id: string, body: string): Promise<Answer> | Answer {
  let value: unknown;
  try {
    const operation = (JSON.parse(body) as { Operations?: { path?: string; value?: unknown }[] })
      .Operations?.[0];
    if (operation?.path !== 'active') return BAD_REQUEST;
    value = operation.value;
  } catch {
    return BAD_REQUEST;
  }
  // Entra sends "True"/"False" strings.
  const active = typeof value === 'string' ? value.toLowerCase() === 'true' : value === true;
  return store.setActive(id, active).then((row) => userAnswer(row));
}

interface CreateBody {
  userName?: string;
  externalId?: string;
  displayName?: string;
  name?: { givenName?: string; familyName?: string };
  emails?: { value?: string; type?: string; primary?: boolean }[];
  active?: boolean;
}

function create(body: string): Promise<Answer> | Answer {
  let input: CreateBody;
  try {
    input = JSON.parse(body) as CreateBody;
  } catch {
    return BAD_REQUEST;
  }
  const { userName, name, displayName, emails } = input;
  if (typeof userName !== 'string') return BAD_REQUEST;
  const email = emails?.find((e) => e.primary) ?? emails?.[0];
  const emailValue = typeof email?.value === 'string' ? email.value : null;
  const id = newId();
  const now = new Date().toISOString();
  const profile = JSON.stringify({
    ...(name ? { name } : {}),
    ...(displayName ? { displayName } : {}),
  });
  const multiValued = JSON.stringify(emails ? { emails } : {});
  const active = input.active !== false;
  const user = [
    id,
    store.accountId,
    userName,
    userName.toLowerCase(),
    input.externalId ?? null,
    emailValue,
    emailValue?.toLowerCase() ?? null,
    displayName ?? null,
    name?.givenName ?? null,
    name?.familyName ?? null,
    store.bool(active),
    store.bool(false),
    store.minimalPermissionSetId,
    'scim',
    null,
    profile,
    multiValued,
    now,
    now,
    1,
  ];
  const value = email
    ? [
        id,
        store.accountId,
        'emails',
        emails?.indexOf(email) ?? 0,
        emailValue,
        emailValue?.toLowerCase() ?? null,
        email.type ?? null,
        store.bool(email.primary === true),
        null,
        JSON.stringify(email),
      ]
    : undefined;
  const row: UserRow = {
    id,
    user_name: userName,
    active,
    profile,
    multi_valued: multiValued,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  return store.create({ user, value, row }).then(
    () => userAnswer(row, 201),
    (): Answer => [409, '{"status":"409","scimType":"uniqueness"}'],
  );
}

const USERS = '/scim/v2/Users';
const USER = '/scim/v2/Users/';

/** `--bare`: node:http alone. Only the scenario's route is served; everything else is 404. */
function bareListener(request: IncomingMessage, response: ServerResponse): void {
  const send = ([status, body]: Answer) => {
    response.writeHead(status, { 'content-type': 'application/scim+json' }).end(body);
  };
  const fail = () => {
    if (!response.headersSent) response.writeHead(500).end();
  };
  const reply = (answer: Answer | Promise<Answer>) => {
    if (answer instanceof Promise) answer.then(send, fail);
    else send(answer);
  };
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const method = request.method;
  const withBody = (handle: (body: string) => Answer | Promise<Answer>) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (!authorized(request.headers.authorization)) reply(UNAUTHORIZED);
      else reply(handle(Buffer.concat(chunks).toString('utf8')));
    });
  };
  const id = path.startsWith(USER) ? decodeURIComponent(path.slice(USER.length)) : '';
  if (scenario === 'lookup' && method === 'GET' && path === USERS) {
    if (!authorized(request.headers.authorization)) reply(UNAUTHORIZED);
    else {
      const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
      reply(lookup(query.get('filter') ?? ''));
    }
  } else if (scenario === 'get' && method === 'GET' && id !== '') {
    if (!authorized(request.headers.authorization)) reply(UNAUTHORIZED);
    else {
      const row = store.byId(id);
      reply(row instanceof Promise ? row.then((r) => userAnswer(r)) : userAnswer(row));
    }
  } else if (scenario === 'patch' && method === 'PATCH' && id !== '') {
    withBody((body) => patch(id, body));
  } else if (scenario === 'create' && method === 'POST' && path === USERS) {
    withBody(create);
  } else {
    request.resume();
    reply(NOT_FOUND);
  }
}

const app = new Hono();
app.get('/scim/v2/Users', (c) => {
  const [status, body] = authorized(c.req.header('authorization'))
    ? (lookup(c.req.query('filter') ?? '') as Answer)
    : UNAUTHORIZED;
  return c.body(body, status as 200, { 'content-type': 'application/scim+json' });
});

const listening = (port: number) =>
  process.stdout.write(`Floor (${scenario}) is listening on http://127.0.0.1:${port}\n`);
const server = bare
  ? createServer(bareListener).listen(0, '127.0.0.1', function (this: Server) {
      listening((this.address() as AddressInfo).port);
    })
  : serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => listening(info.port));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
