/**
 * The SCIM Group representation (RFC 7643 §4.2) ⇄ the directory's group. Members are never a
 * field of the directory's group: they are rendered page by page (`groupChunks`), so a group of
 * any size is written out without ever being held whole.
 */
import type { GroupDraft } from '../../directory/groups.ts';
import type { Group, GroupMember } from '../../directory/model.ts';
import { fail, invalidValue, ok, type Result } from '../errors.ts';
import { GROUP_SCHEMA } from '../schemas/group.ts';
import { groupResourceType } from '../schemas/resource-types.ts';
import { checkRequired, normalizeResource } from './normalize-resource.ts';
import { type Projection, project, returnsAttribute } from './projection.ts';
import { formatVersion, type Resource } from './user-resource.ts';

/** One member as SCIM shows it. */
export function memberElement(member: GroupMember, baseUrl: string): Resource {
  return {
    value: member.userId,
    display: member.display,
    $ref: `${baseUrl}/Users/${member.userId}`,
    type: 'User',
  };
}

/** The group without its members; `members` are added by the caller when it has them. */
export function toScimGroup(group: Group, baseUrl: string): Resource {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...(group.externalId !== null ? { externalId: group.externalId } : {}),
    displayName: group.displayName,
    meta: {
      resourceType: 'Group',
      created: group.createdAt,
      lastModified: group.updatedAt,
      location: `${baseUrl}/Groups/${group.id}`,
      version: formatVersion(group.version),
    },
  };
}

/** Whether `projection` returns members at all: `excludedAttributes=members` reads none. */
export function wantsMembers(projection: Projection): boolean {
  return returnsAttribute(groupResourceType, projection, 'members');
}

/** The group with `members` (all of them), projected. For bounded member lists only. */
export function renderGroup(
  group: Group,
  members: readonly GroupMember[] | undefined,
  baseUrl: string,
  projection: Projection,
): Resource {
  const resource = toScimGroup(group, baseUrl);
  if (members && members.length > 0) {
    resource.members = members.map((m) => memberElement(m, baseUrl));
  }
  return project(resource, groupResourceType, projection);
}

/**
 * The group's JSON text in chunks: everything but the members first, then the members one page
 * at a time as `pages` yields them. Memory holds one page, whatever the group's size.
 */
export async function* groupChunks(
  group: Group,
  pages: AsyncIterable<readonly GroupMember[]> | undefined,
  baseUrl: string,
  projection: Projection,
): AsyncGenerator<string> {
  const head = JSON.stringify(renderGroup(group, undefined, baseUrl, projection));
  if (pages === undefined) {
    yield head;
    return;
  }
  let opened = false;
  for await (const page of pages) {
    if (page.length === 0) continue;
    // Projected per page, so `attributes=members.value` selects sub-attributes as usual.
    const projected = project(
      { schemas: [], id: '', members: page.map((m) => memberElement(m, baseUrl)) },
      groupResourceType,
      projection,
    ).members as Resource[];
    const elements = projected.map((e) => JSON.stringify(e)).join(',');
    yield opened ? `,${elements}` : `${head.slice(0, -1)},"members":[${elements}`;
    opened = true;
  }
  yield opened ? ']}' : head;
}

/** A POST or PUT body as the group's attributes and the member ids it names. */
export function parseGroupBody(body: unknown): Result<{ draft: GroupDraft; memberIds: string[] }> {
  const normalized = normalizeResource(groupResourceType, body);
  if (!normalized.ok) return normalized;
  const resource = normalized.value;
  const required = checkRequired(groupResourceType, resource);
  if (!required.ok) return required;
  // Read from the body as sent: normalisation drops elements it finds empty, and a member
  // without an id must be reported, not dropped.
  const memberIds = memberIdsOf(memberValue(body as Record<string, unknown>, 'members'));
  if (!memberIds.ok) return memberIds;
  return ok({
    draft: {
      displayName: resource.displayName as string,
      externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    },
    memberIds: memberIds.value,
  });
}

/**
 * Member ids from a `members` value: an array of `{"value": id, ...}` (or one such object).
 * A bare id string is accepted too; anything else is an invalidValue naming the element.
 */
export function memberIdsOf(value: unknown): Result<string[]> {
  if (value === undefined || value === null) return ok([]);
  const elements = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const [index, element] of elements.entries()) {
    const id =
      typeof element === 'string'
        ? element
        : element && typeof element === 'object'
          ? memberValue(element as Record<string, unknown>, 'value')
          : undefined;
    if (typeof id !== 'string' || id === '') {
      return fail(
        invalidValue(`members[${index}] needs a "value": the id of a user to make a member`),
      );
    }
    ids.push(id);
  }
  return ok(ids);
}

/** An attribute of a JSON object, its name matched case-insensitively (RFC 7643 §2.1). */
function memberValue(element: Record<string, unknown>, name: string): unknown {
  for (const [key, v] of Object.entries(element)) if (key.toLowerCase() === name) return v;
  return undefined;
}
