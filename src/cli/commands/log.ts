/**
 * `roster log [--follow]`, `roster log show <id>` and `roster log auth-failures`: the
 * provisioning log, one event per SCIM request, oldest first, with the users' emails and the
 * groups' names beside their ids; `--follow` keeps polling and prints new events as they arrive.
 * Failed authentications are counted per minute, not logged one by one.
 */
import type { Command } from 'commander';
import { ApiError } from '../api-client.ts';
import { type CliContext, remote } from '../cli-context.ts';
import { names } from '../names.ts';
import { CliError, orDash, print, printJson, printList, table } from '../output.ts';
import { parseDuration } from './app.ts';

interface Event {
  id: string;
  at: string;
  idp: string;
  operation: string;
  status: number;
  outcome: string;
  userId: string | null;
  groupId: string | null;
  explanation: string | null;
  /** The account was a sandbox when the request ran. */
  sandbox: boolean;
}

interface LogOptions {
  idp?: string;
  operation?: string;
  outcome?: string;
  user?: string;
  group?: string;
  request?: string;
  since?: string;
  limit: string;
  follow?: boolean;
  interval: string;
  cursor?: string;
}

const HEADERS = ['TIME', 'IDP', 'OPERATION', 'STATUS', 'OUTCOME', 'USER', 'GROUP', 'EXPLANATION'];

type Labels = (e: Event) => Promise<{ user: string; group: string }>;

/**
 * Users by their email and groups by their name, beside the id, looked up once per id: a user
 * deleted since (or an id the request made up) shows as the id alone.
 */
function labeller(ctx: CliContext): Labels {
  const client = ctx.client();
  const users = new Map<string, Promise<string | undefined>>();
  const lookup = names(ctx);
  const emailOf = (id: string) => {
    let found = users.get(id);
    if (!found) {
      found = client
        .request('GET', ctx.accountPath(`/users/${encodeURIComponent(id)}`))
        .then((u: { email: string | null; userName: string }) => u.email ?? u.userName)
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return undefined;
          throw error;
        });
      users.set(id, found);
    }
    return found;
  };
  const label = (name: string | undefined, id: string) => (name ? `${name} (${id})` : id);
  return async (e) => ({
    user: e.userId === null ? '-' : label(await emailOf(e.userId), e.userId),
    group: e.groupId === null ? '-' : label(await lookup.name('groups', e.groupId), e.groupId),
  });
}

/** A user's id from its id or email (the log keeps ids). */
async function userIdOf(ctx: CliContext, idOrEmail: string): Promise<string> {
  if (!idOrEmail.includes('@')) return idOrEmail;
  const page = await ctx.client().request('GET', ctx.accountPath('/users'), {
    query: { email: idOrEmail, limit: 1 },
  });
  const [user] = page.items as { id: string }[];
  if (!user) throw new CliError(`no user with the email ${idOrEmail}`);
  return user.id;
}

async function rows(batch: readonly Event[], labels: Labels): Promise<string[][]> {
  return Promise.all(
    batch.map(async (e) => {
      const { user, group } = await labels(e);
      return [
        e.at,
        e.idp,
        e.operation,
        String(e.status),
        // Every entry says when its account was a sandbox (any email domain accepted).
        e.sandbox ? `${e.outcome} (sandbox)` : e.outcome,
        user,
        group,
        e.explanation ?? '',
      ];
    }),
  );
}

function sinceTime(since: string): string {
  if (/^\d{4}-\d{2}-\d{2}T/.test(since)) return new Date(since).toISOString();
  return new Date(Date.now() - parseDuration(since) * 1000).toISOString();
}

async function log(ctx: CliContext, options: LogOptions): Promise<void> {
  const client = ctx.client();
  const filters = {
    idp: options.idp,
    operation: options.operation,
    outcome: options.outcome,
    userId: options.user === undefined ? undefined : await userIdOf(ctx, options.user),
    groupId: options.group === undefined ? undefined : await names(ctx).id('groups', options.group),
    requestId: options.request,
    from: options.since ? sinceTime(options.since) : undefined,
  };
  if (options.follow && options.cursor !== undefined) {
    throw new CliError('--cursor pages back through older events; --follow waits for new ones');
  }
  const first = await client.request('GET', ctx.accountPath('/provisioning-log'), {
    query: { ...filters, limit: options.limit, before: options.cursor },
  });
  const events = [...(first.items as Event[])].reverse();
  const seen = new Set(events.map((e) => e.id));
  const labels = labeller(ctx);
  const emit = async (batch: Event[], header: boolean) => {
    if (ctx.json) {
      // One JSON object per line while following, so scripts can stream it.
      for (const e of batch) print(JSON.stringify(e));
    } else if (batch.length > 0) {
      const text = table(HEADERS, await rows(batch, labels)).split('\n');
      print((header ? text : text.slice(2)).join('\n'));
    }
  };
  if (!options.follow) {
    // Like every list: `next` is where older events continue (--cursor).
    if (ctx.json) return printList(events, first.next);
    if (events.length === 0) return print('No provisioning events yet.');
    await emit(events, true);
    if (first.next) print(`(older events: roster log --cursor ${first.next})`);
    return;
  }
  await emit(events, true);
  let from = events.at(-1)?.at ?? new Date().toISOString();
  const intervalMs = Math.max(1, parseDuration(options.interval)) * 1000;
  const stop = new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  for (;;) {
    const ended = await Promise.race([
      stop.then(() => true),
      new Promise((d) => setTimeout(() => d(false), intervalMs)),
    ]);
    if (ended) return;
    const page = await client.request('GET', ctx.accountPath('/provisioning-log'), {
      query: { ...filters, from, limit: 200 },
    });
    const fresh = (page.items as Event[]).filter((e) => !seen.has(e.id)).reverse();
    for (const e of fresh) seen.add(e.id);
    if (fresh.length > 0) {
      from = fresh.at(-1)?.at ?? from;
      await emit(fresh, seen.size === fresh.length);
    }
  }
}

