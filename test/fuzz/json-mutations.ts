/**
 * Breaking JSON request bodies, at two levels: values (a node of a valid body replaced by a
 * value of another type, a pathological size or text no store can keep) and bytes (the
 * serialised text truncated, spliced, or given bytes that are not UTF-8). Shared by the SCIM and
 * admin API parts of the malformed-request fuzz.
 */
import type { Random } from './random.ts';

/** JSON text emitted verbatim where a value goes: what JSON.stringify cannot write. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Literals JSON.stringify never produces, or that JSON.parse reads into surprising values. */
const RAW_LITERALS = [
  '1e309',
  '-1e309',
  '1e-400',
  '-0',
  '123456789012345678901234567890',
  '0.1e1',
  'NaN',
  'Infinity',
  'undefined',
  "'single'",
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\uDE00\\uD83D"',
  '"\\uD83D\\uDE00"',
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\x41"',
  '"\\u12"',
  '"\u0000"',
  '"\t"',
  '"\u2028\u2029"',
  '01',
  '.5',
  '+1',
  '0x10',
  '[1,]',
  '{,}',
  '{"a":1,"a":2}',
  'tru',
  'nul',
  '"unterminated',
] as const;

/** Strings that are valid JSON but bad data: empty, huge, odd Unicode, NUL, lone surrogates. */
function oddString(r: Random): string {
  return r.weighted<() => string>([
    [3, () => ''],
    [2, () => ' '],
    [2, () => 'x'.repeat(r.int(257, 4000))],
    [1, () => 'y'.repeat(r.int(60_000, 300_000))],
    [3, () => '\u0000'],
    [2, () => `a\u0000b`],
    [3, () => '\ud800'],
    [2, () => 'x\udc00y'],
    [1, () => '\udfff\ud800'],
    [2, () => '😀👩‍👩‍👧'],
    [2, () => '\u202eevil\u202c'],
    [1, () => 'e\u0301\u0301\u0301'],
    [2, () => '\ufeff\u200b\u00a0'],
    [1, () => '\n\r\t\b\f'],
    [2, () => 'True'],
    [2, () => 'null'],
    [1, () => '[object Object]'],
    [2, () => '1e309'],
    [2, () => '-1'],
    [2, () => 'bulkId:nowhere'],
    [1, () => '../../etc/passwd'],
    [1, () => "' or 1=1 --"],
    [1, () => '%00%ff'],
    [2, () => 'urn:ietf:params:scim:schemas:core:2.0:User'],
    [1, () => 'ü'.repeat(300)],
  ])();
}

