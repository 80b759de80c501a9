/**
 * `/Groups` until group provisioning lands: reads answer as an empty directory, so Okta's spec
 * test, JumpCloud's and Entra's connection checks and Ping's list-all-groups pass; writes get a
 * clear 501 telling the admin to turn group push off. Group is not advertised in /ResourceTypes.
 */
import { Hono } from 'hono';
import { LIST_RESPONSE_SCHEMA } from '../../scim/discovery.ts';
import { invalidFilter, notFound, notImplemented } from '../../scim/errors.ts';
import { parseFilter } from '../../scim/filter/parser.ts';
import type { ScimEnv } from './scim-env.ts';
import { scimJson } from './scim-response.ts';

export function groupsRoutes() {
  const app = new Hono<ScimEnv>();

  app.get('/', (c) => {
    c.set('operation', 'list groups');
    const filter = c.req.query('filter');
    if (filter !== undefined) {
      const parsed = parseFilter(filter);
      if (!parsed.ok) throw invalidFilter(`invalid filter: ${parsed.error.message}`);
    }
    const startIndex = Math.max(1, Number.parseInt(c.req.query('startIndex') ?? '1', 10) || 1);
    return scimJson(c, {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 0,
      startIndex,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  app.get('/:id', (c) => {
    c.set('operation', 'get group');
    throw notFound(`no group with id '${c.req.param('id')}'`);
  });

  app.all('*', (c) => {
    c.set('operation', `${c.req.method.toLowerCase()} group`);
    throw notImplemented(
      'this Roster server does not provision groups yet; turn off group push in your identity provider (users are unaffected)',
    );
  });

  return app;
}
