/**
 * The floor: the cheapest server this stack (Hono on @hono/node-server, better-sqlite3) can be
 * for a SCIM `userName eq` lookup. It is not Roster. It answers only
 * `GET /scim/v2/Users?filter=userName eq "…"` with a bearer token checked against a sha256 hash,
 * one prepared statement on the same database file Roster uses, and a minimal ListResponse.
 *
 * `--log` also records one provisioning event per request, as Roster must (PRODUCT.md:
 * every SCIM request is logged), batched into one transaction every 200 ms with one prepared
 * single-row INSERT, the cheapest way SQLite offers, with Roster's time-ordered event ids.
 *
 * Measured beside bare node:http and Roster by `npm run bench`, it shows how much of a
 * lookup's cost is the stack itself and how much is Roster's own code. `--bare` serves the same lookup from node:http alone, without Hono and its adapter, which is
 * the floor of any Node server for it.
 * Usage: `node --import tsx bench/floor-server.ts --database <file> --token <t> [--log] [--bare]`
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { newId } from '../src/directory/ids.ts';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const database = new Database(flag('--database') as string);
database.pragma('journal_mode = WAL');
database.pragma('synchronous = FULL');
const withLog = process.argv.includes('--log');
const tokenHash = createHash('sha256')
  .update(flag('--token') as string)
  .digest('hex');
const account = database
  .prepare('select account_id from access_tokens where hash = ?')
  .get(tokenHash) as { account_id: string } | undefined;
if (!account) throw new Error('the token is not in the database');

const lookup = database.prepare(
  'select id, user_name, display_name, active, profile, multi_valued, created_at, updated_at, version from users where account_id = ? and user_name_lower = ?',
);
const insertEvent = database.prepare(
  'insert into provisioning_events (id, account_id, at, idp, method, path, operation, user_id, status, outcome, scim_type, explanation, request_body, response_body, duration_ms) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
let pending: unknown[][] = [];
const flush = database.transaction((rows: unknown[][]) => {
  for (const row of rows) insertEvent.run(...row);
});
setInterval(() => {
  if (pending.length === 0) return;
  const rows = pending;
  pending = [];
  flush(rows);
}, 200).unref();

interface Row {
  id: string;
  user_name: string;
  display_name: string | null;
  active: number;
  profile: string;
  multi_valued: string;
  created_at: string;
  updated_at: string;
  version: number;
}

const FILTER = /^userName eq "([^"]*)"$/;

/** The lookup itself, shared by both HTTP front ends: status and JSON text. */
function answer(authorization: string, filter: string, path: string): [number, string] {
  const token = authorization.slice(7);
  if (createHash('sha256').update(token).digest('hex') !== tokenHash)
    return [401, '{"status":"401"}'];
  const match = FILTER.exec(filter);
  if (!match) return [400, '{"status":"400","scimType":"invalidFilter"}'];
  const rows = lookup.all(account?.account_id, (match[1] as string).toLowerCase()) as Row[];
  const resources = rows.map((row) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: row.id,
    userName: row.user_name,
    ...JSON.parse(row.profile),
    ...JSON.parse(row.multi_valued),
    active: row.active === 1,
    meta: {
      resourceType: 'User',
      created: row.created_at,
      lastModified: row.updated_at,
      version: `W/"${row.version}"`,
    },
  }));
  const body = JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  });
  if (withLog) {
    pending.push([
      newId(),
      account?.account_id,
      new Date().toISOString(),
      'okta',
      'GET',
      path,
      'list users',
      rows[0]?.id ?? null,
      200,
      'success',
      null,
      null,
      null,
      `{"totalResults":${resources.length}}`,
      0,
    ]);
  }
  return [200, body];
}

const app = new Hono();
app.get('/scim/v2/Users', (c) => {
  const [status, body] = answer(
    c.req.header('authorization') ?? '',
    c.req.query('filter') ?? '',
    c.req.path,
  );
  return c.body(body, status as 200, { 'content-type': 'application/scim+json' });
});

/** `--bare`: the same lookup on node:http alone, without Hono and its adapter. */
function bareListener(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  if (request.method !== 'GET' || path !== '/scim/v2/Users') {
    response.writeHead(404).end();
    return;
  }
  const filter = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1)).get('filter');
  const [status, body] = answer(request.headers.authorization ?? '', filter ?? '', path);
  response.writeHead(status, { 'content-type': 'application/scim+json' }).end(body);
}

const listening = (port: number) =>
  process.stdout.write(`Floor is listening on http://127.0.0.1:${port}\n`);
const server = process.argv.includes('--bare')
  ? createServer(bareListener).listen(0, '127.0.0.1', function (this: Server) {
      listening((this.address() as AddressInfo).port);
    })
  : serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => listening(info.port));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
