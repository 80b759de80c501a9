/** `/Users` (RFC 7644 §3.3–§3.6): thin handlers over the directory. */
import { type Context, Hono } from 'hono';
import type { Directory } from '../../directory/directory.ts';
import type { Membership, User } from '../../directory/model.ts';
import type { UserChange } from '../../directory/users.ts';
import type { CursorCodec } from '../../scim/cursor.ts';
import { LIST_RESPONSE_SCHEMA } from '../../scim/discovery.ts';
import { invalidSyntax, methodNotAllowed, type Result } from '../../scim/errors.ts';
import {
  type ListParameters,
  parseListParameters,
  type RawListParameters,
} from '../../scim/list-query.ts';
import { applyPatch } from '../../scim/patch/apply-patch.ts';
import { parsePatchBody } from '../../scim/patch/patch-operation.ts';
import { normalizeResource } from '../../scim/resources/normalize-resource.ts';
import { type Projection, project, returnsAttribute } from '../../scim/resources/projection.ts';
import { patchRoleClaim } from '../../scim/resources/role-claim.ts';
import { restoredChangeOf, userChangeOf } from '../../scim/resources/user-change.ts';
import { toScimUser, userVersion } from '../../scim/resources/user-resource.ts';
import { userResourceType } from '../../scim/schemas/resource-types.ts';
import { noneMatchNames, parseEntityTags } from './etag.ts';
import { readJsonBody } from './read-body.ts';
import { requestActor, type ScimEnv } from './scim-env.ts';
import { scimJson } from './scim-response.ts';
import { withScimVisibility } from './user-visibility.ts';

export interface UsersRouteDeps {
  readonly directory: Directory;
  readonly cursors: CursorCodec;
  readonly maxBodyBytes: number;
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** The verb the provisioning log shows for a change. */
function describeChange(before: User, after: User, verb: string): string {
  if (before.active && !after.active) return 'deactivate user';
  if (!before.active && after.active) return 'reactivate user';
  return before.managedBy === 'scim' ? verb : 'link user';
}

function projectionOf(query: (name: string) => string | undefined): Projection {
  const split = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()) : undefined);
  return {
    attributes: split(query('attributes')),
    excludedAttributes: split(query('excludedAttributes')),
  };
}

