import { ConnectorError, refusedGrant } from '../errors.js';
import type { AccountIdentity, OAuthFlow, TokenSet } from '../types.js';
import { callLinkedIn, type CallInput, type LinkedInHttpOptions } from './http.js';
import { DEFAULT_LINKEDIN_VERSION, LINKEDIN_FACTS, POSTING_ROLES } from './platform.js';

export interface LinkedInAppConfig extends LinkedInHttpOptions {
  /** `https://www.linkedin.com/oauth/v2/authorization`; the token endpoint is its sibling `accessToken`. */
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
}

interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope?: string;
}

/** The post body of `POST /rest/posts`, the fields Pinion sends. */
export interface PostCreate {
  author: string;
  commentary: string;
  visibility: 'PUBLIC' | 'CONNECTIONS' | 'LOGGED_IN';
  distribution: { feedDistribution: 'MAIN_FEED' | 'NONE'; targetEntities: never[]; thirdPartyDistributionChannels: never[] };
  lifecycleState: 'PUBLISHED';
  isReshareDisabledByAuthor: boolean;
  content?: PostContent;
}
export type PostContent =
  | { media: { id: string; title?: string; altText?: string } }
  | { multiImage: { images: Array<{ id: string; altText?: string }> } }
  | { article: { source: string; title: string; description?: string; thumbnail?: string; thumbnailAltText?: string } };

/** A post as LinkedIn lists it, the fields Pinion reads. */
export interface LinkedInPost {
  id: string;
  author: string;
  commentary?: string;
  createdAt?: number;
  publishedAt?: number;
  lifecycleState?: string;
  content?: {
    media?: { id: string };
    multiImage?: { images: Array<{ id: string }> };
    article?: { source: string; title?: string };
  };
}

export interface VideoUpload {
  video: string;
  uploadToken: string;
  uploadInstructions: Array<{ uploadUrl: string; firstByte: number; lastByte: number }>;
}
export interface MediaStatus {
  id: string;
  status: string;
  processingFailureReason?: string;
}

interface Page<T> {
  elements?: T[];
  paging?: { start?: number; count?: number; total?: number };
}

const toTokenSet = (t: TokenResponse, now = Date.now()): TokenSet => ({
  accessToken: t.access_token,
  refreshToken: t.refresh_token ?? null,
  accessExpiresAt: t.expires_in !== undefined ? new Date(now + t.expires_in * 1000) : null,
  // LinkedIn's refresh token lives a fixed 365 days from the first grant; refreshing does not extend it.
  refreshExpiresAt: t.refresh_token && t.refresh_token_expires_in !== undefined ? new Date(now + t.refresh_token_expires_in * 1000) : null,
  scopes: (t.scope ?? '').split(/[\s,]+/).filter(Boolean),
});

const id = (urn: string) => urn.slice(urn.lastIndexOf(':') + 1);

/** The LinkedIn calls Pinion makes, one method each, as LinkedIn's Posts, Images and Videos API pages show them. */
export class LinkedInClient implements OAuthFlow {
  constructor(private readonly app: LinkedInAppConfig) {}

  private call<T>(input: CallInput) {
    return callLinkedIn<T>(this.app, input);
  }

  private rest<T>(token: string, version: string, input: Omit<CallInput, 'bearer' | 'version'>) {
    return this.call<T>({ ...input, bearer: token, version });
  }

