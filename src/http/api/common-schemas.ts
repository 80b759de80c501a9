/** Schemas several nouns share. Each validates input or describes output, and feeds the OpenAPI document. */
import { z } from 'zod';

/** Ids are opaque; no id Roster issues is empty, longer than 128 or holds control characters. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .refine((value) => ![...value].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20), {
    message: 'not an id',
  });

/** Path parameters: every one is an id. */
export function idParams<K extends string>(...names: K[]) {
  return z.strictObject(
    Object.fromEntries(names.map((n) => [n, idSchema])) as Record<K, typeof idSchema>,
  );
}

/** A name people type: non-empty, bounded, no control characters; kept exactly as given. */
export const nameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(256)
  .refine((value) => ![...value].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20), {
    message: 'must not contain control characters',
  });

/** `true`/`false` in a query string. */
export const queryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Page size for lists. */
export const limitSchema = z.coerce.number().int().min(1).max(200).default(50);

/** ISO 8601 timestamp as stored (UTC, with milliseconds or not). */
export const timestampSchema = z.iso.datetime({ offset: false });

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  errors: z
    .array(
      z.object({
        pointer: z.string().describe('JSON Pointer (RFC 6901) into the request body or query'),
        message: z.string(),
        file: z.string().optional().describe('Project uploads: the file with the problem'),
        path: z.string().optional().describe('Project uploads: the JSON path inside the file'),
        line: z.number().int().optional().describe('Project uploads: where a syntax error is'),
        column: z.number().int().optional(),
      }),
    )
    .optional(),
});
