import { readFileSync } from 'node:fs';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type AjvCustomizer } from 'openapi-backend';
import type { Exchange } from '../sandbox/pinterest/support.js';

const SPEC_PATH = new URL('../../specs/pinterest/openapi.json', import.meta.url);

/**
 * Ajv refuses `nullable` without a sibling `type` (the spec has it on allOf-wrapped refs such as Pin.creative_type).
 * OpenAPI 3.0 means "null is also allowed", so this rewrites exactly that into anyOf [schema, null]; nothing is loosened.
 */
function normaliseNullable(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(normaliseNullable);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const value of Object.values(schema)) normaliseNullable(value);
  if (schema['nullable'] === true && !('type' in schema)) {
    const { nullable: _nullable, ...rest } = schema;
    for (const key of Object.keys(schema)) delete schema[key];
    schema['anyOf'] = [rest, { enum: [null] }];
  }
}

export type Api = OpenAPIBackend;

/** RFC 3339 date-time with the zone optional, as Pinterest sends it. */
export const ZONE_OPTIONAL_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/i;

/** The official Pinterest v5.23 spec, loaded into a real OpenAPI validator. */
export async function loadValidator(): Promise<Api> {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
  normaliseNullable(spec.components.schemas);
  const backend = new OpenAPIBackend({
    definition: spec,
    quick: true,
    // Without ajv-formats, `format: date-time` would be silently ignored.
    customizeAjv: ((ajv) => {
      addFormats.default(ajv);
      // The one place production departs from its spec that the sandbox copies: times come without a zone
      // ("2022-12-05T01:19:00", pinterest/pinterest-python-sdk http_logs.txt), which RFC 3339 date-time forbids.
      // Everything else about date-time stays checked.
      ajv.addFormat('date-time', ZONE_OPTIONAL_DATE_TIME);
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

/** Checks one recorded exchange against the spec operation it hits; `prefix` is where /v5 is mounted. */
export function check(api: Api, exchange: Exchange & { offSpecRequest?: boolean }, prefix = ''): { operationId: string; findings: Finding[] } {
  const findings: Finding[] = [];
  const path = exchange.url.pathname.slice(prefix.length).replace(/^\/v5/, '');
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

  const requestResult = api.validator.validateRequest(request, operation);
  if (exchange.offSpecRequest) {
    if (requestResult.valid) findings.push({ exchange: label, problem: 'request meant to be off-spec passed validation' });
  } else if (!requestResult.valid) {
    findings.push({ exchange: label, problem: `request: ${JSON.stringify(requestResult.errors)}` });
  }

  const declared = Object.keys(operation.responses ?? {});
  if (!declared.includes(String(exchange.status)) && !declared.includes('default')) {
    findings.push({ exchange: label, problem: `status ${exchange.status} not declared (${declared.join(',')})` });
  }
  const responseSpec = (operation.responses as Record<string, any>)[String(exchange.status)] ?? (operation.responses as Record<string, any>)['default'];
  if (responseSpec && !responseSpec.content) {
    if (exchange.responseBody !== undefined) findings.push({ exchange: label, problem: 'spec declares no body but one was sent' });
  } else {
    const type = exchange.responseHeaders.get('content-type') ?? '';
    if (!type.startsWith('application/json')) findings.push({ exchange: label, problem: `content-type ${type}` });
    const result = api.validator.validateResponse(exchange.responseBody, operation, exchange.status);
    if (!result.valid) findings.push({ exchange: label, problem: `response: ${JSON.stringify(result.errors)}` });
  }
  return { operationId, findings };
}

