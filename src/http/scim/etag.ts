/**
 * Entity tags (RFC 7644 §3.14, RFC 9110 §13.1). Roster's ETags are weak and carry the
 * resource's version: W/"7" (a user in groups: W/"7-1a2b3c4d", see `userVersion`). Strong and
 * weak forms of the same tag match, as weak comparison requires.
 */

/**
 * The versions an If-Match header names, for the compare-and-set of a write; `any` for "*".
 * A user's group fingerprint after the version is not compared: a write never changes groups.
 */
export function parseEntityTags(header: string | undefined): number[] | 'any' | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return 'any';
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const match = /^\s*(?:W\/)?"?(\d+)(?:-[0-9a-f]+)?"?\s*$/i.exec(part);
    if (match?.[1]) versions.push(Number(match[1]));
  }
  // A header that names no version of ours matches nothing, so If-Match fails with 412.
  return versions;
}

/** The opaque tag of W/"x" or "x": x. */
const opaque = (tag: string) => tag.trim().replace(/^W\//i, '').replace(/^"|"$/g, '');

/** Whether an If-None-Match header names `current` (weak comparison, RFC 9110 §13.1.2). */
export function noneMatchNames(header: string | undefined, current: string): boolean {
  if (header === undefined || header.trim() === '') return false;
  if (header.trim() === '*') return true;
  const wanted = opaque(current);
  return header.split(',').some((part) => opaque(part) === wanted);
}
