/**
 * A generator of valid SCIM filters (RFC 7644 §3.4.2.2, Figure 1) over the attributes the server
 * really has: the User, EnterpriseUser and Group schema definitions in src/scim/schemas. Every
 * filter it produces is meant to be accepted (200): grammatical, typed as each attribute
 * requires, and within Roster's documented limits (10 value paths, 100 comparisons, 10,000
 * characters, 64 levels of nesting). It covers
 *   attrExp with every operator, `pr`, value paths with and/or/not inside, `not (...)`, and/or
 *   nesting with and without parentheses, sub-attributes, URN-qualified names, string, number,
 *   boolean, null and date literals with JSON escapes, case variants of operators, keywords,
 *   literals and attribute names, and Entra's `emails[type eq "work"].value eq "x"`.
 * Whether a generated filter is accepted is itself checked (by the fuzz run against the server,
 * and in-process against the parser and translator by test/fuzz/fuzz.test.ts).
 */
import type { AttributeDefinition, AttributeType } from '../../src/scim/schemas/attribute.ts';
import {
  commonAttributes,
  groupResourceType,
  type ResourceTypeDefinition,
  userResourceType,
} from '../../src/scim/schemas/resource-types.ts';
import type { Random } from './random.ts';
import { DATES } from './vocabulary.ts';

export type FuzzResource = 'User' | 'Group';

/** Roster's limits (README "Filters"), which valid filters stay within. */
export const FILTER_LIMITS = {
  valuePaths: 10,
  comparisons: 100,
  characters: 10_000,
  nesting: 64,
} as const;

/** Real values of the calling account, so that filters match something. */
export interface FilterValues {
  /** userNames, names, titles, departments, group names, email addresses... */
  readonly strings: readonly string[];
  /** Resource ids: the account's own and the other account's (which must never match). */
  readonly ids: readonly string[];
}

/** One attribute a comparison can name. */
interface Target {
  /** Canonical path, e.g. `name.givenName`, `emails.type`, `department`. */
  readonly path: string;
  /** Schema URN the path may be qualified with (`urn:...:User:name.givenName`). */
  readonly urn: string | undefined;
  /** Whether writing it without its URN is also right (core attributes; unique extension names). */
  readonly bare: boolean;
  readonly type: AttributeType;
  /** Names a multi-valued attribute: the comparison becomes one of the 10 value paths. */
  readonly multi: boolean;
  /** Complex without a sub-attribute: only `pr` is valid. */
  readonly presenceOnly: boolean;
}

/** A multi-valued complex attribute that takes `attr[...]` and its sub-attributes inside. */
interface ValuePathTarget {
  readonly name: string;
  readonly urn: string | undefined;
  readonly elements: readonly { readonly name: string; readonly type: AttributeType }[];
}

interface ResourceGrammar {
  readonly targets: readonly Target[];
  readonly valuePaths: readonly ValuePathTarget[];
}

/** Sub-attributes the server does not filter on (README: `$ref` is not filterable). */
const unfilterable = (a: AttributeDefinition) => a.name === '$ref' || a.returned === 'never';
/** `meta` answers only created, lastModified and resourceType (the rest: 400 not supported). */
const META_FILTERABLE = new Set(['created', 'lastModified', 'resourceType']);

function grammarOf(resourceType: ResourceTypeDefinition): ResourceGrammar {
  const targets: Target[] = [];
  const valuePaths: ValuePathTarget[] = [];
  const add = (
    attribute: AttributeDefinition,
    urn: string | undefined,
    bare: boolean,
    common: boolean,
  ) => {
    if (unfilterable(attribute)) return;
    const subs = (attribute.subAttributes ?? []).filter((s) => !unfilterable(s));
    if (attribute.type !== 'complex') {
      targets.push({
        path: attribute.name,
        urn,
        bare,
        type: attribute.type,
        multi: attribute.multiValued,
        presenceOnly: false,
      });
      return;
    }
    if (attribute.multiValued) {
      const value = subs.find((s) => s.name === 'value');
      // `emails eq "x"` compares the value sub-attribute (§3.4.2.2); `addresses` has none.
      targets.push({
        path: attribute.name,
        urn,
        bare,
        type: value?.type ?? 'complex',
        multi: true,
        presenceOnly: value === undefined,
      });
      valuePaths.push({
        name: attribute.name,
        urn,
        elements: subs.map((s) => ({ name: s.name, type: s.type })),
      });
    } else if (attribute.name !== 'meta') {
      targets.push({
        path: attribute.name,
        urn,
        bare,
        type: 'complex',
        multi: false,
        presenceOnly: true,
      });
    }
    for (const sub of subs) {
      if (attribute.name === 'meta' && !META_FILTERABLE.has(sub.name)) continue;
      targets.push({
        path: `${attribute.name}.${sub.name}`,
        urn: common ? undefined : urn,
        bare,
        type: sub.type,
        multi: attribute.multiValued,
        presenceOnly: false,
      });
    }
  };
  for (const attribute of commonAttributes) add(attribute, resourceType.schema.id, true, true);
  for (const attribute of resourceType.schema.attributes) {
    add(attribute, resourceType.schema.id, true, false);
  }
  for (const { schema } of resourceType.extensions) {
    for (const attribute of schema.attributes) {
      const clashes = resourceType.schema.attributes.some(
        (a) => a.name.toLowerCase() === attribute.name.toLowerCase(),
      );
      add(attribute, schema.id, !clashes, false);
    }
  }
  return { targets, valuePaths };
}

