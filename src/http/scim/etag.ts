/**
 * Entity tags (RFC 7644 §3.14, RFC 9110 §13.1). Roster's ETags are weak and carry the user's
 * version: W/"7". Strong and weak forms of the same tag match, as weak comparison requires.
 */

/** The versions an If-Match / If-None-Match header names; `any` for "*". */
export function parseEntityTags(header: string | undefined): number[] | 'any' | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return 'any';
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/i.exec(part);
    if (match?.[1]) versions.push(Number(match[1]));
  }
  // A header that names no version of ours matches nothing, so If-Match fails with 412.
  return versions;
}