/** A value of any type, often a wrong one for wherever it lands. */
export function wrongValue(r: Random, depth = 0): unknown {
  return r.weighted<() => unknown>([
    [4, () => null],
    [3, () => r.chance(0.5)],
    [3, () => r.pick([0, -1, 1.5, 2 ** 53 + 1, -(2 ** 31), 1e308, -1e-308, 4_294_967_296])],
    [8, () => oddString(r)],
    [4, () => new RawJson(r.pick(RAW_LITERALS))],
    [3, () => []],
    [2, () => (depth < 3 ? [wrongValue(r, depth + 1)] : [])],
    [3, () => ({})],
    [2, () => (depth < 3 ? { [oddKey(r)]: wrongValue(r, depth + 1) } : {})],
    [1, () => deepNesting(r.int(20, 40))],
    [1, () => new RawJson(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
    [1, () => Array.from({ length: r.int(200, 3000) }, (_, i) => ({ value: `v${i}` }))],
    [1, () => Object.fromEntries(Array.from({ length: r.int(100, 2000) }, (_, i) => [`k${i}`, i]))],
  ])();
}

function deepNesting(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** Keys that are odd as names: empty, NUL, lone surrogate, prototype-ish, case twins. */
export function oddKey(r: Random): string {
  return r.pick([
    '',
    ' ',
    '\u0000',
    '\ud800',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'toString',
    'k'.repeat(2000),
    'urn:',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
    'name.givenName',
    'emails[type eq "work"].value',
    '$ref',
    'Operations',
    'schemas',
    'ID',
    'META',
  ]);
}

type Container = Record<string, unknown> | unknown[];

/** Every [container, key] in `value`, the root excluded. */
function slots(
  value: unknown,
  out: [Container, string | number][] = [],
): [Container, string | number][] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([value, i]);
      slots(item, out);
    });
  } else if (value && typeof value === 'object' && !(value instanceof RawJson)) {
    for (const key of Object.keys(value)) {
      out.push([value as Record<string, unknown>, key]);
      slots((value as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

/** A deep copy that keeps RawJson nodes (structuredClone would turn them into plain objects). */
function clone(value: unknown): unknown {
  if (value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(clone);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  }
  return value;
}

/** Sets an own property, even `__proto__` (plain assignment would change the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * A copy of `value` with `count` random mutations: a node replaced by a wrong value, deleted,
 * wrapped in an array or unwrapped, renamed to another case, or joined by an odd key.
 */
export function mutateJson(r: Random, value: unknown, count = 1): unknown {
  let root = clone(value);
  for (let n = 0; n < count; n++) {
    const all = slots(root);
    if (all.length === 0 || r.chance(0.03)) {
      root = wrongValue(r);
      continue;
    }
    const [container, key] = r.pick(all);
    const current = (container as Record<string | number, unknown>)[key];
    const action = r.weighted<string>([
      [10, 'replace'],
      [3, 'delete'],
      [2, 'wrap'],
      [2, 'unwrap'],
      [2, 'recase'],
      [2, 'add'],
      [1, 'stringify'],
    ]);
    if (action === 'replace') (container as Record<string | number, unknown>)[key] = wrongValue(r);
    else if (action === 'delete') {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    } else if (action === 'wrap') {
      (container as Record<string | number, unknown>)[key] = [current];
    } else if (action === 'unwrap') {
      (container as Record<string | number, unknown>)[key] = Array.isArray(current)
        ? current[0]
        : current && typeof current === 'object'
          ? Object.values(current)[0]
          : current;
    } else if (action === 'recase' && !Array.isArray(container)) {
      // Twin keys differing in case: the server matches names case-insensitively.
      setOwn(container, r.recase(key as string), r.chance(0.5) ? current : wrongValue(r));
    } else if (action === 'add' && !Array.isArray(container)) {
      setOwn(container, oddKey(r), wrongValue(r));
    } else if (action === 'stringify') {
      (container as Record<string | number, unknown>)[key] = JSON.stringify(current) ?? 'undefined';
    }
  }
  return root;
}

/** JSON text of `value`, RawJson nodes written as they are. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => toJsonText(v ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Byte sequences that are not UTF-8: lone continuation, overlong, CESU surrogates, truncated. */
const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/** Byte-level damage to serialised JSON: whatever it does, the server must answer < 500. */
export function corruptBytes(r: Random, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const at = r.int(0, bytes.length);
  const splice = (insert: readonly number[] | Buffer, remove = 0) =>
    Buffer.concat([bytes.subarray(0, at), Buffer.from(insert), bytes.subarray(at + remove)]);
  return r.weighted<() => Buffer>([
    [4, () => bytes.subarray(0, at)],
    [5, () => splice(r.pick(INVALID_UTF8))],
    [
      2,
      () => {
        // Inside a string literal, where a decoder's replacement character would be kept.
        const quote = text.indexOf('"', r.int(0, Math.max(0, text.length - 1)));
        if (quote < 0) return splice(r.pick(INVALID_UTF8));
        const offset = Buffer.byteLength(text.slice(0, quote + 1));
        return Buffer.concat([
          bytes.subarray(0, offset),
          Buffer.from(r.pick(INVALID_UTF8)),
          bytes.subarray(offset),
        ]);
      },
    ],
    [2, () => splice([0x00])],
    [2, () => splice(Buffer.from(r.pick(['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n'])))],
    [1, () => splice([], r.int(1, 8))],
    [1, () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])],
    [1, () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    [
      1,
      () => Buffer.concat([bytes, Buffer.from(r.pick([' trailing', '}', ']]', '\u0000', ',{}']))]),
    ],
    [1, () => Buffer.from(text.replaceAll('"', "'"), 'utf8')],
    [1, () => Buffer.from(`/* comment */${text}`, 'utf8')],
    [1, () => Buffer.from(text.repeat(2), 'utf8')],
  ])();
}