const GRAMMARS: Readonly<Record<FuzzResource, ResourceGrammar>> = {
  User: grammarOf(userResourceType),
  Group: grammarOf(groupResourceType),
};

export function filterTargets(resource: FuzzResource): readonly Target[] {
  return GRAMMARS[resource].targets;
}

const STRING_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
const SUBSTRING = new Set(['co', 'sw', 'ew']);

/** Special strings: LIKE wildcards, quotes, escapes, non-ASCII, keywords inside values. */
const ODD_STRINGS = [
  '',
  ' ',
  '%',
  '_',
  '%_%',
  '\\',
  '"',
  "'",
  "'; drop table users; --",
  '*',
  '@',
  '.',
  '/',
  '[',
  ']',
  '(',
  ')',
  ' and ',
  ' or ',
  'not (',
  'pr',
  'null',
  'true',
  '0',
  'Zoë',
  'Łódź',
  '日本語',
  '😀',
  'e\u0301',
  'tab\there',
  'line\nbreak',
  '\u007f',
  '\u00a0',
  '\u200b',
  '\ufeff',
  '\uffff',
] as const;

const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '42',
  '3.14',
  '-2.5e3',
  '1e21',
  '1E-7',
  '9007199254740993',
  '1e308',
  '-1e308',
  '0.000001',
] as const;

/** A JSON string literal for `value`, with a random but valid choice of escapes (RFC 8259 §7). */
export function stringLiteral(r: Random, value: string): string {
  const style = r.next();
  if (style < 0.6) return JSON.stringify(value);
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20 || (code > 0x7e && r.chance(0.7)) || r.chance(0.1)) {
      // \uXXXX escapes, astral characters as their surrogate pair.
      for (let i = 0; i < ch.length; i++) {
        const unit = ch.charCodeAt(i).toString(16).padStart(4, '0');
        out += `\\u${r.chance(0.5) ? unit : unit.toUpperCase()}`;
      }
    } else if (ch === '/' && r.chance(0.5)) out += '\\/';
    else out += ch;
  }
  return `${out}"`;
}

/** A string from the account's values, or part of one (for co/sw/ew), or an odd one. */
function stringValue(r: Random, values: FilterValues, op: string): string {
  const roll = r.next();
  if (roll < 0.12) return r.pick(ODD_STRINGS);
  if (roll < 0.2 && values.ids.length > 0) return r.pick(values.ids);
  if (roll < 0.23) return 'x'.repeat(r.int(50, 300));
  const base = values.strings.length > 0 ? r.pick(values.strings) : 'ada';
  const cased = r.chance(0.2) ? r.recase(base, 0.3) : base;
  if (!SUBSTRING.has(op) || cased.length < 2) return cased;
  const chars = [...cased];
  const cut = r.int(1, chars.length - 1);
  if (op === 'sw') return chars.slice(0, cut).join('');
  if (op === 'ew') return chars.slice(cut).join('');
  return chars.slice(r.int(0, cut - 1), r.int(cut, chars.length)).join('');
}

function keyword(r: Random, word: string): string {
  return r.chance(0.75) ? word : r.chance(0.5) ? word.toUpperCase() : r.recase(word);
}

