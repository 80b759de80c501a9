/**
 * Valid SCIM request bodies with varied content: the users and groups the fuzz seeds, and the
 * starting point the malformed-request fuzz breaks. A user has a profile as IdPs send it: name
 * parts, title, several e-mails and phone numbers, addresses, the enterprise extension.
 */
import { type FilterValues, type FuzzResource, generatePatchPath } from './filter-grammar.ts';
import type { Random } from './random.ts';
import {
  COST_CENTERS,
  DEPARTMENTS,
  DIVISIONS,
  EMAIL_TYPES,
  FAMILY_NAMES,
  GIVEN_NAMES,
  LANGUAGES,
  LOCALES,
  ORGANIZATIONS,
  PHONE_TYPES,
  TIMEZONES,
  TITLES,
  USER_TYPES,
} from './vocabulary.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export type Json = Record<string, unknown>;

export interface UserOptions {
  /** A manager's id (or a `bulkId:` reference to one). */
  readonly manager?: string | undefined;
  readonly active?: boolean;
  readonly externalId?: string;
}

function phone(r: Random): string {
  return `+1 ${r.int(200, 999)}-555-${String(r.int(0, 9999)).padStart(4, '0')}`;
}

/** A User resource with a varied profile; its e-mails are all in `domain`. */
export function userBody(
  r: Random,
  userName: string,
  domain: string,
  options: UserOptions = {},
): Json {
  const given = r.pick(GIVEN_NAMES);
  const family = r.pick(FAMILY_NAMES);
  const local = userName.split('@')[0] as string;
  const emails: Json[] = [{ value: userName, type: 'work', primary: true }];
  for (let i = 0; i < r.int(0, 2); i++) {
    emails.push({ value: `${local}.${i}@${domain}`, type: r.pick(EMAIL_TYPES), primary: false });
  }
  const user: Json = {
    schemas: [USER_SCHEMA],
    userName,
    name: {
      givenName: given,
      familyName: family,
      ...(r.chance(0.3) ? { middleName: r.pick(GIVEN_NAMES) } : {}),
      ...(r.chance(0.1) ? { honorificPrefix: r.pick(['Dr.', 'Ms.', 'Mr.']) } : {}),
      formatted: `${given} ${family}`,
    },
    displayName: `${given} ${family}`,
    emails,
    active: options.active ?? true,
  };
  if (options.externalId !== undefined) user.externalId = options.externalId;
  if (r.chance(0.8)) user.title = r.pick(TITLES);
  if (r.chance(0.3)) user.nickName = given.toLowerCase();
  if (r.chance(0.6)) user.userType = r.pick(USER_TYPES);
  if (r.chance(0.5)) user.locale = r.pick(LOCALES);
  if (r.chance(0.4)) user.preferredLanguage = r.pick(LANGUAGES);
  if (r.chance(0.4)) user.timezone = r.pick(TIMEZONES);
  if (r.chance(0.2)) user.profileUrl = `https://profiles.${domain}/${local}`;
  const phones = r.int(0, 3);
  if (phones > 0) {
    user.phoneNumbers = Array.from({ length: phones }, (_, i) => ({
      value: phone(r),
      type: r.pick(PHONE_TYPES),
      ...(i === 0 ? { primary: true } : {}),
    }));
  }
  if (r.chance(0.4)) {
    user.addresses = [
      {
        type: 'work',
        streetAddress: `${r.int(1, 999)} Main St`,
        locality: r.pick(['Paris', 'Tokyo', 'Springfield', 'São Paulo']),
        postalCode: String(r.int(10000, 99999)),
        country: r.pick(['US', 'FR', 'JP', 'BR']),
        primary: true,
      },
    ];
  }
  if (r.chance(0.1)) user.ims = [{ value: `${local}@chat.${domain}`, type: 'xmpp' }];
  if (r.chance(0.1))
    user.photos = [{ value: `https://photos.${domain}/${local}.jpg`, type: 'photo' }];
  if (r.chance(0.7)) {
    const enterprise: Json = {
      employeeNumber: String(r.int(1000, 99999)),
      department: r.pick(DEPARTMENTS),
    };
    if (r.chance(0.5)) enterprise.costCenter = r.pick(COST_CENTERS);
    if (r.chance(0.5)) enterprise.organization = r.pick(ORGANIZATIONS);
    if (r.chance(0.3)) enterprise.division = r.pick(DIVISIONS);
    if (options.manager !== undefined) enterprise.manager = { value: options.manager };
    user[ENTERPRISE_SCHEMA] = enterprise;
    (user.schemas as string[]).push(ENTERPRISE_SCHEMA);
  }
  return user;
}

