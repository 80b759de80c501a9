/**
 * Webhook tests' pieces: a real HTTP receiver on loopback whose answer each test chooses (2xx,
 * 500, hang until released), a directory over a real store with a manual clock, and events
 * appended and sequenced as a change would.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/directory/clock.ts';
import { createDirectory, type Directory } from '../../src/directory/directory.ts';
import type { EventSequencer } from '../../src/directory/event-sequencer.ts';
import { newEvent } from '../../src/directory/events.ts';
import type { NewDirectoryEvent } from '../../src/directory/model.ts';
import type { WebhookDeliveryOptions } from '../../src/directory/webhook-delivery.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore } from '../helpers/test-store.ts';
import { makeAccount } from '../store/fixtures.ts';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON payload fields
  readonly json: any;
}

/** `ok` 204, `fail` 500 with a body, `hang` never answers until `release`. */
export type Answer = 'ok' | 'fail' | 'hang';

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** The answer for requests to `path` (default `ok`). */
  answer(path: string, answer: Answer | ((request: Received) => Answer)): void;
  /** Ends every hanging request with a 204. */
  release(): void;
  /** Resolves once `count` requests to `path` arrived. */
  waitFor(path: string, count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers = new Map<string, Answer | ((request: Received) => Answer)>();
  const hanging: ServerResponse[] = [];
  const waiters: { path: string; count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const request = { path: req.url ?? '/', headers: req.headers, body, json };
      received.push(request);
      for (const waiter of [...waiters]) {
        if (received.filter((r) => r.path === waiter.path).length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      const rule = answers.get(request.path) ?? 'ok';
      const answer = typeof rule === 'function' ? rule(request) : rule;
      if (answer === 'hang') {
        hanging.push(res);
      } else if (answer === 'fail') {
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end('receiver is down\u0000\u001b[31m');
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer(path, answer) {
      answers.set(path, answer);
    },
    release() {
      for (const res of hanging.splice(0)) res.writeHead(204).end();
    },
    waitFor(path, count) {
      if (received.filter((r) => r.path === path).length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ path, count, resolve }));
    },
    async close() {
      for (const res of hanging.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface WebhookWorld {
  readonly store: Store;
  readonly directory: Directory;
  cleanup(): Promise<void>;
}

/** A directory over a throwaway store of `kind`, with the given clock and engine settings. */
export async function openWorld(
  kind: 'sqlite' | 'postgres',
  clock: Clock,
  webhooks: Partial<Omit<WebhookDeliveryOptions, 'store' | 'clock'>> = {},
): Promise<WebhookWorld | undefined> {
  const opened = await openTestStore(kind);
  if (!opened) return undefined;
  const directory = createDirectory({ store: opened.store, clock, webhooks });
  return {
    store: opened.store,
    directory,
    async cleanup() {
      await directory.webhookDelivery.stop();
      await directory.provisioningLog.close();
      await opened.cleanup();
    },
  };
}

export async function newAccountId(store: Store): Promise<string> {
  const account = makeAccount();
  await store.accounts.insert(account);
  return account.id;
}

/**
 * Appends `count` user.created events to the account in one transaction and sequences them:
 * by calling the store's sequencer, or, given a directory's `sequencedBy`, by waiting for that
 * directory's own sequencer (which its commit nudged). A test that watches what a directory's
 * sequencer wakes must use the latter: a direct call can win the lock and number the events
 * itself, and then the directory's sequencer finds nothing to tell its listeners.
 */
export async function emit(
  store: Store,
  clock: Clock,
  accountId: string,
  count: number,
  type: 'user.created' | 'user.deactivated' = 'user.created',
  sequencedBy?: EventSequencer,
): Promise<NewDirectoryEvent[]> {
  const events = Array.from({ length: count }, (_, i) => {
    const id = `usr_${Math.random().toString(36).slice(2)}`;
    const user = {
      id,
      userName: `u${i}@example.com`,
      email: `u${i}@example.com`,
      externalId: null,
      displayName: null,
      givenName: null,
      familyName: null,
      active: type === 'user.created',
      permissionSetId: 'ps_x',
      managedBy: 'scim' as const,
    };
    return newEvent(accountId, type, `user:${id}`, { user }, clock.now(), { kind: 'system' });
  });
  await store.transaction((s) => s.events.append(events));
  if (sequencedBy !== undefined) await sequencedBy.settle();
  else while ((await store.events.sequencePending(1000)).count > 0);
  return events;
}
