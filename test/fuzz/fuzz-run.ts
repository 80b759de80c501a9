/**
 * Runs the two fuzz phases against a seeded server and reports what went wrong:
 *   filters    N valid filters as GET /Users|/Groups?filter= and POST /.search, with random
 *              list parameters (filter-grammar.ts); every answer must be a 200 ListResponse
 *              holding the caller's resources only;
 *   malformed  N malformed requests (malformed-requests.ts, admin-requests.ts); every answer,
 *              and every operation inside a Bulk answer, must be below 500.
 * Requests run `concurrency` at a time, each under a deadline. Each 5xx is sent again alone
 * afterwards, so the server's error log can be tied to it, then shrunk (headers, query
 * parameters and JSON members dropped while it still fails the same way) to a minimal
 * reproduction.
 */

import { generateListRequest, type ListRequest } from './filter-grammar.ts';
import { simplerFilters } from './filter-shrink.ts';
import type { FuzzClient, FuzzResponse, SendOutcome } from './fuzz-client.ts';
import { type FuzzRequest, type FuzzWorld, SCIM, type Tenant } from './fuzz-world.ts';
import { malformedRequest } from './malformed-requests.ts';
import { percentEncode } from './odd-inputs.ts';
import { Random } from './random.ts';
import {
  bulkFailures,
  checkListResponse,
  foreignTo,
  leakIn,
  parseJson,
} from './response-checks.ts';
import { SEARCH_SCHEMA } from './scim-bodies.ts';

export interface RunOptions {
  readonly seed: string;
  readonly filters: number;
  readonly malformed: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** Requests slower than this are listed (filters above all: a known cost issue). */
  readonly slowMs: number;
  /** Most 5xx groups shrunk to a minimal reproduction. */
  readonly maxShrunk?: number;
  readonly onProgress?: (message: string) => void;
}

/** What the run needs of the server process: its log, to tie a 5xx to its cause. */
export interface ServerLog {
  /** Everything the server wrote so far. */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
}

export type Phase = 'filters' | 'malformed';

export interface Failure {
  readonly phase: Phase;
  readonly index: number;
  /** '5xx', 'bulk-5xx' (an operation inside a Bulk answer), 'timeout' or 'error'. */
  readonly kind: '5xx' | 'bulk-5xx' | 'timeout' | 'error';
  readonly request: FuzzRequest;
  readonly status: number | undefined;
  readonly detail: string;
  readonly ms: number;
}

export interface Reproduction {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly bodyText: string | undefined;
  readonly bodyBase64: string | undefined;
  readonly status: number | undefined;
  readonly curl: string;
}

export interface FailureGroup {
  readonly key: string;
  readonly kind: Failure['kind'];
  readonly template: string;
  readonly detail: string;
  /** The server's logged error for the replayed request, when there was one. */
  readonly serverError: string | undefined;
  readonly count: number;
  /** Whether sending it again alone failed the same way. */
  readonly reproducible: boolean;
  readonly reproduction: Reproduction;
}

export interface Suspicion {
  readonly what: string;
  readonly count: number;
  readonly examples: readonly { status: number; detail: string; request: Reproduction }[];
}

export interface PhaseStats {
  readonly cases: number;
  requests: number;
  readonly byClass: Record<string, number>;
  readonly byStatus: Record<string, number>;
  /** Status classes per generator ("scim.patch.user": {"4xx": 812, ...}). */
  readonly byKind: Record<string, Record<string, number>>;
  seconds: number;
}

export interface SlowRequest {
  readonly phase: Phase;
  /** The request's index in its phase: with the seed, what generates it again. */
  readonly index: number;
  readonly kind: string;
  readonly ms: number;
  readonly status: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly filter: string | undefined;
  /** The body's first 2,000 characters. */
  readonly body: string | undefined;
}

export interface RunReport {
  readonly seed: string;
  readonly phases: Record<Phase, PhaseStats>;
  readonly failures: number;
  readonly groups: readonly FailureGroup[];
  readonly suspicions: readonly Suspicion[];
  readonly slow: readonly SlowRequest[];
  /** Error lines of the server log, grouped by message, with counts. */
  readonly serverErrors: readonly { message: string; count: number }[];
  readonly finalChecks: readonly { check: string; ok: boolean; detail: string }[];
  readonly serverAlive: boolean;
}

