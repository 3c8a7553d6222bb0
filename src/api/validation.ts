import { Ajv, type AnySchema, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';

/**
 * Name every bad field in one answer, never drop unknown fields silently (a typo such as
 * `schedule_at` must be an error, not a post published now), and fill in declared defaults.
 * `addUsedSchema: false`: schemas with an `$id` (PostRequest) are compiled inside several routes.
 */
const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: true, addUsedSchema: false };

function ajvWith(coerceTypes: Options['coerceTypes'], shared: Record<string, unknown>): Ajv {
  const ajv = new Ajv({ ...COMMON, coerceTypes });
  addFormats.default(ajv);
  for (const schema of Object.values(shared)) ajv.addSchema(schema as AnySchema);
  return ajv;
}

function compile(ajv: Ajv, schema: AnySchema & { $id?: string }): ValidateFunction {
  // A shared schema (app.addSchema) is compiled once; compiling its $id again would be refused.
  return withoutNul((schema.$id ? ajv.getSchema(schema.$id) : undefined) ?? ajv.compile(schema));
}

/** One step of a JSON Pointer (RFC 6901 escapes). */
const pointerStep = (key: string) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;

/**
 * JSON Pointer to the first string (value or key) holding a NUL character, or undefined. The
 * pointer is built only on the way back from a find: building it for every key of every body was
 * 2% of a POST /posts.
 */
function nulAt(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? '' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key.includes('\u0000')) return pointerStep(key);
    const found = nulAt((value as Record<string, unknown>)[key]);
    if (found !== undefined) return pointerStep(key) + found;
  }
  return undefined;
}

/**
 * PostgreSQL cannot store a NUL character in text and fails the whole statement; SQLite would
 * store it. Refused with every request part, named like any other bad field, on both stores.
 */
function withoutNul(validate: ValidateFunction): ValidateFunction {
  const checked = ((data: unknown, context?: Parameters<ValidateFunction>[1]) => {
    const valid = validate(data, context);
    checked.errors = validate.errors;
    if (!valid) return false;
    const at = nulAt(data);
    if (at === undefined) return true;
    checked.errors = [{ instancePath: at, schemaPath: '#', keyword: 'nul', params: {}, message: 'must not contain a NUL character (\\u0000)' }];
    return false;
  }) as ValidateFunction;
  // Fastify passes the parent object to validators that have one, so Ajv can apply root defaults.
  Object.assign(checked, { schemaEnv: validate.schemaEnv, schema: validate.schema });
  return checked;
}

/**
 * Fastify's request validators. A query string, path or header is text, so "5" may become 5 and
 * "true" true there; a JSON body already has types, and a wrong one is the caller's mistake to
 * hear about: a string where a list belongs or `"content": 123` is refused, not coerced.
 */
function buildValidators(shared: Record<string, unknown>): FastifySchemaCompiler<AnySchema> {
  const text = ajvWith('array', shared);
  const json = ajvWith(false, shared);
  return ({ schema, httpPart }) => compile(httpPart === 'body' ? json : text, schema as AnySchema & { $id?: string });
}

type ValidatorFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;
/**
 * For `schemaController.compilersFactory.buildValidator`: Fastify hands it the shared schemas
 * (app.addSchema). Its declared type describes Ajv's own compile(schema); at run time the compiler
 * it returns is called as every validator compiler is, with { schema, httpPart, method, url }.
 */
export const requestValidators = buildValidators as unknown as ValidatorFactory;
