/**
 * `roster permission-sets …` and `roster teams …`: the names role sync matches exactly, and the
 * teams admins assign (an IdP never does).
 */
import type { Command } from 'commander';
import { SEAT_TYPES } from '../../directory/model.ts';
import { type CliContext, remote } from '../cli-context.ts';
import { names } from '../names.ts';
import { CliError, confirmFirst, orDash, print, printJson, printList, table } from '../output.ts';

interface PermissionSet {
  id: string;
  name: string;
  isMinimal: boolean;
  permissions: string[];
  paidSeat: string | null;
}

const setRow = (s: PermissionSet) => [
  s.id,
  s.name,
  s.isMinimal ? 'yes' : '',
  orDash(s.paidSeat),
  s.permissions.join(', '),
];
const SET_HEADERS = ['ID', 'NAME', 'MINIMAL', 'PAID SEAT', 'PERMISSIONS'];

/**
 * `--permissions "contacts.read, deals.write"`. A permission holds no spaces: "contacts.read
 * deals.write" is two permissions missing their comma, not one permission.
 */
function permissionList(items: string): string[] {
  const permissions = items
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const spaced = permissions.find((p) => /\s/.test(p));
  if (spaced !== undefined) {
    throw new CliError(
      `'${spaced}' is not one permission: separate permissions with commas ` +
        `(--permissions "${spaced.split(/\s+/).join(', ')}")`,
    );
  }
  return permissions;
}

const PAID_SEAT_HELP = `the paid seat it gives on the classic pricing model: ${SEAT_TYPES.join(' | ')}`;
const PERMISSIONS_HELP =
  'comma-separated permissions; with ROSTER_PERMISSIONS set on the server, only those ' +
  '(roster permissions lists them)';

function setBody(options: { name?: string; permissions?: string; paidSeat?: string }) {
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.permissions !== undefined
      ? { permissions: permissionList(options.permissions) }
      : {}),
    ...(options.paidSeat !== undefined
      ? { paidSeat: options.paidSeat === 'none' ? null : options.paidSeat }
      : {}),
  };
}

/** A permission set or team by id, or by its exact name. */
const resolve = (ctx: CliContext, noun: 'permission-sets' | 'teams', idOrName: string) =>
  names(ctx).id(noun, idOrName);

function shown(ctx: CliContext, value: unknown, human: string): void {
  if (ctx.json) printJson(value);
  else print(human);
}

export function registerPermissionSets(program: Command): void {
  const sets = program
    .command('permission-sets')
    .description('permission sets (role sync matches their exact names)');
  sets
    .command('list', { isDefault: true })
    .description('list permission sets')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', ctx.accountPath('/permission-sets'));
        if (ctx.json) return printList(body.items);
        print(table(SET_HEADERS, (body.items as PermissionSet[]).map(setRow)));
      }),
    );
  sets
    .command('show <set>')
    .description('one permission set, by id or exact name')
    .action(
      remote(async (ctx, set: string) => {
        const id = await resolve(ctx, 'permission-sets', set);
        const body = await ctx.client().request('GET', ctx.accountPath(`/permission-sets/${id}`));
        shown(ctx, body, table(SET_HEADERS, [setRow(body)]));
      }),
    );
  sets
    .command('create <name>')
    .description('create a permission set (the name is kept exactly, spaces and case included)')
    .option('--permissions <list>', PERMISSIONS_HELP)
    .option('--paid-seat <seat>', PAID_SEAT_HELP)
    .action(
      remote(async (ctx, name: string, options: { permissions?: string; paidSeat?: string }) => {
        const body = await ctx.client().request('POST', ctx.accountPath('/permission-sets'), {
          body: { ...setBody(options), name },
        });
        shown(ctx, body, `Created the permission set '${body.name}' (${body.id}).`);
      }),
    );
  sets
    .command('update <set>')
    .description('rename a permission set or change its permissions or paid seat')
    .option('--name <name>')
    .option('--permissions <list>', `${PERMISSIONS_HELP}; replaces them`)
    .option('--paid-seat <seat>', `${PAID_SEAT_HELP}, or none`)
    .action(
      remote(
        async (
          ctx,
          set: string,
          options: { name?: string; permissions?: string; paidSeat?: string },
        ) => {
          const id = await resolve(ctx, 'permission-sets', set);
          const body = await ctx
            .client()
            .request('PATCH', ctx.accountPath(`/permission-sets/${id}`), {
              body: setBody(options),
            });
          shown(ctx, body, table(SET_HEADERS, [setRow(body)]));
        },
      ),
    );
  sets
    .command('delete <set>')
    .description('delete a permission set (not the minimal one, nor one in use)')
    .option('-y, --yes', 'do not ask')
    .action(
      remote(async (ctx, set: string, options: { yes?: boolean }) => {
        const id = await resolve(ctx, 'permission-sets', set);
        await confirmFirst(`Delete the permission set '${set}'?`, options.yes);
        await ctx.client().request('DELETE', ctx.accountPath(`/permission-sets/${id}`));
        shown(ctx, { deleted: id }, `Deleted the permission set ${set}.`);
      }),
    );

  const teams = program
    .command('teams')
    .description('teams (assigned in the app; an IdP never does)');
  teams
    .command('list', { isDefault: true })
    .description('list teams with their member counts')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', ctx.accountPath('/teams'));
        if (ctx.json) return printList(body.items);
        const rows = (body.items as { id: string; name: string; memberCount: number }[]).map(
          (t) => [t.id, t.name, String(t.memberCount)],
        );
        shown(
          ctx,
          body,
          rows.length === 0
            ? 'No teams yet: roster teams create <name>'
            : table(['ID', 'NAME', 'MEMBERS'], rows),
        );
      }),
    );
  teams
    .command('create <name>')
    .description('create a team')
    .action(
      remote(async (ctx, name: string) => {
        const body = await ctx
          .client()
          .request('POST', ctx.accountPath('/teams'), { body: { name } });
        shown(ctx, body, `Created the team '${body.name}' (${body.id}).`);
      }),
    );
  teams
    .command('rename <team> <name>')
    .description('rename a team (by id or exact name)')
    .action(
      remote(async (ctx, team: string, name: string) => {
        const id = await resolve(ctx, 'teams', team);
        const body = await ctx
          .client()
          .request('PATCH', ctx.accountPath(`/teams/${id}`), { body: { name } });
        shown(ctx, body, `Renamed the team to '${body.name}'.`);
      }),
    );
  teams
    .command('delete <team>')
    .description('delete a team (its members stay, without it)')
    .option('-y, --yes', 'do not ask')
    .action(
      remote(async (ctx, team: string, options: { yes?: boolean }) => {
        const id = await resolve(ctx, 'teams', team);
        await confirmFirst(`Delete the team '${team}'? Its members stay, without it.`, options.yes);
        await ctx.client().request('DELETE', ctx.accountPath(`/teams/${id}`));
        shown(ctx, { deleted: id }, `Deleted the team ${team}.`);
      }),
    );
}

export function registerPermissions(program: Command): void {
  program
    .command('permissions')
    .description('the permissions permission sets may name (ROSTER_PERMISSIONS on the server)')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', '/permissions');
        if (ctx.json) return printList(body.items, null, { declared: body.declared });
        if (!body.declared) {
          return print(
            'No permissions are declared (ROSTER_PERMISSIONS is unset): any name is accepted.',
          );
        }
        print((body.items as string[]).join('\n'));
      }),
    );
}