/** The compValue and operator of a comparison on `type`, or `pr`. */
function comparison(
  r: Random,
  type: AttributeType,
  values: FilterValues,
  sp: () => string,
): string {
  if (r.chance(0.1)) return keyword(r, 'pr');
  if (r.chance(0.04)) return `${keyword(r, r.pick(['eq', 'ne']))}${sp()}${keyword(r, 'null')}`;
  switch (type) {
    case 'boolean': {
      const value = r.chance(0.8)
        ? keyword(r, r.pick(['true', 'false']))
        : stringLiteral(r, r.recase(r.pick(['true', 'false'])));
      return `${keyword(r, r.pick(['eq', 'ne']))}${sp()}${value}`;
    }
    case 'dateTime': {
      const op = r.pick(STRING_OPERATORS);
      // Substring operators still need a value Date.parse accepts; the text is compared as is.
      const date = SUBSTRING.has(op) ? r.pick(['2025', '2025-01', '2025-01-01']) : r.pick(DATES);
      return `${keyword(r, op)}${sp()}${stringLiteral(r, date)}`;
    }
    default: {
      const op = r.pick(STRING_OPERATORS);
      const literal = r.chance(0.06)
        ? r.pick(NUMBERS)
        : stringLiteral(r, stringValue(r, values, op));
      return `${keyword(r, op)}${sp()}${literal}`;
    }
  }
}

/** The path as a client may write it: any case, with or without its schema URN. */
function written(r: Random, target: { path: string; urn: string | undefined; bare: boolean }) {
  const qualify = target.urn !== undefined && (!target.bare || r.chance(0.15));
  const name = r.chance(0.15) ? r.recase(target.path, 0.4) : target.path;
  if (!qualify) return name;
  const urn = r.chance(0.1) ? r.recase(target.urn as string, 0.2) : (target.urn as string);
  return `${urn}:${name}`;
}

interface Budget {
  /** Value paths (multi-valued references) still allowed. */
  valuePaths: number;
  /** Levels of '(', '[' and 'not' still allowed. */
  nesting: number;
}

export interface GeneratedFilter {
  readonly text: string;
  readonly comparisons: number;
  readonly valuePaths: number;
}

class FilterBuilder {
  constructor(
    private readonly r: Random,
    private readonly grammar: ResourceGrammar,
    private readonly values: FilterValues,
    private readonly budget: Budget,
  ) {}

  /** Whitespace between tokens: SP as the RFC says, sometimes more, tabs or line breaks. */
  sp = (): string => {
    const roll = this.r.next();
    if (roll < 0.9) return ' ';
    return this.r.pick(['  ', '\t', ' \n', '   ']);
  };

  private open(): boolean {
    if (this.budget.nesting <= 1) return false;
    this.budget.nesting -= 1;
    return true;
  }

  private close(): void {
    this.budget.nesting += 1;
  }

  /** A filter with exactly `n` comparisons. */
  filter(n: number): string {
    const r = this.r;
    if (this.budget.valuePaths > 0 && r.chance(0.12) && this.budget.nesting > 2) {
      return this.valuePath(Math.min(n, r.int(1, 6)), n);
    }
    if (r.chance(0.08) && this.open()) {
      const inner = this.filter(n);
      this.close();
      const gap = r.chance(0.7) ? ' ' : '';
      return `${keyword(r, 'not')}${gap}(${inner})`;
    }
    if (r.chance(0.08) && this.open()) {
      const inner = this.filter(n);
      this.close();
      return `(${inner})`;
    }
    if (n === 1) return this.leaf();
    const left = r.int(1, n - 1);
    return `${this.filter(left)}${this.sp()}${keyword(r, r.pick(['and', 'or']))}${this.sp()}${this.filter(n - left)}`;
  }

  /**
   * `attr[filter]` holding `inner` comparisons, then the rest of `n` joined to it; or Entra's
   * `attr[filter].sub op value`.
   */
  private valuePath(inner: number, n: number): string {
    const r = this.r;
    const target = r.pick(this.grammar.valuePaths);
    if (!this.open()) return this.filter(n);
    this.budget.valuePaths -= 1;
    const entra = inner >= 2 && r.chance(0.25);
    const body = this.elementFilter(target, entra ? inner - 1 : inner);
    this.close();
    let text = `${written(r, { path: target.name, urn: target.urn, bare: true })}[${body}]`;
    if (entra) {
      const element = r.pick(target.elements);
      const name = r.chance(0.2) ? r.recase(element.name) : element.name;
      text += `.${name}${this.sp()}${comparison(r, element.type, this.values, this.sp)}`;
    }
    if (inner === n) return text;
    return `${text}${this.sp()}${keyword(r, r.pick(['and', 'or']))}${this.sp()}${this.filter(n - inner)}`;
  }

