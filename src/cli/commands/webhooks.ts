/**
 * `roster webhooks list | create | show | update | delete | rotate-secret | deliveries |
 * redeliver | test`: the account's webhook endpoints (docs/webhooks.md). An endpoint is named by
 * its id, its exact URL or its exact description. The signing secret is printed once, at
 * creation and rotation.
 */
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import {
  CliError,
  confirmFirst,
  fields,
  orDash,
  print,
  printJson,
  printList,
  table,
} from '../output.ts';
import { parseDuration } from './app.ts';

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  status: 'healthy' | 'retrying' | 'disabled';
  disabledAt: string | null;
  disabledReason: string | null;
  cursor: number;
  attempts: number;
  nextAttemptAt: string | null;
  failingSince: string | null;
  lastError: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  secret?: string;
}

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  eventSequence: number | null;
  attempt: number;
  trigger: string;
  success: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  responseExcerpt: string | null;
  deliveredAt: string;
}

const SHOWN_ONCE =
  'The secret is shown this once: store it in the receiving app, which verifies each delivery with it (docs/webhooks.md).';

/** The status in words: healthy, retrying since …, disabled: reason. */
export function statusLine(e: Endpoint): string {
  if (e.status === 'disabled') return `disabled: ${e.disabledReason ?? 'by an admin'}`;
  if (e.status === 'retrying') {
    return `retrying since ${e.failingSince} (${e.attempts} failed, last ${e.lastError}; next ${e.nextAttemptAt})`;
  }
  return 'healthy';
}

const types = (e: Endpoint) => (e.eventTypes.length === 0 ? 'all' : e.eventTypes.join(', '));

async function listAll(ctx: CliContext): Promise<Endpoint[]> {
  const { items } = (await ctx.client().request('GET', ctx.accountPath('/webhooks'))) as {
    items: Endpoint[];
  };
  return items;
}

/** The id of the endpoint named by id, exact URL or exact description. */
async function resolve(ctx: CliContext, name: string): Promise<string> {
  const items = await listAll(ctx);
  const byId = items.find((e) => e.id === name);
  if (byId) return byId.id;
  const matches = items.filter((e) => e.url === name || e.description === name);
  if (matches.length > 1) {
    throw new CliError(
      `several endpoints match '${name}': name one by its id (roster webhooks list)`,
    );
  }
  const [match] = matches;
  if (!match) {
    throw new CliError(
      `no webhook endpoint with id, URL or description '${name}' (roster webhooks list)`,
    );
  }
  return match.id;
}

function details(e: Endpoint): string {
  return fields([
    ['ID', e.id],
    ['URL', e.url],
    ['Description', orDash(e.description)],
    ['Event types', types(e)],
    ['Status', statusLine(e)],
    ['Delivered up to', `event sequence ${e.cursor}`],
    ...(e.previousSecretExpiresAt
      ? [['Previous secret', `also signs until ${e.previousSecretExpiresAt}`] as const]
      : []),
    ['Created', e.createdAt],
    ...(e.secret ? [['Secret', e.secret] as const] : []),
  ]);
}

function deliveryLine(d: Delivery): string {
  const result = d.success ? `ok ${d.statusCode}` : d.statusCode ? `HTTP ${d.statusCode}` : d.error;
  return `${d.trigger} ${d.eventType} (${d.eventId}): ${result} in ${d.latencyMs} ms`;
}

/** `a,b` → ['a', 'b']; '' or 'all' → [] (every type). */
function typeList(text: string): string[] {
  const list = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return list.length === 1 && list[0] === 'all' ? [] : list;
}

async function list(ctx: CliContext): Promise<void> {
  const items = await listAll(ctx);
  if (ctx.json) return printList(items);
  if (items.length === 0) return print('No webhook endpoints: roster webhooks create <url>');
  print(
    table(
      ['ID', 'URL', 'TYPES', 'STATUS'],
      items.map((e) => [e.id, e.url, types(e), statusLine(e)]),
    ),
  );
}

