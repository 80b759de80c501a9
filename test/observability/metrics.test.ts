/**
 * `GET /metrics` (issue 11, Observability): Prometheus text for the operator key or the metrics
 * token only; SCIM and admin API requests counted by surface, IdP, operation and status with
 * bounded labels; latency histograms; refused credentials by surface and reason; the
 * provisioning-log backlog; one registry per app.
 */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/http/metrics.ts';
import { ADMIN_KEY, createTestApp, STORE_KINDS, type TestApp } from '../helpers/create-test-app.ts';
import { newUser, patchOp, SCIM, unique, useTestApp } from '../scim-http/scim-test-kit.ts';

const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';
const OKTA = 'Okta SCIM Client 1.0.0';
const ENTRA = 'Microsoft Azure AD SCIM Client';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

async function scrape(app: TestApp): Promise<string> {
  const response = await app.request('GET', '/metrics', { token: METRICS_TOKEN });
  expect(response.status, response.text).toBe(200);
  return response.text;
}

/** The value of the series `name{labels}` (labels in any order), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const wanted = Object.entries(labels);
    if (wanted.length !== Object.keys(have).length) continue;
    if (wanted.every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return 0;
}

/** Every series of `name` (its label sets). */
const series = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`));

describe.each(STORE_KINDS)('GET /metrics (%s)', (kind) => {
  const getApp = useTestApp(kind, { env: { ROSTER_METRICS_TOKEN: METRICS_TOKEN } });

  it('answers the metrics token and the operator key; 401 without or with a wrong one; 403 for an account key', async () => {
    const app = getApp();
    const byToken = await app.request('GET', '/metrics', { token: METRICS_TOKEN });
    expect(byToken.status).toBe(200);
    expect(byToken.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(byToken.text).toContain('# TYPE roster_http_requests_total counter');
    const byOperator = await app.request('GET', '/metrics', { token: ADMIN_KEY });
    expect(byOperator.status).toBe(200);

    const missing = await app.request('GET', '/metrics', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(missing.body.code).toBe('auth.missing_key');
    expect(missing.text).not.toContain('roster_');
    const wrong = await app.request('GET', '/metrics', { token: `${METRICS_TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('auth.invalid_key');
    const malformed = await app.request('GET', '/metrics', {
      headers: { Authorization: 'Basic abc' },
    });
    expect(malformed.status).toBe(401);

    const { key } = await app.directory.adminKeys.issue(app.accountId, 'metrics test');
    const accountKey = await app.request('GET', '/metrics', { token: key });
    expect(accountKey.status).toBe(403);
    expect(accountKey.body.code).toBe('auth.operator_only');
    expect(accountKey.text).not.toContain('roster_');
  });

  it('counts SCIM and admin requests by IdP, operation and status, and times them', async () => {
    const app = getApp();
    const before = await scrape(app);
    const okta = { 'User-Agent': OKTA };
    const entra = { 'User-Agent': ENTRA };
    const created = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(unique('metrics')),
      headers: okta,
    });
    expect(created.status).toBe(201);
    const patched = await app.request('PATCH', `${SCIM}/Users/${created.body.id}`, {
      body: patchOp({ op: 'replace', path: 'displayName', value: 'Renamed' }),
      headers: entra,
    });
    expect(patched.status).toBe(200);
    await app.request('GET', `${SCIM}/Users?filter=userName%20eq%20%22x%40example.com%22`, {
      headers: okta,
    });
    await app.request('GET', `${SCIM}/Groups`, { headers: okta });
    const bulk = await app.request('POST', `${SCIM}/Bulk`, {
      headers: entra,
      body: {
        schemas: [BULK_REQUEST],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: newUser(unique('bulk')) },
        ],
      },
    });
    expect(bulk.status).toBe(200);
    const users = await app.request('GET', `/api/v1/accounts/${app.accountId}/users`, {
      token: ADMIN_KEY,
    });
    expect(users.status).toBe(200);
    const after = await scrape(app);

    const moved = (labels: Record<string, string>) =>
      sample(after, 'roster_http_requests_total', labels) -
      sample(before, 'roster_http_requests_total', labels);
    const scim = (idp: string, operation: string, status: string) =>
      moved({ surface: 'scim', idp, operation, status });
    expect(scim('okta', 'users.create', '201')).toBe(1);
    expect(scim('entra', 'users.patch', '200')).toBe(1);
    expect(scim('okta', 'users.list', '200')).toBe(1);
    expect(scim('okta', 'groups.list', '200')).toBe(1);
    expect(scim('entra', 'bulk', '200')).toBe(1);
    expect(moved({ surface: 'admin', idp: 'unknown', operation: 'listUsers', status: '200' })).toBe(
      1,
    );
    // The IdP is told apart: Okta's create is not counted as Entra's.
    expect(scim('entra', 'users.create', '201')).toBe(0);

    const count = (text: string, operation: string) =>
      sample(text, 'roster_http_request_duration_seconds_count', { surface: 'scim', operation });
    expect(count(after, 'users.create') - count(before, 'users.create')).toBe(1);
    expect(after).toContain('# TYPE roster_http_request_duration_seconds histogram');
    const inf = sample(after, 'roster_http_request_duration_seconds_bucket', {
      surface: 'scim',
      operation: 'users.create',
      le: '+Inf',
    });
    expect(inf).toBe(count(after, 'users.create'));
    expect(
      sample(after, 'roster_http_request_duration_seconds_sum', {
        surface: 'scim',
        operation: 'users.create',
      }),
    ).toBeGreaterThan(0);
    expect(after).toMatch(/^roster_provisioning_log_backlog \d+$/m);
  });

  it('counts refused credentials by surface and reason', async () => {
    const app = getApp();
    const scimApp = await app.directory.store.scimApps.findByAccount(app.accountId);
    if (!scimApp) throw new Error('the demo account has no SCIM app');
    const { token, record } = await app.directory.tokens.issue(app.accountId, scimApp.id);
    await app.directory.tokens.revoke(record.id);
    const before = await scrape(app);
    await app.request('GET', `${SCIM}/Users`, { token });
    await app.request('GET', `${SCIM}/Users`, { token: 'wrong-token-0123456789abcdefghij' });
    await app.request('GET', `${SCIM}/Users`, { token: 'wrong-token-0123456789abcdefghij' });
    await app.request('GET', `${SCIM}/Users`, { token: null });
    await app.request('GET', `/api/v1/accounts`, { token: 'wrong-admin-key-0123456789abcdef' });
    await app.request('GET', '/metrics', { token: 'wrong-metrics-token-0123456789abc' });
    // Discovery needs no token: an anonymous read there is no failure.
    await app.request('GET', `${SCIM}/ServiceProviderConfig`, { token: null });
    const after = await scrape(app);
    const moved = (surface: string, reason: string) =>
      sample(after, 'roster_auth_failures_total', { surface, reason }) -
      sample(before, 'roster_auth_failures_total', { surface, reason });
    expect(moved('scim', 'unknown')).toBe(2);
    expect(moved('scim', 'revoked')).toBe(1);
    expect(moved('scim', 'missing')).toBe(1);
    expect(moved('admin', 'unknown')).toBe(1);
    expect(moved('metrics', 'unknown')).toBe(1);
    expect(moved('admin', 'missing')).toBe(0);
    const refused = sample(after, 'roster_http_requests_total', {
      surface: 'scim',
      idp: 'unknown',
      operation: 'users.list',
      status: '401',
    });
    expect(refused).toBeGreaterThanOrEqual(4);
  });

  it('keeps labels bounded: 100 user ids make one series, and no id or path appears', async () => {
    const app = getApp();
    const before = await scrape(app);
    const ids = Array.from({ length: 100 }, () => unique('nobody'));
    for (const id of ids) {
      const response = await app.request('GET', `${SCIM}/Users/${id}`, {
        headers: { 'User-Agent': `${OKTA} ${id}` },
      });
      expect(response.status).toBe(404);
      await app.request('GET', `/api/v1/accounts/${app.accountId}/users/${id}`, {
        token: ADMIN_KEY,
      });
      await app.request('GET', `${SCIM}/${id}/whatever`);
    }
    const after = await scrape(app);
    for (const name of [
      'roster_http_requests_total',
      'roster_http_request_duration_seconds_bucket',
    ]) {
      expect(series(after, name).length - series(before, name).length, name).toBeLessThanOrEqual(
        name.endsWith('_bucket') ? 3 * 14 : 3,
      );
    }
    for (const id of ids) expect(after).not.toContain(id);
    expect(
      sample(after, 'roster_http_requests_total', {
        surface: 'scim',
        idp: 'okta',
        operation: 'users.get',
        status: '404',
      }),
    ).toBe(100);
    expect(
      sample(after, 'roster_http_requests_total', {
        surface: 'scim',
        idp: 'unknown',
        operation: 'unknown',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(100);
  });

  it("keeps each app's counts apart (a registry per app)", async (ctx) => {
    const app = getApp();
    await app.request('GET', `${SCIM}/Users`, { headers: { 'User-Agent': OKTA } });
    const other = await createTestApp(kind, { env: { ROSTER_METRICS_TOKEN: METRICS_TOKEN } });
    if (!other) return ctx.skip(`${kind} store not reachable here`);
    try {
      const text = await scrape(other);
      expect(series(text, 'roster_http_requests_total')).toEqual([]);
      expect(
        sample(await scrape(app), 'roster_http_requests_total', {
          surface: 'scim',
          idp: 'okta',
          operation: 'users.list',
          status: '200',
        }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await other.cleanup();
    }
  });
});

describe('GET /metrics without a metrics token configured', () => {
  const getApp = useTestApp('sqlite');

  it('answers the operator key only', async () => {
    const app = getApp();
    expect((await app.request('GET', '/metrics', { token: ADMIN_KEY })).status).toBe(200);
    expect((await app.request('GET', '/metrics', { token: METRICS_TOKEN })).status).toBe(401);
  });
});

describe('createMetrics', () => {
  it('reads scrapeGauge values only at scrape time, plain or labelled', async () => {
    const metrics = createMetrics({ provisioningLogBacklog: () => 7 });
    let reads = 0;
    let depth = 3;
    metrics.scrapeGauge({
      name: 'roster_test_outbox_depth',
      help: 'events not yet delivered',
      read: () => {
        reads++;
        return depth;
      },
    });
    metrics.scrapeGauge({
      name: 'roster_test_deliveries',
      help: 'deliveries by outcome',
      labelNames: ['outcome'],
      read: async () => [
        { labels: { outcome: 'delivered' }, value: 5 },
        { labels: { outcome: 'failed' }, value: 1 },
      ],
    });
    expect(reads).toBe(0);
    let text = await metrics.registry.metrics();
    expect(reads).toBe(1);
    expect(sample(text, 'roster_test_outbox_depth')).toBe(3);
    expect(sample(text, 'roster_test_deliveries', { outcome: 'delivered' })).toBe(5);
    expect(sample(text, 'roster_test_deliveries', { outcome: 'failed' })).toBe(1);
    expect(sample(text, 'roster_provisioning_log_backlog')).toBe(7);
    depth = 9;
    text = await metrics.registry.metrics();
    expect(sample(text, 'roster_test_outbox_depth')).toBe(9);
  });

  it("adds Node's process metrics when asked (roster serve), not otherwise", async () => {
    const plain = await createMetrics({ provisioningLogBacklog: () => 0 }).registry.metrics();
    expect(plain).not.toContain('process_cpu_user_seconds_total');
    const server = createMetrics({ provisioningLogBacklog: () => 0, processMetrics: true });
    expect(await server.registry.metrics()).toContain('process_cpu_user_seconds_total');
  });
});
