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
  return (schema.$id ? ajv.getSchema(schema.$id) : undefined) ?? ajv.compile(schema);
}

/**
 * Fastify's request validators. A query string, path or header is text, so "5" may become 5 and
 * "true" true there; a JSON body already has types, and a wrong one is the caller's mistake to
 * hear about: `"platforms": "pinterest"` or `"content": 123` is refused, not coerced.
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
