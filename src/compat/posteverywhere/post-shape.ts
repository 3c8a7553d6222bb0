import { accountByNumber } from './accounts.js';
import type { PeCall } from './context.js';
import { PeError, peValidation } from './errors.js';
import { knownPlatformNames, pinionPlatform } from './platform-names.js';
import type { NativeAccount, NativeList, NativeDelivery, NativePost, NativeUpload } from './native-types.js';

/** The fields PostEverywhere's create and update take; anything else is named as unknown, never dropped. */
const CREATE_FIELDS = new Set([
  'content',
  'account_ids',
  'scheduled_for',
  'scheduled_at',
  'timezone',
  'media_ids',
  'platform_content',
  'publish_now',
  'campaign_id',
]);
const UPDATE_FIELDS = new Set(['content', 'account_ids', 'scheduled_for', 'scheduled_at', 'timezone', 'media_ids', 'platform_content', 'campaign_id']);

/** A media id as PostEverywhere hands them out: a stored media (med_…), or the upload it came from (upl_…). */
export async function mediaIdOf(call: PeCall, id: string): Promise<string> {
  if (!id.startsWith('upl_')) return id;
  const upload = await call.native.get<NativeUpload>(`/media/uploads/${encodeURIComponent(id)}`);
  if (!upload.media)
    throw new PeError(
      400,
      'validation_error',
      `media_ids: the upload ${id} is ${upload.status}, not complete: PUT the file to its upload_url, then POST /api/v1/media/${id}/complete`,
      { errors: [{ field: 'media_ids', message: `upload ${id} is not complete` }] },
    );
  return upload.media.id;
}

/** PostEverywhere's post body as Pinion's post request (only the fields given, for an update). */
export async function toPinionRequest(call: PeCall, body: Record<string, unknown>, mode: 'create' | 'update'): Promise<Record<string, unknown>> {
  const known = mode === 'create' ? CREATE_FIELDS : UPDATE_FIELDS;
  const unknown = Object.keys(body).filter((k) => !known.has(k));
  if (unknown.length)
    throw new PeError(400, 'validation_error', `Unknown field(s): ${unknown.join(', ')}`, {
      errors: unknown.map((field) => ({ field, message: 'is not a known field' })),
    });
  const out: Record<string, unknown> = {};
  if (body.content !== undefined) out.content = body.content;
  if (body.timezone !== undefined) out.timezone = body.timezone;
  if (body.campaign_id !== undefined) out.campaign_id = body.campaign_id === null ? null : await campaignIdOf(call, body.campaign_id);

  if (body.scheduled_for !== undefined && body.scheduled_at !== undefined && body.scheduled_for !== body.scheduled_at)
    throw peValidation('scheduled_at', 'differs from scheduled_for: send one of them (scheduled_at is the old name)');
  const at = body.scheduled_for ?? body.scheduled_at;
  if (body.publish_now === true && at !== undefined) throw peValidation('publish_now', 'cannot be combined with scheduled_for');
  if (body.publish_now !== undefined && typeof body.publish_now !== 'boolean') throw peValidation('publish_now', 'must be true or false');
  if (at !== undefined) out.scheduled_at = at;

  let accounts: NativeAccount[] | undefined;
  if (body.account_ids !== undefined) {
    const ids = body.account_ids;
    if (!Array.isArray(ids) || !ids.length || !ids.every((n) => Number.isSafeInteger(n) && n > 0))
      throw peValidation('account_ids', 'must be a non-empty array of account ids (numbers from GET /api/v1/accounts)');
    accounts = [];
    for (const n of new Set(ids as number[])) {
      try {
        accounts.push(await accountByNumber(call, n));
      } catch (err) {
        if (err instanceof PeError && err.status === 404) throw peValidation('account_ids', `names no account of yours: ${n}`);
        throw err;
      }
    }
  } else if (mode === 'create') {
    // PostEverywhere posts to every connected account when none is named.
    accounts = (await call.native.get<NativeList<NativeAccount>>('/accounts?status=active')).data;
    if (!accounts.length) throw peValidation('account_ids', 'is required: this workspace has no connected account to post to');
  }
  if (accounts) {
    out.platforms = [...new Set(accounts.map((a) => a.platform))];
    out.accounts = accounts.map((a) => a.id);
  }

  if (body.media_ids !== undefined) {
    const ids = body.media_ids;
    if (!Array.isArray(ids) || !ids.every((m) => typeof m === 'string' && m.length > 0)) throw peValidation('media_ids', 'must be an array of media ids');
    if (ids.length > 1) throw peValidation('media_ids', 'names more than one media: a Pinion post carries one image or video');
    if (ids.length === 1) out.media_id = await mediaIdOf(call, ids[0] as string);
  }

  if (body.platform_content !== undefined) {
    const pc = body.platform_content;
    if (typeof pc !== 'object' || pc === null || Array.isArray(pc)) throw peValidation('platform_content', 'must be an object keyed by platform');
    const options: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(pc)) {
      const id = pinionPlatform(name);
      if (!id) throw peValidation(`platform_content.${name}`, `is not a platform Pinion publishes to (known: ${knownPlatformNames().join(', ')})`);
      options[id] = typeof value === 'string' ? { content: value } : value;
    }
    out.platform_options = options;
  }
  return out;
}

