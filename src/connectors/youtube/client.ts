import type { AccountIdentity, OAuthFlow, TokenSet } from '../types.js';
import { ConnectorError } from '../errors.js';
import { callGoogle, type GoogleCall, type GoogleHttpOptions } from './http.js';
import { YT_SCOPES } from './platform.js';

export interface YouTubeAppConfig {
  apiBaseUrl: string;
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

interface TokenAnswer {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  token_type?: string;
}

export interface Channel {
  id: string;
  snippet?: { title?: string; customUrl?: string; thumbnails?: Record<string, { url?: string }> };
  contentDetails?: { relatedPlaylists?: { uploads?: string } };
}

export interface VideoResource {
  id: string;
  snippet?: { title?: string; description?: string; publishedAt?: string };
  status?: { uploadStatus?: string; failureReason?: string; rejectionReason?: string; privacyStatus?: string };
  processingDetails?: { processingStatus?: string; processingFailureReason?: string; processingProgress?: { timeLeftMs?: string } };
}

export interface PlaylistItem {
  id: string;
  snippet?: { title?: string; description?: string; publishedAt?: string; resourceId?: { videoId?: string } };
  contentDetails?: { videoId?: string; videoPublishedAt?: string };
}

/**
 * Google's OAuth endpoints sit on another host than the API in production
 * (`oauth2.googleapis.com`); an emulator serves them beside its API at `/token` and `/revoke`.
 */
function oauthBase(apiBaseUrl: string): string {
  const base = apiBaseUrl.replace(/\/$/, '');
  return new URL(base).hostname.endsWith('googleapis.com') ? 'https://oauth2.googleapis.com' : base;
}

/** YouTube Data API v3 and Google OAuth, one method per call Pinion makes. */
export class YouTubeClient implements OAuthFlow {
  readonly api: string;
  private readonly http: GoogleHttpOptions;

  constructor(readonly config: YouTubeAppConfig) {
    this.api = config.apiBaseUrl.replace(/\/$/, '');
    this.http = { timeoutMs: config.timeoutMs, fetch: config.fetch, now: config.now };
  }

  get clientId(): string {
    return this.config.clientId;
  }

  call<T>(call: GoogleCall) {
    return callGoogle<T>(this.http, call);
  }

  /** Offline access (a refresh token), consent asked every time (so Google sends the refresh token again), PKCE S256. */
  authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string }): string {
    const url = new URL(this.config.authorizeUrl);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      redirect_uri: input.redirectUri,
      response_type: 'code',
      scope: YT_SCOPES.join(' '),
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  private async token(form: Record<string, string>, keep?: string): Promise<TokenSet> {
    const { body } = await this.call<TokenAnswer>({
      method: 'POST',
      url: `${oauthBase(this.api)}/token`,
      operation: 'token',
      form: { ...form, client_id: this.config.clientId, client_secret: this.config.clientSecret },
    });
    const now = this.config.now?.() ?? Date.now();
    return {
      accessToken: body.access_token,
      // A refresh answer normally carries no refresh token: the one Pinion has stays good.
      refreshToken: body.refresh_token ?? keep ?? null,
      accessExpiresAt: body.expires_in ? new Date(now + body.expires_in * 1000) : null,
      // Google gives refresh tokens no fixed lifetime (they die when revoked or unused for 6 months).
      refreshExpiresAt: null,
      scopes: body.scope ? body.scope.split(' ') : [...YT_SCOPES],
    };
  }

  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenSet> {
    return this.token({ grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier });
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, refreshToken);
  }

  async revoke(token: string): Promise<boolean> {
    await this.call({ method: 'POST', url: `${oauthBase(this.api)}/revoke`, operation: 'revoke', form: { token } });
    return true;
  }

  /** The channel of the grant (`channels.list mine=true`); a Google account without one cannot upload. */
  async identify(accessToken: string): Promise<AccountIdentity> {
    const channel = await this.myChannel(accessToken);
    const thumbs = channel.snippet?.thumbnails ?? {};
    return {
      externalId: channel.id,
      username: channel.snippet?.customUrl ?? channel.snippet?.title ?? channel.id,
      displayName: channel.snippet?.title ?? null,
      avatarUrl: thumbs.default?.url ?? thumbs.medium?.url ?? null,
      accountType: 'channel',
    };
  }

  async myChannel(accessToken: string): Promise<Channel> {
    const { body } = await this.call<{ items?: Channel[] }>({
      method: 'GET',
      url: `${this.api}/youtube/v3/channels`,
      operation: 'channels.list',
      bearer: accessToken,
      query: { part: 'id,snippet,contentDetails', mine: true },
    });
    const channel = body.items?.[0];
    if (!channel) throw new ConnectorError('rejected', 'This Google account has no YouTube channel: create one on youtube.com, then connect again');
    return channel;
  }

  async videos(accessToken: string, ids: string[]): Promise<VideoResource[]> {
    const { body } = await this.call<{ items?: VideoResource[] }>({
      method: 'GET',
      url: `${this.api}/youtube/v3/videos`,
      operation: 'videos.list',
      bearer: accessToken,
      query: { part: 'snippet,status,processingDetails', id: ids.join(',') },
    });
    return body.items ?? [];
  }

  async playlistPage(accessToken: string, playlistId: string, pageToken?: string): Promise<{ items: PlaylistItem[]; next?: string }> {
    const { body } = await this.call<{ items?: PlaylistItem[]; nextPageToken?: string }>({
      method: 'GET',
      url: `${this.api}/youtube/v3/playlistItems`,
      operation: 'playlistItems.list',
      bearer: accessToken,
      query: { part: 'snippet,contentDetails', playlistId, maxResults: 50, pageToken },
    });
    return { items: body.items ?? [], next: body.nextPageToken || undefined };
  }

  async setThumbnail(accessToken: string, videoId: string, image: { bytes: Buffer; mime: string }): Promise<void> {
    await this.call({
      method: 'POST',
      url: `${this.api}/upload/youtube/v3/thumbnails/set`,
      operation: 'thumbnails.set',
      bearer: accessToken,
      query: { videoId, uploadType: 'media' },
      headers: { 'content-type': image.mime },
      bytes: image.bytes,
    });
  }
}
