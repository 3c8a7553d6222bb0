import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { DailyUnits, PublishInput, Publisher, WithToken } from '../types.js';
import type { VideoResource, YouTubeClient } from './client.js';
import { refusal, searchUploads, type FoundPublished } from './find.js';
import type { YouTubePayload } from './plan.js';
import { watchUrl, YOUTUBE_FACTS, YT } from './platform.js';
import { ProjectQuota, type QuotaSettings } from './quota.js';
import { openSession, sendBytes, sessionState, type UploadSession } from './upload.js';

/**
 * What a delivery to YouTube saves as it goes: the upload session (saved before the first byte,
 * so a crash resumes it instead of making a second video), then the video, then the cover.
 */
export interface YouTubeProgress {
  session?: UploadSession & { since: number };
  videoId?: string;
  thumbnailSet?: boolean;
}

export interface YouTubePublisherOptions {
  quota: QuotaSettings;
  clock?: Clock;
  /** Between videos.list polls while YouTube processes the upload; default 5 s. */
  pollMs?: number;
  /** How long one attempt waits for processing before it leaves the rest to the next attempt; default 15 min. */
  processingWaitMs?: number;
}

const PREFIX = 'pinion-media:';

function readProgress(progress: unknown): YouTubeProgress {
  const p = (progress ?? {}) as YouTubeProgress;
  const s = p.session;
  return {
    ...(s && typeof s.uri === 'string' && typeof s.total === 'number' && { session: { uri: s.uri, total: s.total, since: Number(s.since) || 0 } }),
    ...(typeof p.videoId === 'string' && { videoId: p.videoId }),
    ...(p.thumbnailSet === true && { thumbnailSet: true }),
  };
}

/**
 * YouTube's publish flow as plain steps: a resumable videos.insert (the session checkpointed
 * first, every resume starting from the byte the server confirms), then waiting for processing
 * (a failure ends the delivery with YouTube's reason), then thumbnails.set for a cover. Every
 * call's units are taken from the project's daily quota before it is made.
 */