  /** LinkedIn's 3-legged flow has no PKCE for web apps: the challenge is not sent. */
  authorizeUrl({ redirectUri, state }: { redirectUri: string; state: string; codeChallenge: string }): string {
    const url = new URL(this.app.authorizeUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.app.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('scope', LINKEDIN_FACTS.scopes.join(' '));
    return url.toString();
  }

  private get tokenUrl(): string {
    return this.app.authorizeUrl.replace(/\/authorization\/?$/, '/accessToken');
  }

  private async token(form: Record<string, string>): Promise<TokenSet> {
    const res = await this.call<TokenResponse>({
      method: 'POST',
      path: this.tokenUrl,
      operation: 'POST /oauth/v2/accessToken',
      form: { ...form, client_id: this.app.clientId, client_secret: this.app.clientSecret },
      oauth: true,
    });
    if (!res.body?.access_token) throw new ConnectorError('rejected', 'LinkedIn POST /oauth/v2/accessToken: answer carried no access_token');
    return toTokenSet(res.body);
  }

  exchangeCode({ code, redirectUri }: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenSet> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  /** Only apps LinkedIn approved for programmatic refresh get refresh tokens; the refresh token itself is kept. */
  async refresh(refreshToken: string): Promise<TokenSet> {
    try {
      const set = await this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
      return { ...set, refreshToken: set.refreshToken ?? refreshToken };
    } catch (err) {
      // invalid_grant ("Token has been expired or revoked"): only the person can bring the grant back.
      throw refusedGrant(err);
    }
  }

  /** The member, from Sign In with LinkedIn (OIDC userinfo): author `urn:li:person:{sub}`. */
  async identify(accessToken: string): Promise<AccountIdentity> {
    const res = await this.call<{ sub?: string; name?: string; email?: string; picture?: string }>({
      method: 'GET',
      path: '/v2/userinfo',
      operation: 'GET /v2/userinfo',
      bearer: accessToken,
    });
    const me = res.body;
    if (!me?.sub) throw new ConnectorError('rejected', 'LinkedIn GET /v2/userinfo returned no sub');
    return {
      externalId: `urn:li:person:${me.sub}`,
      username: me.name ?? me.email ?? me.sub,
      displayName: me.name ?? null,
      avatarUrl: me.picture ?? null,
      accountType: 'member',
    };
  }

  /** One grant, several accounts: the member, and each company page they may post as (organizationAcls). */
  async accounts(tokens: TokenSet): Promise<Array<{ identity: AccountIdentity; tokens: TokenSet }>> {
    const member = await this.identify(tokens.accessToken);
    const orgs = await this.administeredOrganizations(tokens.accessToken).catch((err: unknown) => {
      // An app without the Community Management API may not read roles: the member alone is connectable.
      if (err instanceof ConnectorError && err.kind === 'rejected' && err.details.status === 403) return [];
      throw err;
    });
    return [member, ...orgs].map((identity) => ({ identity, tokens }));
  }

  private async administeredOrganizations(token: string): Promise<AccountIdentity[]> {
    const urns = new Set<string>();
    for (let start = 0, page = 0; page < 10; page++) {
      const res = await this.rest<Page<{ organization?: string; role?: string; state?: string }>>(token, DEFAULT_LINKEDIN_VERSION, {
        method: 'GET',
        path: '/rest/organizationAcls',
        operation: 'GET /rest/organizationAcls',
        query: { q: 'roleAssignee', state: 'APPROVED', start, count: 100 },
      });
      const elements = res.body?.elements ?? [];
      for (const acl of elements) {
        if (acl.organization && acl.state === 'APPROVED' && (POSTING_ROLES as readonly string[]).includes(acl.role ?? '')) urns.add(acl.organization);
      }
      start += elements.length;
      if (elements.length < 100) break;
    }
    const out: AccountIdentity[] = [];
    for (const urn of urns) {
      const org = (
        await this.rest<{ id?: number; localizedName?: string; vanityName?: string }>(token, DEFAULT_LINKEDIN_VERSION, {
          method: 'GET',
          path: `/rest/organizations/${encodeURIComponent(id(urn))}`,
          operation: 'GET /rest/organizations/{id}',
        })
      ).body;
      out.push({
        externalId: urn,
        username: org?.vanityName ?? org?.localizedName ?? urn,
        displayName: org?.localizedName ?? null,
        avatarUrl: null,
        accountType: 'organization',
      });
    }
    return out;
  }

  /** Creates the post; LinkedIn answers 201 with an empty body and the post's URN in `x-restli-id`. */
  async createPost(token: string, version: string, post: PostCreate): Promise<string> {
    const res = await this.rest<unknown>(token, version, { method: 'POST', path: '/rest/posts', operation: 'POST /rest/posts', json: post, createsPost: true });
    const urn = res.headers.get('x-restli-id') ?? res.headers.get('x-linkedin-id');
    // Made, but which post is not said: the outcome search finds it.
    if (!urn)
      throw new ConnectorError('unknown_outcome', 'LinkedIn POST /rest/posts answered without x-restli-id', {
        operation: 'POST /rest/posts',
        status: res.status,
      });
    return urn;
  }

  async deletePost(token: string, version: string, urn: string): Promise<void> {
    await this.rest(token, version, { method: 'DELETE', path: `/rest/posts/${encodeURIComponent(urn)}`, operation: 'DELETE /rest/posts/{urn}' });
  }

  /** One page of the author's posts, newest first by creation (LinkedIn's `sortBy=CREATED`). */
  async authorPosts(token: string, version: string, author: string, start: number, count: number): Promise<{ posts: LinkedInPost[]; total?: number }> {
    const res = await this.rest<Page<LinkedInPost>>(token, version, {
      method: 'GET',
      path: '/rest/posts',
      operation: 'GET /rest/posts?q=author',
      query: { q: 'author', author, start, count, sortBy: 'CREATED' },
    });
    return { posts: res.body?.elements ?? [], total: res.body?.paging?.total };
  }

  async initializeImageUpload(token: string, version: string, owner: string): Promise<{ uploadUrl: string; image: string }> {
    const res = await this.rest<{ value?: { uploadUrl: string; image: string } }>(token, version, {
      method: 'POST',
      path: '/rest/images',
      operation: 'POST /rest/images?action=initializeUpload',
      query: { action: 'initializeUpload' },
      json: { initializeUploadRequest: { owner } },
    });
    if (!res.body?.value?.uploadUrl) throw new ConnectorError('retryable', 'LinkedIn POST /rest/images?action=initializeUpload: answer carried no uploadUrl');
    return res.body.value;
  }

  async image(token: string, version: string, urn: string): Promise<MediaStatus> {
    return (
      await this.rest<MediaStatus>(token, version, { method: 'GET', path: `/rest/images/${encodeURIComponent(urn)}`, operation: 'GET /rest/images/{urn}' })
    ).body;
  }

  async initializeVideoUpload(token: string, version: string, owner: string, fileSizeBytes: number): Promise<VideoUpload> {
    const res = await this.rest<{ value?: VideoUpload }>(token, version, {
      method: 'POST',
      path: '/rest/videos',
      operation: 'POST /rest/videos?action=initializeUpload',
      query: { action: 'initializeUpload' },
      json: { initializeUploadRequest: { owner, fileSizeBytes, uploadCaptions: false, uploadThumbnail: false } },
    });
    if (!res.body?.value?.video) throw new ConnectorError('retryable', 'LinkedIn POST /rest/videos?action=initializeUpload: answer carried no video');
    return res.body.value;
  }

  async finalizeVideoUpload(token: string, version: string, video: string, uploadToken: string, uploadedPartIds: string[]): Promise<void> {
    await this.rest(token, version, {
      method: 'POST',
      path: '/rest/videos',
      operation: 'POST /rest/videos?action=finalizeUpload',
      query: { action: 'finalizeUpload' },
      json: { finalizeUploadRequest: { video, uploadToken, uploadedPartIds } },
    });
  }

  async video(token: string, version: string, urn: string): Promise<MediaStatus> {
    return (
      await this.rest<MediaStatus>(token, version, { method: 'GET', path: `/rest/videos/${encodeURIComponent(urn)}`, operation: 'GET /rest/videos/{urn}' })
    ).body;
  }

  /** PUTs bytes to an upload URL LinkedIn handed out; returns the part's ETag (videos need them to finalize). */
  async upload(token: string, uploadUrl: string, bytes: Buffer, what: string): Promise<string | null> {
    const res = await this.call<unknown>({ method: 'PUT', path: uploadUrl, operation: `PUT ${what} upload`, bearer: token, bytes });
    return res.headers.get('etag');
  }
}
