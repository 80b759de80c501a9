/**
 * PATCH on a Group (RFC 7644 §3.5.2) without the group's members in memory. Operations on
 * `members` become membership steps for the directory, which touch only the members they name;
 * every other operation goes through the ordinary PATCH engine on the group's own attributes.
 *
 * Membership dialects (idp-behaviour.md §3.3, §4.3, §7; checklist 61–63):
 * - `add` `members` with one or many `{"value": id}` (Entra, Okta, JumpCloud): adds them.
 * - `remove` `members[value eq "id"]` (Okta, Entra with aadOptscim062020): removes that one;
 *   any other filter (`members[display eq "…"]`) removes the members it matches.
 * - `remove` `members` with a `value` array (Entra default, JumpCloud): removes only those, and
 *   an empty array removes nothing: a group is never emptied by a shape we half-understand.
 * - `remove` `members` with no value: empties the group (RFC 7644 §3.5.2.2).
 * - `replace` `members` with a list: exactly that membership (Okta's full push).
 * - path-less `add`/`replace` whose value holds `members`: as `add`/`replace` on `members`;
 *   Okta's rename echoes the group's own `id` next to `displayName`, which is accepted.
 */
import type { GroupChange, MembershipChange } from '../../directory/groups.ts';
import type { Group } from '../../directory/model.ts';
import { fail, invalidPath, invalidValue, noTarget, ok, type Result } from '../errors.ts';
import type { Filter } from '../filter/ast.ts';
import { matchesElement } from '../filter/evaluate-element.ts';
import { isPlainObject } from '../resources/deep-equal.ts';
import { memberIdsOf, toScimGroup } from '../resources/group-resource.ts';
import { findAttribute } from '../schemas/attribute.ts';
import { groupSchema } from '../schemas/group.ts';
import { resolveAttribute } from '../schemas/resolve-attribute.ts';
import { groupResourceType } from '../schemas/resource-types.ts';
import { applyPatch } from './apply-patch.ts';
import { PATCH_OP_SCHEMA, type PatchOperation, parsePatchBody } from './patch-operation.ts';
import { parsePath } from './path.ts';

const membersAttribute = findAttribute(groupSchema.attributes, 'members');
if (!membersAttribute) throw new Error('the Group schema has no members attribute');

/** Member filters evaluated over every member (not `value eq`), per PATCH. */
const MAX_MEMBER_SCANS = 10;

/** `value eq "a"`, or several joined by `or`: the ids named, else undefined. */
function namedIds(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const left = namedIds(filter.left);
    const right = namedIds(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    !filter.path.uri &&
    !filter.path.subAttribute &&
    filter.path.name.toLowerCase() === 'value' &&
    typeof filter.value === 'string'
  ) {
    return [filter.value];
  }
  return undefined;
}

/** A removal by filter: by ids when the filter only names ids, else by evaluating it. */
function removeByFilter(filter: Filter): Result<MembershipChange> {
  const ids = namedIds(filter);
  if (ids) return ok({ kind: 'remove', userIds: ids });
  const attribute = membersAttribute as NonNullable<typeof membersAttribute>;
  // Evaluated once on a sample, so an invalid filter fails before anything is written.
  const probe = matchesElement(filter, { value: '', display: '', type: 'User' }, attribute);
  if (!probe.ok) return probe;
  return ok({
    kind: 'removeMatching',
    matches: (member) => {
      const matched = matchesElement(
        filter,
        { value: member.userId, display: member.display, type: 'User' },
        attribute,
      );
      return matched.ok && matched.value;
    },
  });
}

