import { readFileSync } from 'node:fs';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, ValidationContext, type AjvCustomizer } from 'openapi-backend';
import type { Exchange } from './recording-fetch.js';

export type Api = OpenAPIBackend;
type Schema = Record<string, unknown>;

/**
 * Ajv refuses `nullable` without a sibling `type` (e.g. allOf-wrapped refs). OpenAPI 3.0 means "null is also
 * allowed", so this rewrites exactly that into anyOf [schema, null]; nothing is loosened.
 */
function normaliseNullable(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(normaliseNullable);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Schema;
  for (const value of Object.values(schema)) normaliseNullable(value);
  if (schema['nullable'] === true && !('type' in schema)) {
    const { nullable: _nullable, ...rest } = schema;
    for (const key of Object.keys(schema)) delete schema[key];
    schema['anyOf'] = [rest, { enum: [null] }];
  }
}

/**
 * An official OpenAPI 3.0 document loaded into a real validator. `amend` may adjust the document first, and
 * `formats` replace a string format's check; each must be named and justified by the code that passes it.
 */
export async function loadOpenApi(specPath: URL, amend: (spec: any) => void = () => {}, formats: Record<string, RegExp> = {}): Promise<Api> {
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  normaliseNullable(spec.components.schemas);
  amend(spec);
  const backend = new OpenAPIBackend({
    definition: spec,
    quick: true,
    // Without ajv-formats, `format: date-time` would be silently ignored.
    customizeAjv: ((ajv) => {
      addFormats.default(ajv);
      for (const [name, pattern] of Object.entries(formats)) ajv.addFormat(name, pattern);
      return ajv;
    }) satisfies AjvCustomizer,
  });
  await backend.init();
  return backend;
}

export interface Finding {
  exchange: string;
  problem: string;
}

export interface CheckOptions {
  /** Where the API is mounted in the test server, e.g. '/sandbox/x'. */
  prefix?: string;
  /** The part of the server URL the spec's paths leave out, e.g. '/v5' for Pinterest. */
  basePath?: string;
}

const compiled = new WeakMap<object, (data: unknown) => { valid: boolean; errors: unknown }>();

/** Validates a body against one declared media type's schema (openapi-backend itself only reads application/json). */
function validateBody(api: Api, schema: Schema, body: unknown): { valid: boolean; errors: unknown } {
  let validate = compiled.get(schema);
  if (!validate) {
    const ajv = api.validator.getAjv(ValidationContext.Response);
    const fn = ajv.compile(schema);
    validate = (data) => ({ valid: fn(data) as boolean, errors: fn.errors });
    compiled.set(schema, validate);
  }
  return validate(body);
}

/** Multipart fields arrive as strings; the spec's schema types say how to read them (OpenAPI 3.0 §4.7.14.4). */
function coerceForm(body: Record<string, unknown>, schema: Schema | undefined): Record<string, unknown> {
  const properties = (schema?.['properties'] ?? {}) as Record<string, Schema>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const type = properties[key]?.['type'];
    out[key] = typeof value === 'string' && (type === 'integer' || type === 'number') && value.trim() !== '' ? Number(value) : value;
  }
  return out;
}

/** Checks one recorded exchange against the spec operation it hits: request, declared status, content type, body. */
export function checkExchange(api: Api, exchange: Exchange, options: CheckOptions = {}): { operationId: string; findings: Finding[] } {
  const findings: Finding[] = [];
  let path = exchange.url.pathname.slice((options.prefix ?? '').length);
  if (options.basePath && path.startsWith(options.basePath)) path = path.slice(options.basePath.length);
  const label = `${exchange.method} ${exchange.url.pathname}${exchange.url.search} → ${exchange.status}`;
  const request = {
    method: exchange.method.toLowerCase(),
    path,
    query: Object.fromEntries(exchange.url.searchParams),
    headers: exchange.requestHeaders,
    body: exchange.requestBody,
  };
  const operation = api.router.matchOperation(request);
  if (!operation) return { operationId: '(none)', findings: [{ exchange: label, problem: 'no spec operation matches' }] };
  const operationId = operation.operationId ?? '';

  if ((exchange.requestHeaders['content-type'] ?? '').startsWith('multipart/form-data')) {
    const content = (operation.requestBody as any)?.content?.['multipart/form-data'];
    if (!content) findings.push({ exchange: label, problem: 'multipart body sent to an operation that does not declare one' });
    request.body = coerceForm(request.body as Record<string, unknown>, content?.schema);
  }
  const requestResult = api.validator.validateRequest(request, operation);
  if (exchange.offSpecRequest) {
    if (requestResult.valid) findings.push({ exchange: label, problem: 'request meant to be off-spec passed validation' });
  } else if (!requestResult.valid) {
    findings.push({ exchange: label, problem: `request: ${JSON.stringify(requestResult.errors)}` });
  }

  const responses = (operation.responses ?? {}) as Record<string, any>;
  const responseSpec = responses[String(exchange.status)] ?? responses['default'];
  if (!responseSpec) {
    findings.push({ exchange: label, problem: `status ${exchange.status} not declared (${Object.keys(responses).join(',')})` });
  } else if (!responseSpec.content) {
    if (exchange.responseBody !== undefined) findings.push({ exchange: label, problem: 'spec declares no body but one was sent' });
  } else {
    const type = (exchange.responseHeaders.get('content-type') ?? '').split(';')[0]!.trim();
    const declared = responseSpec.content[type];
    if (!declared?.schema) {
      findings.push({ exchange: label, problem: `content-type ${type} not declared (${Object.keys(responseSpec.content).join(',')})` });
    } else {
      const result = validateBody(api, declared.schema, exchange.responseBody);
      if (!result.valid) findings.push({ exchange: label, problem: `response: ${JSON.stringify(result.errors)}` });
    }
  }
  return { operationId, findings };
}
