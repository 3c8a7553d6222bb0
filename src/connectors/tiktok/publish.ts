import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { Published, Publisher, PublishInput, WithToken } from '../types.js';
import type { StatusData, TikTokClient } from './client.js';
import { creatorProblems } from './creator-info.js';
import type { TikTokPayload } from './plan.js';
import { TIKTOK } from './platform.js';
import { uploadVideo, videoBytes, type UploadSession } from './upload.js';

export interface PublishOptions {
  clock?: Clock;
  /** First pause between status checks; doubles up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up this attempt (retryable: the next one polls the same publish) when TikTok is still busy after this long. */
  processingTimeoutMs?: number;
}

/**
 * What an attempt saved. `sending` is written before an init is sent and replaced by the publish
 * id once TikTok answers: a retry finding a publish id polls it and never initiates again.
 */
export interface TikTokProgress {
  sending?: { since: number; source: 'FILE_UPLOAD' | 'PULL_FROM_URL' };
  publish?: { id: string; upload?: UploadSession };
}

const readProgress = (p: unknown): TikTokProgress => (p && typeof p === 'object' ? (p as TikTokProgress) : {});

const profileUrl = (username: string) => `https://www.tiktok.com/@${encodeURIComponent(username)}`;

/** The post TikTok made: its public id once moderation let it through, else the publish id (private posts get none). */
function publishedOf(payload: TikTokPayload, publishId: string, status: StatusData): Published {
  const postId = status.publicaly_available_post_id?.[0];
  if (postId === undefined || status.status !== 'PUBLISH_COMPLETE') return { externalId: publishId, url: profileUrl(payload.username) };
  return { externalId: String(postId), url: `${profileUrl(payload.username)}/${payload.kind === 'photo' ? 'photo' : 'video'}/${postId}` };
}

/** Done when TikTok published it, or (upload to inbox) handed it to the creator's inbox. */
const finished = (payload: TikTokPayload, s: StatusData) => s.status === 'PUBLISH_COMPLETE' || (payload.mode === 'inbox' && s.status === 'SEND_TO_USER_INBOX');

const lostPull = (since: number) =>
  new ConnectorError(
    'unknown_outcome',
    `TikTok was asked at ${new Date(since).toISOString()} to download and post this, and its answer was lost. ` +
      "The Content Posting API has no list of the creator's posts to look in, so Pinion cannot tell whether it was posted " +
      'and will not ask again; check the TikTok profile',
  );

/**
 * TikTok's publish flow: creator_info (the post checked again against what the creator offers
 * now), init (video: FILE_UPLOAD or PULL_FROM_URL, direct or to the inbox; photos: content init
 * with PULL_FROM_URL), the chunks of a FILE_UPLOAD, then status/fetch until TikTok says
 * PUBLISH_COMPLETE (or SEND_TO_USER_INBOX) or FAILED with its reason.
 */
