import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { CONNECTORS } from '../../connectors/index.js';
import { UtmSchema } from '../../posts/index.js';
import { findWorkspace, updateWorkspaceSettings, type Workspace } from '../../workspaces/index.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../problem.js';
import { isoTime } from '../schemas.js';

const Settings = Type.Object(
  {
    utm: Type.Optional(
      Type.Object(
        { enabled: Type.Optional(Type.Boolean({ description: 'Tag every post’s links unless the post says utm: false' })), ...UtmSchema.properties },
        { additionalProperties: false, description: 'Workspace UTM defaults, used when a post says utm: true, or always when enabled' },
      ),
    ),
    media: Type.Optional(
      Type.Object(
        {
          convert: Type.Optional(
            Type.Object(
              Object.fromEntries(
                CONNECTORS.filter((c) => c.media.convert).map((c) => [
                  c.facts.id,
                  Type.Optional(
                    Type.Object(
                      { crop: Type.Optional(Type.Boolean({ description: `Also crop/resize to ${c.media.convert!.width}×${c.media.convert!.height}` })) },
                      {
                        additionalProperties: false,
                        description: `Convert uploaded images a post to ${c.facts.name} uses that it would not take as they are to ${c.media.convert!.formats.join('/')}`,
                      },
                    ),
                  ),
                ]),
              ),
              { additionalProperties: false, description: 'Per platform: convert uploaded images before a post to it is stored' },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const WorkspaceView = Type.Object(
  { id: Type.String(), name: Type.String(), settings: Settings, created_at: Type.String({ format: 'date-time' }) },
  { $id: 'Workspace' },
);
const SettingsBody = Type.Object({ settings: Settings }, { additionalProperties: false });

const view = (ws: Workspace) => ({ id: ws.id, name: ws.name, settings: ws.settings, created_at: isoTime(ws.createdAt) });

export async function workspaceRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['workspace'];
  app.get('/workspace', { schema: { tags, summary: 'The workspace of the calling key', response: { 200: WorkspaceView } } }, async (request) => {
    const ws = await findWorkspace(ctx.store.db, request.caller.workspaceId);
    if (!ws) throw notFound('Workspace');
    return view(ws);
  });

  app.patch<{ Body: Static<typeof SettingsBody> }>(
    '/workspace',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Change workspace settings (UTM defaults, media conversion per platform)',
        body: SettingsBody,
        response: { 200: WorkspaceView },
      },
    },
    async (request) => view(await updateWorkspaceSettings(ctx.store.db, request.caller.workspaceId, request.body.settings)),
  );
}