  /** The filter inside brackets: sub-attributes of one element, no nested value paths. */
  private elementFilter(target: ValuePathTarget, n: number): string {
    const r = this.r;
    if (r.chance(0.1) && this.open()) {
      const inner = this.elementFilter(target, n);
      this.close();
      return `${keyword(r, 'not')}${r.chance(0.5) ? ' ' : ''}(${inner})`;
    }
    if (r.chance(0.08) && this.open()) {
      const inner = this.elementFilter(target, n);
      this.close();
      return `(${inner})`;
    }
    if (n === 1) {
      const element = r.pick(target.elements);
      const name = r.chance(0.2) ? r.recase(element.name) : element.name;
      return `${name}${this.sp()}${comparison(r, element.type, this.values, this.sp)}`;
    }
    const left = r.int(1, n - 1);
    return `${this.elementFilter(target, left)}${this.sp()}${keyword(r, r.pick(['and', 'or']))}${this.sp()}${this.elementFilter(target, n - left)}`;
  }

  /** A PATCH path (RFC 7644 §3.5.2): `attr[filter]`, optionally followed by `.subAttribute`. */
  patchValuePath(comparisons: number): string {
    const r = this.r;
    const target = r.pick(this.grammar.valuePaths);
    const body = this.elementFilter(target, comparisons);
    const path = `${written(r, { path: target.name, urn: target.urn, bare: true })}[${body}]`;
    if (r.chance(0.5)) return path;
    const element = r.pick(target.elements);
    return `${path}.${r.chance(0.2) ? r.recase(element.name) : element.name}`;
  }

  /** One attrExp; a multi-valued target only while value paths remain. */
  private leaf(): string {
    const r = this.r;
    let target = r.pick(this.grammar.targets);
    while (target.multi && this.budget.valuePaths <= 0) target = r.pick(this.grammar.targets);
    if (target.multi) this.budget.valuePaths -= 1;
    const path = written(r, target);
    if (target.presenceOnly) return `${path}${this.sp()}${keyword(r, 'pr')}`;
    return `${path}${this.sp()}${comparison(r, target.type, this.values, this.sp)}`;
  }
}

/**
 * A valid filter on `resource`: usually a handful of comparisons, sometimes up to the limit of
 * 100, with at most 10 value paths, shorter than 10,000 characters.
 */
export function generateFilter(
  r: Random,
  resource: FuzzResource,
  values: FilterValues,
): GeneratedFilter {
  for (;;) {
    const comparisons = r.chance(0.03)
      ? r.int(50, FILTER_LIMITS.comparisons)
      : r.geometric(2.5, 30, 1);
    const budget: Budget = {
      valuePaths: r.chance(0.1) ? FILTER_LIMITS.valuePaths : r.int(0, 3),
      nesting: FILTER_LIMITS.nesting - 4,
    };
    const start = budget.valuePaths;
    const text = new FilterBuilder(r, GRAMMARS[resource], values, budget).filter(comparisons);
    // Long literals can push a large filter past the limit: draw again, it is rare.
    if (text.length <= FILTER_LIMITS.characters - 100) {
      return { text, comparisons, valuePaths: start - budget.valuePaths };
    }
  }
}

/**
 * A valid PATCH path (RFC 7644 §3.5.2: attrPath / valuePath [subAttr]) on `resource`: whether
 * the server lets it be written (id, meta and groups are read-only) is not this grammar's concern.
 */
export function generatePatchPath(r: Random, resource: FuzzResource, values: FilterValues): string {
  const grammar = GRAMMARS[resource];
  if (r.chance(0.5)) return written(r, r.pick(grammar.targets));
  const budget: Budget = { valuePaths: 1, nesting: 16 };
  return new FilterBuilder(r, grammar, values, budget).patchValuePath(r.geometric(1, 4, 1));
}

/** Every attribute path a client may name in attributes/excludedAttributes, as written. */
function attributeNames(resourceType: ResourceTypeDefinition): string[] {
  const names: string[] = [];
  const walk = (attributes: readonly AttributeDefinition[], urn: string | undefined) => {
    for (const a of attributes) {
      names.push(urn ? `${urn}:${a.name}` : a.name);
      for (const s of a.subAttributes ?? [])
        names.push(`${urn ? `${urn}:` : ''}${a.name}.${s.name}`);
    }
  };
  walk(commonAttributes, undefined);
  walk(resourceType.schema.attributes, undefined);
  walk(resourceType.schema.attributes, resourceType.schema.id);
  for (const { schema } of resourceType.extensions) {
    names.push(schema.id);
    walk(schema.attributes, undefined);
    walk(schema.attributes, schema.id);
  }
  return names;
}

const ATTRIBUTE_NAMES: Readonly<Record<FuzzResource, readonly string[]>> = {
  User: attributeNames(userResourceType),
  Group: attributeNames(groupResourceType),
};

