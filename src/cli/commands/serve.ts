import { randomBytes } from 'node:crypto';
import { serve as listen } from '@hono/node-server';
import {
  type ConfigFlags,
  consoleSessionPolicy,
  costlyReadOptions,
  deprovisionBrakePolicy,
  loadConfig,
  retentionPolicy,
  serverTimeouts,
  webhookDeliveryOptions,
} from '../../config.ts';
import { createDirectory } from '../../directory/directory.ts';
import { startDomainRechecks } from '../../directory/domain-rechecks.ts';
import { startRetention } from '../../directory/retention.ts';
import { createApp } from '../../http/app.ts';
import { createMetrics } from '../../http/metrics.ts';
import { createLogger } from '../../logger.ts';
import { createStore } from '../../store/create-store.ts';
import { limitHeapGrowth } from '../heap-growth.ts';

/** How long shutdown waits for in-flight requests before closing anyway. */
const DRAIN_MS = 10_000;

export async function serveCommand(flags: ConfigFlags): Promise<void> {
  // Before anything is allocated: the server's peak memory is mostly garbage V8 let pile up.
  limitHeapGrowth();
  const config = loadConfig(flags);
  const logger = createLogger(config.logLevel);
  const store = createStore(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    logFilename: config.logDatabaseFile,
    costlyReads: costlyReadOptions(config),
    onLogError: (error) => logger.error({ err: error }, 'could not write provisioning log'),
  });
  await store.migrate();
  const directory = createDirectory({
    store,
    deprovisionBrake: deprovisionBrakePolicy(config),
    retention: retentionPolicy(config),
    consoleSessions: consoleSessionPolicy(config),
    dns: { resolver: config.dnsResolver, timeoutMs: config.dnsTimeoutMs },
    onEventError: (error) => logger.warn({ err: error }, 'sequencing events failed; retrying'),
    webhooks: {
      ...webhookDeliveryOptions(config),
      // The endpoint and its reason, never its secret.
      onDisabled: (endpoint, reason) =>
        logger.warn(
          { accountId: endpoint.accountId, webhookId: endpoint.id, reason },
          'webhook endpoint disabled',
        ),
      onError: (error) => logger.warn({ err: error }, 'webhook delivery pass failed; retrying'),
    },
  });
  // Events committed by this instance are sequenced right after their commit; the tick picks
  // up those of other instances (and any a failed run left).
  directory.eventSequencer.start();
  // Delivers webhooks unless ROSTER_WEBHOOKS=off (docs/webhooks.md).
  if (config.webhooks) await directory.webhookDelivery.start();
  const demo = await directory.accounts.ensureDemoAccount(config.demoToken);
  const operator = await directory.adminKeys.ensureOperatorKey(config.adminKey);
  // One secret per deployment, kept in the database, so every instance accepts the cursors of
  // every other; ROSTER_CURSOR_SECRET overrides it.
  const cursorSecret =
    config.cursorSecret ??
    (await store.settings.getOrInsert('cursor-secret', randomBytes(32).toString('base64url')));
  // The server's registry also carries Node's process metrics; modules with metrics of their
  // own register them on it (http/metrics.ts).
  const metrics = createMetrics({
    provisioningLogBacklog: () => directory.provisioningLog.backlog(),
    processMetrics: true,
  });
  const app = createApp({ directory, config, logger, cursorSecret, metrics });
  // Pending domains are looked up again until verified or 48 hours old (domains.ts).
  const rechecks =
    config.domainRecheckSeconds > 0
      ? startDomainRechecks({
          domains: directory.domains,
          intervalMs: config.domainRecheckSeconds * 1000,
          onError: (error) => logger.warn({ err: error }, 'periodic domain re-check failed'),
          onPass: (summary) => {
            if (summary.verified + summary.failed > 0) logger.info(summary, 'domains re-checked');
          },
        })
      : undefined;

  const retention = startRetention(directory.retention, {
    onError: (error) => logger.warn({ err: error }, 'pruning the journals failed'),
    onPass: (summary) => {
      if (
        summary.events + summary.auditEntries + summary.feedEvents + summary.webhookDeliveries >
        0
      ) {
        logger.info(summary, 'journals pruned');
      }
    },
  });

  const timeouts = serverTimeouts(config);
  const server = listen(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      // Slow clients: a connection dribbling its headers or body is answered 408 and closed.
      serverOptions: timeouts,
    },
    (info) => {
      // Where the socket is bound, and (behind a proxy) the public URL handed out: an operator
      // checking the proxy needs the first, an IdP the second.
      const bound = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${info.port}`;
      const origin = config.publicUrl?.replace(/\/+$/, '') ?? bound;
      const lines = [
        `Roster is listening on ${bound} (database: ${store.dialect}, pid ${process.pid})`,
      ];
      if (config.publicUrl) lines.push(`Public URL: ${origin} (ROSTER_PUBLIC_URL)`);
      lines.push(`Health: ${bound}/healthz (liveness), ${bound}/readyz (readiness)`);
      lines.push(`Console: ${origin}/ (sign in with the operator key or an account admin key)`);
      if (operator.freshKey) {
        lines.push(`Admin API: ${origin}/api/v1 (OpenAPI document: ${origin}/api/v1/openapi.json)`);
        lines.push(`  Operator key (shown once, store it now): ${operator.freshKey}`);
      }
      if (demo.account) {
        lines.push(`Demo account SCIM tenant URL: ${origin}/scim/v2`);
        lines.push(`  Microsoft Entra ID tenant URL: ${origin}/scim/v2?aadOptscim062020`);
        if (demo.account.sandbox) {
          lines.push(
            '  Sandbox: users in any email domain are accepted, to try an IdP or a test suite ' +
              '(not for production; roster accounts update ID --sandbox off)',
          );
        }
        if (demo.freshToken) {
          lines.push(`  Access token (shown once, store it now): ${demo.freshToken}`);
        } else if (config.demoToken) {
          lines.push('  Access token: the one given with --demo-token / ROSTER_DEMO_TOKEN');
        } else {
          lines.push('  Access token: issued on first start (only its hash is stored)');
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => process.exit(1), DRAIN_MS);
    force.unref();
    // Long-polling feed reads answer now (with what they have) instead of holding the drain.
    directory.events.close();
    server.close(() => {
      Promise.all([rechecks?.stop(), retention.stop()])
        .then(() => directory.close())
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'error while closing the database');
          process.exit(1);
        });
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
