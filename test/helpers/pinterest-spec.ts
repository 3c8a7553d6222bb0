import type { Exchange } from './recording-fetch.js';
import { checkExchange, loadOpenApi, type Api, type Finding } from './openapi-spec.js';

export type { Api, Finding };

const SPEC_PATH = new URL('../../specs/pinterest/openapi.json', import.meta.url);

/** RFC 3339 date-time with the zone optional, as Pinterest sends it. */
export const ZONE_OPTIONAL_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/i;

/**
 * The official Pinterest v5.23 spec, loaded into a real OpenAPI validator. The one place production departs from
 * its spec that the sandbox copies: times come without a zone ("2022-12-05T01:19:00", pinterest/pinterest-python-sdk
 * http_logs.txt), which RFC 3339 date-time forbids. Everything else about date-time stays checked.
 */
export function loadValidator(): Promise<Api> {
  return loadOpenApi(SPEC_PATH, undefined, { 'date-time': ZONE_OPTIONAL_DATE_TIME });
}

/** Checks one recorded exchange against the spec operation it hits; `prefix` is where /v5 is mounted. */
export function check(api: Api, exchange: Exchange, prefix = ''): { operationId: string; findings: Finding[] } {
  return checkExchange(api, exchange, { prefix, basePath: '/v5' });
}
