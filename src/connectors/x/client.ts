import { ConnectorError, refusedGrant } from '../errors.js';
import type { AccountIdentity, OAuthFlow, TokenSet } from '../types.js';
import { callX, type XHttpOptions } from './http.js';
import { X_FACTS, X_LIMITS } from './platform.js';

export interface XAppConfig extends XHttpOptions {
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
}

/** CreatePostsRequest, the fields Pinion sends. */
export interface PostCreate {
  /** Omitted for a post of media only (the spec's default is ""). */
  text?: string;
  media?: { media_ids: string[] };
  reply?: { in_reply_to_tweet_id: string };
  reply_settings?: 'following' | 'mentionedUsers' | 'subscribers' | 'verified';
}
/** Post, the fields Pinion reads. */
export interface XPost {
  id: string;
  text: string;
  created_at?: string;
  conversation_id?: string;
}
export interface XProcessingInfo {
  state?: string;
  check_after_secs?: number;
  progress_percent?: number;
  error?: { message?: string; name?: string };
}
export interface XMediaUpload {
  id: string;
  media_key?: string;
  processing_info?: XProcessingInfo;
}
export type MediaCategory = 'tweet_image' | 'tweet_gif' | 'tweet_video';

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  token_type?: string;
}
/** X wraps every answer in `{data, errors}`; a 2xx without data is a refusal told in `errors`. */
interface Wrapped<T> {
  data?: T;
  errors?: Array<{ message?: string; detail?: string; title?: string }>;
  meta?: { next_token?: string; result_count?: number };
}

const toTokenSet = (t: TokenResponse, now = Date.now()): TokenSet => ({
  accessToken: t.access_token,
  refreshToken: t.refresh_token ?? null,
  accessExpiresAt: t.expires_in !== undefined ? new Date(now + t.expires_in * 1000) : null,
  // X does not document how long a refresh token lives; it rotates on every use.
  refreshExpiresAt: null,
  scopes: (t.scope ?? '').split(/\s+/).filter(Boolean),
});

function dataOf<T>(res: Wrapped<T> | undefined, operation: string): T {
  if (res?.data !== undefined) return res.data;
  const e = res?.errors?.[0];
  throw new ConnectorError('rejected', `X ${operation}: ${e?.detail ?? e?.message ?? e?.title ?? 'answer carried no data'}`, { operation });
}

/** The X API v2 calls Pinion makes, one method each; paths and bodies as in specs/x/openapi.json. */
export class XClient implements OAuthFlow {
  constructor(private readonly app: XAppConfig) {}