export function groupBody(
  displayName: string,
  memberIds: readonly string[],
  externalId?: string,
): Json {
  return {
    schemas: [GROUP_SCHEMA],
    displayName,
    ...(externalId !== undefined ? { externalId } : {}),
    members: memberIds.map((value) => ({ value })),
  };
}

/** A value that fits `path` more or less: the server decides what it makes of it. */
function patchValue(
  r: Random,
  path: string | undefined,
  domain: string,
  ids: readonly string[],
): unknown {
  const lower = (path ?? '').toLowerCase();
  if (path === undefined) {
    return r.pick([
      { active: r.chance(0.5) },
      { active: r.pick(['True', 'False']) },
      { displayName: 'Patched Name', 'name.familyName': 'Patched' },
      { [`${ENTERPRISE_SCHEMA}:department`]: r.pick(DEPARTMENTS) },
      { title: r.pick(TITLES), nickName: null },
      { emails: [{ value: `patched${r.int(0, 1e6)}@${domain}`, type: 'work', primary: true }] },
      { members: ids.slice(0, r.int(0, 3)).map((value) => ({ value })) },
      { displayName: `Patched group ${r.int(0, 1e6)}` },
    ]);
  }
  if (lower.includes('active') || lower.includes('primary'))
    return r.pick([true, false, 'True', 'False']);
  if (lower.startsWith('members')) return ids.slice(0, r.int(0, 4)).map((value) => ({ value }));
  if (lower.endsWith('emails')) return [{ value: `p${r.int(0, 1e6)}@${domain}`, type: 'work' }];
  if (lower.endsWith('manager'))
    return r.pick(ids.length > 0 ? [ids[0], { value: ids[0] }, ''] : ['']);
  if (lower.endsWith('name'))
    return { givenName: r.pick(GIVEN_NAMES), familyName: r.pick(FAMILY_NAMES) };
  if (lower.includes('phonenumbers'))
    return r.chance(0.5) ? phone(r) : [{ value: phone(r), type: 'mobile' }];
  if (lower.includes('email') || lower.includes('username')) return `p${r.int(0, 1e6)}@${domain}`;
  return r.pick([r.pick(TITLES), r.pick(DEPARTMENTS), '', null, 'Patched']);
}

/** A PatchOp body of 1–4 operations, with grammatical paths and plausible values. */
export function patchBody(
  r: Random,
  resource: FuzzResource,
  values: FilterValues,
  domain: string,
  memberIds: readonly string[],
): Json {
  const operations = Array.from({ length: r.geometric(1, 4, 1) }, () => {
    const op = r.pick(['add', 'replace', 'remove', 'Add', 'Replace', 'Remove', 'REPLACE']);
    const path = r.chance(0.25) ? undefined : generatePatchPath(r, resource, values);
    const operation: Json = { op };
    if (path !== undefined) operation.path = path;
    if (op.toLowerCase() !== 'remove' || r.chance(0.3)) {
      operation.value = patchValue(r, path, domain, memberIds);
    }
    return operation;
  });
  return { schemas: [PATCH_SCHEMA], Operations: operations };
}
