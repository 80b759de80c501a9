/**
 * A Roster app over a real, migrated database (SQLite temp file or a throwaway PostgreSQL
 * database), with the demo account and a known token. Requests go through the app's own fetch
 * handler (`app.request`), the same one the HTTP server calls, without opening a port.
 */
import pino, { type Logger } from 'pino';
import {
  consoleSessionPolicy,
  costlyReadOptions,
  deprovisionBrakePolicy,
  loadConfig,
  retentionPolicy,
} from '../../src/config.ts';
import { createDirectory, type Directory } from '../../src/directory/directory.ts';
import { createApp } from '../../src/http/app.ts';
import { openTestStore } from './test-store.ts';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

export const DEMO_TOKEN = 'test-token-0123456789abcdef-0123456789';
/** The admin API operator key of every test app. */
export const ADMIN_KEY = 'test-operator-key-0123456789abcdef';
export const CURSOR_SECRET = 'test-cursor-secret-0123456789';
export const SCIM = '/scim/v2';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON response fields
  readonly body: any;
}

export interface RequestOptions {
  /** JSON-encoded as the body. */
  readonly body?: unknown;
  /**
   * Sent as the body verbatim (overrides `body`). Bytes go without a Content-Type header at all;
   * a string body gets `text/plain;charset=UTF-8` from the Request unless one is given. A stream
   * is sent as it is pulled, with no Content-Length (as a chunked request arrives).
   */
  readonly raw?: string | Uint8Array | ReadableStream<Uint8Array>;
  readonly headers?: Record<string, string>;
  /** Bearer token; defaults to the demo token; null sends no Authorization header. */
  readonly token?: string | null;
}

export interface TestApp {
  readonly kind: StoreKind;
  readonly directory: Directory;
  readonly accountId: string;
  readonly token: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Flushes the provisioning log so tests can read it. */
  flushLog(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment for loadConfig (e.g. ROSTER_RATE_LIMIT_PER_SECOND). */
  readonly env?: Record<string, string>;
  /**
   * Keep the demo account a sandbox (any email domain accepted), as `roster serve` creates it.
   * By default tests run it as a production account, whose rules (verified domains) they test.
   */
  readonly sandbox?: boolean;
  /** The server log (default: silent); tests of log lines pass one writing to a buffer. */
  readonly logger?: Logger;
}

/** Undefined when the store kind cannot be had here (PostgreSQL not reachable). */
export async function createTestApp(
  kind: StoreKind = 'sqlite',
  options: TestAppOptions = {},
): Promise<TestApp | undefined> {
  const env = {
    ROSTER_RATE_LIMIT_PER_SECOND: '100000',
    ROSTER_ADMIN_RATE_LIMIT_PER_SECOND: '100000',
    ROSTER_ADMIN_KEY: ADMIN_KEY,
    ...options.env,
  };
  const config = loadConfig({ demoToken: DEMO_TOKEN }, env);
  const opened = await openTestStore(kind, { costlyReads: costlyReadOptions(config) });
  if (!opened) return undefined;
  const directory = createDirectory({
    store: opened.store,
    deprovisionBrake: deprovisionBrakePolicy(config),
    retention: retentionPolicy(config),
    consoleSessions: consoleSessionPolicy(config),
    // ROSTER_DNS_RESOLVER in options.env points domain verification at a test DNS server.
    dns: { resolver: config.dnsResolver, timeoutMs: config.dnsTimeoutMs },
  });
  await directory.adminKeys.ensureOperatorKey(config.adminKey);
  const { account } = await directory.accounts.ensureDemoAccount(DEMO_TOKEN);
  if (!account) throw new Error('demo account was not created');
  if (options.sandbox !== true) await directory.accounts.update(account.id, { sandbox: false });
  const app = createApp({
    directory,
    config,
    logger: options.logger ?? pino({ level: 'silent' }),
    cursorSecret: CURSOR_SECRET,
  });

  return {
    kind,
    directory,
    accountId: account.id,
    token: DEMO_TOKEN,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? DEMO_TOKEN : options.token;
      if (
        token !== null &&
        !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')
      ) {
        headers.Authorization = `Bearer ${token}`;
      }
      let body: string | Uint8Array | ReadableStream<Uint8Array> | undefined = options.raw;
      if (body === undefined && options.body !== undefined) {
        body = JSON.stringify(options.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          headers['Content-Type'] = 'application/scim+json';
        }
      }
      const url = path.startsWith('http') ? path : `http://roster.test${path}`;
      const stream = body instanceof ReadableStream;
      const response = await app.request(url, {
        method,
        headers,
        body,
        ...(stream ? { duplex: 'half' } : {}),
      } as RequestInit);
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    },
    flushLog: () => directory.provisioningLog.flush(),
    async cleanup() {
      await directory.provisioningLog.close();
      await opened.cleanup();
    },
  };
}

/** A minimal valid user in the demo account's verified domain. */
export function newUser(local: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA],
    userName: `${local}@example.com`,
    name: { givenName: 'Given', familyName: 'Family' },
    emails: [{ value: `${local}@example.com`, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}