/** Campaign numbers to Pinion campaign ids. */
export async function campaignIdOf(call: PeCall, n: unknown): Promise<string> {
  if (!Number.isSafeInteger(n) || (n as number) <= 0) throw peValidation('campaign_id', 'must be a campaign id (a number from GET /api/v1/campaigns)');
  const id = await call.ids.pinionIdOf('campaign', n as number);
  if (!id) throw peValidation('campaign_id', `names no campaign of yours: ${String(n)}`);
  return id;
}

/** Pinion's post status in PostEverywhere's words. */
export const POST_STATUS: Record<string, string> = {
  scheduled: 'scheduled',
  publishing: 'publishing',
  published: 'published',
  partially_published: 'partially_failed',
  failed: 'failed',
  cancelled: 'cancelled',
};
/** Pinion's delivery status as PostEverywhere's destination status (queued, done, failed; cancelled as itself). */
export const DESTINATION_STATUS: Record<string, string> = {
  scheduled: 'queued',
  publishing: 'queued',
  awaiting_check: 'queued',
  published: 'done',
  failed: 'failed',
  needs_attention: 'failed',
  cancelled: 'cancelled',
};

export async function destinationView(call: PeCall, d: NativeDelivery) {
  return {
    id: d.id,
    platform: d.platform,
    social_account_id: await call.ids.numberOf('account', d.account_id),
    status: DESTINATION_STATUS[d.status] ?? d.status,
    platform_post_id: d.external_id,
    platform_post_url: d.url,
    published_at: d.published_at,
    last_error: d.last_error,
    attempts: d.attempts,
  };
}

export async function postView(call: PeCall, p: NativePost) {
  const destinations = [];
  for (const d of p.deliveries) destinations.push(await destinationView(call, d));
  const campaign = p.campaign_id ?? (typeof p.request.campaign_id === 'string' ? p.request.campaign_id : null);
  return {
    id: p.id,
    content: typeof p.request.content === 'string' ? p.request.content : '',
    scheduled_for: p.scheduled_at,
    timezone: p.timezone,
    post_status: POST_STATUS[p.status] ?? p.status,
    campaign_id: campaign ? await call.ids.numberOf('campaign', campaign) : null,
    created_at: p.created_at,
    updated_at: p.updated_at,
    destinations,
  };
}

/** What PostEverywhere answers a create with. */
export const createdView = (p: NativePost) => ({
  post_id: p.id,
  post_group_id: p.id,
  destinations: p.deliveries.length,
  status: POST_STATUS[p.status] ?? p.status,
  scheduled_for: p.scheduled_at,
  message: `Post scheduled for ${p.scheduled_at} to ${p.deliveries.length} destination${p.deliveries.length === 1 ? '' : 's'}`,
  warnings: p.warnings ?? [],
});
