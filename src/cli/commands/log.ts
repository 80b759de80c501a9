/**
 * `roster log [--follow]` and `roster log show <id>`: the provisioning log, one event per SCIM
 * request, oldest first; `--follow` keeps polling and prints new events as they arrive.
 */
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import { orDash, print, printJson, table } from '../output.ts';
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
}

interface LogOptions {
  idp?: string;
  operation?: string;
  outcome?: string;
  user?: string;
  group?: string;
  since?: string;
  limit: string;
  follow?: boolean;
  interval: string;
}

const HEADERS = ['TIME', 'IDP', 'OPERATION', 'STATUS', 'OUTCOME', 'USER', 'GROUP', 'EXPLANATION'];
const row = (e: Event) => [
  e.at,
  e.idp,
  e.operation,
  String(e.status),
  e.outcome,
  orDash(e.userId),
  orDash(e.groupId),
  e.explanation ?? '',
];

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
    userId: options.user,
    groupId: options.group,
    from: options.since ? sinceTime(options.since) : undefined,
  };
  const first = await client.request('GET', ctx.accountPath('/provisioning-log'), {
    query: { ...filters, limit: options.limit },
  });
  const events = [...(first.items as Event[])].reverse();
  const seen = new Set(events.map((e) => e.id));
  const emit = (batch: Event[], header: boolean) => {
    if (ctx.json) {
      // One JSON object per line while following, so scripts can stream it.
      if (options.follow) for (const e of batch) print(JSON.stringify(e));
      else printJson(batch);
    } else if (batch.length > 0) {
      const text = table(HEADERS, batch.map(row)).split('\n');
      print((header ? text : text.slice(2)).join('\n'));
    }
  };
  if (!options.follow) {
    if (!ctx.json && events.length === 0) return print('No provisioning events yet.');
    return emit(events, true);
  }
  emit(events, true);
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
      emit(fresh, seen.size === fresh.length);
    }
  }
}

async function show(ctx: CliContext, id: string): Promise<void> {
  const event = await ctx
    .client()
    .request('GET', ctx.accountPath(`/provisioning-log/${encodeURIComponent(id)}`));
  if (ctx.json) return printJson(event);
  print(table(HEADERS, [row(event)]));
  print(
    `\nRequest (${event.method} ${event.path}):\n${JSON.stringify(event.requestBody, null, 2)}`,
  );
  print(`\nResponse:\n${JSON.stringify(event.responseBody, null, 2)}`);
}

export function registerLog(program: Command): void {
  const log_ = program
    .command('log')
    .description('provisioning events (one per SCIM request), oldest first')
    .option('--idp <idp>', 'okta, entra, google, onelogin, jumpcloud, ping, unknown')
    .option('--operation <operation>', "e.g. 'create user'")
    .option('--outcome <outcome>', 'success | failure | warning')
    .option('--user <id>', 'one user')
    .option('--group <id>', 'one group')
    .option('--since <when>', 'ISO time, or a duration back from now (1h, 30m)')
    .option('-n, --limit <n>', 'how many recent events', '50')
    .option('-f, --follow', 'keep printing new events (Ctrl-C stops)')
    .option('--interval <duration>', 'polling interval with --follow', '2s')
    .action(remote(log));
  log_
    .command('show <eventId>')
    .description('one event with its redacted bodies')
    .action(remote(show));
}