/** Runs `work(i)` for i in [0, total), `concurrency` at a time, in index order. */
async function pool(
  total: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
  stop: () => boolean,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total && !stop()) {
      const index = next++;
      await work(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `/scim/v2/Users/{id}` from a concrete path: ids and odd segments generalised. */
export function pathTemplate(path: string): string {
  const bare = path.split('?')[0] as string;
  return bare
    .replace(UUID, '{id}')
    .replace(/^(\/scim\/v2\/(?:Users|Groups))\/(?!\.search$)[^/]+/i, '$1/{id}')
    .replace(/\/(domains|seat-pools)\/[^/]+/, '/$1/{name}');
}

function detailOf(response: FuzzResponse): string {
  const body = parseJson(response) as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    const detail = body.detail ?? body.title ?? body.error;
    const code = body.code ? `${body.code}: ` : '';
    if (detail !== undefined) return `${code}${String(detail)}`.slice(0, 300);
  }
  return response.body.toString('utf8').slice(0, 300);
}

function statusClass(outcome: SendOutcome): string {
  if (outcome.kind !== 'response') return outcome.kind;
  return `${Math.floor(outcome.response.status / 100)}xx`;
}

function isUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export function reproduction(
  origin: string,
  request: FuzzRequest,
  status: number | undefined,
): Reproduction {
  const body = request.body;
  const text = body && isUtf8(body) ? body.toString('utf8') : undefined;
  const headerArgs = Object.entries(request.headers).flatMap(([name, value]) =>
    (typeof value === 'string' ? [value] : [...value]).map(
      (v) => `-H ${shellQuote(`${name}: ${v}`)}`,
    ),
  );
  const data = body
    ? text !== undefined && text.length <= 4000
      ? `--data-binary ${shellQuote(text)}`
      : `--data-binary @body.bin  # body.bin: the base64 in the JSON report, decoded`
    : '';
  const curl = [
    'curl -sS -i',
    '--path-as-is',
    '-X',
    request.method,
    ...headerArgs,
    data,
    shellQuote(`${origin}${request.path}`),
  ]
    .filter((part) => part !== '')
    .join(' ');
  return {
    method: request.method,
    path: request.path,
    headers: request.headers,
    bodyText: text,
    bodyBase64: body && text === undefined ? body.toString('base64') : undefined,
    status,
    curl,
  };
}

/** Error-level lines of pino JSON output, as `msg: type: message (first src/ frame)`. */
export function errorLines(output: string): string[] {
  const lines: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as {
        level?: number;
        msg?: string;
        err?: { type?: string; message?: string; stack?: string };
      };
      if ((entry.level ?? 0) < 50) continue;
      const frame = /\((\/[^)]*\/src\/[^)]+)\)/
        .exec(entry.err?.stack ?? '')?.[1]
        ?.replace(/^.*\/src\//, 'src/');
      const cause = entry.err ? `${entry.err.type ?? 'Error'}: ${entry.err.message ?? ''}` : '';
      lines.push(`${entry.msg ?? ''}${cause ? `: ${cause}` : ''}${frame ? ` (${frame})` : ''}`);
    } catch {
      // Not a log line (the banner, a stack printed by Node): ignored.
    }
  }
  return lines;
}

/** A message with ids and numbers taken out, so one cause groups as one. */
function normalise(message: string): string {
  return message.replace(UUID, '{id}').replace(/\$\d+/g, '$n').replace(/\d+/g, 'N').slice(0, 400);
}

function slowEntry(
  phase: Phase,
  index: number,
  request: FuzzRequest,
  ms: number,
  status: number | undefined,
  filter: string | undefined,
): SlowRequest {
  return {
    phase,
    index,
    kind: request.kind,
    ms,
    status,
    method: request.method,
    path: request.path.slice(0, 1000),
    filter,
    body: request.body?.toString('utf8').slice(0, 2000),
  };
}

