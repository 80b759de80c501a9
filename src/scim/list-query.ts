/**
 * Query parameters of a list or `/.search` request (RFC 7644 §3.4.2, RFC 9865) parsed into
 * what a listing needs. Liberal where the RFCs allow it (startIndex < 1 means 1, negative
 * counts mean 0, counts above the cap are capped) and precise where they do not.
 */
import type { Condition, Field, Sort } from '../directory/query.ts';
import type { UserColumn } from '../directory/user-query.ts';
import { fail, invalidCount, invalidFilter, invalidValue, ok, type Result } from './errors.ts';
import { parseFilter } from './filter/parser.ts';
import { type ConditionSpec, toCondition } from './filter/to-condition.ts';
import { userConditionSpec } from './filter/to-user-condition.ts';
import { type Projection, parseAttributeList } from './resources/projection.ts';
import { resolveAttribute } from './schemas/resolve-attribute.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 200;
const MAX_START_INDEX = 2_147_483_647;

/** Raw parameters, from the query string or a `/.search` body, before validation. */
export interface RawListParameters {
  readonly filter?: unknown;
  readonly startIndex?: unknown;
  readonly count?: unknown;
  readonly cursor?: unknown;
  readonly sortBy?: unknown;
  readonly sortOrder?: unknown;
  readonly attributes?: unknown;
  readonly excludedAttributes?: unknown;
}

/** What listing one resource type needs: its filter translation and its sortable columns. */
export interface ListSpec<Column extends string> {
  readonly condition: ConditionSpec<Column>;
  readonly sortColumns: Readonly<Record<string, Field<Column>>>;
}

export interface ListParameters<Column extends string = UserColumn> {
  readonly condition: Condition<Column>;
  /** The filter text, for the cursor fingerprint. */
  readonly filterText: string;
  readonly sort: Sort<Column> | undefined;
  readonly page:
    | { readonly kind: 'index'; readonly startIndex: number; readonly count: number }
    | { readonly kind: 'cursor'; readonly cursor: string; readonly count: number };
  readonly projection: Projection;
}

function integer(name: string, value: unknown): Result<number | undefined> {
  if (value === undefined || value === '') return ok(undefined);
  // Only JSON numbers and strings: Number() of an object calls the object's own toString or
  // valueOf, which a JSON body can set to a non-function (a TypeError, not a 400).
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(number)) {
    return fail(invalidValue(`${name} must be an integer, got ${JSON.stringify(value)}`));
  }
  return ok(number);
}

function list(name: string, value: unknown): Result<string[]> {
  if (value === undefined) return ok([]);
  if (typeof value === 'string') return ok(parseAttributeList(value));
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return ok(value.flatMap((v: string) => parseAttributeList(v)));
  }
  return fail(invalidValue(`${name} must be a comma-separated string or an array of strings`));
}

const USER_SORT_COLUMNS: Readonly<Record<string, Field<UserColumn>>> = {
  id: { kind: 'column', column: 'id' },
  externalId: { kind: 'column', column: 'externalId' },
  userName: { kind: 'column', column: 'userName' },
  displayName: { kind: 'column', column: 'displayName' },
  'name.givenName': { kind: 'column', column: 'givenName' },
  'name.familyName': { kind: 'column', column: 'familyName' },
  active: { kind: 'column', column: 'active' },
  'meta.created': { kind: 'column', column: 'createdAt' },
  'meta.lastModified': { kind: 'column', column: 'updatedAt' },
  // RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value.
  emails: { kind: 'column', column: 'email' },
  'emails.value': { kind: 'column', column: 'email' },
};

export const userListSpec: ListSpec<UserColumn> = {
  condition: userConditionSpec,
  sortColumns: USER_SORT_COLUMNS,
};

