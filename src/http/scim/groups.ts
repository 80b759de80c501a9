/**
 * `/Groups` (RFC 7644 §3.3–§3.6, RFC 7643 §4.2): thin handlers over the directory's groups.
 * Members are read page by page: a group with more members than one page is streamed, so no
 * response ever holds a large group in memory (docs/idp-compatibility.md, "Groups").
 */
import { type Context, Hono } from 'hono';
import type { Directory } from '../../directory/directory.ts';
import type { GroupColumn } from '../../directory/group-query.ts';
import { MEMBER_PAGE } from '../../directory/groups.ts';
import type { Group, GroupMember } from '../../directory/model.ts';
import type { CursorCodec } from '../../scim/cursor.ts';
import { LIST_RESPONSE_SCHEMA } from '../../scim/discovery.ts';
import { invalidSyntax, methodNotAllowed, type Result } from '../../scim/errors.ts';
import { groupConditionSpec } from '../../scim/filter/to-group-condition.ts';
import {
  type ListParameters,
  type ListSpec,
  parseListParameters,
  type RawListParameters,
} from '../../scim/list-query.ts';
import { planGroupPatch } from '../../scim/patch/group-patch.ts';
import {
  groupChunks,
  parseGroupBody,
  renderGroup,
  wantsMembers,
} from '../../scim/resources/group-resource.ts';
import type { Projection } from '../../scim/resources/projection.ts';
import { formatVersion } from '../../scim/resources/user-resource.ts';
import { noneMatchNames, parseEntityTags } from './etag.ts';
import { readJsonBody } from './read-body.ts';
import { requestActor, type ScimEnv } from './scim-env.ts';
import { scimJson } from './scim-response.ts';
import { scimChunks } from './scim-stream.ts';

export interface GroupsRouteDeps {
  readonly directory: Directory;
  readonly cursors: CursorCodec;
  readonly maxBodyBytes: number;
}

const groupListSpec: ListSpec<GroupColumn> = {
  condition: groupConditionSpec,
  sortColumns: {
    id: { kind: 'column', column: 'id' },
    externalId: { kind: 'column', column: 'externalId' },
    displayName: { kind: 'column', column: 'displayName' },
    'meta.created': { kind: 'column', column: 'createdAt' },
    'meta.lastModified': { kind: 'column', column: 'updatedAt' },
  },
};

/** A listing whose groups hold at most this many members in all is answered in one piece. */
const INLINE_MEMBERS = 10_000;

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

function projectionOf(q: Record<string, string>): Projection {
  const split = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()) : undefined);
  return { attributes: split(q.attributes), excludedAttributes: split(q.excludedAttributes) };
}

function ifMatch(header: string | undefined): readonly number[] | undefined {
  const tags = parseEntityTags(header);
  return tags === 'any' ? undefined : tags;
}

/** Says in the provisioning log which member ids a write skipped, and why. */
function warnUnknown(c: Context<ScimEnv>, ids: readonly string[]): void {
  if (ids.length === 0) return;
  const shown = ids.slice(0, 20).map((id) => `'${id}'`);
  const more = ids.length > shown.length ? ` and ${ids.length - shown.length} more` : '';
  c.set(
    'warning',
    `${ids.length} member id(s) name no user of this account and were skipped: ${shown.join(', ')}${more}; the rest of the request was applied`,
  );
}

