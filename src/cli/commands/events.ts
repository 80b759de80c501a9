/**
 * `roster events tail [--follow] [--json] [--after <cursor>] [--types …]`: the account's event
 * feed (docs/events.md), oldest first from the cursor. `--follow` long-polls the feed, so new
 * events print as they commit. `--json` prints one JSON object per line (NDJSON), the event as
 * the API returns it, so a script can stream it; the human form is one line per event: time,
 * sequence, type, subject, actor.
 */
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import { CliError, print } from '../output.ts';

interface FeedEvent {
  id: string;
  type: string;
  sequence: number;
  occurredAt: string;
  subject: string;
  actor: { kind: string; idp?: string; keyId?: string | null; tokenId?: string };
}

interface TailOptions {
  follow?: boolean;
  after?: string;
  types?: string;
  limit: string;
}

/** Seconds each long-poll waits; the feed allows up to 60. */
const WAIT_SECONDS = 30;

function actorLabel(actor: FeedEvent['actor']): string {
  switch (actor.kind) {
    case 'idp':
      return `idp:${actor.idp ?? 'unknown'}`;
    case 'admin_key':
      return `admin-key:${actor.keyId ?? ''}`;
    case 'console':
      return actor.keyId ? `console:${actor.keyId}` : 'console:operator';
    default:
      return actor.kind;
  }
}

function line(event: FeedEvent): string {
  return [
    event.occurredAt,
    `#${event.sequence}`,
    event.type,
    event.subject,
    actorLabel(event.actor),
  ].join('  ');
}

async function tail(ctx: CliContext, options: TailOptions): Promise<void> {
  const client = ctx.client();
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new CliError('--limit must be a whole number from 1 to 1000');
  }
  const types = options.types
    ?.split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '')
    .join(',');
  let after = options.after;
  if (options.follow) {
    // A long-poll may be waiting: Ctrl-C ends at once; every event read was already printed.
    const stop = () => process.exit(0);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  let printed = 0;
  for (;;) {
    const page = await client.request('GET', ctx.accountPath('/events'), {
      query: {
        after,
        types: types || undefined,
        limit,
        wait: options.follow ? WAIT_SECONDS : undefined,
      },
    });
    const items = page.items as FeedEvent[];
    for (const event of items) print(ctx.json ? JSON.stringify(event) : line(event));
    printed += items.length;
    after = page.next as string;
    // Without --follow: every page up to now, then stop.
    if (!options.follow && items.length === 0) break;
  }
  if (!ctx.json && printed === 0) print(`No events after ${after ?? 'the oldest kept'}.`);
}

export function registerEvents(program: Command): void {
  const events = program
    .command('events')
    .description("the account's event feed: every change to its directory, in order");
  events
    .command('tail')
    .description(
      'events from the oldest kept (or after --after), one a line: time, sequence, type, subject, actor',
    )
    .option('-f, --follow', 'keep waiting for new events (long-poll; Ctrl-C stops)')
    .option(
      '--after <cursor>',
      "start after this sequence (a 'next'), or 'latest' for new ones only",
    )
    .option('--types <types>', 'comma-separated event types, e.g. user.created,user.deactivated')
    .option('-n, --limit <n>', 'events per request', '100')
    .action(remote(tail));
}