export function tiktokPublisher(client: TikTokClient, opts: PublishOptions = {}): Publisher {
  const clock = opts.clock ?? systemClock;

  async function poll(payload: TikTokPayload, publishId: string, withToken: WithToken, forget: () => Promise<void>): Promise<Published> {
    const timeoutMs = opts.processingTimeoutMs ?? 10 * 60_000;
    const giveUpAt = clock.now() + timeoutMs;
    let wait = opts.pollMs ?? 1000;
    for (;;) {
      let status: StatusData | undefined;
      try {
        status = await withToken((t) => client.status(t, publishId));
      } catch (err) {
        // status/fetch is 30 a minute per token: over it, wait and ask again within this attempt.
        if (!(err instanceof ConnectorError && err.kind === 'rate_limited')) throw err;
        const until = err.details.retryAt?.getTime() ?? clock.now() + 60_000;
        if (until > giveUpAt) throw err;
        await clock.sleep(Math.max(0, until - clock.now()));
        continue;
      }
      if (finished(payload, status)) return publishedOf(payload, publishId, status);
      if (status.status === 'FAILED') {
        // Nothing was posted: a later try of this delivery (by a person) starts a new publish.
        await forget();
        throw new ConnectorError(
          'rejected',
          `TikTok could not publish the ${payload.kind} (publish ${publishId}): ${status.fail_reason || 'no reason given'}`,
          { operation: 'status/fetch' },
        );
      }
      if (clock.now() >= giveUpAt)
        throw new ConnectorError('retryable', `TikTok was still processing publish ${publishId} (${status.status}) after ${Math.round(timeoutMs / 1000)} s`);
      await clock.sleep(wait);
      wait = Math.min(wait * 2, opts.maxPollMs ?? 10_000);
    }
  }

  /** Sends the init, with the publish id saved the moment it comes back. */
  async function initiate(
    payload: TikTokPayload,
    input: PublishInput,
    bytes?: { bytes: Buffer; mime: string },
  ): Promise<NonNullable<TikTokProgress['publish']>> {
    const source = payload.photo || payload.video?.source === 'PULL_FROM_URL' ? 'PULL_FROM_URL' : 'FILE_UPLOAD';
    await input.checkpoint({ sending: { since: clock.now(), source } } satisfies TikTokProgress);
    try {
      if (payload.photo) {
        const body = {
          media_type: 'PHOTO',
          post_mode: payload.mode === 'inbox' ? 'MEDIA_UPLOAD' : 'DIRECT_POST',
          post_info: payload.post_info ?? {},
          source_info: { source: 'PULL_FROM_URL', ...payload.photo },
        };
        const { publish_id } = await input.withToken((t) => client.initPhoto(t, body));
        return { id: publish_id };
      }
      const video = payload.video!;
      const inbox = payload.mode === 'inbox';
      if (video.source === 'PULL_FROM_URL') {
        const body = { ...(!inbox && { post_info: payload.post_info }), source_info: { source: 'PULL_FROM_URL' as const, video_url: video.video_url } };
        const { publish_id } = await input.withToken((t) => client.initVideo(t, body, inbox));
        return { id: publish_id };
      }
      const session = await uploadVideo.init(client, input.withToken, payload, bytes!, clock.now());
      return session;
    } catch (err) {
      // A refusal means nothing was made: forget the init so a later attempt may send it again.
      if (err instanceof ConnectorError && err.kind !== 'unknown_outcome' && err.kind !== 'retryable') await input.checkpoint({} satisfies TikTokProgress);
      throw err;
    }
  }

  return {
    platform: TIKTOK.id,
    rateCategory: TIKTOK.writeCategory,

    async publish(input) {
      const payload = input.payload as TikTokPayload;
      let progress = readProgress(input.progress);
      if (!progress.publish && progress.sending?.source === 'PULL_FROM_URL') throw lostPull(progress.sending.since);

      if (!progress.publish) {
        // Before each post, what the creator may post now: settings can change after validation.
        const info = await input.withToken((t) => client.creatorInfo(t));
        const privacy = payload.post_info?.privacy_level as string | undefined;
        const asked = {
          privacy_level: privacy ?? info.privacy_level_options[0],
          allowComment: payload.post_info?.disable_comment === false,
          allowDuet: payload.post_info?.disable_duet === false,
          allowStitch: payload.post_info?.disable_stitch === false,
        };
        const issues = creatorProblems(info, asked, 'platform_options.tiktok');
        if (issues.length)
          throw new ConnectorError(
            'rejected',
            `The TikTok account's settings changed since the post was accepted: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
          );
      }
      const bytes = payload.video?.source === 'FILE_UPLOAD' ? await videoBytes(payload.video.media, input) : undefined;

      for (let round = 0; ; round++) {
        if (!progress.publish) {
          // An earlier init whose answer was lost (FILE_UPLOAD) has no upload URL: TikTok never gets the bytes, nothing is posted.
          if (round > 0) await input.spend();
          progress = { publish: await initiate(payload, input, bytes) };
          await input.checkpoint(progress);
        }
        const publish = progress.publish!;
        if (publish.upload && bytes) {
          const alive = await uploadVideo.resume(client, input, publish.id, publish.upload, bytes, clock);
          if (!alive) {
            // The upload URL expired before the bytes were in: that publish can never post. Start over, once.
            if (round > 0) throw new ConnectorError('retryable', `TikTok's upload URL for publish ${publish.id} expired twice in a row`);
            progress = {};
            continue;
          }
        }
        return poll(payload, publish.id, input.withToken, () => input.checkpoint({} satisfies TikTokProgress));
      }
    },

    /**
     * After an attempt whose answer was lost. With a publish id, TikTok's status says whether it is
     * out. A FILE_UPLOAD init whose answer was lost cannot have posted (the bytes were never sent),
     * so publishing again is safe. A PULL_FROM_URL init whose answer was lost may have posted, and
     * nothing can be searched: the delivery stays unresolved until Pinion's give-up time, then fails
     * as unknown_outcome for a person to check. It is never sent again.
     */
    async findPublished({ payload, exclude, withToken, progress }) {
      const p = payload as TikTokPayload;
      const known = readProgress(progress);
      if (known.publish) {
        const status = await withToken((t) => client.status(t, known.publish!.id));
        if (!finished(p, status)) return null; // still on its way, or failed: publish polls it and reports
        const found = publishedOf(p, known.publish.id, status);
        return exclude.has(found.externalId) ? null : found;
      }
      if (known.sending?.source === 'PULL_FROM_URL') throw lostPull(known.sending.since);
      return null;
    },
  };
}