interface Collector {
  readonly failures: Failure[];
  readonly suspicions: Map<
    string,
    { count: number; examples: { status: number; detail: string; request: Reproduction }[] }
  >;
  readonly slow: SlowRequest[];
}

function suspect(
  c: Collector,
  origin: string,
  what: string,
  request: FuzzRequest,
  status: number,
  detail: string,
) {
  let entry = c.suspicions.get(what);
  if (!entry) {
    entry = { count: 0, examples: [] };
    c.suspicions.set(what, entry);
  }
  entry.count++;
  if (entry.examples.length < 3)
    entry.examples.push({
      status,
      detail: detail.slice(0, 300),
      request: reproduction(origin, request, status),
    });
}

/** A list request as GET with a query string or POST /.search with a SearchRequest body. */
function toHttp(r: Random, list: ListRequest, tenant: Tenant, cursor?: string): FuzzRequest {
  const parameters: Record<string, unknown> = { ...list.parameters };
  if (cursor !== undefined) parameters.cursor = cursor;
  const headers: Record<string, string> = { Authorization: `Bearer ${tenant.token}` };
  const collection = `${SCIM}/${list.resource}s`;
  if (list.via === 'search') {
    headers['Content-Type'] = 'application/scim+json';
    return {
      method: 'POST',
      path: `${collection}/.search`,
      headers,
      body: Buffer.from(JSON.stringify({ schemas: [SEARCH_SCHEMA], ...parameters })),
      kind: `filters.search.${list.resource.toLowerCase()}`,
    };
  }
  // Entra sends `+` for spaces; others %20.
  const plus = r.chance(0.3);
  const query = Object.entries(parameters)
    .map(([k, v]) => {
      const encoded = encodeURIComponent(String(v));
      return `${k}=${plus ? encoded.replaceAll('%20', '+') : encoded}`;
    })
    .join('&');
  return {
    method: 'GET',
    path: `${collection}?${query}`,
    headers,
    kind: `filters.get.${list.resource.toLowerCase()}`,
  };
}

/** Exact lookups whose answer is known: one user, this one. */
function probe(r: Random, tenant: Tenant): { filter: string; id: string } {
  const i = r.int(0, tenant.userIds.length - 1);
  const id = tenant.userIds[i] as string;
  const userName = tenant.userNames[i] as string;
  const filter = r.pick([
    `userName eq ${JSON.stringify(r.recase(userName, 0.3))}`,
    `USERNAME Eq ${JSON.stringify(userName)}`,
    `id eq ${JSON.stringify(id)}`,
    `emails[value eq ${JSON.stringify(userName)}]`,
    `emails.value eq ${JSON.stringify(userName.toUpperCase())}`,
    `emails[type eq "work"].value eq ${JSON.stringify(userName)}`,
    `urn:ietf:params:scim:schemas:core:2.0:User:userName eq ${JSON.stringify(userName)}`,
    `userName eq ${JSON.stringify(userName)} and (id pr or not (id pr))`,
  ]);
  return { filter, id };
}

