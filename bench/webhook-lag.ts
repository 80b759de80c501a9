/**
 * `npm run bench -- --webhooks [--quick] [--json FILE]` (or `npm run bench:webhooks`): webhook
 * delivery under the create benchmark, on SQLite. One `roster serve` process (pinned to core 0
 * when taskset is there) with one endpoint for every event type, a receiver on loopback in this
 * process, and SCIM creates:
 *
 * - paced: creates at a fixed rate (200/s) for a few seconds; the lag of each event from its
 *   commit to the receiver (receive time − the event's `occurredAt`, one machine, one clock),
 *   p50 and p99;
 * - saturated: creates from 50 connections for a few seconds (autocannon), then the time until
 *   the receiver has every event: creates/s, and delivered events/s from the first delivery to
 *   the last.
 *
 * Bounded: loopback only, a fixed number of seconds per phase, and at most 120 s waiting for
 * deliveries (then it reports what arrived). Figures go to docs/performance.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUserRequests } from './create-requests.ts';
import { measure } from './load.ts';
import { fmt, jsonFile, log, writeJson } from './report.ts';
import { BENCH_ADMIN_KEY, BENCH_TOKEN, rosterServe, startServer } from './server-process.ts';

const PACED_PER_SECOND = 200;
const WAIT_LIMIT_MS = 120_000;

interface Arrival {
  readonly id: string;
  readonly occurredAt: number;
  readonly receivedAt: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

async function startReceiver() {
  const arrivals: Arrival[] = [];
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const receivedAt = Date.now();
      const id = String(req.headers['webhook-id']);
      if (!seen.has(id)) {
        seen.add(id);
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        arrivals.push({ id, occurredAt: Date.parse(payload.data.occurredAt), receivedAt });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bench`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function api(origin: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${origin}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the bench reads JSON fields by name
  const json = (await response.json()) as any;
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The account's latest event sequence, read through the feed. */
async function latestSequence(origin: string, accountId: string): Promise<number> {
  const page = await api(origin, 'GET', `/accounts/${accountId}/events?after=latest&limit=1`);
  return Number(page.next);
}

/** Waits until `count` distinct events arrived after `from`, or the wait limit. */
async function arrived(arrivals: readonly Arrival[], from: number, count: number) {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (arrivals.length - from < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function runWebhookLag(quick: boolean, json?: string): Promise<void> {
  const seconds = quick ? 2 : 10;
  const dir = mkdtempSync(join(tmpdir(), 'roster-bench-webhooks-'));
  const receiver = await startReceiver();
  const roster = await startServer({
    name: 'roster',
    ...rosterServe(join(dir, 'roster.db')),
    core: 0,
  });
  try {
    const accounts = await api(roster.url, 'GET', '/accounts');
    const accountId = accounts.items[0].id as string;
    await api(roster.url, 'POST', `/accounts/${accountId}/webhooks`, { url: receiver.url });
    const next = createUserRequests('webhooks');
    const scim = (body: string) =>
      fetch(`${roster.url}/scim/v2/Users`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${BENCH_TOKEN}`,
          'Content-Type': 'application/scim+json',
          'User-Agent': 'Okta SCIM Client 1.0.0',
        },
        body,
      }).then((r) => r.arrayBuffer());

    // Paced: one create every 1/200 s, whatever the answers take.
    const pacedStart = await latestSequence(roster.url, accountId);
    const total = PACED_PER_SECOND * seconds;
    const sent: Promise<unknown>[] = [];
    const began = performance.now();
    for (let i = 0; i < total; i++) {
      const due = began + (i * 1000) / PACED_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      sent.push(scim(next().body ?? ''));
    }
    await Promise.all(sent);
    const pacedEvents = (await latestSequence(roster.url, accountId)) - pacedStart;
    await arrived(receiver.arrivals, 0, pacedEvents);
    const paced = receiver.arrivals.map((a) => a.receivedAt - a.occurredAt).sort((a, b) => a - b);
    const pacedRow = {
      creates: total,
      events: pacedEvents,
      delivered: receiver.arrivals.length,
      lagP50Ms: percentile(paced, 50),
      lagP99Ms: percentile(paced, 99),
      lagMaxMs: paced.at(-1) ?? Number.NaN,
    };
    log(
      `paced ${PACED_PER_SECOND} creates/s for ${seconds} s: ${fmt(pacedRow.delivered)} of ${fmt(pacedEvents)} events delivered; commit → receiver lag p50 ${fmt(pacedRow.lagP50Ms)} ms, p99 ${fmt(pacedRow.lagP99Ms)} ms, max ${fmt(pacedRow.lagMaxMs)} ms`,
    );

    // Saturated: as many creates as 50 connections get through.
    const from = receiver.arrivals.length;
    const startSequence = await latestSequence(roster.url, accountId);
    const load = await measure({
      url: `${roster.url}/scim/v2/Users`,
      connections: 50,
      warmupSeconds: 0,
      seconds,
      method: 'POST',
      headers: {
        Authorization: `Bearer ${BENCH_TOKEN}`,
        'Content-Type': 'application/scim+json',
        'User-Agent': 'Okta SCIM Client 1.0.0',
      },
      next,
      drainPath: '/scim/v2/Users/00000000-0000-0000-0000-000000000000',
    });
    const events = (await latestSequence(roster.url, accountId)) - startSequence;
    await arrived(receiver.arrivals, from, events);
    const burst = receiver.arrivals.slice(from);
    const first = burst[0]?.receivedAt ?? 0;
    const last = burst.at(-1)?.receivedAt ?? 0;
    const lags = burst.map((a) => a.receivedAt - a.occurredAt).sort((a, b) => a - b);
    const saturatedRow = {
      createsPerSecond: load.requestsPerSecond,
      non2xx: load.non2xx,
      events,
      delivered: burst.length,
      deliveredPerSecond: burst.length / Math.max(0.001, (last - first) / 1000),
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
    };
    log(
      `saturated (50 connections, ${seconds} s): ${fmt(saturatedRow.createsPerSecond)} creates/s (${fmt(load.non2xx)} non-2xx); ${fmt(saturatedRow.delivered)} of ${fmt(events)} events delivered at ${fmt(saturatedRow.deliveredPerSecond)} events/s; lag p50 ${fmt(saturatedRow.lagP50Ms)} ms, p99 ${fmt(saturatedRow.lagP99Ms)} ms (the backlog drains behind the creates)`,
    );
    if (json) {
      writeJson(json, {
        kind: 'webhooks',
        date: new Date().toISOString(),
        quick,
        pinned: roster.pinned,
        paced: { perSecond: PACED_PER_SECOND, seconds, ...pacedRow },
        saturated: { connections: 50, seconds, ...saturatedRow },
      });
    }
  } finally {
    await roster.stop();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly (`npm run bench:webhooks`), not when run.ts imports it.
if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  await runWebhookLag(argv.includes('--quick'), jsonFile(argv));
}