export function usersRoutes({ directory, cursors, maxBodyBytes }: UsersRouteDeps) {
  const app = new Hono<ScimEnv>();

  /** With role sync on, each user's permission set is shown as their role (checklist 57). */
  const roleNames = async (c: Context<ScimEnv>) =>
    (await directory.accountRoles.of(c.get('accountId') as string)).names;
  const render = (
    c: Context<ScimEnv>,
    user: User,
    projection: Projection,
    names: ReadonlyMap<string, string>,
    memberships: readonly Membership[] = [],
  ) =>
    project(
      toScimUser(user, c.get('baseUrl'), memberships, names.get(user.permissionSetId)),
      userResourceType,
      projection,
    );
  /**
   * Whether a response shows `groups` or a version (a user's version carries a fingerprint of
   * its groups, `userVersion`). Every lookup asks, and almost none projects: the default
   * projection answers without building probes.
   */
  const showsMemberships = (projection: Projection) =>
    (projection.attributes === undefined && projection.excludedAttributes === undefined) ||
    returnsAttribute(userResourceType, projection, 'groups') ||
    returnsAttribute(userResourceType, projection, 'meta');

  /** One user's groups and ETag: the ETag header needs the groups whatever the projection. */
  async function versionOf(user: User) {
    const memberships = await directory.groups.groupsOf(user.accountId, [user.id]);
    return { memberships, etag: userVersion(user.version, memberships) };
  }

  /** One user with its groups and role, projected, and its ETag. */
  async function renderOne(
    c: Context<ScimEnv>,
    user: User,
    projection: Projection,
    names: ReadonlyMap<string, string>,
  ) {
    const { memberships, etag } = await versionOf(user);
    return { etag, resource: render(c, user, projection, names, memberships) };
  }

  async function list(c: Context<ScimEnv>, accountId: string, parameters: ListParameters) {
    const { condition, sort, page, projection, filterText } = parameters;
    const names = await roleNames(c);
    // The groups come with the page (a lookup's in the user's own statement) when shown.
    const query = {
      accountId,
      condition: withScimVisibility(condition),
      sort,
      withGroups: showsMemberships(projection),
    };
    const fingerprint = JSON.stringify([accountId, filterText, sort]);
    if (page.kind === 'cursor') {
      const state =
        page.cursor === ''
          ? undefined
          : unwrap(cursors.decode(page.cursor, fingerprint, Date.now()));
      const result = await directory.users.query({
        ...query,
        page: { kind: 'cursor', after: state?.position, limit: page.count },
        knownTotal: state?.total,
      });
      const next = result.nextKey
        ? cursors.encode({ position: result.nextKey, total: result.total }, fingerprint, Date.now())
        : undefined;
      const groups = result.memberships;
      return scimJson(c, {
        schemas: [LIST_RESPONSE_SCHEMA],
        // RFC 9865 §2.2: the total as of the walk's first page.
        totalResults: result.total,
        itemsPerPage: result.users.length,
        // RFC 9865 §2.2: nextCursor on every page but the last.
        ...(next ? { nextCursor: next } : {}),
        Resources: result.users.map((u) => render(c, u, projection, names, groups?.get(u.id))),
      });
    }
    const result = await directory.users.query({
      ...query,
      page: { kind: 'index', offset: page.startIndex - 1, limit: page.count },
    });
    const groups = result.memberships;
    return scimJson(c, {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: result.total,
      startIndex: page.startIndex,
      itemsPerPage: result.users.length,
      Resources: result.users.map((u) => render(c, u, projection, names, groups?.get(u.id))),
    });
  }

  app.get('/', (c) => {
    c.set('operation', 'list users');
    // One parse of the query string (Hono re-parses it on every c.req.query(name) call).
    const q = c.req.query();
    const raw: RawListParameters = {
      filter: q.filter,
      startIndex: q.startIndex,
      count: q.count,
      cursor: q.cursor,
      sortBy: q.sortBy,
      sortOrder: q.sortOrder,
      attributes: q.attributes,
      excludedAttributes: q.excludedAttributes,
    };
    if (raw.filter !== undefined) c.set('operation', 'find users');
    return list(c, c.get('accountId') as string, unwrap(parseListParameters(raw)));
  });

  // RFC 7644 §3.4.3: the same query in a POST body.
  app.post('/.search', async (c) => {
    c.set('operation', 'search users');
    const body = await readJsonBody(c, maxBodyBytes);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidSyntax('the /.search body must be a SearchRequest JSON object');
    }
    const raw = body as RawListParameters;
    return list(c, c.get('accountId') as string, unwrap(parseListParameters(raw)));
  });

  app.post('/', async (c) => {
    c.set('operation', 'create user');
    const body = await readJsonBody(c, maxBodyBytes);
    const resource = unwrap(normalizeResource(userResourceType, body));
    const { user, adopted, warning } = await directory.users.provision(
      c.get('accountId') as string,
      unwrap(userChangeOf(resource)),
      {
        actor: requestActor(c),
        restore: (existing) => unwrap(restoredChangeOf(resource, existing)),
      },
    );
    c.set('userId', user.id);
    if (warning) c.set('warning', warning);
    if (adopted) c.set('operation', 'adopt existing user');
    const projection = projectionOf((n) => c.req.query(n));
    // A new user belongs to no group yet; only an adopted one may.
    const names = await roleNames(c);
    const created = adopted
      ? await renderOne(c, user, projection, names)
      : { etag: userVersion(user.version), resource: render(c, user, projection, names) };
    return scimJson(c, created.resource, 201, {
      Location: `${c.get('baseUrl')}/Users/${user.id}`,
      ETag: created.etag,
    });
  });

  app.get('/:id', async (c) => {
    c.set('operation', 'get user');
    const id = c.req.param('id');
    c.set('userId', id);
    // One statement for the user and its groups (a round trip fewer on PostgreSQL).
    const { user, memberships } = await directory.users.getWithGroups(
      c.get('accountId') as string,
      id,
    );
    const etag = userVersion(user.version, memberships);
    if (noneMatchNames(c.req.header('if-none-match'), etag)) {
      return new Response(null, { status: 304, headers: { ETag: etag } });
    }
    const projection = projectionOf((n) => c.req.query(n));
    const resource = render(c, user, projection, await roleNames(c), memberships);
    return scimJson(c, resource, 200, { ETag: etag });
  });

  function ifMatch(header: string | undefined): readonly number[] | undefined {
    const tags = parseEntityTags(header);
    return tags === 'any' ? undefined : tags;
  }

  /**
   * PUT and PATCH: read-modify-write through the directory (compare-and-set, retried), then
   * 200 with the resource: Entra's validator and Okta expect the resource, not 204.
   */
  async function update(
    c: Context<ScimEnv>,
    verb: string,
    change: (current: User, names: ReadonlyMap<string, string>) => UserChange,
  ): Promise<Response> {
    const id = c.req.param('id') as string;
    c.set('userId', id);
    let before: User | undefined;
    const names = await roleNames(c);
    // The groups are read with the user, before the write: no read after it.
    const {
      user,
      warning,
      memberships = [],
    } = await directory.users.update(
      c.get('accountId') as string,
      id,
      (current) => {
        before = current;
        return change(current, names);
      },
      { actor: requestActor(c), ifMatch: ifMatch(c.req.header('if-match')), withGroups: true },
    );
    if (before) c.set('operation', describeChange(before, user, verb));
    if (warning) c.set('warning', warning);
    const projection = projectionOf((n) => c.req.query(n));
    const resource = render(c, user, projection, names, memberships);
    return scimJson(c, resource, 200, { ETag: userVersion(user.version, memberships) });
  }

  // RFC 7644 §3.5.1: the body replaces the user; read-only values in it are ignored.
  app.put('/:id', async (c) => {
    c.set('operation', 'replace user');
    const body = await readJsonBody(c, maxBodyBytes);
    const resource = unwrap(normalizeResource(userResourceType, body));
    return update(c, 'replace user', (current) => unwrap(userChangeOf(resource, current)));
  });

  // RFC 7644 §3.5.2: the operations apply, all or none, to the current representation.
  app.patch('/:id', async (c) => {
    c.set('operation', 'update user');
    const body = await readJsonBody(c, maxBodyBytes);
    const operations = unwrap(parsePatchBody(body));
    return update(c, 'update user', (current, names) => {
      const scim = toScimUser(current, c.get('baseUrl'));
      const patched = unwrap(applyPatch(userResourceType, scim, body));
      return {
        ...unwrap(userChangeOf(patched.resource, current)),
        roleClaim: patchRoleClaim(
          operations,
          patched.resource.roles,
          names.get(current.permissionSetId),
        ),
      };
    });
  });

  app.delete('/:id', async (c) => {
    c.set('operation', 'delete user');
    const id = c.req.param('id');
    c.set('userId', id);
    await directory.users.deprovision(c.get('accountId') as string, id, {
      actor: requestActor(c),
      ifMatch: ifMatch(c.req.header('if-match')),
    });
    return new Response(null, { status: 204 });
  });

  app.all('/', (c) => {
    throw methodNotAllowed(
      `${c.req.method} is not supported on /Users; use GET or POST`,
      'GET, POST',
    );
  });
  app.all('/:id', (c) => {
    throw methodNotAllowed(
      `${c.req.method} is not supported on /Users/{id}; use GET, PUT, PATCH or DELETE`,
      'GET, PUT, PATCH, DELETE',
    );
  });
  // The root /.search runs this same search as its Users part (root-search.ts).
  const search = (c: Context<ScimEnv>, raw: RawListParameters) =>
    list(c, c.get('accountId') as string, unwrap(parseListParameters(raw)));
  return Object.assign(app, { search });
}
