import { systemClock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { AccountIdentity, OAuthFlow, TokenSet } from '../types.js';
import { callPinterest, isImageFetchFailure, type PinterestHttpOptions } from './http.js';
import { PINTEREST } from './platform.js';
import type { PinCreate } from './adapt.js';

export interface PinterestAppConfig extends PinterestHttpOptions {
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
  /** Create calls made for one pin while Pinterest cannot fetch its image (code 1), before giving up; default 3. */
  imageFetchAttempts?: number;
  /** Wait before the first retry of such a call, doubled each time; default 2000. */
  imageFetchRetryDelayMs?: number;
}

/** `{"code":283,"message":"The authorization grant is invalid"}`: this grant (refresh token or code) is dead. */
const GRANT_INVALID = 283;

/**
 * What a refused token call means. Code 283 is the account's own grant; any other 401 refuses the
 * app's client id or secret, which no account can fix: an instance problem, never a reason to
 * ask every person to reconnect. A 400 (RFC 6749's `invalid_grant` status) or 404 is the grant too.
 */
function tokenFailure(err: unknown): unknown {
  if (!(err instanceof ConnectorError)) return err;
  if (err.details.platformCode === GRANT_INVALID) return new ConnectorError('auth_revoked', err.message, err.details);
  if (err.details.status === 401 || err.details.status === 403) {
    return new ConnectorError(
      'misconfigured',
      `${err.message}. Pinterest refused Pinion's app credentials: check platforms.pinterest.clientId and clientSecret (PINION_PINTEREST_CLIENT_ID, PINION_PINTEREST_CLIENT_SECRET)`,
      err.details,
    );
  }
  if (err.kind === 'rejected' || err.kind === 'not_found') return new ConnectorError('auth_revoked', err.message, err.details);
  return err;
}

/** Pinterest's Board, as the API returns it (fields Pinion uses). */
export interface PinterestBoard {
  id: string;
  name: string;
  description?: string | null;
  privacy?: 'PUBLIC' | 'PROTECTED' | 'SECRET';
  pin_count?: number;
}
export interface PinterestSection {
  id: string;
  name: string;
}
/** Pinterest's Pin, as the API returns it (fields Pinion uses). */
export interface PinterestPin {
  id: string;
  created_at?: string;
  title?: string | null;
  description?: string | null;
  link?: string | null;
  alt_text?: string | null;
  board_id?: string;
  board_section_id?: string | null;
  creative_type?: string | null;
}
export interface PinterestMediaUpload {
  media_id: string;
  media_type: 'video';
  upload_url: string;
  upload_parameters: Record<string, string>;
}
export interface Page<T> {
  items: T[];
  bookmark?: string | null;
}
interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  refresh_token_expires_in?: number;
  refresh_token_expires_at?: number;
  scope: string;
}

const toTokenSet = (t: TokenResponse, now = Date.now()): TokenSet => ({
  accessToken: t.access_token,
  refreshToken: t.refresh_token ?? null,
  accessExpiresAt: new Date(now + t.expires_in * 1000),
  refreshExpiresAt:
    t.refresh_token_expires_at !== undefined
      ? new Date(t.refresh_token_expires_at * 1000)
      : t.refresh_token_expires_in !== undefined
        ? new Date(now + t.refresh_token_expires_in * 1000)
        : null,
  scopes: t.scope.split(/[\s,]+/).filter(Boolean),
});

/** PinAnalyticsResponse: per app type, the period's summary (and daily rows, not read here). */
export type PinAnalyticsResponse = Record<string, { summary_metrics?: Record<string, number>; lifetime_metrics?: Record<string, number> }>;

/** The Pinterest API v5 calls Pinion makes, one method each. */
export class PinterestClient implements OAuthFlow {
  constructor(private readonly app: PinterestAppConfig) {}

  private get http(): PinterestHttpOptions {
    return this.app;
  }

