/**
 * `roster groups mappings | map | unmap`: an admin's mapping of a SCIM group (by its id, so an
 * IdP renaming it changes nothing) to a permission set. It decides members' permission sets
 * while role sync is on, and outranks the role an IdP sends.
 */
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import { CliError, print, printJson, table } from '../output.ts';

interface GroupMapping {
  groupId: string;
  permissionSetId: string;
  priority: number;
  createdAt: string;
}

function priorityOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || text.trim() === '')
    throw new CliError(`--priority must be a whole number, 0 or more (got '${text}')`);
  return n;
}

/** Permission set names by id, so tables say what a mapping gives. */
async function setNames(ctx: CliContext): Promise<Map<string, string>> {
  const { items } = (await ctx.client().request('GET', ctx.accountPath('/permission-sets'))) as {
    items: { id: string; name: string }[];
  };
  return new Map(items.map((s) => [s.id, s.name]));
}

const groupPath = (ctx: CliContext, groupId: string) =>
  ctx.accountPath(`/group-mappings/${encodeURIComponent(groupId)}`);

export function registerGroups(program: Command): void {
  const groups = program
    .command('groups')
    .description('SCIM groups mapped to permission sets (used while role sync is on)');
  groups
    .command('mappings', { isDefault: true })
    .description('list the groups mapped to permission sets')
    .action(
      remote(async (ctx) => {
        const body = await ctx.client().request('GET', ctx.accountPath('/group-mappings'));
        if (ctx.json) return printJson(body);
        const items = body.items as GroupMapping[];
        if (items.length === 0)
          return print('No group mappings yet: roster groups map <groupId> --permission-set <id>');
        const names = await setNames(ctx);
        print(
          table(
            ['GROUP', 'PERMISSION SET', 'SET ID', 'PRIORITY', 'CREATED'],
            items.map((m) => [
              m.groupId,
              names.get(m.permissionSetId) ?? '-',
              m.permissionSetId,
              String(m.priority),
              m.createdAt,
            ]),
          ),
        );
      }),
    );
  groups
    .command('map <groupId>')
    .description('map a SCIM group (by id) to a permission set; lower priority wins')
    .requiredOption('--permission-set <id>', 'the permission set its members get')
    .option('--priority <n>', 'for users in several mapped groups, the lowest wins (default 100)')
    .action(
      remote(
        async (ctx, groupId: string, options: { permissionSet: string; priority?: string }) => {
          const body = (await ctx.client().request('PUT', groupPath(ctx, groupId), {
            body: {
              permissionSetId: options.permissionSet,
              ...(options.priority !== undefined ? { priority: priorityOf(options.priority) } : {}),
            },
          })) as GroupMapping;
          if (ctx.json) return printJson(body);
          print(
            `Mapped the group ${body.groupId} to the permission set ${body.permissionSetId} ` +
              `(priority ${body.priority}).`,
          );
        },
      ),
    );
  groups
    .command('unmap <groupId>')
    .description("remove a group's mapping; its members' permission sets are decided again")
    .action(
      remote(async (ctx, groupId: string) => {
        await ctx.client().request('DELETE', groupPath(ctx, groupId));
        if (ctx.json) return printJson({ unmapped: groupId });
        print(`Unmapped the group ${groupId}.`);
      }),
    );
}