export async function runFuzz(
  client: FuzzClient,
  world: FuzzWorld,
  server: ServerLog,
  options: RunOptions,
): Promise<RunReport> {
  const collector: Collector = { failures: [], suspicions: new Map(), slow: [] };
  const origin = client.origin;
  const newStats = (cases: number): PhaseStats => ({
    cases,
    requests: 0,
    byClass: {},
    byStatus: {},
    byKind: {},
    seconds: 0,
  });
  const phases: Record<Phase, PhaseStats> = {
    filters: newStats(options.filters),
    malformed: newStats(options.malformed),
  };
  const logStart = server.output().length;
  let serverDown = false;
  const stop = () => serverDown;

  /** Sends, counts, and records 5xx, timeouts and connection failures. */
  async function send(
    phase: Phase,
    index: number,
    request: FuzzRequest,
    filter?: string,
  ): Promise<FuzzResponse | undefined> {
    const outcome = await client.send(request);
    const stats = phases[phase];
    stats.requests++;
    const cls = statusClass(outcome);
    stats.byClass[cls] = (stats.byClass[cls] ?? 0) + 1;
    const kind = stats.byKind[request.kind] ?? {};
    stats.byKind[request.kind] = kind;
    kind[cls] = (kind[cls] ?? 0) + 1;
    if (outcome.kind === 'response') {
      const { response } = outcome;
      stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
      if (response.ms >= options.slowMs) {
        collector.slow.push(slowEntry(phase, index, request, response.ms, response.status, filter));
      }
      if (response.status >= 500) {
        collector.failures.push({
          phase,
          index,
          kind: '5xx',
          request,
          status: response.status,
          detail: detailOf(response),
          ms: response.ms,
        });
      }
      return response;
    }
    if (outcome.kind === 'unsendable') return undefined;
    collector.failures.push({
      phase,
      index,
      kind: outcome.kind,
      request,
      status: undefined,
      detail: outcome.kind === 'error' ? outcome.message : `no answer in ${options.timeoutMs} ms`,
      ms: outcome.ms,
    });
    if (outcome.kind === 'timeout') {
      collector.slow.push(slowEntry(phase, index, request, outcome.ms, undefined, filter));
    }
    if (!server.alive()) serverDown = true;
    return undefined;
  }

  const progress = (phase: Phase, total: number) => {
    let last = Date.now();
    return (index: number) => {
      if (Date.now() - last > 10_000) {
        last = Date.now();
        options.onProgress?.(
          `${phase}: ${index}/${total}, ${collector.failures.length} failures so far`,
        );
      }
    };
  };

  // Phase 1: valid filters. The data is as seeded, so exact lookups have known answers.
  let started = performance.now();
  const filtersProgress = progress('filters', options.filters);
  await pool(
    options.filters,
    options.concurrency,
    async (index) => {
      filtersProgress(index);
      const r = Random.for(options.seed, 'filters', index);
      const t = r.chance(0.6) ? 0 : 1;
      const tenant = world.tenants[t] as Tenant;
      const foreign = foreignTo(world, t);
      if (r.chance(0.03)) {
        const { filter, id } = probe(r, tenant);
        const request: FuzzRequest = {
          method: 'GET',
          path: `${SCIM}/Users?filter=${encodeURIComponent(filter)}`,
          headers: { Authorization: `Bearer ${tenant.token}` },
          kind: 'filters.probe',
          tenant: t,
        };
        const response = await send('filters', index, request, filter);
        if (!response) return;
        const body = parseJson(response) as
          | { totalResults?: number; Resources?: { id: string }[] }
          | undefined;
        if (response.status !== 200 || body?.totalResults !== 1 || body.Resources?.[0]?.id !== id) {
          suspect(
            collector,
            origin,
            'an exact lookup of a seeded user did not find exactly that user',
            request,
            response.status,
            response.body.toString('utf8').slice(0, 300),
          );
        }
        return;
      }
      const list = generateListRequest(r, r.chance(0.65) ? 'User' : 'Group', tenant.values);
      let request = toHttp(r, list, tenant);
      for (let page = 0; page <= list.followPages; page++) {
        const response = await send('filters', index, request, list.filter?.text);
        if (!response || response.status >= 500) return;
        if (response.status !== 200) {
          suspect(
            collector,
            origin,
            'a valid filter request was refused',
            request,
            response.status,
            detailOf(response),
          );
          return;
        }
        const body = parseJson(response);
        const problem = checkListResponse(list, body);
        if (problem)
          suspect(
            collector,
            origin,
            `a ListResponse was wrong: ${problem.replace(/\d+/g, 'N')}`,
            request,
            200,
            problem,
          );
        const leak = leakIn(body, foreign);
        if (leak)
          suspect(collector, origin, 'CROSS-TENANT LEAK in a list answer', request, 200, leak);
        const next = (body as { nextCursor?: unknown } | undefined)?.nextCursor;
        if (typeof next !== 'string') return;
        if (world.cursors.length < 500) world.cursors.push({ tenant: t, cursor: next });
        request = toHttp(r, list, tenant, next);
      }
    },
    stop,
  );
  phases.filters.seconds = (performance.now() - started) / 1000;

  // Phase 2: malformed requests.
  started = performance.now();
  const malformedProgress = progress('malformed', options.malformed);
  await pool(
    options.malformed,
    options.concurrency,
    async (index) => {
      malformedProgress(index);
      const r = Random.for(options.seed, 'malformed', index);
      const request = malformedRequest(r, world, index);
      const response = await send('malformed', index, request);
      if (!response) return;
      const success = response.status >= 200 && response.status < 300;
      if (request.mustFail && success) {
        suspect(
          collector,
          origin,
          `a request that must fail succeeded (${request.mustFail.replace(UUID, '{id}')})`,
          request,
          response.status,
          detailOf(response),
        );
      }
      if (!success || !request.path.startsWith(SCIM)) return;
      const body = parseJson(response);
      for (const failure of bulkFailures(body)) {
        collector.failures.push({
          phase: 'malformed',
          index,
          kind: 'bulk-5xx',
          request,
          status: failure.status,
          detail: `Operations[${failure.index}] ${failure.detail}`,
          ms: response.ms,
        });
      }
      if (request.tenant !== undefined) {
        const leak = leakIn(body, foreignTo(world, request.tenant));
        if (leak)
          suspect(
            collector,
            origin,
            'CROSS-TENANT LEAK in an answer',
            request,
            response.status,
            leak,
          );
      }
    },
    stop,
  );
  phases.malformed.seconds = (performance.now() - started) / 1000;

  const runLog = server.output().slice(logStart);
  const groups = serverDown ? [] : await analyse(client, server, collector.failures, options);
  const finalChecks = server.alive()
    ? await finalCheck(client, world)
    : [{ check: 'server process', ok: false, detail: 'the server process exited' }];
  const counts = new Map<string, number>();
  for (const line of errorLines(runLog))
    counts.set(normalise(line), (counts.get(normalise(line)) ?? 0) + 1);
  return {
    seed: options.seed,
    phases,
    failures: collector.failures.length,
    groups,
    suspicions: [...collector.suspicions.entries()].map(([what, entry]) => ({ what, ...entry })),
    slow: collector.slow.sort((a, b) => b.ms - a.ms).slice(0, 40),
    serverErrors: [...counts.entries()]
      .map(([message, count]) => ({ message, count }))
      .sort((a, b) => b.count - a.count),
    finalChecks,
    serverAlive: server.alive(),
  };
}

