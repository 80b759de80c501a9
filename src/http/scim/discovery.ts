/** Discovery endpoints (RFC 7644 §4). Served without authentication: they hold no tenant data. */
import { type Context, Hono } from 'hono';
import type { Directory } from '../../directory/directory.ts';
import {
  allSchemas,
  listResponse,
  resourceTypeDocument,
  schemaDocument,
  serviceProviderConfig,
} from '../../scim/discovery.ts';
import { forbidden, notFound } from '../../scim/errors.ts';
import { resourceTypes } from '../../scim/schemas/resource-types.ts';
import type { ScimEnv } from './scim-env.ts';
import { scimJson } from './scim-response.ts';

export function discoveryRoutes({
  directory,
  cursorTimeoutSeconds,
  bulkMaxOperations,
  bulkMaxPayloadBytes,
  advertisePagination,
}: {
  directory: Directory;
  cursorTimeoutSeconds: number;
  bulkMaxOperations: number;
  bulkMaxPayloadBytes: number;
  advertisePagination?: boolean | undefined;
}) {
  const { accountRoles } = directory;
  const app = new Hono<ScimEnv>();

  app.get('/ServiceProviderConfig', (c) => {
    c.set('operation', 'read service provider config');
    // RFC 7644 §4: a filter on /ServiceProviderConfig is answered with 403.
    if (c.req.query('filter') !== undefined) {
      throw forbidden('/ServiceProviderConfig cannot be filtered');
    }
    return scimJson(
      c,
      serviceProviderConfig(c.get('baseUrl'), {
        cursorTimeoutSeconds,
        bulk: { maxOperations: bulkMaxOperations, maxPayloadSize: bulkMaxPayloadBytes },
        sandbox: c.get('sandbox'),
        advertisePagination,
      }),
    );
  });

  app.get('/ResourceTypes', (c) => {
    c.set('operation', 'list resource types');
    return scimJson(
      c,
      listResponse(resourceTypes.map((rt) => resourceTypeDocument(rt, c.get('baseUrl')))),
    );
  });

  app.get('/ResourceTypes/:id', (c) => {
    c.set('operation', 'get resource type');
    const id = c.req.param('id').toLowerCase();
    const found = resourceTypes.find((rt) => rt.id.toLowerCase() === id);
    if (!found) throw notFound(`no resource type '${c.req.param('id')}'`);
    return scimJson(c, resourceTypeDocument(found, c.get('baseUrl')));
  });

  /** The requesting account's role sync, when its token named one: it shapes `roles`. */
  const roleSyncOf = async (c: Context<ScimEnv>) => {
    const accountId = c.get('accountId');
    return accountId === undefined ? undefined : (await accountRoles.of(accountId)).roleSyncEnabled;
  };

  app.get('/Schemas', async (c) => {
    c.set('operation', 'list schemas');
    const roleSync = await roleSyncOf(c);
    return scimJson(
      c,
      listResponse(allSchemas().map((s) => schemaDocument(s, c.get('baseUrl'), { roleSync }))),
    );
  });

  app.get('/Schemas/:id', async (c) => {
    c.set('operation', 'get schema');
    const id = c.req.param('id').toLowerCase();
    const found = allSchemas().find((s) => s.id.toLowerCase() === id);
    if (!found) throw notFound(`no schema '${c.req.param('id')}'`);
    return scimJson(c, schemaDocument(found, c.get('baseUrl'), { roleSync: await roleSyncOf(c) }));
  });

  return app;
}