async function show(ctx: CliContext, id: string): Promise<void> {
  const event = await ctx
    .client()
    .request('GET', ctx.accountPath(`/provisioning-log/${encodeURIComponent(id)}`));
  if (ctx.json) return printJson(event);
  print(table(HEADERS, await rows([event], labeller(ctx))));
  // The id the response carried in X-Request-Id and the server's log lines name (none before).
  if (event.requestId) print(`\nRequest id: ${event.requestId}`);
  print(
    `\nRequest (${event.method} ${event.path}):\n${JSON.stringify(event.requestBody, null, 2)}`,
  );
  print(`\nResponse:\n${JSON.stringify(event.responseBody, null, 2)}`);
}

interface AuthFailure {
  minute: string;
  accountId: string | null;
  tokenPrefix: string | null;
  reason: string;
  idp: string;
  source: string;
  count: number;
}

async function authFailures(
  ctx: CliContext,
  options: { everything?: boolean; since?: string; limit: string },
): Promise<void> {
  const body = await ctx
    .client()
    .request(
      'GET',
      options.everything ? '/auth-failures' : ctx.accountPath('/provisioning-log/auth-failures'),
      {
        query: {
          from: options.since ? sinceTime(options.since) : undefined,
          limit: options.limit,
        },
      },
    );
  const items = body.items as AuthFailure[];
  if (ctx.json) return printList(items);
  if (items.length === 0) return print('No failed authentications counted.');
  const heads = ['MINUTE', 'REASON', 'TOKEN', 'IDP', 'SOURCE', 'COUNT'];
  print(
    table(
      options.everything ? [...heads.slice(0, 2), 'ACCOUNT', ...heads.slice(2)] : heads,
      items.map((f) => {
        const cells = [
          f.minute,
          f.reason,
          f.tokenPrefix ? `${f.tokenPrefix}…` : '-',
          f.idp,
          f.source,
          String(f.count),
        ];
        return options.everything
          ? [...cells.slice(0, 2), orDash(f.accountId), ...cells.slice(2)]
          : cells;
      }),
    ),
  );
}

export function registerLog(program: Command): void {
  const log_ = program
    .command('log')
    .description('provisioning events (one per SCIM request), oldest first')
    .option('--idp <idp>', 'okta, entra, google, onelogin, jumpcloud, ping, unknown')
    .option('--operation <operation>', "e.g. 'create user'")
    .option('--outcome <outcome>', 'success | failure | warning')
    .option('--user <user>', 'one user, by id or email')
    .option('--group <group>', 'one SCIM group, by id or name')
    .option(
      '--request <requestId>',
      "one request, by its X-Request-Id (a response's or a log line's)",
    )
    .option('--since <when>', 'ISO time, or a duration back from now (1h, 30m)')
    .option('-n, --limit <n>', 'how many recent events', '50')
    .option('--cursor <next>', "older events: where the last page ended (the JSON's next)")
    .option(
      '-f, --follow',
      'keep printing new events, one JSON object a line with --json (Ctrl-C stops)',
    )
    .option('--interval <duration>', 'polling interval with --follow', '2s')
    .action(remote(log));
  log_
    .command('show <eventId>')
    .description('one event with its redacted bodies')
    .action(remote(show));
  log_
    .command('auth-failures')
    .description(
      "failed SCIM authentications with this account's revoked or expired tokens, per minute " +
        '(--everything with the operator key: unknown tokens too)',
    )
    .option('--everything', 'every account, and tokens never issued (operator key)')
    .addHelpText('after', '\n--since and --limit are those of roster log, as above.')
    // --since and --limit belong to `log` itself, which reads them before this subcommand.
    .action((...args: unknown[]) => {
      const command = args.at(-1) as Command;
      return remote(authFailures)(command.optsWithGlobals(), command);
    });
}
