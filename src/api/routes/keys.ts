import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { API_SCOPES, createApiKey, KEY_PREFIXES, listApiKeys, revokeApiKey, type ApiKey, type KeyFormat } from '../../workspaces/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, notFound } from '../problem.js';
import { IdParams, ListOf, isoTime } from '../schemas.js';

const Scope = Type.Union(API_SCOPES.map((s) => Type.Literal(s)));
const ApiKeyView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'First characters of the key, to tell keys apart' }),
    scopes: Type.Array(Scope),
    created_at: Type.String({ format: 'date-time' }),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'ApiKey' },
);
const CreatedKey = Type.Intersect([
  Type.Omit(ApiKeyView, []),
  Type.Object({ key: Type.String({ description: 'The secret key. Shown only in this response.' }) }),
]);
const CreateKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Optional(Type.Array(Scope, { minItems: 1, uniqueItems: true, description: 'Defaults to the scopes of the calling key' })),
    format: Type.Optional(
      Type.Union(
        Object.keys(KEY_PREFIXES).map((f) => Type.Literal(f)),
        { description: 'pinion (pin_…, the default) or posteverywhere (pe_live_…: for PostEverywhere’s SDK against /compat/posteverywhere)' },
      ),
    ),
  },
  { additionalProperties: false },
);

const view = (k: ApiKey): Static<typeof ApiKeyView> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  created_at: isoTime(k.createdAt),
  last_used_at: k.lastUsedAt && isoTime(k.lastUsedAt),
  revoked_at: k.revokedAt && isoTime(k.revokedAt),
});

export async function keyRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const db = ctx.store.db;

  app.get(
    '/keys',
    {
      config: { scope: 'keys:read' },
      schema: { tags: ['keys'], summary: "List the workspace's API keys (never their secrets)", response: { 200: ListOf(ApiKeyView) } },
    },
    async (request) => ({ data: (await listApiKeys(db, request.caller.workspaceId)).map(view), next_cursor: null }),
  );

  app.post<{ Body: Static<typeof CreateKeyBody> }>(
    '/keys',
    {
      config: { scope: 'keys:write' },
      schema: { tags: ['keys'], summary: 'Create an API key; the secret is shown once', body: CreateKeyBody, response: { 201: CreatedKey } },
    },
    async (request, reply) => {
      const scopes = request.body.scopes ?? [...request.caller.scopes];
      // A key must not mint a key stronger than itself.
      const beyond = scopes.filter((s) => !request.caller.scopes.has(s));
      if (beyond.length) {
        throw new HttpProblem(403, 'insufficient-scope', `The calling key cannot grant scopes it lacks: ${beyond.join(', ')}`, [
          { field: 'scopes', message: `not held by the calling key: ${beyond.join(', ')}` },
        ]);
      }
      const { key, apiKey } = await createApiKey(db, {
        workspaceId: request.caller.workspaceId,
        name: request.body.name,
        scopes,
        format: request.body.format as KeyFormat | undefined,
      });
      return reply.code(201).send({ ...view(apiKey), key });
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/keys/:id',
    { config: { scope: 'keys:write' }, schema: { tags: ['keys'], summary: 'Revoke an API key at once', params: IdParams, response: { 200: ApiKeyView } } },
    async (request) => {
      const key = await revokeApiKey(db, request.caller.workspaceId, request.params.id);
      if (!key) throw notFound('API key');
      return view(key);
    },
  );
}
