import type { Exchange } from './recording-fetch.js';
import { checkExchange, loadOpenApi, type Api, type Finding } from './openapi-spec.js';

export type { Api, Finding };

const SPEC_PATH = new URL('../../specs/pinterest/openapi.json', import.meta.url);

/** The official Pinterest v5.23 spec, loaded into a real OpenAPI validator. */
export function loadValidator(): Promise<Api> {
  return loadOpenApi(SPEC_PATH);
}

/** Checks one recorded exchange against the spec operation it hits; `prefix` is where /v5 is mounted. */
export function check(api: Api, exchange: Exchange, prefix = ''): { operationId: string; findings: Finding[] } {
  return checkExchange(api, exchange, { prefix, basePath: '/v5' });
}
