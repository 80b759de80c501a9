/**
 * `roster accounts …`, `roster admin-keys …`, `roster seat-pools …`, `roster audit` and
 * `roster brake status | release`: the rest of the admin API.
 */
import type { Command } from 'commander';
import { ApiError } from '../api-client.ts';
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

interface Account {
  id: string;
  name: string;
  tier: string;
  pricingModel: string;
  ssoEnabled: boolean;
  sandbox: boolean;
  createdAt: string;
  scim: { installable: boolean; missing: { prerequisite: string; message: string }[] };
}

export const SANDBOX =
  'YES: users in any email domain are accepted, verified or not (to try an IdP or a test ' +
  'suite; not for production)';

/** The account's SCIM app, if one was uploaded. */
interface App {
  uid: string;
  installedAt: string | null;
}

/**
 * Where the account stands with SCIM: an installed app is what matters; before that, whether
 * an app could be installed, and what is missing. `app` is undefined when it was not asked.
 */
function scimLine(a: Account, app?: App | null): string {
  if (app?.installedAt) return `installed since ${app.installedAt} (app '${app.uid}')`;
  const missing = a.scim.missing.map((m) => m.message).join('; ');
  if (app) return a.scim.installable ? `uploaded, not installed (roster app install)` : missing;
  if (!a.scim.installable) return missing;
  return app === null ? 'installable: no app uploaded yet (roster project upload)' : 'installable';
}

async function appOf(ctx: CliContext, accountId: string): Promise<App | null> {
  try {
    return await ctx.client().request('GET', `/accounts/${encodeURIComponent(accountId)}/scim-app`);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'scim_app.not_found') return null;
    throw error;
  }
}

function describe(a: Account, app?: App | null): string {
  return fields([
    ['Id', a.id],
    ['Name', a.name],
    ['Tier', a.tier],
    ['Pricing model', a.pricingModel],
    ['SSO', a.ssoEnabled ? 'enabled' : 'disabled'],
    ['Sandbox', a.sandbox ? SANDBOX : 'no (users must be in verified domains)'],
    ['SCIM', scimLine(a, app)],
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
  sandbox?: string;
}

const accountBody = (o: AccountOptions) => ({
  ...(o.name !== undefined ? { name: o.name } : {}),
  ...(o.tier !== undefined ? { tier: o.tier } : {}),
  ...(o.pricingModel !== undefined ? { pricingModel: o.pricingModel } : {}),
  ...(o.sso !== undefined ? { ssoEnabled: boolFlag(o.sso, '--sso') } : {}),
  ...(o.sandbox !== undefined ? { sandbox: boolFlag(o.sandbox, '--sandbox') } : {}),
});

const SANDBOX_HELP =
  '(operator key) on: users in any email domain are accepted, to try an IdP or a test suite';

/** Who made an audited change: the operator, an admin key by its prefix, or the SCIM app. */
function who(actor: { kind: string; prefix?: string; appId?: string }): string {
  if (actor.kind === 'operator') return 'operator';
  if (actor.kind === 'scim-app') return `SCIM app${actor.appId ? ` ${actor.appId}` : ''}`;
  return actor.prefix ? `admin key ${actor.prefix}…` : actor.kind;
}

interface AuditOptions {
  everything?: boolean;
  action?: string;
  limit: string;
  cursor?: string;
}

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
        if (ctx.json) return printList(body.items);
        print(
          table(
            ['ID', 'NAME', 'TIER', 'PRICING', 'SSO', 'SANDBOX', 'SCIM PREREQUISITES'],
            (body.items as Account[]).map((a) => [
              a.id,
              a.name,
              a.tier,
              a.pricingModel,
              a.ssoEnabled ? 'on' : 'off',
              a.sandbox ? 'yes' : 'no',
              a.scim.installable ? 'met' : a.scim.missing.map((m) => m.prerequisite).join(', '),
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
    .option('--sandbox <on|off>', SANDBOX_HELP)
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
        if (ctx.json) return printJson(body);
        print(describe(body, await appOf(ctx, body.id)));
      }),
    );
  accounts
    .command('update [id]')
    .description('change name, SSO, or (operator key) tier, pricing model and sandbox')
    .option('--name <name>')
    .option('--tier <tier>', 'starter | professional | enterprise')
    .option('--pricing-model <model>', 'classic | seats')
    .option('--sso <on|off>', 'single sign-on enabled')
    .option('--sandbox <on|off>', SANDBOX_HELP)
    .action(
      remote(async (ctx, id: string | undefined, options: AccountOptions) => {
        const body = accountBody(options);
        if (Object.keys(body).length === 0)
          throw new CliError(
            'nothing to change: pass --name, --tier, --pricing-model, --sso or --sandbox',
          );
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
        if (ctx.json) return printList(body.items);
        print(
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
    .command('revoke <key>')
    .description('revoke an admin key now, by id or name; asks first on a terminal')
    .option('-y, --yes', 'do not ask')
    .action(
      remote(async (ctx, key: string, options: { yes?: boolean }) => {
        const { items } = (await ctx.client().request('GET', ctx.accountPath('/admin-keys'))) as {
          items: { id: string; name: string }[];
        };
        const named = items.filter((k) => k.id === key || k.name === key);
        if (named.length > 1) {
          throw new CliError(`several admin keys are named '${key}': name one by its id`);
        }
        const keyId = named[0]?.id ?? key;
        await confirmFirst(
          `Revoke the admin key ${keyId}? Whatever uses it stops working at once.`,
          options.yes,
        );
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
        if (ctx.json) return printList(body.items, null, { pricingModel: body.pricingModel });
        const count = (n: number | null) => (n === null ? '-' : String(n));
        print(
          table(
            ['SEAT TYPE', 'PURCHASED', 'ASSIGNED', 'AVAILABLE'],
            (
              body.items as {
                seatType: string;
                purchased: number | null;
                assigned: number;
                available: number | null;
              }[]
            ).map((p) => [p.seatType, count(p.purchased), String(p.assigned), count(p.available)]),
          ),
        );
        if (body.pricingModel === 'classic') {
          print(
            'Classic pricing model: a paid seat comes with the permission set that carries it; ' +
              'ASSIGNED counts the users holding such a set.',
          );
        }
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
    .option('--cursor <next>', "older entries: where the last page ended (the JSON's next)")
    .action(
      remote(async (ctx, options: AuditOptions) => {
        const body = await ctx
          .client()
          .request('GET', options.everything ? '/audit' : ctx.accountPath('/audit'), {
            query: { action: options.action, limit: options.limit, before: options.cursor },
          });
        if (ctx.json) return printList(body.items, body.next);
        print(
          table(
            ['TIME', 'WHO', 'ACTION', 'TARGET', 'STATUS', 'CODE'],
            (
              body.items as {
                at: string;
                actor: { kind: string; prefix?: string; appId?: string };
                action: string;
                target: { id: string | null };
                status: number;
                errorCode: string | null;
              }[]
            ).map((e) => [
              e.at,
              who(e.actor),
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
