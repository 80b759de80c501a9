/**
 * Values that are wrong in one specific way, for the malformed-request fuzz: path segments,
 * numbers, cursors, entity tags, content types, user agents, methods; and how text goes into a
 * request line, percent-encoded (invalid UTF-8 on purpose included) or raw.
 */
import type { Random } from './random.ts';

/**
 * encodeURIComponent that never throws: a lone surrogate, which it refuses, becomes the three
 * bytes a careless encoder would write for it (CESU-8, e.g. %ED%A0%80): invalid UTF-8 on purpose.
 */
export function percentEncode(text: string): string {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g, (ch) => {
    const unit = ch.charCodeAt(0);
    if (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      return bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
    return encodeURIComponent(ch);
  });
}

/** Characters Node's HTTP client refuses in a request target, percent-encoded as UTF-8. */
export function sendablePath(path: string): string {
  return path.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\u0021-\u00ff]/g, (ch) =>
    percentEncode(ch),
  );
}

export const USER_AGENTS = [
  'Okta SCIM Client 1.0.0',
  'Azure AD SCIM Provisioning',
  'Microsoft.Identity.Provisioning',
  'Google-Auto-Provisioning',
  'OneLogin SCIM',
  'JumpCloud SCIM',
  'PingIdentity',
  'curl/8.0',
  '',
  'x'.repeat(4000),
  'Mozilla/5.0 \u00e9\u00ff',
];

export function randomUuid(r: Random): string {
  const hex = (n: number) => Array.from({ length: n }, () => r.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-7${hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

/** Path segments no id looks like, percent-encoded or deliberately raw. */
export const GARBAGE_SEGMENTS = [
  '%00',
  'x%00',
  '%ff',
  '%fe%ff',
  '%ed%a0%80',
  '%c0%af',
  '%zz',
  '%',
  '%2',
  '..',
  '.',
  '%2e%2e',
  '..%2f',
  '..%2f..%2fapi%2fv1%2faccounts',
  'a%2Fb',
  '%5C',
  'x'.repeat(300),
  'y'.repeat(6000),
  'bulkId:x',
  'null',
  'undefined',
  '-1',
  '0',
  '%20',
  '%0a',
  '%C3%A9',
  '%F0%9F%98%80',
  "'",
  '%22',
  '<script>',
  '.search',
  '*',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF',
];

export const NUMBER_GARBAGE = [
  '-1',
  '0',
  '',
  'abc',
  '1e309',
  '-1e309',
  '1e3',
  '1.5',
  '9007199254740993',
  '-9999999999999999',
  '2147483648',
  '4294967296',
  '1e21',
  '0x10',
  ' 5',
  '5 ',
  '+5',
  '\u0661\u0662',
  'Infinity',
  'NaN',
  'null',
  '[]',
  '%00',
  '5%00',
  '1,2',
];

export const CURSOR_GARBAGE = [
  '',
  'x',
  'AAAA',
  'eyJhIjoxfQ',
  'eyJhIjoxfQ.sig',
  '....',
  '%00',
  '%ff',
  '\u00e9',
  'x'.repeat(3000),
  'x'.repeat(9000),
  'null',
  '1',
];

/** Encodes a query value, sometimes with `+` for spaces or percent-encoding left broken. */
export function queryValue(r: Random, value: string): string {
  const encoded = percentEncode(value);
  return r.weighted<() => string>([
    [8, () => encoded],
    [2, () => encoded.replaceAll('%20', '+')],
    [1, () => sendablePath(value).replaceAll('&', '%26').replaceAll('#', '%23')],
    [
      1,
      () => {
        const at = r.int(0, encoded.length);
        return (
          encoded.slice(0, at) +
          r.pick(['%', '%z', '%zz', '%e9', '%ed%a0%80', '%00', '%c0%80', '%ff']) +
          encoded.slice(at)
        );
      },
    ],
  ])();
}

export const ENTITY_TAGS = [
  '*',
  'W/"1"',
  '"1"',
  'W/"2"',
  'W/"999999999999999999999"',
  'W/"1-abc"',
  'W/"1-zz"',
  'W/"',
  '"',
  'W/""',
  '1',
  '-1',
  'W/"-1"',
  'W/"1", W/"2"',
  ','.repeat(100),
  `W/"1"${',W/"2"'.repeat(2000)}`,
  'garbage',
  'W/"1.5"',
  'W/"0x10"',
  ' ',
  '\u00e9',
  'W/"1e309"',
  '**',
  '* , W/"1"',
];

export const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '',
  ';;;',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset="utf-8"',
  '*/*',
  'application/json, text/plain',
  'application/',
  'x'.repeat(1000),
  'application/json; charset=\u00e9',
  'APPLICATION/SCIM+JSON',
  'application/scim+json; charset=utf-8; q=0.1',
];

export const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'SEARCH',
  'LOCK',
  'PURGE',
  'REPORT',
  'MKCOL',
  'COPY',
  'MOVE',
];