/** One operation on `members` (path `members` or `members[filter]`, or a path-less key). */
function memberSteps(
  operation: PatchOperation,
  filter: Filter | undefined,
  label: string,
): Result<MembershipChange[]> {
  const { op, value, hasValue } = operation;
  if (op === 'remove') {
    if (filter) {
      const removal = removeByFilter(filter);
      return removal.ok ? ok([removal.value]) : removal;
    }
    if (!hasValue || value === null) return ok([{ kind: 'removeAll' }]);
    // Entra and JumpCloud: `remove` with the members to remove as the value.
    const ids = memberIdsOf(value);
    return ids.ok ? ok([{ kind: 'remove', userIds: ids.value }]) : ids;
  }
  const ids = memberIdsOf(value);
  if (!ids.ok) return ids;
  if (filter) {
    if (op === 'add') {
      return fail(invalidPath(`'${label}': add members with the path 'members', without a filter`));
    }
    // replace members[filter]: the matching members give way to the ones in the value.
    const removal = removeByFilter(filter);
    if (!removal.ok) return removal;
    return ok([removal.value, { kind: 'add', userIds: ids.value }]);
  }
  return ok([
    op === 'add' ? { kind: 'add', userIds: ids.value } : { kind: 'replace', userIds: ids.value },
  ]);
}

/** Whether `path` addresses `members`, and how. */
function membersPath(
  path: string,
):
  | { readonly members: false }
  | { readonly members: true; readonly filter: Filter | undefined; readonly sub: boolean } {
  const parsed = parsePath(path);
  if (!parsed.ok) return { members: false };
  const resolved = resolveAttribute(groupResourceType, parsed.value.attribute);
  if (!resolved.ok || resolved.value.attribute.name !== 'members') return { members: false };
  return {
    members: true,
    filter: parsed.value.filter,
    sub: resolved.value.subAttribute !== undefined,
  };
}

/**
 * What a PATCH body does to `current`: its new attributes (through the PATCH engine, all or
 * nothing) and its membership steps in order. Fails before anything is written.
 */
export function planGroupPatch(
  current: Group,
  body: unknown,
  baseUrl: string,
): Result<GroupChange> {
  const operations = parsePatchBody(body);
  if (!operations.ok) return operations;

  const others: Record<string, unknown>[] = [];
  const membership: MembershipChange[] = [];
  for (const operation of operations.value) {
    const { op, path, value, hasValue } = operation;
    const label = path ?? '(no path)';
    if (path === undefined) {
      if (op === 'remove') return fail(noTarget("a 'remove' operation needs a 'path'"));
      if (!hasValue) return fail(invalidValue(`operation '${op}' needs a 'value'`));
      if (isPlainObject(value)) {
        const rest: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(value)) {
          if (membersPath(key).members) {
            const steps = memberSteps({ op, value: inner, hasValue: true }, undefined, key);
            if (!steps.ok) return steps;
            membership.push(...steps.value);
          } else rest[key] = inner;
        }
        others.push({ op, value: rest });
        continue;
      }
      others.push({ op, value });
      continue;
    }
    const target = membersPath(path);
    if (!target.members) {
      others.push({ op, path, ...(hasValue ? { value } : {}) });
      continue;
    }
    if (target.sub) {
      return fail(
        invalidPath(
          `'${path}': a member's sub-attributes cannot be changed; add or remove the member instead`,
        ),
      );
    }
    if (op !== 'remove' && !hasValue) {
      return fail(invalidValue(`operation '${op}' on '${path}' needs a 'value'`));
    }
    const steps = memberSteps(operation, target.filter, label);
    if (!steps.ok) return steps;
    membership.push(...steps.value);
  }

  const resource = toScimGroup(current, baseUrl);
  let patched = resource;
  if (others.length > 0) {
    const applied = applyPatch(groupResourceType, resource, {
      schemas: [PATCH_OP_SCHEMA],
      Operations: others,
    });
    if (!applied.ok) return applied;
    patched = applied.value.resource;
  }
  if (typeof patched.displayName !== 'string') {
    return fail(invalidValue("attribute 'displayName' is required"));
  }
  // Each filter other than `value eq` reads every member of the group once.
  const scans = membership.filter((step) => step.kind === 'removeMatching').length;
  if (scans > MAX_MEMBER_SCANS) {
    return fail(
      invalidValue(
        `a PATCH may hold at most ${MAX_MEMBER_SCANS} member filters other than 'value eq' (each reads every member), got ${scans}; name the members by value instead`,
      ),
    );
  }
  return ok({
    draft: {
      displayName: patched.displayName,
      externalId: typeof patched.externalId === 'string' ? patched.externalId : null,
    },
    membership,
  });
}
