/**
 * Names where commands take ids: a permission set, team or SCIM group is named by its id or its
 * exact name (`--permission-set "Sales Rep"`), and tables show names beside ids. Lists are read
 * once per command run.
 */
import type { CliContext } from './cli-context.ts';
import { CliError } from './output.ts';

export type Noun = 'permission-sets' | 'teams' | 'groups';

interface Named {
  readonly id: string;
  readonly name: string;
}

const WHAT: Record<Noun, string> = {
  'permission-sets': 'permission set',
  teams: 'team',
  groups: 'group',
};

export interface Names {
  /** The id of the permission set, team or group with this id or exact name. */
  id(noun: Noun, idOrName: string): Promise<string>;
  /** Name by id, for tables; undefined for an id that names nothing (any more). */
  name(noun: Noun, id: string): Promise<string | undefined>;
}

export function names(ctx: CliContext): Names {
  const lists = new Map<Noun, Promise<Named[]>>();

  async function readAll(noun: Noun): Promise<Named[]> {
    const client = ctx.client();
    if (noun !== 'groups') {
      const { items } = (await client.request('GET', ctx.accountPath(`/${noun}`))) as {
        items: Named[];
      };
      return items;
    }
    // Groups page by cursor (an IdP may push thousands).
    const all: Named[] = [];
    let cursor: string | undefined;
    do {
      const page = (await client.request('GET', ctx.accountPath('/groups'), {
        query: { limit: 200, cursor },
      })) as { items: { id: string; displayName: string }[]; next: string | null };
      all.push(...page.items.map((g) => ({ id: g.id, name: g.displayName })));
      cursor = page.next ?? undefined;
    } while (cursor);
    return all;
  }

  const list = (noun: Noun) => {
    let found = lists.get(noun);
    if (!found) {
      found = readAll(noun);
      lists.set(noun, found);
    }
    return found;
  };

  return {
    async id(noun, idOrName) {
      const items = await list(noun);
      const found = items.find((x) => x.id === idOrName) ?? items.find((x) => x.name === idOrName);
      if (found) return found.id;
      // Group names are unique without case (Entra's rule); sets and teams exactly.
      const folded =
        noun === 'groups'
          ? items.find((x) => x.name.toLowerCase() === idOrName.toLowerCase())
          : undefined;
      if (folded) return folded.id;
      const near = items.find((x) => x.name.toLowerCase() === idOrName.trim().toLowerCase());
      throw new CliError(
        `no ${WHAT[noun]} with the id or exact name '${idOrName}'` +
          (near ? ` (did you mean '${near.name}'? names match exactly)` : ''),
      );
    },
    async name(noun, id) {
      return (await list(noun)).find((x) => x.id === id)?.name;
    },
  };
}
