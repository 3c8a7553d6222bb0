import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { disconnectAccount, getAccountRow, listAccounts, setAccountTimeZone, startConnect, toAccount, type Account } from '../../accounts/index.js';
import { platformConfig } from '../../config/index.js';
import { PLATFORM_IDS, PlatformNotConfigured, connectorFor, isConnectorError } from '../../connectors/index.js';
import type { ApiContext } from '../context.js';
import { canonicalTimeZone, timeZoneIssue } from '../../shared/index.js';
import { HttpProblem, invalid, notFound } from '../problem.js';
import { IdParams, ListOf, isoTime } from '../schemas.js';
import { connectorProblem } from './connector-problem.js';

const Platform = Type.Unsafe<string>({ type: 'string', enum: [...PLATFORM_IDS], description: 'A platform Pinion publishes to' });
const Status = Type.Union([Type.Literal('active'), Type.Literal('needs_reauth'), Type.Literal('disconnected')]);
const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
export const AccountView = Type.Object(
  {
    id: Type.String(),
    platform: Platform,
    external_id: Type.String(),
    username: Type.String(),
    display_name: Type.Union([Type.String(), Type.Null()]),
    avatar_url: Type.Union([Type.String(), Type.Null()]),
    account_type: Type.Union([Type.String(), Type.Null()]),
    status: Status,
    scopes: Type.Array(Type.String()),
    access_expires_at: Time,
    refresh_expires_at: Time,
    refreshed_at: Time,
    last_error: Type.Union([Type.String(), Type.Null()]),
    timezone: Type.Union([Type.String(), Type.Null()], {
      description: 'IANA time zone the account lives in (the dashboard shows its posts in it; its queue slots default to it); null: the workspace’s, UTC',
    }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Account' },
);
const AccountChange = Type.Object(
  {
    timezone: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 100, description: 'IANA time zone, e.g. Europe/Paris' }), Type.Null()], {
        description: 'The account’s own time zone; null goes back to the workspace’s (UTC)',
      }),
    ),
  },
  { additionalProperties: false },
);
const ConnectBody = Type.Object(
  {
    platform: Platform,
    redirect_url: Type.Optional(
      Type.String({
        format: 'uri',
        pattern: '^https?://',
        maxLength: 2048,
        description: 'Where to send the person after connecting; gets ?status=connected&account_id=… or ?status=error&error=…',
      }),
    ),
  },
  { additionalProperties: false },
);
const ConnectAnswer = Type.Object({ authorize_url: Type.String(), expires_at: Type.String({ format: 'date-time' }), callback_url: Type.String() });
const ListQuery = Type.Object({ platform: Type.Optional(Platform), status: Type.Optional(Status) }, { additionalProperties: false });

const time = (d: Date | null) => (d ? isoTime(d) : null);
export const accountView = (a: Account): Static<typeof AccountView> => ({
  id: a.id,
  platform: a.platform,
  external_id: a.externalId,
  username: a.username,
  display_name: a.displayName,
  avatar_url: a.avatarUrl,
  account_type: a.accountType,
  status: a.status,
  scopes: a.scopes,
  access_expires_at: time(a.accessExpiresAt),
  refresh_expires_at: time(a.refreshExpiresAt),
  refreshed_at: time(a.refreshedAt),
  last_error: a.lastError,
  timezone: a.timezone,
  created_at: isoTime(a.createdAt),
});

/** The OAuth side of a platform with this instance's settings; throws PlatformNotConfigured without app credentials. */
export const oauthFlowOf = (ctx: ApiContext, platform: string) => connectorFor(platform).oauth(platformConfig(ctx.config, platform));

/** The account of the caller's workspace, or 404: other workspaces' accounts do not exist here. */
export async function accountOf(ctx: ApiContext, workspaceId: string, id: string) {
  const row = await getAccountRow(ctx.store.db, workspaceId, id);
  if (!row) throw notFound('Account');
  return row;
}