export function youtubePublisher(client: YouTubeClient, opts: YouTubePublisherOptions): Publisher {
  const clock = opts.clock ?? systemClock;
  const quota = new ProjectQuota(client.clientId, opts.quota, () => clock.now());
  const pollMs = opts.pollMs ?? 5_000;
  const processingWaitMs = opts.processingWaitMs ?? 15 * 60_000;

  /** Takes the call's units first; a quotaExceeded answer marks the day's units spent for every worker. */
  async function metered<T>(units: DailyUnits | undefined, operation: string, call: () => Promise<T>): Promise<T> {
    await quota.spend(units, operation);
    try {
      return await call();
    } catch (err) {
      await quota.exhausted(units, err);
      throw err;
    }
  }

  async function bytesOf(ref: string, input: PublishInput, what: string): Promise<{ bytes: Buffer; mime: string }> {
    try {
      return ref.startsWith(PREFIX) ? await input.readMedia(ref.slice(PREFIX.length)) : await input.readUrl(ref);
    } catch (err) {
      if (err instanceof ConnectorError) throw err;
      throw new ConnectorError('rejected', `The ${what} of this post (${ref}) can no longer be read: ${(err as Error).message}`);
    }
  }

  async function upload(payload: YouTubePayload, input: PublishInput, progress: YouTubeProgress): Promise<string> {
    const video = await bytesOf(payload.media, input, 'video');
    if (!video.mime.startsWith('video/') && video.mime !== 'application/octet-stream') {
      throw new ConnectorError('rejected', `YouTube takes videos only; ${payload.media} is ${video.mime}`);
    }
    let session = progress.session;
    let from = 0;
    if (session) {
      // Resume from what the server holds, never from what this process believes it sent.
      const state = await input.withToken((t) => sessionState(client, t, session!));
      if (state.kind === 'complete') return state.video.id;
      if (state.kind === 'incomplete') from = state.received;
      else session = undefined; // expired: nothing was made from it (the search after a lost answer looked first)
    }
    if (!session) {
      const metadata = payload.video;
      const opened = await metered(input.units, 'videos.insert', () =>
        input.withToken((t) => openSession(client, t, { metadata, total: video.bytes.length, mime: video.mime, notifySubscribers: payload.notifySubscribers })),
      );
      session = { ...opened, since: clock.now() };
      await input.checkpoint({ session } satisfies YouTubeProgress);
    }
    const done = await sendBytes(client, input.withToken, session, video.bytes, from);
    if (done === 'gone') {
      await input.checkpoint({} satisfies YouTubeProgress);
      throw new ConnectorError('retryable', 'YouTube videos.insert: the upload session expired before the upload finished; a new one will be started');
    }
    await input.checkpoint({ videoId: done.id } satisfies YouTubeProgress);
    return done.id;
  }

  async function processed(videoId: string, withToken: WithToken, units: DailyUnits | undefined): Promise<VideoResource> {
    const until = clock.now() + processingWaitMs;
    for (;;) {
      const [video] = await metered(units, 'videos.list', () => withToken((t) => client.videos(t, [videoId])));
      if (!video) throw new ConnectorError('rejected', `YouTube no longer lists video ${videoId}: it was deleted while processing`);
      const refused = refusal(video);
      if (refused) throw refused;
      if (video.status?.uploadStatus === 'processed') return video;
      if (clock.now() >= until) {
        throw new ConnectorError(
          'retryable',
          `YouTube is still processing video ${videoId} after ${Math.round(processingWaitMs / 1000)} s; Pinion will look again`,
        );
      }
      // YouTube often says how long processing has left: wait that long (within bounds), else the poll interval.
      const left = Number(video.processingDetails?.processingProgress?.timeLeftMs);
      await clock.sleep(Number.isFinite(left) && left > 0 ? Math.min(Math.max(left, 200), 60_000) : pollMs);
    }
  }

  return {
    platform: YOUTUBE_FACTS.id,
    rateCategory: YOUTUBE_FACTS.writeBudget.category,

    async publish(input) {
      const payload = input.payload as YouTubePayload;
      const progress = readProgress(input.progress);
      // The cover is read before anything is uploaded: a cover YouTube would refuse stops the post early.
      const cover = payload.cover && !progress.thumbnailSet ? await bytesOf(payload.cover, input, 'cover') : undefined;
      if (cover && !((YT.thumbnailTypes as readonly string[]).includes(cover.mime) && cover.bytes.length <= YT.thumbnailMaxBytes)) {
        throw new ConnectorError('rejected', `A YouTube thumbnail must be JPEG or PNG up to 2 MiB; the cover is ${cover.mime}, ${cover.bytes.length} bytes`);
      }
      const videoId = progress.videoId ?? (await upload(payload, input, progress));
      await processed(videoId, input.withToken, input.units);
      if (cover) {
        await metered(input.units, 'thumbnails.set', () => input.withToken((t) => client.setThumbnail(t, videoId, cover)));
        await input.checkpoint({ videoId, thumbnailSet: true } satisfies YouTubeProgress);
      }
      return { externalId: videoId, url: watchUrl(videoId, payload.short) };
    },

    /**
     * With a saved session or video, nothing is searched: publishing again resumes from it and
     * cannot make a second video (null here means "go on"). Without either, no byte was sent and
     * no video can exist. Only a session YouTube has forgotten leaves the question open: then the
     * channel's uploads are searched for the video.
     */
    async findPublished({ payload, since, exclude, withToken, progress, units }): Promise<FoundPublished | null> {
      const p = readProgress(progress);
      if (p.videoId || !p.session) return null;
      const session = p.session;
      const state = await withToken((t) => sessionState(client, t, session));
      if (state.kind !== 'gone') return null;
      return searchUploads(client, quota, { payload: payload as YouTubePayload, since: Math.min(since, session.since || since), exclude, withToken, units });
    },
  };
}