export function groupsRoutes({ directory, cursors, maxBodyBytes }: GroupsRouteDeps) {
  const app = new Hono<ScimEnv>();
  const groups = directory.groups;

  /** Every member of `group`, as pages; none read when the group is empty. */
  const pagesOf = (accountId: string, group: Group): AsyncIterable<GroupMember[]> | undefined =>
    group.memberCount === 0 ? undefined : groups.members(accountId, group.id);

  /** One group as a response, members streamed when there are more than one page of them. */
  function single(
    c: Context<ScimEnv>,
    group: Group,
    projection: Projection,
    status = 200,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const accountId = c.get('accountId') as string;
    const pages = wantsMembers(projection) ? pagesOf(accountId, group) : undefined;
    return scimChunks(c, groupChunks(group, pages, c.get('baseUrl'), projection), {
      inline: pages === undefined || group.memberCount <= MEMBER_PAGE,
      logged: renderGroup(group, undefined, c.get('baseUrl'), projection),
      status,
      headers: { ETag: formatVersion(group.version), ...headers },
    });
  }

  async function list(c: Context<ScimEnv>, parameters: ListParameters<GroupColumn>) {
    const accountId = c.get('accountId') as string;
    const { condition, sort, page, projection, filterText } = parameters;
    const query = { accountId, condition, sort };
    const fingerprint = JSON.stringify(['Groups', accountId, filterText, sort]);
    let found: readonly Group[];
    let counters: Record<string, unknown>;
    if (page.kind === 'cursor') {
      const state =
        page.cursor === ''
          ? undefined
          : unwrap(cursors.decode(page.cursor, fingerprint, Date.now()));
      const result = await groups.query({
        ...query,
        page: { kind: 'cursor', after: state?.position, limit: page.count },
        knownTotal: state?.total,
      });
      const next = result.nextKey
        ? cursors.encode({ position: result.nextKey, total: result.total }, fingerprint, Date.now())
        : undefined;
      found = result.groups;
      counters = {
        schemas: [LIST_RESPONSE_SCHEMA],
        totalResults: result.total,
        itemsPerPage: result.groups.length,
        ...(next ? { nextCursor: next } : {}),
      };
    } else {
      const result = await groups.query({
        ...query,
        page: { kind: 'index', offset: page.startIndex - 1, limit: page.count },
      });
      found = result.groups;
      counters = {
        schemas: [LIST_RESPONSE_SCHEMA],
        totalResults: result.total,
        startIndex: page.startIndex,
        itemsPerPage: result.groups.length,
      };
    }
    const members = wantsMembers(projection);
    const baseUrl = c.get('baseUrl');
    async function* chunks(): AsyncGenerator<string> {
      const head = JSON.stringify({ ...counters, Resources: [] });
      yield head.slice(0, -2);
      let first = true;
      for (const group of found) {
        if (!first) yield ',';
        first = false;
        const pages = members ? pagesOf(accountId, group) : undefined;
        yield* groupChunks(group, pages, baseUrl, projection);
      }
      yield ']}';
    }
    const total = members ? found.reduce((sum, g) => sum + g.memberCount, 0) : 0;
    return scimChunks(c, chunks(), {
      inline: total <= INLINE_MEMBERS,
      logged: { ...counters, Resources: found },
    });
  }

  app.get('/', (c) => {
    const q = c.req.query();
    c.set('operation', q.filter === undefined ? 'list groups' : 'find groups');
    return list(c, unwrap(parseListParameters(q as RawListParameters, groupListSpec)));
  });

  // RFC 7644 §3.4.3: the same query in a POST body.
  app.post('/.search', async (c) => {
    c.set('operation', 'search groups');
    const body = await readJsonBody(c, maxBodyBytes);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidSyntax('the /.search body must be a SearchRequest JSON object');
    }
    return list(c, unwrap(parseListParameters(body as RawListParameters, groupListSpec)));
  });

  app.post('/', async (c) => {
    c.set('operation', 'create group');
    const body = await readJsonBody(c, maxBodyBytes);
    const { draft, memberIds } = unwrap(parseGroupBody(body));
    const accountId = c.get('accountId') as string;
    const { group, members, unknownMemberIds } = await groups.create(accountId, draft, memberIds, {
      actor: requestActor(c),
    });
    c.set('groupId', group.id);
    warnUnknown(c, unknownMemberIds);
    const projection = projectionOf(c.req.query());
    const resource = renderGroup(group, members, c.get('baseUrl'), projection);
    return scimJson(c, resource, 201, {
      Location: `${c.get('baseUrl')}/Groups/${group.id}`,
      ETag: formatVersion(group.version),
    });
  });

  app.get('/:id', async (c) => {
    c.set('operation', 'get group');
    c.set('groupId', c.req.param('id'));
    const group = await groups.get(c.get('accountId') as string, c.req.param('id'));
    const etag = formatVersion(group.version);
    if (noneMatchNames(c.req.header('if-none-match'), etag)) {
      return new Response(null, { status: 304, headers: { ETag: etag } });
    }
    return single(c, group, projectionOf(c.req.query()));
  });

  // RFC 7644 §3.5.1: the body replaces the group, members included (peers.md §3 item 8).
  app.put('/:id', async (c) => {
    c.set('operation', 'replace group');
    c.set('groupId', c.req.param('id'));
    const body = await readJsonBody(c, maxBodyBytes);
    const { draft, memberIds } = unwrap(parseGroupBody(body));
    const { group, unknownMemberIds } = await groups.update(
      c.get('accountId') as string,
      c.req.param('id'),
      () => ({ draft, membership: [{ kind: 'replace', userIds: memberIds }] }),
      { actor: requestActor(c), ifMatch: ifMatch(c.req.header('if-match')) },
    );
    warnUnknown(c, unknownMemberIds);
    return single(c, group, projectionOf(c.req.query()));
  });

  /**
   * RFC 7644 §3.5.2: 204 (what Entra recommends and Okta accepts), or 200 with the group when
   * the client asks for attributes; the group's size never changes what a PATCH costs.
   */
  app.patch('/:id', async (c) => {
    c.set('operation', 'update group');
    c.set('groupId', c.req.param('id'));
    const body = await readJsonBody(c, maxBodyBytes);
    const baseUrl = c.get('baseUrl');
    const { group, unknownMemberIds } = await groups.update(
      c.get('accountId') as string,
      c.req.param('id'),
      (current) => unwrap(planGroupPatch(current, body, baseUrl)),
      { actor: requestActor(c), ifMatch: ifMatch(c.req.header('if-match')) },
    );
    warnUnknown(c, unknownMemberIds);
    const q = c.req.query();
    if (q.attributes !== undefined || q.excludedAttributes !== undefined) {
      return single(c, group, projectionOf(q));
    }
    return new Response(null, { status: 204, headers: { ETag: formatVersion(group.version) } });
  });

  app.delete('/:id', async (c) => {
    c.set('operation', 'delete group');
    c.set('groupId', c.req.param('id'));
    await groups.delete(c.get('accountId') as string, c.req.param('id'), {
      actor: requestActor(c),
      ifMatch: ifMatch(c.req.header('if-match')),
    });
    return new Response(null, { status: 204 });
  });

  app.all('/', (c) => {
    throw methodNotAllowed(
      `${c.req.method} is not supported on /Groups; use GET or POST`,
      'GET, POST',
    );
  });
  app.all('/:id', (c) => {
    throw methodNotAllowed(
      `${c.req.method} is not supported on /Groups/{id}; use GET, PUT, PATCH or DELETE`,
      'GET, PUT, PATCH, DELETE',
    );
  });
  // The root /.search runs this same search as its Groups part (root-search.ts).
  const search = (c: Context<ScimEnv>, raw: RawListParameters) =>
    list(c, unwrap(parseListParameters(raw, groupListSpec)));
  return Object.assign(app, { search });
}