  authorizeUrl({ redirectUri, state }: { redirectUri: string; state: string }): string {
    const url = new URL(this.app.authorizeUrl);
    url.searchParams.set('client_id', this.app.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', PINTEREST.scopes.join(','));
    url.searchParams.set('state', state);
    return url.toString();
  }

  async exchangeCode({ code, redirectUri }: { code: string; redirectUri: string }): Promise<TokenSet> {
    try {
      const t = await this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, continuous_refresh: 'true' });
      return toTokenSet(t);
    } catch (err) {
      const failure = tokenFailure(err);
      // A dead code is this attempt's problem only: the person starts the connection again.
      if (failure instanceof ConnectorError && failure.kind === 'auth_revoked') throw new ConnectorError('rejected', failure.message, failure.details);
      throw failure;
    }
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    try {
      const t = await this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
      const set = toTokenSet(t);
      // Never lose the grant: a platform that does not rotate keeps the old refresh token valid.
      return { ...set, refreshToken: set.refreshToken ?? refreshToken };
    } catch (err) {
      // A refused refresh token is a dead grant: only the person can bring it back. Refused app credentials are not.
      throw tokenFailure(err);
    }
  }

  private token(form: Record<string, string>): Promise<TokenResponse> {
    return callPinterest<TokenResponse>(this.http, { method: 'POST', path: '/oauth/token', auth: { basic: [this.app.clientId, this.app.clientSecret] }, form });
  }

  async identify(accessToken: string): Promise<AccountIdentity> {
    const a = await callPinterest<{ id?: string; username?: string; business_name?: string | null; profile_image?: string; account_type?: string }>(this.http, {
      method: 'GET',
      path: '/user_account',
      auth: { bearer: accessToken },
    });
    if (!a.id || !a.username) throw new ConnectorError('rejected', 'Pinterest GET /user_account returned no id or username');
    return {
      externalId: a.id,
      username: a.username,
      displayName: a.business_name ?? null,
      avatarUrl: a.profile_image ?? null,
      accountType: a.account_type ?? null,
    };
  }

  async listBoards(accessToken: string): Promise<PinterestBoard[]> {
    return this.all<PinterestBoard>(accessToken, '/boards', { privacy: 'ALL' });
  }

  createBoard(accessToken: string, board: { name: string; description?: string; privacy?: 'PUBLIC' | 'PROTECTED' | 'SECRET' }): Promise<PinterestBoard> {
    return callPinterest(this.http, { method: 'POST', path: '/boards', auth: { bearer: accessToken }, json: board });
  }

  listSections(accessToken: string, boardId: string): Promise<PinterestSection[]> {
    return this.all<PinterestSection>(accessToken, `/boards/${encodeURIComponent(boardId)}/sections`);
  }

  createSection(accessToken: string, boardId: string, name: string): Promise<PinterestSection> {
    return callPinterest(this.http, { method: 'POST', path: `/boards/${encodeURIComponent(boardId)}/sections`, auth: { bearer: accessToken }, json: { name } });
  }

  /**
   * Creates the pin. When Pinterest could not fetch its image (code 1) nothing was created, so the
   * same call is made again after a growing pause, a bounded number of times, then refused for good.
   */
  async createPin(accessToken: string, pin: PinCreate): Promise<PinterestPin> {
    const attempts = Math.max(1, this.app.imageFetchAttempts ?? 3);
    const clock = this.app.clock ?? systemClock;
    for (let attempt = 1; ; attempt++) {
      try {
        return await callPinterest<PinterestPin>(this.http, { method: 'POST', path: '/pins', auth: { bearer: accessToken }, json: pin });
      } catch (err) {
        if (!isImageFetchFailure(err)) throw err;
        if (attempt >= attempts) {
          throw new ConnectorError(
            'rejected',
            `${err.message}; tried ${attempts} times: make sure the image URL answers Pinterest from the internet`,
            err.details,
          );
        }
        await clock.sleep((this.app.imageFetchRetryDelayMs ?? 2000) * 2 ** (attempt - 1));
      }
    }
  }

  /** Deletes a pin (Pinion deletes only a duplicate of a pin it made itself). */
  deletePin(accessToken: string, pinId: string): Promise<void> {
    return callPinterest(this.http, { method: 'DELETE', path: `/pins/${encodeURIComponent(pinId)}`, auth: { bearer: accessToken } });
  }

  /** Registers a video upload; Pinterest answers with an S3 presigned-POST form to send the bytes to. */
  registerVideo(accessToken: string): Promise<PinterestMediaUpload> {
    return callPinterest(this.http, { method: 'POST', path: '/media', auth: { bearer: accessToken }, json: { media_type: 'video' } });
  }

  getMedia(accessToken: string, mediaId: string): Promise<{ media_id: string; status: 'registered' | 'processing' | 'succeeded' | 'failed' }> {
    return callPinterest(this.http, { method: 'GET', path: `/media/${encodeURIComponent(mediaId)}`, auth: { bearer: accessToken } });
  }

  /** One page of a board's pins, in whatever order Pinterest lists them (the spec does not say). */
  listBoardPins(accessToken: string, boardId: string, opts: { bookmark?: string; pageSize?: number } = {}): Promise<Page<PinterestPin>> {
    return callPinterest(this.http, {
      method: 'GET',
      path: `/boards/${encodeURIComponent(boardId)}/pins`,
      auth: { bearer: accessToken },
      query: { page_size: opts.pageSize ?? 100, bookmark: opts.bookmark },
    });
  }

  /** A pin's metrics over whole UTC days (GET /v5/pins/{pin_id}/analytics, rate category org_analytics). */
  pinAnalytics(
    accessToken: string,
    pinId: string,
    range: { startDate: string; endDate: string; metricTypes: readonly string[] },
  ): Promise<PinAnalyticsResponse> {
    return callPinterest(this.http, {
      method: 'GET',
      path: `/pins/${encodeURIComponent(pinId)}/analytics`,
      auth: { bearer: accessToken },
      query: { start_date: range.startDate, end_date: range.endDate, metric_types: range.metricTypes.join(','), app_types: 'ALL' },
    });
  }

  /** Follows bookmarks to the end, at the largest page size the API allows. */
  private async all<T>(accessToken: string, path: string, query: Record<string, string> = {}): Promise<T[]> {
    const items: T[] = [];
    let bookmark: string | undefined;
    do {
      const page = await callPinterest<Page<T>>(this.http, {
        method: 'GET',
        path,
        auth: { bearer: accessToken },
        query: { ...query, page_size: PINTEREST.limits.pageSizeMax, bookmark },
      });
      items.push(...page.items);
      bookmark = page.bookmark ?? undefined;
    } while (bookmark);
    return items;
  }
}
