/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod schemas (zod's
 * JSON Schema output is draft 2020-12, the dialect OpenAPI 3.1 uses). Request schemas are
 * described as input (before defaults and coercion), responses as output.
 */
import { z } from 'zod';
import { type ApiRoute, namedSchemas } from './api-route.ts';
import { problemSchema } from './common-schemas.ts';

type Json = Record<string, unknown>;

const COMMON_ERRORS: Readonly<Record<number, string>> = {
  400: 'Invalid request (malformed JSON, wrong types, unknown fields or parameters)',
  401: 'No admin key, or an unknown or revoked one',
  403: 'An account admin key on an operator-only operation',
  404: 'No such resource, or one of another account',
  409: 'The change breaks a rule; `code` says which',
  410: 'Gone: what the request needs was deleted by retention; `code` says what to do',
  413: 'The request body is too large',
  415: 'The request body is not JSON',
  429: 'Too many requests: this key passed its rate, or this address too many failed authentications; retry after `Retry-After` seconds',
  503: 'The database is unavailable; retry',
};

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

/** Drops the keys zod adds for standalone documents; inside components they mean nothing. */
function component(schema: unknown): Json {
  const { $schema: _s, $id: _i, ...rest } = schema as Json;
  return rest;
}

function errorStatuses(route: ApiRoute): number[] {
  const statuses = new Set<number>(route.errors ?? []);
  if (route.access !== 'public') statuses.add(401);
  if (route.access === 'operator') statuses.add(403);
  if (route.params) statuses.add(404);
  // Every route refuses unknown or repeated query parameters.
  statuses.add(400);
  if (route.body) {
    statuses.add(413);
    statuses.add(415);
  }
  if (route.access !== 'public') {
    statuses.add(429);
    statuses.add(503);
  }
  return [...statuses].sort();
}

/** Every response names its request (`X-Request-Id`, http/request-id.ts). */
const REQUEST_ID_HEADER = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };

export function openApiDocument(routes: readonly ApiRoute[]): Json {
  // One registry per direction; a schema object shared by several routes gets one component.
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  const name = (schema: z.ZodType, registry: typeof inputs, fallback: string) => {
    let id = names.get(schema);
    if (id === undefined) {
      id = fallback;
      names.set(schema, id);
      registry.add(schema, { id });
    }
    return id;
  };
  outputs.add(problemSchema, { id: 'Problem' });
  // Named response schemas are components wherever they appear, nested ones included.
  for (const [schema, id] of namedSchemas()) {
    names.set(schema, id);
    outputs.add(schema, { id });
  }

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const parameters: Json[] = [{ $ref: '#/components/parameters/RequestId' }];
    const pathShape = (route.params as z.ZodObject | undefined)?.shape ?? {};
    for (const [key, schema] of Object.entries(pathShape)) {
      const json = component(
        z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }),
      );
      parameters.push({ name: key, in: 'path', required: true, schema: json });
    }
    const queryShape = (route.query as z.ZodObject | undefined)?.shape ?? {};
    for (const [key, schema] of Object.entries(queryShape)) {
      const json = component(z.toJSONSchema(schema as z.ZodType, { io: 'input' }));
      const { description, ...rest } = json;
      parameters.push({
        name: key,
        in: 'query',
        required: !(schema as z.ZodType).safeParse(undefined).success,
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
    const operation: Json = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      'x-roster-access': route.access,
      ...(route.access === 'public' ? { security: [] } : {}),
      parameters,
    };
    if (route.body) {
      const id = name(route.body, inputs, `${pascal(route.operationId)}Request`);
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${id}` } } },
      };
    }
    const responses: Json = {};
    const { success } = route;
    responses[String(success.status)] = success.schema
      ? {
          description: success.description,
          headers: REQUEST_ID_HEADER,
          content: {
            'application/json': {
              schema: {
                $ref: `#/components/schemas/${name(success.schema, outputs, `${pascal(route.operationId)}Response`)}`,
              },
            },
          },
        }
      : { description: success.description, headers: REQUEST_ID_HEADER };
    for (const status of errorStatuses(route)) {
      responses[String(status)] = {
        description: COMMON_ERRORS[status] ?? 'Error',
        headers: REQUEST_ID_HEADER,
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      };
    }
    operation.responses = responses;
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method] = operation;
  }

  const uri = (id: string) => `#/components/schemas/${id}`;
  const schemas: Record<string, Json> = {};
  for (const [registry, io] of [
    [inputs, 'input'],
    [outputs, 'output'],
  ] as const) {
    const converted = z.toJSONSchema(registry, { uri, io }).schemas;
    for (const [id, schema] of Object.entries(converted)) schemas[id] = component(schema);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Roster admin API',
      version: '1',
      description:
        'Account administration for Roster. Authenticate with `Authorization: Bearer <key>`: ' +
        'the operator key acts on every account, an account admin key on its own account. ' +
        'Errors are RFC 9457 problem details with a stable `code`. Every string, in bodies, ' +
        'paths and query parameters, must be free of NUL characters and unpaired UTF-16 ' +
        'surrogates (400 `request.invalid`; 404 in a path). Every response carries an ' +
        '`X-Request-Id` header: the id the request sent, if it is 1 to 64 of letters, digits and ' +
        '`-._~:+/=@`, else one Roster made; server log lines about the request carry it.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ adminKey: [] }],
    components: {
      securitySchemes: { adminKey: { type: 'http', scheme: 'bearer' } },
      parameters: {
        RequestId: {
          name: 'X-Request-Id',
          in: 'header',
          required: false,
          description:
            'Your id for this request (1 to 64 of letters, digits and `-._~:+/=@`), returned in the response and kept in log lines; anything else is replaced by an id Roster makes',
          schema: { type: 'string', maxLength: 64 },
        },
      },
      headers: {
        RequestId: {
          description:
            "The request's id: the one it sent when sane, else one Roster made (http/request-id.ts)",
          schema: { type: 'string' },
        },
      },
      schemas,
    },
    paths,
  };
}
