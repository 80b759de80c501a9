/** The served OpenAPI document: complete, resolvable, and generated from the routes' own schemas. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminTestApp, API, createAdminTestApp, routeTable } from './admin-api-kit.ts';

type Json = Record<string, unknown>;

describe('admin API OpenAPI document', () => {
  let t: AdminTestApp;
  beforeAll(async () => {
    t = (await createAdminTestApp('sqlite')) as AdminTestApp;
  });
  afterAll(() => t.cleanup());

  it('is OpenAPI 3.1, served without a key, as JSON', async () => {
    const response = await t.app.request('GET', `${API}/openapi.json`, { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.servers).toEqual([{ url: '/api/v1' }]);
    expect(response.body.components.securitySchemes.adminKey).toEqual({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('describes every route the server declares, and nothing else', () => {
    const routes = routeTable(t);
    const declared = routes.map((r) => `${r.method} ${r.path}`).sort();
    const documented = Object.entries(t.document.paths as Record<string, Json>)
      .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m} ${path}`))
      .sort();
    expect(documented).toEqual(declared);
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref, and every schema uses only keywords the checker knows', () => {
    expect(t.resolver.danglingRefs()).toEqual([]);
    const schemas = (t.document.components as Json).schemas as Record<string, Json>;
    expect(Object.keys(schemas).length).toBeGreaterThan(5);
    for (const schema of Object.values(schemas)) {
      // Throws on any keyword outside the checked subset.
      t.resolver.check(schema, null);
    }
  });

  it('declares path parameters for every template variable, and auth errors on keyed routes', () => {
    for (const [path, operations] of Object.entries(t.document.paths as Record<string, Json>)) {
      const variables = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(operations as Record<string, Json>)) {
        const parameters = (op.parameters ?? []) as Json[];
        const inPath = parameters
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect(inPath, `${method} ${path}`).toEqual(variables);
        const responses = op.responses as Json;
        if (op['x-roster-access'] !== 'public') expect(responses['401']).toBeDefined();
        if (op['x-roster-access'] === 'operator') expect(responses['403']).toBeDefined();
      }
    }
  });

  it('describes request bodies as the strict schemas the server applies', () => {
    for (const [path, operations] of Object.entries(t.document.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(operations as Record<string, Json>)) {
        const body = op.requestBody as Json | undefined;
        if (!body) continue;
        const ref = ((body.content as Json)['application/json'] as Json).schema as Json;
        const schema = t.resolver.resolve(ref.$ref as string);
        expect(schema.type, `${method} ${path}`).toBe('object');
        expect(schema.additionalProperties, `${method} ${path}`).toBe(false);
      }
    }
  });

  it('gives shared response shapes one component each, referenced where they nest', () => {
    const schemas = (t.document.components as Json).schemas as Record<string, Json>;
    const items = ((schemas.UserList as Json).properties as Json).items as Json;
    expect(items.items).toEqual({ $ref: '#/components/schemas/User' });
    expect((((schemas.AuditList as Json).properties as Json).items as Json).items).toEqual({
      $ref: '#/components/schemas/AuditEntry',
    });
    expect(schemas.User?.additionalProperties).toBe(false);
  });

  it('documents request defaults as input (optional), not as required output', () => {
    const schemas = (t.document.components as Json).schemas as Record<string, Json>;
    const create = schemas.CreateAccountRequest as Json;
    expect(create.required).toEqual(['name']);
    expect((create.properties as Json).tier).toMatchObject({ default: 'starter' });
  });
});
