import { createHash } from 'node:crypto';
import { ConnectorError, refusedGrant } from '../errors.js';
import type { AccountIdentity, OAuthFlow, TokenSet } from '../types.js';
import { callTikTok, putChunk, type Envelope, type TikTokHttpOptions } from './http.js';
import { TIKTOK } from './platform.js';

export interface TikTokAppConfig extends TikTokHttpOptions {
  authorizeUrl: string;
  clientKey: string;
  clientSecret: string;
}

export interface CreatorInfo {
  creator_avatar_url?: string;
  creator_username?: string;
  creator_nickname?: string;
  privacy_level_options: string[];
  comment_disabled: boolean;
  duet_disabled: boolean;
  stitch_disabled: boolean;
  max_video_post_duration_sec: number;
}

export type PublishStatus = 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED';
export interface StatusData {
  status: PublishStatus;
  fail_reason?: string;
  /** Sic: TikTok's spelling. Filled once the post passed moderation, for posts others can see. */
  publicaly_available_post_id?: Array<string | number>;
  uploaded_bytes?: number;
  downloaded_bytes?: number;
}

export interface VideoSource {
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  video_size?: number;
  chunk_size?: number;
  total_chunk_count?: number;
  video_url?: string;
}

interface TokenResponse {
  open_id?: string;
  scope?: string;
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_expires_in?: number;
}

function dataOf<T>(res: Envelope<T> | undefined, operation: string): T {
  if (res?.data !== undefined && res.data !== null) return res.data;
  throw new ConnectorError('retryable', `TikTok ${operation}: the answer carried no data`, { operation });
}

/** The PKCE challenge TikTok checks the verifier against (TIKTOK.pkceChallenge says which encoding). */
export function tiktokChallenge(codeVerifier: string, encoding = TIKTOK.pkceChallenge): string {
  return createHash('sha256').update(codeVerifier).digest(encoding);
}

/** The TikTok API v2 calls Pinion makes, one method each; paths and bodies as in TikTok's reference pages. */
export class TikTokClient implements OAuthFlow {
  constructor(readonly app: TikTokAppConfig) {}

  authorizeUrl({
    redirectUri,
    state,
    codeChallenge,
    codeVerifier,
  }: {
    redirectUri: string;
    state: string;
    codeChallenge: string;
    codeVerifier?: string;
  }): string {
    const url = new URL(this.app.authorizeUrl);
    url.searchParams.set('client_key', this.app.clientKey);
    url.searchParams.set('scope', TIKTOK.scopes.join(','));
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    // Pinion's challenge is RFC 7636's base64url; TikTok's is hex, made from the verifier when Pinion passes it.
    url.searchParams.set('code_challenge', codeVerifier !== undefined ? tiktokChallenge(codeVerifier) : codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  async exchangeCode({ code, redirectUri, codeVerifier }: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenSet> {
    return toTokenSet(await this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier }));
  }

  /** TikTok rotates refresh tokens: the answer's refresh token replaces the one used, which stops working. */
  async refresh(refreshToken: string): Promise<TokenSet> {
    try {
      const set = toTokenSet(await this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }));
      return { ...set, refreshToken: set.refreshToken ?? refreshToken };
    } catch (err) {
      // invalid_grant and the like: the grant is gone. A refused client (misconfigured) stays as it is.
      throw refusedGrant(err);
    }
  }

  async revoke(token: string): Promise<boolean> {
    await callTikTok(this.app, {
      method: 'POST',
      path: '/v2/oauth/revoke/',
      form: { client_key: this.app.clientKey, client_secret: this.app.clientSecret, token },
    });
    return true;
  }

  private token(form: Record<string, string>): Promise<TokenResponse> {
    return callTikTok<TokenResponse>(this.app, {
      method: 'POST',
      path: '/v2/oauth/token/',
      form: { client_key: this.app.clientKey, client_secret: this.app.clientSecret, ...form },
    });
  }

  async identify(accessToken: string): Promise<AccountIdentity> {
    const res = await callTikTok<Envelope<{ user?: { open_id?: string; display_name?: string; avatar_url?: string } }>>(this.app, {
      method: 'GET',
      path: '/v2/user/info/',
      bearer: accessToken,
      query: { fields: 'open_id,union_id,avatar_url,display_name' },
    });
    const user = dataOf(res, 'GET /v2/user/info/').user;
    if (!user?.open_id) throw new ConnectorError('rejected', 'TikTok GET /v2/user/info/ returned no open_id');
    // The handle is not in user.info.basic; creator_info (video.publish) carries it.
    const creator = await this.creatorInfo(accessToken);
    return {
      externalId: user.open_id,
      username: creator.creator_username ?? user.display_name ?? user.open_id,
      displayName: user.display_name ?? creator.creator_nickname ?? null,
      avatarUrl: user.avatar_url ?? creator.creator_avatar_url ?? null,
      accountType: null,
    };
  }

  async creatorInfo(accessToken: string): Promise<CreatorInfo> {
    const res = await callTikTok<Envelope<CreatorInfo>>(this.app, { method: 'POST', path: '/v2/post/publish/creator_info/query/', bearer: accessToken });
    return dataOf(res, 'POST /v2/post/publish/creator_info/query/');
  }

  /** Direct post (`inbox` false: post_info and source_info) or upload to the creator's inbox (source_info only). */
  async initVideo(
    accessToken: string,
    body: { post_info?: Record<string, unknown>; source_info: VideoSource },
    inbox: boolean,
  ): Promise<{ publish_id: string; upload_url?: string }> {
    const path = inbox ? '/v2/post/publish/inbox/video/init/' : '/v2/post/publish/video/init/';
    const res = await callTikTok<Envelope<{ publish_id: string; upload_url?: string }>>(this.app, {
      method: 'POST',
      path,
      bearer: accessToken,
      json: body,
      write: true,
    });
    return dataOf(res, `POST ${path}`);
  }

  async initPhoto(accessToken: string, body: Record<string, unknown>): Promise<{ publish_id: string }> {
    const path = '/v2/post/publish/content/init/';
    const res = await callTikTok<Envelope<{ publish_id: string }>>(this.app, { method: 'POST', path, bearer: accessToken, json: body, write: true });
    return dataOf(res, `POST ${path}`);
  }

  async status(accessToken: string, publishId: string): Promise<StatusData> {
    const path = '/v2/post/publish/status/fetch/';
    const res = await callTikTok<Envelope<StatusData>>(this.app, { method: 'POST', path, bearer: accessToken, json: { publish_id: publishId } });
    return dataOf(res, `POST ${path}`);
  }

  uploadChunk(uploadUrl: string, chunk: Buffer, range: { first: number; last: number; total: number }, mime: string): Promise<number> {
    return putChunk(this.app, uploadUrl, chunk, range, mime);
  }
}

function toTokenSet(t: TokenResponse, now = Date.now()): TokenSet {
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token ?? null,
    // Lifetimes come from the answer: TikTok's pages disagree (24 h / 365 d, later 2 h / 180 d).
    accessExpiresAt: t.expires_in !== undefined ? new Date(now + t.expires_in * 1000) : null,
    refreshExpiresAt: t.refresh_expires_in !== undefined ? new Date(now + t.refresh_expires_in * 1000) : null,
    scopes: (t.scope ?? '').split(/[,\s]+/).filter(Boolean),
  };
}