export function attributeNamesOf(resource: FuzzResource): readonly string[] {
  return ATTRIBUTE_NAMES[resource];
}

/** What `sortBy` accepts (src/scim/list-query.ts): indexed columns and single-valued profile text. */
const SORTABLE: Readonly<Record<FuzzResource, readonly string[]>> = {
  User: [
    'id',
    'externalId',
    'userName',
    'displayName',
    'name.givenName',
    'name.familyName',
    'active',
    'meta.created',
    'meta.lastModified',
    'emails',
    'emails.value',
    'title',
    'nickName',
    'userType',
    'locale',
    'timezone',
    'preferredLanguage',
    'profileUrl',
    'name.middleName',
    'name.formatted',
    'department',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
    'urn:ietf:params:scim:schemas:core:2.0:User:userName',
    'costCenter',
  ],
  Group: ['id', 'externalId', 'displayName', 'meta.created', 'meta.lastModified'],
};

/** A list or search request: where it goes and with which parameters. */
export interface ListRequest {
  readonly resource: FuzzResource;
  /** GET /Users?… or POST /Users/.search with a SearchRequest body. */
  readonly via: 'get' | 'search';
  readonly filter: GeneratedFilter | undefined;
  /** Parameters as sent: strings in a query, JSON values in a search body. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** In cursor mode: how many further pages to follow with nextCursor. */
  readonly followPages: number;
  /** The page size the response may not exceed. */
  readonly maxItems: number;
  /** Top-level attributes excluded (not `always` returned): the response must not hold them. */
  readonly excluded: readonly string[];
}

/** Names the server always returns whatever excludedAttributes says (RFC 7643 returned=always). */
const ALWAYS = new Set(['id', 'schemas']);

function attributeList(r: Random, resource: FuzzResource): string[] {
  return r
    .sample(ATTRIBUTE_NAMES[resource], r.geometric(2, 8, 1))
    .map((name) => (r.chance(0.1) ? r.recase(name, 0.3) : name));
}

/**
 * A list/search request around `filter` with random attributes, excludedAttributes, sortBy,
 * sortOrder, startIndex, count and cursor: every combination valid.
 */
export function generateListRequest(
  r: Random,
  resource: FuzzResource,
  values: FilterValues,
): ListRequest {
  const filter = r.chance(0.93) ? generateFilter(r, resource, values) : undefined;
  const via = r.chance(0.35) ? 'search' : 'get';
  const parameters: Record<string, unknown> = {};
  if (filter) parameters.filter = filter.text;
  let excluded: string[] = [];
  const projection = r.next();
  if (projection < 0.25) parameters.attributes = attributeList(r, resource);
  else if (projection < 0.45) {
    const list = attributeList(r, resource);
    parameters.excludedAttributes = list;
    excluded = list.filter(
      (n) => !n.includes(':') && !n.includes('.') && !ALWAYS.has(n.toLowerCase()),
    );
  }
  if (r.chance(0.3)) parameters.sortBy = r.pick(SORTABLE[resource]);
  if (r.chance(0.2)) {
    parameters.sortOrder = r.pick(['ascending', 'descending', 'Ascending', 'DESCENDING']);
  }
  let followPages = 0;
  let maxItems: number;
  if (r.chance(0.25)) {
    parameters.cursor = '';
    const count = r.chance(0.7) ? r.int(1, 50) : r.int(1, 200);
    parameters.count = count;
    maxItems = count;
    followPages = r.chance(0.5) ? r.int(1, 3) : 0;
  } else {
    if (r.chance(0.4)) parameters.startIndex = r.chance(0.8) ? r.int(1, 300) : r.int(-5, 0);
    const count = r.chance(0.6) ? r.int(0, 50) : r.chance(0.8) ? r.int(0, 200) : r.int(-3, 500);
    if (r.chance(0.7)) parameters.count = count;
    maxItems = parameters.count === undefined ? 100 : Math.min(200, Math.max(0, count));
  }
  // Lists in a search body are arrays or comma-separated strings; in a query always the latter.
  for (const name of ['attributes', 'excludedAttributes']) {
    const list = parameters[name] as string[] | undefined;
    if (list && (via === 'get' || r.chance(0.5))) parameters[name] = list.join(',');
  }
  if (via === 'get') {
    for (const [name, value] of Object.entries(parameters)) parameters[name] = String(value);
  } else if (r.chance(0.1) && parameters.count !== undefined) {
    parameters.count = String(parameters.count);
  }
  return { resource, via, filter, parameters, followPages, maxItems, excluded };
}