/** Sends `request` alone and returns its outcome with the error lines the server logged for it. */
async function replay(
  client: FuzzClient,
  server: ServerLog,
  request: FuzzRequest,
): Promise<{ outcome: SendOutcome; errors: string[] }> {
  const before = server.output().length;
  const outcome = await client.send(request);
  // pino writes after the response is sent; give it a moment to reach the pipe.
  await new Promise((resolve) => setTimeout(resolve, 60));
  return { outcome, errors: errorLines(server.output().slice(before)) };
}

function fails(outcome: SendOutcome, kind: Failure['kind']): boolean {
  if (kind === 'timeout') return outcome.kind === 'timeout';
  if (kind === 'error') return outcome.kind === 'error';
  if (outcome.kind !== 'response') return false;
  if (kind === '5xx') return outcome.response.status >= 500;
  return bulkFailures(parseJson(outcome.response)).length > 0;
}

/** Groups failures by endpoint and cause, replays one of each, and shrinks it. */
async function analyse(
  client: FuzzClient,
  server: ServerLog,
  failures: readonly Failure[],
  options: RunOptions,
): Promise<FailureGroup[]> {
  const first = new Map<string, { failure: Failure; count: number }>();
  for (const failure of failures) {
    const key = `${failure.kind}|${failure.request.method} ${pathTemplate(failure.request.path)}|${normalise(failure.detail)}`;
    const entry = first.get(key);
    if (entry) entry.count++;
    else first.set(key, { failure, count: 1 });
  }
  // Replay one of each (timeouts too: their cause may be a slow statement), keyed by the
  // server's own error so different requests with one cause become one group.
  const byCause = new Map<
    string,
    {
      failure: Failure;
      count: number;
      serverError: string | undefined;
      reproducible: boolean;
      outcome: SendOutcome;
    }
  >();
  let replayed = 0;
  for (const [key, { failure, count }] of first) {
    if (replayed++ >= 60) break;
    const { outcome, errors } = await replay(client, server, failure.request);
    const serverError = errors[0];
    const template = `${failure.request.method} ${pathTemplate(failure.request.path)}`;
    const cause = serverError ? `${failure.kind}|${template}|${normalise(serverError)}` : key;
    const entry = byCause.get(cause);
    if (entry) entry.count += count;
    else
      byCause.set(cause, {
        failure,
        count,
        serverError,
        reproducible: fails(outcome, failure.kind),
        outcome,
      });
  }
  const groups: FailureGroup[] = [];
  let shrunk = 0;
  for (const [key, entry] of byCause) {
    const { failure } = entry;
    let request = failure.request;
    if (entry.reproducible && failure.kind !== 'timeout' && shrunk++ < (options.maxShrunk ?? 20)) {
      request = await shrink(client, server, request, failure.kind, entry.serverError);
    }
    const status =
      entry.outcome.kind === 'response' ? entry.outcome.response.status : failure.status;
    groups.push({
      key,
      kind: failure.kind,
      template: `${failure.request.method} ${pathTemplate(failure.request.path)}`,
      detail: failure.detail,
      serverError: entry.serverError,
      count: entry.count,
      reproducible: entry.reproducible,
      reproduction: reproduction(client.origin, request, status),
    });
  }
  return groups.sort((a, b) => b.count - a.count);
}