async function create(
  ctx: CliContext,
  url: string,
  options: { types?: string; description?: string },
): Promise<void> {
  const body = (await ctx.client().request('POST', ctx.accountPath('/webhooks'), {
    body: {
      url,
      ...(options.types !== undefined ? { eventTypes: typeList(options.types) } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
    },
  })) as Endpoint;
  if (ctx.json) return printJson(body);
  print(`Added the webhook endpoint ${body.id}; it receives the events from now on.\n`);
  print(details(body));
  print(`\n${SHOWN_ONCE}`);
  if (url.startsWith('http:')) {
    process.stderr.write(
      'warning: an http: URL sends events unencrypted; use https beyond this host\n',
    );
  }
}

async function show(ctx: CliContext, name: string): Promise<void> {
  const id = await resolve(ctx, name);
  const body = (await ctx.client().request('GET', ctx.accountPath(`/webhooks/${id}`))) as Endpoint;
  if (ctx.json) return printJson(body);
  print(details(body));
}

async function update(
  ctx: CliContext,
  name: string,
  options: {
    url?: string;
    types?: string;
    description?: string;
    enable?: boolean;
    disable?: boolean;
  },
): Promise<void> {
  if (options.enable && options.disable) throw new CliError('give --enable or --disable, not both');
  const change = {
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.types !== undefined ? { eventTypes: typeList(options.types) } : {}),
    ...(options.description !== undefined
      ? { description: options.description === '' ? null : options.description }
      : {}),
    ...(options.enable ? { enabled: true } : {}),
    ...(options.disable ? { enabled: false } : {}),
  };
  if (Object.keys(change).length === 0) {
    throw new CliError(
      'nothing to change: give --url, --types, --description, --enable or --disable',
    );
  }
  const id = await resolve(ctx, name);
  const body = (await ctx.client().request('PATCH', ctx.accountPath(`/webhooks/${id}`), {
    body: change,
  })) as Endpoint;
  if (ctx.json) return printJson(body);
  print(details(body));
}

async function remove(ctx: CliContext, name: string, options: { yes?: boolean }): Promise<void> {
  const id = await resolve(ctx, name);
  await confirmFirst(
    `Delete the webhook endpoint ${id} and its delivery log? It receives no more events.`,
    options.yes,
  );
  await ctx.client().request('DELETE', ctx.accountPath(`/webhooks/${id}`));
  if (ctx.json) return printJson({ deleted: id });
  print(`Deleted the webhook endpoint ${id}.`);
}

async function rotateSecret(
  ctx: CliContext,
  name: string,
  options: { overlap?: string; yes?: boolean },
): Promise<void> {
  const overlapSeconds = options.overlap === undefined ? undefined : parseDuration(options.overlap);
  const id = await resolve(ctx, name);
  if (overlapSeconds === 0) {
    await confirmFirst(
      'Rotate without overlap? Deliveries stop verifying in the receiving app until it has the new secret.',
      options.yes,
    );
  }
  const body = (await ctx
    .client()
    .request('POST', ctx.accountPath(`/webhooks/${id}/rotate-secret`), {
      body: overlapSeconds === undefined ? {} : { overlapHours: overlapSeconds / 3600 },
    })) as Endpoint;
  if (ctx.json) return printJson(body);
  print(details(body));
  print(
    body.previousSecretExpiresAt
      ? `\nThe previous secret also signs every delivery until ${body.previousSecretExpiresAt}.`
      : '\nThe previous secret no longer signs.',
  );
  print(SHOWN_ONCE);
}

async function deliveries(
  ctx: CliContext,
  name: string,
  options: { limit?: string; before?: string },
): Promise<void> {
  const id = await resolve(ctx, name);
  const page = (await ctx.client().request('GET', ctx.accountPath(`/webhooks/${id}/deliveries`), {
    query: { limit: options.limit ?? 50, before: options.before },
  })) as { items: Delivery[]; next: string | null };
  if (ctx.json) return printList(page.items, page.next);
  if (page.items.length === 0) return print('No deliveries yet.');
  print(
    table(
      ['ID', 'AT', 'EVENT', 'TRIGGER', 'RESULT', 'MS'],
      page.items.map((d) => [
        d.id,
        d.deliveredAt,
        `${d.eventType} #${d.eventSequence ?? '-'}`,
        d.attempt > 1 ? `${d.trigger} (attempt ${d.attempt})` : d.trigger,
        d.success ? `ok ${d.statusCode}` : d.statusCode ? `HTTP ${d.statusCode}` : (d.error ?? '-'),
        String(d.latencyMs),
      ]),
    ),
  );
  if (page.next) print(`\nOlder: roster webhooks deliveries ${name} --before ${page.next}`);
}