export async function accountRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const db = ctx.store.db;
  const tags = ['accounts'];

  app.post<{ Body: Static<typeof ConnectBody> }>(
    '/accounts/connect',
    {
      config: { scope: 'accounts:write' },
      schema: { tags, summary: 'Start connecting an account: send the person to authorize_url', body: ConnectBody, response: { 200: ConnectAnswer } },
    },
    async (request) => {
      let oauth;
      try {
        oauth = oauthFlowOf(ctx, request.body.platform);
      } catch (err) {
        if (err instanceof PlatformNotConfigured) throw new HttpProblem(409, 'platform-not-configured', err.message);
        throw err;
      }
      const { authorizeUrl, expiresAt } = await startConnect(db, {
        workspaceId: request.caller.workspaceId,
        platform: request.body.platform,
        oauth,
        publicUrl: ctx.publicUrl,
        redirectUrl: request.body.redirect_url,
        ttlMs: ctx.config.accounts.connectTtlSeconds * 1000,
      });
      return { authorize_url: authorizeUrl, expires_at: isoTime(expiresAt), callback_url: `${ctx.publicUrl}/oauth/callback/${request.body.platform}` };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/accounts',
    {
      config: { scope: 'accounts:read' },
      schema: { tags, summary: 'List connected accounts', querystring: ListQuery, response: { 200: ListOf(AccountView) } },
    },
    async (request) => ({ data: (await listAccounts(db, request.caller.workspaceId, request.query)).map(accountView), next_cursor: null }),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id',
    { config: { scope: 'accounts:read' }, schema: { tags, summary: 'Get an account', params: IdParams, response: { 200: AccountView } } },
    async (request) => accountView(toAccount(await accountOf(ctx, request.caller.workspaceId, request.params.id))),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof AccountChange> }>(
    '/accounts/:id',
    {
      config: { scope: 'accounts:write' },
      schema: {
        tags,
        summary: 'Change an account’s settings: its time zone',
        description:
          'Sets the account’s own IANA time zone (stored as the time zone database spells it), or with null goes back to the workspace’s (UTC). A zone the database does not know is refused with 422, naming the field. Scheduled posts keep their instants.',
        params: IdParams,
        body: AccountChange,
        response: { 200: AccountView },
      },
    },
    async (request) => {
      const row = await accountOf(ctx, request.caller.workspaceId, request.params.id);
      const zone = request.body.timezone;
      if (zone !== undefined) {
        const issue = zone === null ? undefined : timeZoneIssue('timezone', zone);
        if (issue) throw invalid([issue], 'The account’s time zone is not one Pinion knows');
        await setAccountTimeZone(db, request.caller.workspaceId, row.id, zone === null ? null : canonicalTimeZone(zone));
      }
      return accountView(toAccount(await accountOf(ctx, request.caller.workspaceId, row.id)));
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id/status',
    {
      config: { scope: 'accounts:read' },
      schema: {
        tags,
        summary: 'Check the account with the platform now (refreshing its token if due) and return its status',
        params: IdParams,
        response: { 200: AccountView },
      },
    },
    async (request) => {
      const row = await accountOf(ctx, request.caller.workspaceId, request.params.id);
      if (row.status === 'active') {
        try {
          await ctx.accounts.tokens.withAccessToken(row.id, (token) => oauthFlowOf(ctx, row.platform).identify(token));
        } catch (err) {
          // A dead grant is the answer (status needs_reauth), not an error of this request.
          if (!isConnectorError(err) || err.kind !== 'auth_revoked') throw connectorProblem(err);
        }
      }
      return accountView(toAccount(await accountOf(ctx, request.caller.workspaceId, row.id)));
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id/refresh',
    {
      config: { scope: 'accounts:write' },
      schema: { tags, summary: "Refresh the account's access token now", params: IdParams, response: { 200: AccountView } },
    },
    async (request) => {
      const row = await accountOf(ctx, request.caller.workspaceId, request.params.id);
      try {
        await ctx.accounts.tokens.refresh(row.id);
      } catch (err) {
        throw connectorProblem(err);
      }
      return accountView(toAccount(await accountOf(ctx, request.caller.workspaceId, row.id)));
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id',
    {
      config: { scope: 'accounts:write' },
      schema: {
        tags,
        summary: 'Disconnect an account: its tokens are deleted (and revoked where the platform allows it)',
        params: IdParams,
        response: { 200: AccountView },
      },
    },
    async (request) => {
      const row = await accountOf(ctx, request.caller.workspaceId, request.params.id);
      const flow = oauthFlowOf(ctx, row.platform);
      if (flow.revoke && row.access_token) {
        await flow.revoke(ctx.accounts.vault.decrypt(row.access_token, row.id)).catch((err) => request.log.warn({ err, accountId: row.id }, 'revoke failed'));
      }
      await disconnectAccount(db, request.caller.workspaceId, row.id);
      return accountView(toAccount(await accountOf(ctx, request.caller.workspaceId, row.id)));
    },
  );
}