function sort<Column extends string>(
  spec: ListSpec<Column>,
  sortBy: unknown,
  sortOrder: unknown,
): Result<Sort<Column> | undefined> {
  if (sortOrder !== undefined && sortOrder !== '') {
    if (typeof sortOrder !== 'string' || !/^(ascending|descending)$/i.test(sortOrder)) {
      return fail(
        invalidValue(
          `sortOrder must be "ascending" or "descending", got ${JSON.stringify(sortOrder)}`,
        ),
      );
    }
  }
  if (sortBy === undefined || sortBy === '') return ok(undefined);
  if (typeof sortBy !== 'string') return fail(invalidValue('sortBy must be an attribute name'));
  const colon = sortBy.lastIndexOf(':');
  const rest = colon >= 0 ? sortBy.slice(colon + 1) : sortBy;
  const [name = '', subAttribute] = rest.split('.', 2);
  const resolved = resolveAttribute(spec.condition.resourceType, {
    uri: colon >= 0 ? sortBy.slice(0, colon) : undefined,
    name,
    subAttribute,
  });
  if (!resolved.ok) return fail(invalidValue(`cannot sort by '${sortBy}': ${resolved.error}`));
  const { attribute, subAttribute: sub, isExtension, schema } = resolved.value;
  const definition = sub ?? attribute;
  const key = sub ? `${attribute.name}.${sub.name}` : attribute.name;
  const field =
    (!isExtension ? spec.sortColumns[key] : undefined) ??
    (spec.condition.resourceType.id === 'User' &&
    !attribute.multiValued &&
    definition.type !== 'complex' &&
    attribute.name !== 'meta'
      ? ({
          kind: 'profile',
          path: [
            ...(isExtension && schema ? [schema.id] : []),
            attribute.name,
            ...(sub ? [sub.name] : []),
          ],
        } as const)
      : undefined);
  if (!field) return fail(invalidValue(`cannot sort by '${sortBy}'`));
  const descending = typeof sortOrder === 'string' && sortOrder.toLowerCase() === 'descending';
  return ok({ field, descending, caseExact: definition.caseExact });
}

export function parseListParameters<Column extends string = UserColumn>(
  raw: RawListParameters,
  spec: ListSpec<Column> = userListSpec as unknown as ListSpec<Column>,
): Result<ListParameters<Column>> {
  let condition: Condition<Column> = { kind: 'all' };
  let filterText = '';
  if (raw.filter !== undefined) {
    if (typeof raw.filter !== 'string') return fail(invalidFilter('filter must be a string'));
    filterText = raw.filter;
    const parsed = parseFilter(raw.filter);
    if (!parsed.ok) {
      // README: strings with NUL or unpaired surrogates, raw or escaped, are invalidValue.
      const refuse = parsed.error.unstorable ? invalidValue : invalidFilter;
      return fail(refuse(`invalid filter: ${parsed.error.message}`));
    }
    const translated = toCondition(parsed.value, spec.condition);
    if (!translated.ok) return translated;
    condition = translated.value;
  }
  const startIndex = integer('startIndex', raw.startIndex);
  if (!startIndex.ok) return startIndex;
  const count = integer('count', raw.count);
  if (!count.ok) return count;
  const sorted = sort(spec, raw.sortBy, raw.sortOrder);
  if (!sorted.ok) return sorted;
  const attributes = list('attributes', raw.attributes);
  if (!attributes.ok) return attributes;
  const excludedAttributes = list('excludedAttributes', raw.excludedAttributes);
  if (!excludedAttributes.ok) return excludedAttributes;

  let page: ListParameters<Column>['page'];
  if (raw.cursor !== undefined) {
    if (typeof raw.cursor !== 'string') return fail(invalidValue('cursor must be a string'));
    const size = count.value ?? DEFAULT_PAGE_SIZE;
    // RFC 9865 §2.1: in cursor mode count must be within 1..maxPageSize.
    if (size < 1 || size > MAX_PAGE_SIZE) {
      return fail(
        invalidCount(
          `count must be between 1 and ${MAX_PAGE_SIZE} when paging with a cursor, got ${size}`,
        ),
      );
    }
    page = { kind: 'cursor', cursor: raw.cursor, count: size };
  } else {
    page = {
      kind: 'index',
      // RFC 7644 §3.4.2.4: startIndex < 1 is interpreted as 1; negative count as 0.
      // Beyond 2^31 no page can hold anything; clamping keeps the offset a database integer.
      startIndex: Math.min(MAX_START_INDEX, Math.max(1, startIndex.value ?? 1)),
      count: Math.min(MAX_PAGE_SIZE, Math.max(0, count.value ?? DEFAULT_PAGE_SIZE)),
    };
  }
  return ok({
    condition,
    filterText,
    sort: sorted.value,
    page,
    projection: { attributes: attributes.value, excludedAttributes: excludedAttributes.value },
  });
}
