/**
 * `roster app show | install | uninstall | remove` and `roster token list | rotate | revoke`:
 * the SCIM app's installation and its access tokens. A token is printed once, with the tenant
 * URL and Entra's variant, as the seeds' Distribution tab shows them.
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
  withSpinner,
} from '../output.ts';
import { SANDBOX } from './accounts.ts';

interface TokenRecord {
  id: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  state: string;
}

function issued(body: {
  token: string;
  tenantUrl: string;
  entraTenantUrl: string;
  tokenRecord: TokenRecord;
}): string {
  return fields([
    ['Tenant URL', body.tenantUrl],
    ['Entra ID tenant URL', body.entraTenantUrl],
    ['Access token', body.token],
    ['Token id', body.tokenRecord.id],
  ]);
}

const SHOWN_ONCE =
  'The token is shown this once (only its hash is kept): paste it into your IdP now.';

async function show(ctx: CliContext): Promise<void> {
  const app = await ctx.client().request('GET', ctx.accountPath('/scim-app'));
  if (ctx.json) return printJson(app);
  print(
    fields([
      ['App', `${app.uid} ("${app.name}")`],
      ['Description', app.description],
      ['SCIM component', app.scimUid],
      ['roleSyncEnabled', app.roleSyncEnabled],
      ['Installed', app.installedAt ? `since ${app.installedAt}` : 'no (roster app install)'],
      ['Updated', app.updatedAt],
      ['Sandbox', app.sandbox ? SANDBOX : 'no (users must be in verified domains)'],
      ['Deprovision brake', brakeLine(app.deprovisionBrake)],
    ]),
  );
}

/** The brake in one line: whether it holds the IdP's deactivations, and how close it is. */
export function brakeLine(b: {
  engaged: boolean;
  deactivations: number;
  limit: number;
  windowMinutes: number;
}): string {
  return b.engaged
    ? `ENGAGED: IdP deactivations are held (${b.deactivations} in the last ${b.windowMinutes} min, limit ${b.limit}); roster brake release once they are intended`
    : `not engaged (${b.deactivations} of ${b.limit} deactivations allowed in ${b.windowMinutes} min)`;
}

async function install(ctx: CliContext): Promise<void> {
  const body = await withSpinner(ctx.json, 'Installing the SCIM app', () =>
    ctx.client().request('POST', ctx.accountPath('/scim-app/install')),
  );
  if (ctx.json) return printJson(body);
  print(`Installed the SCIM app '${body.app.uid}'. Connect your IdP with:\n`);
  print(issued(body));
  print(`\n${SHOWN_ONCE}`);
  for (const warning of body.warnings as string[]) process.stderr.write(`warning: ${warning}\n`);
}

async function uninstall(ctx: CliContext, options: { yes?: boolean }): Promise<void> {
  await confirmFirst(
    'Uninstall the SCIM app? Every access token is revoked: the IdP can no longer provision.',
    options.yes,
  );
  const body = await ctx.client().request('POST', ctx.accountPath('/scim-app/uninstall'));
  if (ctx.json) return printJson(body);
  print(`Uninstalled the SCIM app '${body.app.uid}'; ${body.revokedTokens} token(s) revoked.`);
}

async function removeApp(ctx: CliContext, options: { yes?: boolean }): Promise<void> {
  await confirmFirst('Remove the SCIM app, so that another project can be uploaded?', options.yes);
  await ctx.client().request('DELETE', ctx.accountPath('/scim-app'));
  if (ctx.json) return printJson({ removed: true });
  print('Removed the SCIM app; another project can be uploaded now.');
}

async function listTokens(ctx: CliContext): Promise<void> {
  const { items } = (await ctx.client().request('GET', ctx.accountPath('/tokens'))) as {
    items: TokenRecord[];
  };
  if (ctx.json) return printList(items);
  if (items.length === 0) return print('No tokens: install the app first (roster app install).');
  print(
    table(
      ['ID', 'PREFIX', 'STATE', 'CREATED', 'LAST USED', 'EXPIRES'],
      items.map((t) => [
        t.id,
        `${t.prefix}…`,
        t.state,
        t.createdAt,
        orDash(t.lastUsedAt),
        orDash(t.expiresAt),
      ]),
    ),
  );
}

/** `24h`, `90m`, `3600s`, `3600`, `0`: seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new CliError(`invalid duration '${text}': use e.g. 24h, 90m, 3600s or 0`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's'];
  return Number(match[1]) * unit;
}

async function rotate(
  ctx: CliContext,
  options: { token?: string; overlap?: string },
): Promise<void> {
  const body = await ctx.client().request('POST', ctx.accountPath('/tokens/rotate'), {
    body: {
      ...(options.token ? { tokenId: options.token } : {}),
      ...(options.overlap !== undefined ? { overlapSeconds: parseDuration(options.overlap) } : {}),
    },
  });
  if (ctx.json) return printJson(body);
  print('Issued a new token:\n');
  print(issued(body));
  for (const old of body.replaced as TokenRecord[]) {
    print(
      old.state === 'expiring'
        ? `The token ${old.prefix}… keeps working until ${old.expiresAt}.`
        : `The token ${old.prefix}… no longer works.`,
    );
  }
  print(`\n${SHOWN_ONCE}`);
}

async function revoke(ctx: CliContext, token: string, options: { yes?: boolean }): Promise<void> {
  // A token is named by its id, or by the prefix `token list` shows (with or without the `…`).
  const { items } = (await ctx.client().request('GET', ctx.accountPath('/tokens'))) as {
    items: TokenRecord[];
  };
  const prefix = token.replace(/…$/, '');
  const matches = items.filter((t) => t.id === token || t.prefix === prefix);
  if (matches.length > 1) {
    throw new CliError(
      `several tokens start with ${prefix}: name one by its id (roster token list)`,
    );
  }
  const tokenId = matches[0]?.id ?? token;
  await confirmFirst(
    `Revoke the token ${matches[0] ? `${matches[0].prefix}… (${tokenId})` : tokenId}? An IdP using it is refused from now on.`,
    options.yes,
  );
  const body = await ctx
    .client()
    .request('POST', ctx.accountPath(`/tokens/${encodeURIComponent(tokenId)}/revoke`));
  if (ctx.json) return printJson(body);
  print(`Revoked the token ${body.prefix}… (${body.id}); it no longer works.`);
}

export function registerApp(program: Command): void {
  const app = program.command('app').description("the account's SCIM app");
  app.command('show').description('the SCIM app and whether it is installed').action(remote(show));
  app
    .command('install')
    .description('install the app: prints the access token (once) and the tenant URLs')
    .action(remote(install));
  app
    .command('uninstall')
    .description('uninstall the app and revoke all of its tokens; asks first on a terminal')
    .option('-y, --yes', 'do not ask')
    .action(remote(uninstall));
  app
    .command('remove')
    .description('remove an uninstalled app, to upload another; asks first on a terminal')
    .option('-y, --yes', 'do not ask')
    .action(remote(removeApp));

  const token = program.command('token').description("the SCIM app's access tokens");
  token
    .command('list')
    .description('tokens by prefix, with their state, last use and expiry')
    .action(remote(listTokens));
  token
    .command('rotate')
    .description('issue a new token; the replaced ones keep working for the overlap')
    .option('--token <id>', 'replace this token (default: every active token)')
    .option('--overlap <duration>', 'how long replaced tokens keep working: 24h (default), 90m, 0')
    .action(remote(rotate));
  token
    .command('revoke <token>')
    .description('revoke a token now, by id or prefix; asks first on a terminal')
    .option('-y, --yes', 'do not ask')
    .action(remote(revoke));
}
