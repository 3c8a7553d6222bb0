import { route, type Ctx, type Route } from './context.js';
import { GraphFailure, Raw, authorize, badParam, type Req } from './graph-http.js';
import { secret, type TokenKind } from './world.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The consent page: every query parameter rides along as a hidden field; the person types who they are. */
function dialog(title: string, req: Req, fields: string): Raw {
  const hidden = Object.entries(req.params)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return new Raw(
    200,
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>` +
      `<form method="post">${hidden}${fields}<button name="decision" value="approve">Approve</button> <button name="decision" value="deny">Deny</button></form></body></html>`,
    { 'content-type': 'text/html; charset=utf-8' },
  );
}

function app(ctx: Ctx, clientId: string | undefined, clientSecret?: string, shape: 'graph' | 'oauth' = 'graph') {
  const a = ctx.o.apps.find((x) => x.clientId === clientId);
  if (!a) throw new GraphFailure(400, 101, 'Error validating application. Invalid application ID.', undefined, { shape });
  if (clientSecret !== undefined && a.clientSecret !== clientSecret) throw new GraphFailure(400, 1, 'Error validating client secret.', undefined, { shape });
  return a;
}

function back(req: Req, params: Record<string, string>, fragment = ''): Raw {
  const to = new URL(req.params.redirect_uri ?? '');
  for (const [k, v] of Object.entries(params)) to.searchParams.set(k, v);
  return new Raw(302, '', { location: `${to.toString()}${fragment}` });
}

/**
 * Decides a dialog: deny → `error=access_denied`; approve → a code for the subject the form names.
 * `#_` is appended to Instagram and Threads redirects, as Meta does.
 */
function decide(req: Req, ctx: Ctx, kind: 'fb' | 'ig' | 'th', subject: () => string): Raw {
  app(ctx, req.params.client_id);
  if (!req.params.redirect_uri) throw badParam('redirect_uri is required');
  const fragment = kind === 'fb' ? '' : '#_';
  const state: Record<string, string> = req.params.state !== undefined ? { state: req.params.state } : {};
  if (req.params.decision !== 'approve')
    return back(req, { error: 'access_denied', error_reason: 'user_denied', error_description: 'Permissions error', ...state }, fragment);
  const code = secret('code-');
  ctx.world.codes.set(code, {
    subject: subject(),
    kind,
    clientId: req.params.client_id!,
    redirectUri: req.params.redirect_uri,
    expiresAt: ctx.now() + ctx.o.codeTtlSeconds * 1000,
    used: false,
  });
  return back(req, { code, ...state }, fragment);
}

function useCode(ctx: Ctx, code: string | undefined, kind: 'fb' | 'ig' | 'th', clientId: string, redirectUri: string | undefined, shape: 'graph' | 'oauth') {
  const c = code ? ctx.world.codes.get(code) : undefined;
  if (!c || c.kind !== kind || c.clientId !== clientId) throw new GraphFailure(400, 100, 'Invalid verification code format.', 36007, { shape });
  if (c.used) throw new GraphFailure(400, 100, 'This authorization code has been used.', 36009, { shape });
  if (c.expiresAt <= ctx.now()) throw new GraphFailure(400, 100, 'This authorization code has expired.', 36007, { shape });
  if (c.redirectUri !== redirectUri)
    throw new GraphFailure(
      400,
      100,
      'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
      36008,
      { shape },
    );
  c.used = true;
  return c.subject;
}

const tokenAnswer = (t: { value: string; expiresAt: number | null }, now: number) => ({
  access_token: t.value,
  token_type: 'bearer',
  ...(t.expiresAt !== null && { expires_in: Math.round((t.expiresAt - now) / 1000) }),
});

export const oauthRoutes: Route[] = [
  // Facebook Login: the dialog names a person; Pages and linked Instagram accounts are the person's.
  route('GET', '/dialog/oauth', (req) => dialog('Log in with Facebook (sandbox)', req, '<label>Person <input name="person" value="sandbox person"></label> ')),
  route('POST', '/dialog/oauth', (req, ctx) => decide(req, ctx, 'fb', () => ctx.world.addPerson({ name: req.params.person || 'sandbox person' }).id)),
  route('GET', '/oauth/authorize', (req, ctx) =>
    dialog(
      `Log in to ${ctx.o.mount === 'threads' ? 'Threads' : 'Instagram'} (sandbox)`,
      req,
      '<label>Username <input name="username" value="sandbox_user"></label> ',
    ),
  ),
  route('POST', '/oauth/authorize', (req, ctx) =>
    ctx.o.mount === 'threads'
      ? decide(req, ctx, 'th', () => ctx.world.addThreadsUser(req.params.username || 'sandbox_user').id)
      : decide(
          req,
          ctx,
          'ig',
          () => ctx.world.addIgUser(req.params.username || 'sandbox_user', req.params.account_type === 'MEDIA_CREATOR' ? 'MEDIA_CREATOR' : 'BUSINESS').id,
        ),
  ),
  // Facebook: code → short-lived user token; fb_exchange_token → long-lived (~60 days).
  route('GET', '/oauth/access_token', (req, ctx) => {
    const p = req.params;
    app(ctx, p.client_id, p.client_secret);
    const now = ctx.now();
    if (p.grant_type === 'fb_exchange_token') {
      const short = ctx.world.tokens.get(p.fb_exchange_token ?? '');
      if (!short || short.kind !== 'fb_short' || short.revoked || (short.expiresAt ?? Infinity) <= now)
        throw new GraphFailure(400, 190, 'Invalid OAuth access token - Cannot parse access token');
      return tokenAnswer(ctx.world.issue('fb_user', short.subject, p.client_id!, now, ctx.o.longLivedSeconds), now);
    }
    const subject = useCode(ctx, p.code, 'fb', p.client_id!, p.redirect_uri, 'graph');
    return tokenAnswer(ctx.world.issue('fb_short', subject, p.client_id!, now, ctx.o.shortLivedSeconds), now);
  }),
  // Instagram Login (api.instagram.com) and Threads: code → short-lived token, in the OAuth error shape.
  route('POST', '/oauth/access_token', (req, ctx) => {
    const p = req.params;
    app(ctx, p.client_id, p.client_secret, 'oauth');
    if (p.grant_type !== 'authorization_code') throw new GraphFailure(400, 400, 'Invalid grant_type', undefined, { shape: 'oauth' });
    const kind = ctx.o.mount === 'threads' ? 'th' : 'ig';
    const subject = useCode(ctx, p.code, kind, p.client_id!, p.redirect_uri, 'oauth');
    const t = ctx.world.issue(`${kind}_short` as TokenKind, subject, p.client_id!, ctx.now(), ctx.o.shortLivedSeconds);
    return { access_token: t.value, user_id: subject, ...(kind === 'ig' && { permissions: 'instagram_business_basic,instagram_business_content_publish' }) };
  }),
  route('GET', '/access_token', (req, ctx) => {
    const p = req.params;
    const prefix = p.grant_type === 'th_exchange_token' ? 'th' : p.grant_type === 'ig_exchange_token' ? 'ig' : undefined;
    if (!prefix) throw badParam('(#100) grant_type must be ig_exchange_token or th_exchange_token');
    const short = authorize(ctx.world, { ...req, tokenValue: p.access_token }, ctx.now());
    if (short.kind !== `${prefix}_short`) throw new GraphFailure(400, 190, 'Invalid OAuth access token - this is not a short-lived token of this login');
    app(ctx, short.clientId, p.client_secret);
    return tokenAnswer(ctx.world.issue(`${prefix}_long` as TokenKind, short.subject, short.clientId, ctx.now(), ctx.o.longLivedSeconds), ctx.now());
  }),
  // Refresh: the token must be long-lived, valid and at least `refreshMinAgeSeconds` old.
  route('GET', '/refresh_access_token', (req, ctx) => {
    const p = req.params;
    const prefix = p.grant_type === 'th_refresh_token' ? 'th' : p.grant_type === 'ig_refresh_token' ? 'ig' : undefined;
    if (!prefix) throw badParam('(#100) grant_type must be ig_refresh_token or th_refresh_token');
    const now = ctx.now();
    const t = authorize(ctx.world, { ...req, tokenValue: p.access_token ?? req.tokenValue }, now);
    if (t.kind !== `${prefix}_long`) throw new GraphFailure(400, 190, 'Invalid OAuth access token - only long-lived tokens can be refreshed');
    if (now - t.issuedAt < ctx.o.refreshMinAgeSeconds * 1000)
      throw new GraphFailure(400, 10, '(#10) The access token must be at least 24 hours old to be refreshed', undefined, { type: 'OAuthException' });
    return tokenAnswer(ctx.world.issue(t.kind, t.subject, t.clientId, now, ctx.o.longLivedSeconds), now);
  }),
];
