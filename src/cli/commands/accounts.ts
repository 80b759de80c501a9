/**
 * `roster accounts …`, `roster admin-keys …`, `roster seat-pools …`, `roster audit` and
 * `roster brake status | release`: the rest of the admin API.
 */
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import { CliError, fields, orDash, print, printJson, table } from '../output.ts';

interface Account {
  id: string;
  name: string;
  tier: string;
  pricingModel: string;
  ssoEnabled: boolean;
  createdAt: string;
  scim: { installable: boolean; missing: { message: string }[] };
}

const scimLine = (a: Account) =>
  a.scim.installable ? 'installable' : a.scim.missing.map((m) => m.message).join('; ');

function describe(a: Account): string {
  return fields([
    ['Id', a.id],
    ['Name', a.name],
    ['Tier', a.tier],
    ['Pricing model', a.pricingModel],
    ['SSO', a.ssoEnabled ? 'enabled' : 'disabled'],
    ['SCIM', scimLine(a)],
    ['Created', a.createdAt],
  ]);
}

function out(ctx: CliContext, value: unknown, human: () => string): void {
  if (ctx.json) printJson(value);
  else print(human());
}

function boolFlag(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  throw new CliError(`${flag} takes on or off (got '${value}')`);
}

interface AccountOptions {
  name?: string;
  tier?: string;
  pricingModel?: string;
  sso?: string;
}

const accountBody = (o: AccountOptions) => ({
  ...(o.name !== undefined ? { name: o.name } : {}),
  ...(o.tier !== undefined ? { tier: o.tier } : {}),
  ...(o.pricingModel !== undefined ? { pricingModel: o.pricingModel } : {}),
  ...(o.sso !== undefined ? { ssoEnabled: boolFlag(o.sso, '--sso') } : {}),
});

interface BrakeStatus {
  engaged: boolean;
  deactivations: number;
  limit: number;
  windowStart: string;
  releasedAt: string | null;
  windowMinutes: number;
  share: number;
  minUsers: number;
}

function brakeText(b: BrakeStatus): string {
  return fields([
    [
      'State',
      b.engaged
        ? 'ENGAGED: IdP deactivations are held (429); release once intended'
        : 'not engaged',
    ],
    ['Deactivations', `${b.deactivations} since ${b.windowStart} (limit ${b.limit})`],
    [
      'Policy',
      `${Math.round(b.share * 100)}% of active users, at least ${b.minUsers}, within ${b.windowMinutes} min`,
    ],
    ['Last release', orDash(b.releasedAt)],
  ]);
}

