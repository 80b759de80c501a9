/**
 * The one place that reads the environment. Command-line flags override environment variables,
 * which override the defaults below; the result is validated once and frozen.
 */
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

const DEFAULT_DATABASE = './data/roster.db';

/** `1.2.3.4`, `1.2.3.4:53`, `::1` or `[::1]:53`: what node:dns `setServers` takes (no names). */
function isResolverAddress(value: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  const v4 = /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  const [host, port] = bracketed
    ? [bracketed[1], bracketed[2]]
    : v4
      ? [v4[1], v4[2]]
      : [value, undefined];
  const hostOk = bracketed ? isIP(host ?? '') === 6 : isIP(host ?? '') !== 0;
  return hostOk && (port === undefined || (Number(port) >= 1 && Number(port) <= 65_535));
}

const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65_535).default(8080),
    /** A file path, `sqlite:` URL, or `postgres://` URL. */
    databaseUrl: z.string().min(1).default(DEFAULT_DATABASE),
    /** PostgreSQL pool size per instance. */
    databasePoolSize: z.coerce.number().int().min(1).max(1000).default(10),
    /**
     * The exact token the demo account accepts, for scripts and tests (ROSTER_DEMO_TOKEN). At
     * least 32 characters: 8 of them are stored beside its hash (secrets.ts), and the rest must
     * still be beyond guessing.
     */
    demoToken: z.string().min(32, 'the demo token must be at least 32 characters').optional(),
    /**
     * The operator key of the admin API (acts on every account). Unset: one is generated on first
     * start, kept hashed in the database and printed once.
     */
    adminKey: z.string().min(24, 'the admin key must be at least 24 characters').optional(),
    /**
     * A bearer token that may read `GET /metrics` (besides the operator key), for a Prometheus
     * scraper that should hold no admin key. Kept only in memory; unset, only the operator key.
     */
    metricsToken: z
      .string()
      .min(24, 'the metrics token must be at least 24 characters')
      .regex(/^\S+$/, 'the metrics token must not contain spaces')
      .optional(),
    /**
     * Public base URL used in `meta.location`, `Location` and tenant URLs. Unset: the Host header
     * when listed in `allowedHosts`, else the address the connection arrived on (public-base.ts).
     */
    publicUrl: z.url().optional(),
    /**
     * Host header values (`roster.example.org`, `roster.example.org:8443`: as clients send them,
     * comma-separated) that may be used in URLs handed out when ROSTER_PUBLIC_URL is unset.
     */
    allowedHosts: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim().toLowerCase())
          .filter(Boolean),
      )
      .default([]),
    /**
     * The permissions the host app knows (comma-separated, e.g. `contacts.read,deals.write`).
     * Set, a permission set naming any other is refused; unset, any name is accepted.
     */
    permissions: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .default([]),
    /** Signs RFC 9865 cursors. Instances behind one load balancer must share it. */
    cursorSecret: z.string().min(16).optional(),
    /**
     * Whether /ServiceProviderConfig carries RFC 9865's `pagination` object. `off` for clients
     * that refuse attributes RFC 7643 does not define there (docs/idp-compatibility.md).
     */
    scimSpcPagination: z
      .enum(['on', 'off'])
      .default('on')
      .transform((value) => value === 'on'),
    /** Seconds a cursor stays valid (RFC 9865 cursorTimeout). */
    cursorTimeoutSeconds: z.coerce.number().int().min(1).default(600),
    /** Sustained SCIM requests per second per account before 429 (burst is twice this). */
    rateLimitPerSecond: z.coerce.number().int().min(1).default(100),
    /**
     * Requests per second per admin key (the operator key counts as one) before 429 with
     * Retry-After; the burst is twice this. Scripts and the CLI stay far below it.
     */
    adminRateLimitPerSecond: z.coerce.number().int().min(1).default(50),
    /**
     * Failed authentications (SCIM token or admin key) from one source address within
     * `authFailureWindowSeconds` of the first before that address gets 429 on every request
     * until the window ends.
     */
    authFailureLimit: z.coerce.number().int().min(1).default(20),
    authFailureWindowSeconds: z.coerce.number().int().min(1).max(86_400).default(60),
    /**
     * Addresses of proxies whose X-Forwarded-For is believed (comma-separated IPs), e.g. the load
     * balancer's. Unset: the connection's peer address is the client, whatever headers say.
     */
    trustedProxies: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.string().refine((v) => isIP(v) !== 0, 'expected IP addresses, e.g. 10.0.0.2,10.0.0.3'),
        ),
      )
      .default([]),
    /**
     * Node's server timeouts (serve.ts). Headers: from a request's first byte until its headers
     * are complete. Request: until the whole request, body included, has arrived; an IdP sending
     * a 4 MiB Bulk over a poor link still makes it, a connection dribbling bytes to hold a socket
     * does not. Keep-alive: how long an idle connection waits for its next request; behind a load
     * balancer set it above the balancer's idle timeout (AWS ALB: 60 s, so 65).
     */
    headersTimeoutSeconds: z.coerce.number().int().min(1).max(3600).default(30),
    requestTimeoutSeconds: z.coerce.number().int().min(1).max(3600).default(120),
    keepAliveTimeoutSeconds: z.coerce.number().int().min(1).max(3600).default(5),
    /** Largest accepted request body, bytes. */
    maxBodyBytes: z.coerce.number().int().min(1024).default(1_048_576),
    /**
     * Mass-deprovisioning brake: deactivations by IdPs are held once more than this share of an
     * account's active users (but at least `deprovisionBrakeMinUsers`) went within the window.
     * The defaults are explained in `directory/deprovision-brake.ts` and docs/deploy.md.
     */
    deprovisionBrakeShare: z.coerce.number().gt(0).max(1).default(0.1),
    deprovisionBrakeMinUsers: z.coerce.number().int().min(1).default(500),
    deprovisionBrakeWindowMinutes: z.coerce.number().int().min(1).default(60),
    /** Retry-After sent with a held deactivation. */
    deprovisionBrakeRetryAfterSeconds: z.coerce.number().int().min(1).default(300),
    /**
     * The DNS server domain verification asks (`127.0.0.1:5353`, `[::1]:53`); by default the
     * system's resolvers.
     */
    dnsResolver: z
      .string()
      .refine(
        isResolverAddress,
        'expected an IP address with an optional port, e.g. 127.0.0.1:5353',
      )
      .optional(),
    /** Longest wait for one DNS lookup, milliseconds. */
    dnsTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** Seconds between re-checks of pending domains; 0 turns the periodic re-check off. */
    domainRecheckSeconds: z.coerce.number().int().min(0).max(86_400).default(300),
    /** Most operations one /Bulk request may carry (RFC 7644 §3.7.4 maxOperations). */
    bulkMaxOperations: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** Largest /Bulk request body, bytes (RFC 7644 §3.7.4 maxPayloadSize). */
    bulkMaxPayloadBytes: z.coerce.number().int().min(1024).default(4_194_304),
    /**
     * Reads that may scan (a filter no index bounds, a sort on a profile attribute) run off the
     * main thread, under a budget: the longest such a read may wait and then run, in ms. Past
     * it the request gets 400 invalidFilter "too costly" (or 503 + Retry-After while the
     * account's earlier costly reads still run). docs/security.md.
     */
    readBudgetMs: z.coerce.number().int().min(50).max(600_000).default(2000),
    /** Costly reads running at once: reader threads (SQLite) or connections (PostgreSQL). */
    costlyReadSlots: z.coerce.number().int().min(1).max(64).default(2),
    /**
     * Costly reads one account may have running at once; its others wait their turn (up to the
     * budget, then 503). Fewer than the slots, so one account never holds them all.
     */
    costlyReadsPerAccount: z.coerce.number().int().min(1).max(64).default(1),
    /** Days the provisioning log keeps events and failed-authentication counts; 0: forever. */
    provisioningLogRetentionDays: z.coerce.number().int().min(0).max(36_500).default(90),
    /** Days the audit trail keeps entries; 0: forever. */
    auditRetentionDays: z.coerce.number().int().min(0).max(36_500).default(365),
    /**
     * Days the event feed keeps events; 0: forever. A reader whose cursor is older gets 410
     * `event.cursor_expired` and must resynchronise (docs/events.md).
     */
    eventRetentionDays: z.coerce.number().int().min(0).max(36_500).default(30),
    /**
     * The SQLite provisioning log's own file; by default `<name>-log.db` beside the database
     * (`data/roster-log.db`). PostgreSQL keeps the log in its one database.
     */
    logDatabaseFile: z.string().min(1).optional(),
    /**
     * Web console sessions (src/http/console/): one ends after this many minutes without a
     * request, and after `consoleSessionHours` however active; then the admin signs in again.
     */
    consoleSessionIdleMinutes: z.coerce.number().int().min(1).max(1440).default(30),
    consoleSessionHours: z.coerce.number().int().min(1).max(720).default(12),
    /**
     * Webhooks (docs/webhooks.md): `off` stops this instance from delivering (a read-only
     * replica, or an instance kept for requests only); endpoints can still be managed, and
     * other instances deliver.
     */
    webhooks: z
      .enum(['on', 'off'])
      .default('on')
      .transform((value) => value === 'on'),
    /** Longest wait for one webhook request, seconds; then the attempt is a timeout. */
    webhookTimeoutSeconds: z.coerce.number().int().min(1).max(60).default(10),
    /** Endpoints one instance delivers to at once. */
    webhookConcurrency: z.coerce.number().int().min(1).max(256).default(16),
    /** Days the webhook delivery log keeps attempts; 0: forever. */
    webhookDeliveryRetentionDays: z.coerce.number().int().min(0).max(36_500).default(30),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .refine((c) => c.headersTimeoutSeconds <= c.requestTimeoutSeconds, {
    // Node refuses a headers timeout longer than the request timeout.
    message: 'ROSTER_HEADERS_TIMEOUT_SECONDS must not exceed ROSTER_REQUEST_TIMEOUT_SECONDS',
    path: ['headersTimeoutSeconds'],
  });

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Flags as the CLI parsed them; undefined means "not given". */
export interface ConfigFlags {
  readonly host?: string | undefined;
  readonly port?: string | number | undefined;
  readonly database?: string | undefined;
  readonly demoToken?: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(
  flags: ConfigFlags = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config {
  const raw = {
    host: flags.host ?? env.ROSTER_HOST,
    port: flags.port ?? env.ROSTER_PORT,
    databaseUrl: flags.database ?? env.ROSTER_DATABASE_URL,
    databasePoolSize: env.ROSTER_DATABASE_POOL_SIZE,
    demoToken: flags.demoToken ?? env.ROSTER_DEMO_TOKEN,
    adminKey: env.ROSTER_ADMIN_KEY,
    metricsToken: env.ROSTER_METRICS_TOKEN,
    publicUrl: env.ROSTER_PUBLIC_URL,
    allowedHosts: env.ROSTER_ALLOWED_HOSTS,
    permissions: env.ROSTER_PERMISSIONS,
    cursorSecret: env.ROSTER_CURSOR_SECRET,
    cursorTimeoutSeconds: env.ROSTER_CURSOR_TIMEOUT_SECONDS,
    scimSpcPagination: env.ROSTER_SCIM_SPC_PAGINATION,
    rateLimitPerSecond: env.ROSTER_RATE_LIMIT_PER_SECOND,
    adminRateLimitPerSecond: env.ROSTER_ADMIN_RATE_LIMIT_PER_SECOND,
    authFailureLimit: env.ROSTER_AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: env.ROSTER_AUTH_FAILURE_WINDOW_SECONDS,
    trustedProxies: env.ROSTER_TRUSTED_PROXIES,
    headersTimeoutSeconds: env.ROSTER_HEADERS_TIMEOUT_SECONDS,
    requestTimeoutSeconds: env.ROSTER_REQUEST_TIMEOUT_SECONDS,
    keepAliveTimeoutSeconds: env.ROSTER_KEEP_ALIVE_TIMEOUT_SECONDS,
    maxBodyBytes: env.ROSTER_MAX_BODY_BYTES,
    deprovisionBrakeShare: env.ROSTER_DEPROVISION_BRAKE_SHARE,
    deprovisionBrakeMinUsers: env.ROSTER_DEPROVISION_BRAKE_MIN_USERS,
    deprovisionBrakeWindowMinutes: env.ROSTER_DEPROVISION_BRAKE_WINDOW_MINUTES,
    deprovisionBrakeRetryAfterSeconds: env.ROSTER_DEPROVISION_BRAKE_RETRY_AFTER_SECONDS,
    dnsResolver: env.ROSTER_DNS_RESOLVER,
    dnsTimeoutMs: env.ROSTER_DNS_TIMEOUT_MS,
    domainRecheckSeconds: env.ROSTER_DOMAIN_RECHECK_SECONDS,
    bulkMaxOperations: env.ROSTER_BULK_MAX_OPERATIONS,
    bulkMaxPayloadBytes: env.ROSTER_BULK_MAX_PAYLOAD_BYTES,
    readBudgetMs: env.ROSTER_READ_BUDGET_MS,
    costlyReadSlots: env.ROSTER_COSTLY_READ_SLOTS,
    costlyReadsPerAccount: env.ROSTER_COSTLY_READS_PER_ACCOUNT,
    provisioningLogRetentionDays: env.ROSTER_PROVISIONING_LOG_RETENTION_DAYS,
    auditRetentionDays: env.ROSTER_AUDIT_RETENTION_DAYS,
    eventRetentionDays: env.ROSTER_EVENT_RETENTION_DAYS,
    logDatabaseFile: env.ROSTER_LOG_DATABASE_FILE,
    consoleSessionIdleMinutes: env.ROSTER_CONSOLE_SESSION_IDLE_MINUTES,
    consoleSessionHours: env.ROSTER_CONSOLE_SESSION_HOURS,
    webhooks: env.ROSTER_WEBHOOKS,
    webhookTimeoutSeconds: env.ROSTER_WEBHOOK_TIMEOUT_SECONDS,
    webhookConcurrency: env.ROSTER_WEBHOOK_CONCURRENCY,
    webhookDeliveryRetentionDays: env.ROSTER_WEBHOOK_DELIVERY_RETENTION_DAYS,
    logLevel: env.ROSTER_LOG_LEVEL,
  };
  // Empty strings in the environment mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze(parsed.data);
}

/** Budgets of reads that may scan (store/costly-reads/admission.ts). */
export function costlyReadOptions(config: Config) {
  return {
    budgetMs: config.readBudgetMs,
    slots: config.costlyReadSlots,
    perAccount: config.costlyReadsPerAccount,
  };
}

/** How long console sessions last (directory/console-sessions.ts). */
export function consoleSessionPolicy(config: Config) {
  return {
    idleMinutes: config.consoleSessionIdleMinutes,
    maxHours: config.consoleSessionHours,
  };
}

/**
 * The webhook delivery engine's settings (directory/webhook-delivery.ts). A lease lasts three
 * request timeouts (30 s by default): a working instance renews it after every delivery, long
 * before it could expire, and a crashed instance's endpoints wait that long for another.
 */
export function webhookDeliveryOptions(config: Config) {
  return {
    timeoutMs: config.webhookTimeoutSeconds * 1000,
    concurrency: config.webhookConcurrency,
    leaseMs: config.webhookTimeoutSeconds * 3000,
    // An endpoint that caught up stays claimed a second for the next events (fewer writes).
    lingerMs: 1000,
  };
}

/** How long the journals keep entries (see `directory/retention.ts`). */
export function retentionPolicy(config: Config) {
  return {
    provisioningLogDays: config.provisioningLogRetentionDays,
    auditDays: config.auditRetentionDays,
    eventDays: config.eventRetentionDays,
    webhookDeliveryDays: config.webhookDeliveryRetentionDays,
  };
}

/**
 * The node http server's options (http.createServer). Node checks for expired requests every
 * `connectionsCheckingInterval` (30 s by default), which would stretch a 2 s timeout to 32 s;
 * a quarter of the shorter timeout keeps the overshoot small.
 */
export function serverTimeouts(config: Config) {
  const shorter = Math.min(config.headersTimeoutSeconds, config.requestTimeoutSeconds) * 1000;
  return {
    headersTimeout: config.headersTimeoutSeconds * 1000,
    requestTimeout: config.requestTimeoutSeconds * 1000,
    keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
    connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(shorter / 4))),
  };
}

/** The brake policy the directory applies (see `directory/deprovision-brake.ts`). */
export function deprovisionBrakePolicy(config: Config) {
  return {
    share: config.deprovisionBrakeShare,
    minUsers: config.deprovisionBrakeMinUsers,
    windowMinutes: config.deprovisionBrakeWindowMinutes,
    retryAfterSeconds: config.deprovisionBrakeRetryAfterSeconds,
  };
}

/**
 * Where the `roster` CLI keeps its profiles (`profiles.json`): ROSTER_CONFIG_DIR, else
 * `$XDG_CONFIG_HOME/roster`, else `~/.config/roster` (the XDG Base Directory default).
 */
export function cliConfigDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  if (env.ROSTER_CONFIG_DIR) return resolve(env.ROSTER_CONFIG_DIR);
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'roster');
}