  authorizeUrl({ redirectUri, state, codeChallenge }: { redirectUri: string; state: string; codeChallenge: string }): string {
    const url = new URL(this.app.authorizeUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.app.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', X_FACTS.scopes.join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  async exchangeCode({ code, redirectUri, codeVerifier }: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenSet> {
    return toTokenSet(await this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier }));
  }

  /**
   * X rotates refresh tokens: the one used stops working and the answer carries its successor,
   * which the caller must store before dropping the old one.
   */
  async refresh(refreshToken: string): Promise<TokenSet> {
    try {
      const set = toTokenSet(await this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }));
      return { ...set, refreshToken: set.refreshToken ?? refreshToken };
    } catch (err) {
      // invalid_grant and the like: the grant is gone and only the person can bring it back.
      // A refused client (misconfigured) stays as it is: the account is fine, the app settings are not.
      throw refusedGrant(err);
    }
  }

  async revoke(token: string): Promise<boolean> {
    await callX(this.app, { method: 'POST', path: '/2/oauth2/revoke', auth: this.basic, form: { token } });
    return true;
  }

  private get basic(): { basic: [string, string] } {
    return { basic: [this.app.clientId, this.app.clientSecret] };
  }

  private token(form: Record<string, string>): Promise<TokenResponse> {
    return callX<TokenResponse>(this.app, { method: 'POST', path: '/2/oauth2/token', auth: this.basic, form });
  }

  async identify(accessToken: string): Promise<AccountIdentity> {
    const me = await this.me(accessToken);
    if (!me.id || !me.username) throw new ConnectorError('rejected', 'X GET /2/users/me returned no id or username');
    return {
      externalId: me.id,
      username: me.username,
      displayName: me.name ?? null,
      avatarUrl: me.profile_image_url ?? null,
      accountType: me.verified_type ?? null,
    };
  }

  async me(accessToken: string): Promise<{ id: string; username: string; name?: string; profile_image_url?: string; verified_type?: string }> {
    const res = await callX<Wrapped<{ id: string; username: string; name?: string; profile_image_url?: string; verified_type?: string }>>(this.app, {
      method: 'GET',
      path: '/2/users/me',
      auth: { bearer: accessToken },
      query: { 'user.fields': 'profile_image_url,verified_type' },
    });
    return dataOf(res, 'GET /2/users/me');
  }

  async createPost(accessToken: string, post: PostCreate): Promise<{ id: string; text: string }> {
    const res = await callX<Wrapped<{ id: string; text: string }>>(this.app, { method: 'POST', path: '/2/tweets', auth: { bearer: accessToken }, json: post });
    return dataOf(res, 'POST /2/tweets');
  }

  async deletePost(accessToken: string, id: string): Promise<boolean> {
    const res = await callX<Wrapped<{ deleted: boolean }>>(this.app, {
      method: 'DELETE',
      path: `/2/tweets/${encodeURIComponent(id)}`,
      auth: { bearer: accessToken },
    });
    return dataOf(res, 'DELETE /2/tweets/{id}').deleted;
  }

  /**
   * One page of the user's posts and replies created at or after `startTime`. The spec names the
   * fields parameter `post.fields`; `conversation_id` ties a thread's replies to its first post.
   */
  async userPosts(accessToken: string, userId: string, opts: { startTime: Date; paginationToken?: string }): Promise<{ posts: XPost[]; next?: string }> {
    const res = await callX<Wrapped<XPost[]>>(this.app, {
      method: 'GET',
      path: `/2/users/${encodeURIComponent(userId)}/tweets`,
      auth: { bearer: accessToken },
      query: {
        start_time: opts.startTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        max_results: X_LIMITS.pageSizeMax,
        'post.fields': 'created_at,conversation_id',
        pagination_token: opts.paginationToken,
      },
    });
    return { posts: res?.data ?? [], next: res?.meta?.next_token };
  }

  async initializeUpload(accessToken: string, input: { media_type: string; total_bytes: number; media_category: MediaCategory }): Promise<XMediaUpload> {
    const res = await callX<Wrapped<XMediaUpload>>(this.app, {
      method: 'POST',
      path: '/2/media/upload/initialize',
      auth: { bearer: accessToken },
      json: input,
    });
    return dataOf(res, 'POST /2/media/upload/initialize');
  }

  async appendUpload(accessToken: string, mediaId: string, segmentIndex: number, chunk: Buffer, mime: string): Promise<void> {
    const form = new FormData();
    form.append('segment_index', String(segmentIndex));
    form.append('media', new Blob([new Uint8Array(chunk)], { type: mime }), 'media');
    await callX(this.app, { method: 'POST', path: `/2/media/upload/${encodeURIComponent(mediaId)}/append`, auth: { bearer: accessToken }, multipart: form });
  }

  async finalizeUpload(accessToken: string, mediaId: string): Promise<XMediaUpload> {
    const res = await callX<Wrapped<XMediaUpload>>(this.app, {
      method: 'POST',
      path: `/2/media/upload/${encodeURIComponent(mediaId)}/finalize`,
      auth: { bearer: accessToken },
    });
    return dataOf(res, 'POST /2/media/upload/{id}/finalize');
  }

  async uploadStatus(accessToken: string, mediaId: string): Promise<XMediaUpload> {
    const res = await callX<Wrapped<XMediaUpload>>(this.app, {
      method: 'GET',
      path: '/2/media/upload',
      auth: { bearer: accessToken },
      query: { media_id: mediaId, command: 'STATUS' },
    });
    return dataOf(res, 'GET /2/media/upload');
  }

  async setAltText(accessToken: string, mediaId: string, text: string): Promise<void> {
    await callX(this.app, {
      method: 'POST',
      path: '/2/media/metadata',
      auth: { bearer: accessToken },
      json: { id: mediaId, metadata: { alt_text: { text } } },
    });
  }
}
