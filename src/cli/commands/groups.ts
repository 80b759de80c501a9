/**
 * `roster groups list | mappings | map | unmap`: the SCIM groups an IdP pushed, and an admin's
 * mapping of a group to a permission set. A mapping is kept by the group's id (an IdP renaming
 * the group changes nothing), but the commands take the group's name too. It decides members'
 * permission sets while role sync is on, and outranks the role an IdP sends.
 */
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import { names } from '../names.ts';
import {
  CliError,
  confirmFirst,
  print,
  printJson,
  printList,
  table,
  withSpinner,
} from '../output.ts';

interface GroupMapping {
  groupId: string;
  permissionSetId: string;
  priority: number;
  createdAt: string;
}

interface Group {
  id: string;
  displayName: string;
  externalId: string | null;
  memberCount: number;
  mapping: { permissionSetId: string; priority: number } | null;
}

function priorityOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || text.trim() === '')
    throw new CliError(`--priority must be a whole number, 0 or more (got '${text}')`);
  return n;
}

const groupPath = (ctx: CliContext, groupId: string) =>
  ctx.accountPath(`/group-mappings/${encodeURIComponent(groupId)}`);

interface ListOptions {
  search?: string;
  limit: string;
  all?: boolean;
  cursor?: string;
}

async function list(ctx: CliContext, options: ListOptions): Promise<void> {
  const client = ctx.client();
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new CliError(`--limit must be a positive whole number (got '${options.limit}')`);
  const found = await withSpinner(ctx.json, 'Fetching groups', async (update) => {
    const items: Group[] = [];
    let cursor: string | undefined = options.cursor;
    let total = 0;
    do {
      const page = await client.request('GET', ctx.accountPath('/groups'), {
        query: {
          search: options.search,
          limit: options.all ? 200 : Math.min(limit - items.length, 200),
          cursor,
        },
      });
      items.push(...page.items);
      total = page.total;
      cursor = page.next ?? undefined;
      update(`Fetched ${items.length} of ${total} groups`);
    } while (cursor && (options.all || items.length < limit));
    return { items, total, next: cursor ?? null };
  });
  if (ctx.json) return printList(found.items, found.next, { total: found.total });
  if (found.items.length === 0) return print('No SCIM groups: an IdP has pushed none yet.');
  const lookup = names(ctx);
  const mapped = async (g: Group) =>
    g.mapping
      ? `${(await lookup.name('permission-sets', g.mapping.permissionSetId)) ?? g.mapping.permissionSetId} (priority ${g.mapping.priority})`
      : '-';
  const rows = await Promise.all(
    found.items.map(async (g) => [
      g.id,
      g.displayName,
      String(g.memberCount),
      g.externalId ?? '-',
      await mapped(g),
    ]),
  );
  print(table(['ID', 'NAME', 'MEMBERS', 'EXTERNAL ID', 'MAPPED TO'], rows));
  if (found.next !== null) {
    print(`(${found.items.length} of ${found.total}; --all, or --cursor ${found.next} for more)`);
  }
}

export function registerGroups(program: Command): void {
  const groups = program
    .command('groups')
    .description('SCIM groups, and their mappings to permission sets (used while role sync is on)');
  groups
    .command('list')
    .description('the SCIM groups an IdP pushed, with member counts and mappings')
    .option('-s, --search <text>', 'part of the name')
    .option('-n, --limit <n>', 'at most this many', '50')
    .option('--all', 'every group (pages through the API)')
    .option('--cursor <next>', "continue a list where it was cut (the JSON's next)")
    .action(remote(list));
  groups
    .command('mappings', { isDefault: true })
    .description('list the groups mapped to permission sets')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', ctx.accountPath('/group-mappings'));
        if (ctx.json) return printList(body.items);
        const items = body.items as GroupMapping[];
        if (items.length === 0)
          return print('No group mappings yet: roster groups map <group> --permission-set <set>');
        const lookup = names(ctx);
        const rows = await Promise.all(
          items.map(async (m) => [
            (await lookup.name('groups', m.groupId)) ?? '-',
            m.groupId,
            (await lookup.name('permission-sets', m.permissionSetId)) ?? '-',
            m.permissionSetId,
            String(m.priority),
            m.createdAt,
          ]),
        );
        print(
          table(['GROUP', 'GROUP ID', 'PERMISSION SET', 'SET ID', 'PRIORITY', 'CREATED'], rows),
        );
      }),
    );
  groups
    .command('map <group>')
    .description(
      'map a SCIM group (by name or id; kept by id) to a permission set; lower priority wins',
    )
    .requiredOption('--permission-set <set>', 'the permission set its members get, by name or id')
    .option('--priority <n>', 'for users in several mapped groups, the lowest wins (default 100)')
    .action(
      remote(async (ctx, group: string, options: { permissionSet: string; priority?: string }) => {
        const lookup = names(ctx);
        const priority =
          options.priority !== undefined ? { priority: priorityOf(options.priority) } : {};
        const [groupId, permissionSetId] = await Promise.all([
          lookup.id('groups', group),
          lookup.id('permission-sets', options.permissionSet),
        ]);
        const body = (await ctx.client().request('PUT', groupPath(ctx, groupId), {
          body: { permissionSetId, ...priority },
        })) as GroupMapping;
        if (ctx.json) return printJson(body);
        const [groupName, setName] = await Promise.all([
          lookup.name('groups', body.groupId),
          lookup.name('permission-sets', body.permissionSetId),
        ]);
        print(
          `Mapped the group '${groupName}' (${body.groupId}) to the permission set ` +
            `'${setName}' (${body.permissionSetId}), priority ${body.priority}.`,
        );
      }),
    );
  groups
    .command('unmap <group>')
    .description(
      "remove a group's mapping (by group name or id); its members' permission sets are decided again",
    )
    .option('-y, --yes', 'do not ask')
    .action(
      remote(async (ctx, group: string, options: { yes?: boolean }) => {
        const groupId = await names(ctx)
          .id('groups', group)
          // A group the IdP deleted may still be named by id in a mapping the server reports.
          .catch((error: unknown) => {
            if (error instanceof CliError && !/\s/.test(group)) return group;
            throw error;
          });
        await confirmFirst(
          `Unmap the group ${group}? Its members' permission sets are decided again.`,
          options.yes,
        );
        await ctx.client().request('DELETE', groupPath(ctx, groupId));
        if (ctx.json) return printJson({ unmapped: groupId });
        print(`Unmapped the group ${group}.`);
      }),
    );
}