async function redeliver(
  ctx: CliContext,
  name: string,
  delivery: string | undefined,
  options: { event?: string },
): Promise<void> {
  if ((delivery === undefined) === (options.event === undefined)) {
    throw new CliError(
      'give a delivery id (roster webhooks deliveries) or --event <event id>, one of them',
    );
  }
  const id = await resolve(ctx, name);
  const body = (await (delivery !== undefined
    ? ctx
        .client()
        .request(
          'POST',
          ctx.accountPath(`/webhooks/${id}/deliveries/${encodeURIComponent(delivery)}/redeliver`),
        )
    : ctx.client().request('POST', ctx.accountPath(`/webhooks/${id}/redeliver`), {
        body: { eventId: options.event },
      }))) as Delivery;
  if (ctx.json) return printJson(body);
  print(deliveryLine(body));
  if (!body.success) process.exitCode = 1;
}

async function test(ctx: CliContext, name: string): Promise<void> {
  const id = await resolve(ctx, name);
  const body = (await ctx
    .client()
    .request('POST', ctx.accountPath(`/webhooks/${id}/test`))) as Delivery;
  if (ctx.json) return printJson(body);
  print(deliveryLine(body));
  if (body.responseExcerpt) print(`Response: ${body.responseExcerpt}`);
  if (!body.success) process.exitCode = 1;
}

export function registerWebhooks(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description("the account's webhook endpoints (signed event deliveries)");
  webhooks.command('list').description('endpoints with their status').action(remote(list));
  webhooks
    .command('create <url>')
    .description('add an endpoint: prints its signing secret (once)')
    .option('--types <types>', 'comma-separated event types to send (default: all)')
    .option('--description <text>', 'what receives them')
    .action(remote(create));
  webhooks
    .command('show <endpoint>')
    .description('an endpoint (by id, URL or description) and its delivery state')
    .action(remote(show));
  webhooks
    .command('update <endpoint>')
    .description('change the URL, types or description; --enable resumes a disabled endpoint')
    .option('--url <url>', 'new URL')
    .option('--types <types>', "comma-separated event types, or 'all'")
    .option('--description <text>', "new description ('' removes it)")
    .option('--enable', 'resume delivery at the cursor')
    .option('--disable', 'stop delivering')
    .action(remote(update));
  webhooks
    .command('delete <endpoint>')
    .description('delete an endpoint and its delivery log; asks first on a terminal')
    .option('-y, --yes', 'do not ask')
    .action(remote(remove));
  webhooks
    .command('rotate-secret <endpoint>')
    .description('issue a new secret; the old one also signs for the overlap (default 24h)')
    .option('--overlap <duration>', 'how long the old secret keeps signing: 24h, 90m, 0')
    .option('-y, --yes', 'do not ask (asked only for --overlap 0)')
    .action(remote(rotateSecret));
  webhooks
    .command('deliveries <endpoint>')
    .description('the delivery log, newest first')
    .option('--limit <n>', 'entries (1-200, default 50)')
    .option('--before <delivery id>', 'older than this delivery (the "next" of --json)')
    .action(remote(deliveries));
  webhooks
    .command('redeliver <endpoint> [delivery]')
    .description("send a logged delivery's event again, or --event <id>")
    .option('--event <event id>', 'an event of the feed (evt_…)')
    .action(remote(redeliver));
  webhooks
    .command('test <endpoint>')
    .description('send a webhook.test event now and print how it went')
    .action(remote(test));
}