export function registerAccounts(program: Command): void {
  const accounts = program
    .command('accounts')
    .description('accounts (creating and listing need the operator key)');
  accounts
    .command('list', { isDefault: true })
    .description('every account')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', '/accounts');
        out(ctx, body, () =>
          table(
            ['ID', 'NAME', 'TIER', 'PRICING', 'SSO', 'SCIM'],
            (body.items as Account[]).map((a) => [
              a.id,
              a.name,
              a.tier,
              a.pricingModel,
              a.ssoEnabled ? 'on' : 'off',
              a.scim.installable ? 'installable' : 'missing prerequisites',
            ]),
          ),
        );
      }),
    );
  accounts
    .command('create <name>')
    .description('create an account (see also roster init)')
    .option('--tier <tier>', 'starter | professional | enterprise')
    .option('--pricing-model <model>', 'classic | seats')
    .option('--sso <on|off>', 'single sign-on enabled')
    .action(
      remote(async (ctx, name: string, options: AccountOptions) => {
        const body = await ctx
          .client()
          .request('POST', '/accounts', { body: { ...accountBody(options), name } });
        out(ctx, body, () => describe(body));
      }),
    );
  accounts
    .command('show [id]')
    .description('one account (default: the profile’s)')
    .action(
      remote(async (ctx, id: string | undefined) => {
        const body = await ctx
          .client()
          .request('GET', id ? `/accounts/${encodeURIComponent(id)}` : ctx.accountPath());
        out(ctx, body, () => describe(body));
      }),
    );
  accounts
    .command('update [id]')
    .description('change name, SSO, or (operator key) tier and pricing model')
    .option('--name <name>')
    .option('--tier <tier>', 'starter | professional | enterprise')
    .option('--pricing-model <model>', 'classic | seats')
    .option('--sso <on|off>', 'single sign-on enabled')
    .action(
      remote(async (ctx, id: string | undefined, options: AccountOptions) => {
        const body = accountBody(options);
        if (Object.keys(body).length === 0)
          throw new CliError('nothing to change: pass --name, --tier, --pricing-model or --sso');
        const path = id ? `/accounts/${encodeURIComponent(id)}` : ctx.accountPath();
        const account = await ctx.client().request('PATCH', path, { body });
        out(ctx, account, () => describe(account));
      }),
    );

  const keys = program.command('admin-keys').description("the account's admin keys");
  keys
    .command('list', { isDefault: true })
    .description('keys by prefix')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', ctx.accountPath('/admin-keys'));
        out(ctx, body, () =>
          table(
            ['ID', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'],
            (
              body.items as {
                id: string;
                name: string;
                prefix: string;
                createdAt: string;
                lastUsedAt: string | null;
                revokedAt: string | null;
              }[]
            ).map((k) => [
              k.id,
              k.name,
              `${k.prefix}…`,
              k.createdAt,
              orDash(k.lastUsedAt),
              orDash(k.revokedAt),
            ]),
          ),
        );
      }),
    );
  keys
    .command('create <name>')
    .description('issue an admin key (printed once)')
    .action(
      remote(async (ctx, name: string) => {
        const body = await ctx
          .client()
          .request('POST', ctx.accountPath('/admin-keys'), { body: { name } });
        out(
          ctx,
          body,
          () => `Admin key '${body.name}' (${body.id}), shown this once:\n${body.key}`,
        );
      }),
    );
  keys
    .command('revoke <keyId>')
    .description('revoke an admin key now')
    .action(
      remote(async (ctx, keyId: string) => {
        await ctx
          .client()
          .request('DELETE', ctx.accountPath(`/admin-keys/${encodeURIComponent(keyId)}`));
        out(ctx, { revoked: keyId }, () => `Revoked the admin key ${keyId}.`);
      }),
    );

  const pools = program
    .command('seat-pools')
    .description('purchased seats per type (seats pricing model; only the operator sets them)');
  pools
    .command('list', { isDefault: true })
    .description('seat pools with assigned and available counts')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', ctx.accountPath('/seat-pools'));
        out(ctx, body, () =>
          table(
            ['SEAT TYPE', 'PURCHASED', 'ASSIGNED', 'AVAILABLE'],
            (
              body.items as {
                seatType: string;
                purchased: number;
                assigned: number;
                available: number;
              }[]
            ).map((p) => [
              p.seatType,
              String(p.purchased),
              String(p.assigned),
              String(p.available),
            ]),
          ),
        );
      }),
    );
  pools
    .command('set <seatType> <purchased>')
    .description('(operator key) set how many seats of a type were purchased')
    .action(
      remote(async (ctx, seatType: string, purchased: string) => {
        const count = Number(purchased);
        if (!Number.isInteger(count) || count < 0)
          throw new CliError(`purchased must be a whole number (got '${purchased}')`);
        const body = await ctx
          .client()
          .request('PUT', ctx.accountPath(`/seat-pools/${encodeURIComponent(seatType)}`), {
            body: { purchased: count },
          });
        out(
          ctx,
          body,
          () => `${body.seatType}: ${body.purchased} purchased, ${body.assigned} assigned.`,
        );
      }),
    );

  program
    .command('audit')
    .description(
      "the audit trail: who changed what, when (the account's; --everything with the operator key)",
    )
    .option('--everything', 'every account and the operator (operator key)')
    .option('--action <action>', "only this action, e.g. 'user.update'")
    .option('-n, --limit <n>', 'how many recent entries', '50')
    .action(
      remote(async (ctx, options: { everything?: boolean; action?: string; limit: string }) => {
        const body = await ctx
          .client()
          .request('GET', options.everything ? '/audit' : ctx.accountPath('/audit'), {
            query: { action: options.action, limit: options.limit },
          });
        out(ctx, body, () =>
          table(
            ['TIME', 'WHO', 'ACTION', 'TARGET', 'STATUS', 'CODE'],
            (
              body.items as {
                at: string;
                actor: { kind: string; prefix?: string };
                action: string;
                target: { id: string | null };
                status: number;
                errorCode: string | null;
              }[]
            ).map((e) => [
              e.at,
              e.actor.kind === 'operator' ? 'operator' : `${e.actor.prefix}…`,
              e.action,
              orDash(e.target.id),
              String(e.status),
              orDash(e.errorCode),
            ]),
          ),
        );
      }),
    );

  const brake = program.command('brake').description('the mass-deprovisioning brake');
  brake
    .command('status', { isDefault: true })
    .description('whether IdP deactivations are being held')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', ctx.accountPath('/deprovision-brake'));
        out(ctx, body, () => brakeText(body));
      }),
    );
  brake
    .command('release')
    .description("release it: the IdP's retried deactivations go through")
    .action(
      remote(async (ctx) => {
        const body = await ctx
          .client()
          .request('POST', ctx.accountPath('/deprovision-brake/release'));
        out(ctx, body, () => `Released.\n${brakeText(body)}`);
      }),
    );
}