/** Candidate simplifications of a JSON value: each drops one member or element, or halves a string. */
function* simpler(value: unknown, depth = 0): Generator<unknown> {
  if (depth > 12) return;
  if (Array.isArray(value)) {
    if (value.length > 1) {
      yield value.slice(0, Math.ceil(value.length / 2));
      yield value.slice(Math.ceil(value.length / 2));
    }
    for (let i = 0; i < value.length; i++) yield [...value.slice(0, i), ...value.slice(i + 1)];
    for (let i = 0; i < value.length; i++) {
      for (const inner of simpler(value[i], depth + 1))
        yield value.map((v, j) => (j === i ? inner : v));
    }
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    for (let i = 0; i < entries.length; i++)
      yield Object.fromEntries(entries.filter((_, j) => j !== i));
    for (let i = 0; i < entries.length; i++) {
      const [k, v] = entries[i] as [string, unknown];
      for (const inner of simpler(v, depth + 1))
        yield Object.fromEntries(entries.map(([key, old]) => [key, key === k ? inner : old]));
    }
  } else if (typeof value === 'string' && value.length > 8) {
    yield value.slice(0, Math.ceil(value.length / 2));
  }
}

/** Greedily drops what the failure does not need, within a bounded number of attempts. */
async function shrink(
  client: FuzzClient,
  server: ServerLog,
  original: FuzzRequest,
  kind: Failure['kind'],
  serverError: string | undefined,
): Promise<FuzzRequest> {
  let attempts = 0;
  const budget = 250;
  const stillFails = async (candidate: FuzzRequest) => {
    if (attempts++ >= budget) return false;
    const { outcome, errors } = await replay(client, server, candidate);
    if (!fails(outcome, kind)) return false;
    return serverError === undefined || errors.some((e) => normalise(e) === normalise(serverError));
  };
  let request = original;
  for (const name of Object.keys(request.headers)) {
    const headers = { ...request.headers };
    delete headers[name];
    const candidate = { ...request, headers };
    if (await stillFails(candidate)) request = candidate;
  }
  const [path, query] = request.path.split(/\?(.*)/s);
  if (query !== undefined) {
    let params = query.split('&');
    for (let i = params.length - 1; i >= 0; i--) {
      const fewer = params.filter((_, j) => j !== i);
      const candidate = {
        ...request,
        path: fewer.length > 0 ? `${path}?${fewer.join('&')}` : (path as string),
      };
      if (await stillFails(candidate)) {
        request = candidate;
        params = fewer;
      }
    }
  }
  request = await shrinkFilter(request, stillFails, () => attempts < budget);
  if (request.body && isUtf8(request.body)) {
    let value: unknown;
    try {
      value = JSON.parse(request.body.toString('utf8'));
    } catch {
      return request;
    }
    let progress = true;
    while (progress && attempts < budget) {
      progress = false;
      for (const candidateValue of simpler(value)) {
        const candidate = { ...request, body: Buffer.from(JSON.stringify(candidateValue)) };
        if (await stillFails(candidate)) {
          request = candidate;
          value = candidateValue;
          progress = true;
          break;
        }
        if (attempts >= budget) break;
      }
    }
  }
  return request;
}

