/**
 * `POST /.search` at the service root (RFC 7644 §3.4.3): one query across every resource type,
 * answered as one ListResponse, Users first, then Groups. Each type runs its own search (the
 * `/Users/.search` and `/Groups/.search` handlers, so filters, projection and rendering are theirs
 * exactly). A filter naming an attribute one type does not have matches nothing of that type
 * (`members` finds no user, `userName` no group); only a filter no type understands is an error.
 *
 * Index paging runs over the concatenation: `startIndex` counts Users, then Groups. Cursors are a
 * walk over one type's index (RFC 9865), so they are refused here with the endpoints that take
 * them. `sortBy` orders each type's part.
 */
import { type Context, Hono } from 'hono';
import { LIST_RESPONSE_SCHEMA } from '../../scim/discovery.ts';
import { invalidSyntax, invalidValue, ScimError } from '../../scim/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type RawListParameters } from '../../scim/list-query.ts';
import { readJsonBody } from './read-body.ts';
import type { ScimEnv } from './scim-env.ts';
import { scimJson } from './scim-response.ts';

/** A resource type's own `/.search`: its ListResponse for these parameters. */
export type TypeSearch = (c: Context<ScimEnv>, raw: RawListParameters) => Promise<Response>;

interface Part {
  readonly totalResults: number;
  readonly Resources: unknown[];
}

export function rootSearchRoutes({
  maxBodyBytes,
  types,
}: {
  maxBodyBytes: number;
  /** In the order their resources are listed. */
  types: readonly TypeSearch[];
}) {
  const app = new Hono<ScimEnv>();

  /** One type's part, or undefined when the filter names nothing of that type. */
  async function part(
    c: Context<ScimEnv>,
    search: TypeSearch,
    raw: RawListParameters,
  ): Promise<Part | ScimError> {
    try {
      return (await (await search(c, raw)).json()) as Part;
    } catch (error) {
      if (error instanceof ScimError && error.scimType === 'invalidFilter') return error;
      throw error;
    }
  }

  app.post('/.search', async (c) => {
    c.set('operation', 'search all resources');
    const body = await readJsonBody(c, maxBodyBytes);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidSyntax('the /.search body must be a SearchRequest JSON object');
    }
    const raw = body as RawListParameters;
    if (raw.cursor !== undefined) {
      throw invalidValue(
        'cursor paging walks one resource type: POST /Users/.search or /Groups/.search with ' +
          'a cursor; the root search pages by startIndex',
      );
    }
    const number = (value: unknown, fallback: number) => {
      const n = typeof value === 'number' ? value : Number(value);
      return value === undefined || value === '' || !Number.isInteger(n) ? fallback : n;
    };
    // RFC 7644 §3.4.2.4, as each type applies it (invalid values are refused by the types).
    const startIndex = Math.max(1, number(raw.startIndex, 1));
    const count = Math.min(MAX_PAGE_SIZE, Math.max(0, number(raw.count, DEFAULT_PAGE_SIZE)));

    const Resources: unknown[] = [];
    let totalResults = 0;
    let skip = startIndex - 1;
    let understood = 0;
    let firstError: ScimError | undefined;
    for (const search of types) {
      // Past the resources already listed, this type only adds to the total (count 0).
      const wanted = count - Resources.length;
      const found = await part(c, search, {
        ...raw,
        startIndex: skip + 1,
        count: wanted,
      });
      if (found instanceof ScimError) {
        firstError ??= found;
        continue;
      }
      understood++;
      totalResults += found.totalResults;
      Resources.push(...found.Resources.slice(0, wanted));
      skip = Math.max(0, skip - found.totalResults);
    }
    if (understood === 0 && firstError) throw firstError;
    return scimJson(c, {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults,
      startIndex,
      itemsPerPage: Resources.length,
      Resources,
    });
  });

  return app;
}
