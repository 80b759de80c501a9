/**
 * `roster users list | show | create | update | deactivate | reactivate | delete`: users as the
 * app's admins manage them (name and email of SCIM-managed users belong to the IdP; the server
 * says so when refused). Long lists page through the API with progress on a terminal.
 */
import type { Command } from 'commander';
import { SEAT_TYPES } from '../../directory/model.ts';
import { type CliContext, remote } from '../cli-context.ts';
import { type Names, names } from '../names.ts';
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

interface User {
  id: string;
  email: string | null;
  userName: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  active: boolean;
  superAdmin: boolean;
  managedBy: string;
  permissionSetId: string;
  seat: string | null;
  primaryTeamId: string | null;
  secondaryTeamIds: string[];
  updatedAt: string;
}

interface ListOptions {
  search?: string;
  email?: string;
  managedBy?: string;
  active?: boolean;
  limit: string;
  all?: boolean;
  cursor?: string;
}

const nameOf = (u: User) =>
  u.displayName ?? ([u.givenName, u.familyName].filter(Boolean).join(' ') || '');

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${flag} must be a positive whole number (got '${text}')`);
  return n;
}

async function list(ctx: CliContext, options: ListOptions): Promise<void> {
  const client = ctx.client();
  const limit = positive(options.limit, '--limit');
  const users = await withSpinner(ctx.json, 'Fetching users', async (update) => {
    const all: User[] = [];
    let cursor: string | undefined = options.cursor;
    let total = 0;
    do {
      const page = await client.request('GET', ctx.accountPath('/users'), {
        query: {
          search: options.search,
          email: options.email,
          managedBy: options.managedBy,
          active: options.active,
          limit: options.all ? 200 : Math.min(limit - all.length, 200),
          cursor,
        },
      });
      all.push(...page.items);
      total = page.total;
      cursor = page.nextCursor ?? undefined;
      update(`Fetched ${all.length} of ${total} users`);
    } while (cursor && (options.all || all.length < limit));
    return { items: all, total, next: cursor ?? null };
  });
  if (ctx.json) return printList(users.items, users.next, { total: users.total });
  if (users.items.length === 0) return print('No users match.');
  print(
    table(
      ['ID', 'EMAIL', 'NAME', 'STATUS', 'MANAGED BY', 'UPDATED'],
      users.items.map((u) => [
        u.id,
        orDash(u.email),
        nameOf(u),
        u.active ? 'active' : 'deactivated',
        u.managedBy,
        u.updatedAt,
      ]),
    ),
  );
  if (users.next !== null) {
    print(
      `(${users.items.length} of ${users.total}; --all, --limit, or --cursor ${users.next} for the next page)`,
    );
  }
}

/** A user by id, or by email when the argument has an @. */
async function find(ctx: CliContext, idOrEmail: string): Promise<User> {
  const client = ctx.client();
  if (!idOrEmail.includes('@')) {
    return client.request('GET', ctx.accountPath(`/users/${encodeURIComponent(idOrEmail)}`));
  }
  const page = await client.request('GET', ctx.accountPath('/users'), {
    query: { email: idOrEmail, limit: 2 },
  });
  const [user] = page.items as User[];
  if (!user) throw new CliError(`no user with the email ${idOrEmail}`);
  return user;
}

/** Ids with their names: `Sales Rep (0193…)`. */
async function named(lookup: Names, noun: 'permission-sets' | 'teams', id: string | null) {
  if (id === null) return '-';
  const name = await lookup.name(noun, id);
  return name === undefined ? id : `${name} (${id})`;
}

async function describe(ctx: CliContext, u: User): Promise<string> {
  const lookup = names(ctx);
  const [permissionSet, primaryTeam, ...otherTeams] = await Promise.all([
    named(lookup, 'permission-sets', u.permissionSetId),
    named(lookup, 'teams', u.primaryTeamId),
    ...u.secondaryTeamIds.map((id) => named(lookup, 'teams', id)),
  ]);
  return fields([
    ['Id', u.id],
    ['Email', orDash(u.email)],
    ['User name', u.userName],
    ['Name', nameOf(u) || '-'],
    ['Status', u.active ? 'active' : 'deactivated'],
    ['Managed by', u.managedBy === 'scim' ? 'scim (the IdP owns name and email)' : 'app'],
    ['Super admin', u.superAdmin ? 'yes' : 'no'],
    ['Permission set', permissionSet],
    ['Seat', orDash(u.seat)],
    ['Primary team', primaryTeam],
    ['Other teams', otherTeams.join(', ') || '-'],
    ['Updated', u.updatedAt],
  ]);
}

async function show(ctx: CliContext, idOrEmail: string): Promise<void> {
  const user = await find(ctx, idOrEmail);
  if (ctx.json) return printJson(user);
  print(await describe(ctx, user));
}

interface EditOptions {
  email?: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  permissionSet?: string;
  seat?: string;
  primaryTeam?: string;
  teams?: string;
  superAdmin?: boolean;
}

/** The API body of a create or update; sets and teams named by id or exact name. */
async function editBody(ctx: CliContext, options: EditOptions): Promise<Record<string, unknown>> {
  const lookup = names(ctx);
  const body: Record<string, unknown> = {};
  if (options.email !== undefined) body.email = options.email;
  if (options.givenName !== undefined) body.givenName = options.givenName;
  if (options.familyName !== undefined) body.familyName = options.familyName;
  if (options.displayName !== undefined) body.displayName = options.displayName;
  if (options.permissionSet !== undefined) {
    body.permissionSetId = await lookup.id('permission-sets', options.permissionSet);
  }
  if (options.seat !== undefined) body.seat = options.seat === 'none' ? null : options.seat;
  if (options.primaryTeam !== undefined) {
    body.primaryTeamId =
      options.primaryTeam === 'none' ? null : await lookup.id('teams', options.primaryTeam);
  }
  if (options.teams !== undefined) {
    const teams = options.teams
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    body.secondaryTeamIds = await Promise.all(teams.map((team) => lookup.id('teams', team)));
  }
  if (options.superAdmin !== undefined) body.superAdmin = options.superAdmin;
  return body;
}

async function create(ctx: CliContext, email: string, options: EditOptions): Promise<void> {
  const user = await ctx.client().request('POST', ctx.accountPath('/users'), {
    body: { ...(await editBody(ctx, options)), email },
  });
  if (ctx.json) return printJson(user);
  print(`Created ${user.email} (${user.id}).`);
}

async function update(ctx: CliContext, idOrEmail: string, options: EditOptions): Promise<void> {
  const body = await editBody(ctx, options);
  if (Object.keys(body).length === 0)
    throw new CliError('nothing to change: pass at least one option (roster users update --help)');
  const { id } = await find(ctx, idOrEmail);
  const user = await ctx
    .client()
    .request('PATCH', ctx.accountPath(`/users/${encodeURIComponent(id)}`), { body });
  if (ctx.json) return printJson(user);
  print(await describe(ctx, user));
}

function transition(verb: 'deactivate' | 'reactivate', done: string) {
  return async (ctx: CliContext, idOrEmail: string): Promise<void> => {
    const { id } = await find(ctx, idOrEmail);
    const user = await ctx
      .client()
      .request('POST', ctx.accountPath(`/users/${encodeURIComponent(id)}/${verb}`));
    if (ctx.json) return printJson(user);
    print(`${user.email ?? user.userName} is ${done}.`);
  };
}

async function remove(
  ctx: CliContext,
  idOrEmail: string,
  options: { yes?: boolean },
): Promise<void> {
  const { id, email } = await find(ctx, idOrEmail);
  await confirmFirst(
    `Delete ${email ?? id} from Roster? Its data is erased (the IdP is not changed).`,
    options.yes,
  );
  await ctx.client().request('DELETE', ctx.accountPath(`/users/${encodeURIComponent(id)}`));
  if (ctx.json) return printJson({ deleted: id });
  print(`Deleted ${email ?? id} from Roster (the IdP is not changed).`);
}

function editOptions(command: Command): Command {
  return command
    .option('--given-name <name>')
    .option('--family-name <name>')
    .option('--display-name <name>')
    .option(
      '--permission-set <set>',
      'permission set, by exact name or id (roster permission-sets list)',
    )
    .option('--seat <type>', `seats model: ${SEAT_TYPES.join(' | ')}, or none`)
    .option('--primary-team <team>', 'team, by exact name or id, or none')
    .option('--teams <teams>', 'comma-separated secondary teams, by exact name or id')
    .option('--super-admin', 'make a super admin')
    .option('--no-super-admin', 'not a super admin');
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description("the account's users (app side)");
  users
    .command('list', { isDefault: true })
    .description('list users')
    .option('-s, --search <text>', 'part of the email or a name')
    .option('--email <email>', 'exact email')
    .option('--managed-by <who>', 'app | scim')
    .option('--active', 'active users only')
    .option('--no-active', 'deactivated users only')
    .option('-n, --limit <n>', 'at most this many', '50')
    .option('--all', 'every matching user (pages through the API)')
    .option('--cursor <next>', "continue a list where it was cut (the JSON's next)")
    .action(remote(list));
  users.command('show <user>').description('one user, by id or email').action(remote(show));
  editOptions(users.command('create <email>').description('create a user in the app')).action(
    remote(create),
  );
  editOptions(
    users
      .command('update <user>')
      .description('change a user (by id or email)')
      .option('--email <email>'),
  ).action(remote(update));
  users
    .command('deactivate <user>')
    .description('deactivate a user (by id or email)')
    .action(remote(transition('deactivate', 'deactivated')));
  users
    .command('reactivate <user>')
    .description('reactivate a user (by id or email)')
    .action(remote(transition('reactivate', 'active again')));
  users
    .command('delete <user>')
    .description('delete a user from Roster (never from the IdP); asks first on a terminal')
    .option('-y, --yes', 'do not ask')
    .action(remote(remove));
}