/** The filter of a request (query parameter or search body), and how to put another in its place. */
function filterOf(
  request: FuzzRequest,
): { text: string; with: (filter: string) => FuzzRequest } | undefined {
  const [path, query] = request.path.split(/\?(.*)/s);
  const params = query?.split('&') ?? [];
  const at = params.findIndex((p) => p.startsWith('filter='));
  if (at >= 0) {
    let text: string;
    try {
      text = decodeURIComponent(
        (params[at] as string).slice('filter='.length).replaceAll('+', ' '),
      );
    } catch {
      return undefined;
    }
    return {
      text,
      with: (filter) => ({
        ...request,
        path: `${path}?${params.map((p, i) => (i === at ? `filter=${percentEncode(filter)}` : p)).join('&')}`,
      }),
    };
  }
  if (!request.body || !isUtf8(request.body)) return undefined;
  try {
    const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    if (typeof body?.filter !== 'string') return undefined;
    return {
      text: body.filter,
      with: (filter) => ({ ...request, body: Buffer.from(JSON.stringify({ ...body, filter })) }),
    };
  } catch {
    return undefined;
  }
}

/** Replaces the request's filter by simpler ones (filter-shrink.ts) while it still fails. */
async function shrinkFilter(
  original: FuzzRequest,
  stillFails: (candidate: FuzzRequest) => Promise<boolean>,
  more: () => boolean,
): Promise<FuzzRequest> {
  let request = original;
  let progress = true;
  while (progress && more()) {
    progress = false;
    const filter = filterOf(request);
    if (!filter) break;
    for (const candidate of simplerFilters(filter.text)) {
      const next = filter.with(candidate);
      if (await stillFails(next)) {
        request = next;
        progress = true;
        break;
      }
      if (!more()) break;
    }
  }
  return request;
}

/** The server is up and still does its job: health, readiness, a create and its lookup. */
async function finalCheck(
  client: FuzzClient,
  world: FuzzWorld,
): Promise<{ check: string; ok: boolean; detail: string }[]> {
  const results: { check: string; ok: boolean; detail: string }[] = [];
  const get = async (path: string, token?: string) =>
    client.send({
      method: 'GET',
      path,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      kind: 'final',
    });
  for (const path of ['/healthz', '/readyz']) {
    const outcome = await get(path);
    const ok = outcome.kind === 'response' && outcome.response.status === 200;
    results.push({
      check: `GET ${path}`,
      ok,
      detail: outcome.kind === 'response' ? String(outcome.response.status) : outcome.kind,
    });
  }
  const tenant = world.tenants[0];
  const userName = `final-${Date.now()}@${tenant.domain}`;
  const created = await client.send({
    method: 'POST',
    path: `${SCIM}/Users`,
    headers: { Authorization: `Bearer ${tenant.token}`, 'Content-Type': 'application/scim+json' },
    body: Buffer.from(
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName,
        emails: [{ value: userName, primary: true }],
      }),
    ),
    kind: 'final',
  });
  const createdOk = created.kind === 'response' && created.response.status === 201;
  results.push({
    check: 'POST /Users (a normal create)',
    ok: createdOk,
    detail:
      created.kind === 'response'
        ? `${created.response.status} ${created.response.body.toString('utf8').slice(0, 200)}`
        : created.kind,
  });
  const found = await get(
    `${SCIM}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`,
    tenant.token,
  );
  const body =
    found.kind === 'response'
      ? (parseJson(found.response) as { totalResults?: number } | undefined)
      : undefined;
  results.push({
    check: 'GET /Users?filter=userName eq (finds it)',
    ok: body?.totalResults === 1,
    detail:
      found.kind === 'response'
        ? `${found.response.status} totalResults=${body?.totalResults}`
        : found.kind,
  });
  return results;
}
