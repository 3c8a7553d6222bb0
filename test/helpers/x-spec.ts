import { loadOpenApi, type Api } from './openapi-spec.js';

const SPEC = new URL('../../specs/x/openapi.json', import.meta.url);

/**
 * The one amendment to the official spec: its `Problem` oneOf omits `about:blank`, which X's error reference lists as
 * "Generic error (see HTTP status code)" (docs x-api/fundamentals/response-codes-and-errors.mdx) and which X answers
 * for 401, 403 and 429. It is added with the RFC 7807 members X sends; every other problem still has to match the spec.
 */
function allowGenericProblem(spec: any): void {
  spec.components.schemas.GenericProblem = {
    type: 'object',
    required: ['type', 'title', 'detail', 'status'],
    properties: { type: { type: 'string', enum: ['about:blank'] }, title: { type: 'string' }, detail: { type: 'string' }, status: { type: 'integer' } },
    additionalProperties: false,
  };
  spec.components.schemas.Problem.oneOf.push({ $ref: '#/components/schemas/GenericProblem' });
}

/** The official X API v2 spec (v2.167) in a real OpenAPI validator, with that one amendment. */
export const loadXValidator = (): Promise<Api> => loadOpenApi(SPEC, allowGenericProblem);
