/**
 * A small structural JSON Schema (2020-12 subset) checker for the OpenAPI document's schemas:
 * enough for what zod emits (type, enum, const, properties, required, additionalProperties,
 * items, anyOf/oneOf/allOf, bounds, $ref into components; `format` is an annotation in 2020-12
 * and is not asserted). No validator package is installed,
 * and this one fails loudly on any keyword it does not know, so it cannot pass by ignoring one.
 */
type Schema = Record<string, unknown>;

const KNOWN = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'format',
  'default',
  'description',
  '$ref',
]);

export class SchemaResolver {
  constructor(private readonly document: Schema) {}

  resolve(ref: string): Schema {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: unknown = this.document;
    for (const part of ref.slice(2).split('/')) {
      node = (node as Record<string, unknown> | undefined)?.[
        part.replaceAll('~1', '/').replaceAll('~0', '~')
      ];
    }
    if (!node || typeof node !== 'object') throw new Error(`unresolvable $ref ${ref}`);
    return node as Schema;
  }

  /** Every problem with `value`, as JSON Pointer: message. Empty: valid. */
  check(schema: Schema, value: unknown, at = ''): string[] {
    for (const key of Object.keys(schema)) {
      if (!KNOWN.has(key)) throw new Error(`unknown JSON Schema keyword '${key}' at ${at}`);
    }
    if (typeof schema.$ref === 'string') return this.check(this.resolve(schema.$ref), value, at);
    const problems: string[] = [];
    const fail = (message: string) => problems.push(`${at || '/'}: ${message}`);
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => hasType(value, t as string))) {
        fail(`expected ${types.join('|')}, got ${JSON.stringify(value)}`);
        return problems;
      }
    }
    if (schema.enum && !(schema.enum as unknown[]).includes(value))
      fail(`not one of ${JSON.stringify(schema.enum)}`);
    if ('const' in schema && schema.const !== value)
      fail(`expected ${JSON.stringify(schema.const)}`);
    if (typeof value === 'number') {
      if (typeof schema.minimum === 'number' && value < schema.minimum) fail('below minimum');
      if (typeof schema.maximum === 'number' && value > schema.maximum) fail('above maximum');
      if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
        fail('not above exclusiveMinimum');
      }
      if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) {
        fail('not below exclusiveMaximum');
      }
    }
    if (typeof value === 'string') {
      if (typeof schema.minLength === 'number' && [...value].length < schema.minLength)
        fail('too short');
      if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength)
        fail('too long');
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
        fail('pattern');
    }
    if (Array.isArray(value)) {
      if (typeof schema.minItems === 'number' && value.length < schema.minItems)
        fail('too few items');
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
        fail('too many items');
    }
    if (Array.isArray(value) && schema.items) {
      for (const [i, item] of value.entries()) {
        problems.push(...this.check(schema.items as Schema, item, `${at}/${i}`));
      }
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const name of (schema.required ?? []) as string[]) {
        if (!(name in record)) fail(`missing required '${name}'`);
      }
      for (const [name, inner] of Object.entries(record)) {
        const property = properties[name];
        if (property) problems.push(...this.check(property, inner, `${at}/${name}`));
        else if (schema.additionalProperties === false) fail(`unknown property '${name}'`);
        else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
          problems.push(
            ...this.check(schema.additionalProperties as Schema, inner, `${at}/${name}`),
          );
        }
      }
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const options = schema[key] as Schema[] | undefined;
      if (!options) continue;
      const passing = options.filter((o) => this.check(o, value, at).length === 0).length;
      if (key === 'anyOf' ? passing === 0 : passing !== 1)
        fail(`${key}: ${passing} branches match`);
    }
    for (const inner of (schema.allOf ?? []) as Schema[])
      problems.push(...this.check(inner, value, at));
    return problems;
  }

  /** Every $ref anywhere in `node` that does not resolve. */
  danglingRefs(node: unknown = this.document): string[] {
    if (Array.isArray(node)) return node.flatMap((n) => this.danglingRefs(n));
    if (!node || typeof node !== 'object') return [];
    const out: string[] = [];
    for (const [key, inner] of Object.entries(node)) {
      if (key === '$ref' && typeof inner === 'string') {
        try {
          this.resolve(inner);
        } catch {
          out.push(inner);
        }
      } else out.push(...this.danglingRefs(inner));
    }
    return out;
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}
