import { ConnectorError } from '../errors.js';
import type { DailyUnits, Published, WithToken } from '../types.js';
import type { PlaylistItem, VideoResource, YouTubeClient } from './client.js';
import type { YouTubePayload } from './plan.js';
import { watchUrl } from './platform.js';
import type { ProjectQuota } from './quota.js';

/** What a search for an unconfirmed attempt found: the video to keep, and any others the same delivery made. */
export type FoundPublished = Published & { duplicates?: Published[] };

/** Clocks of Pinion and Google may differ; videos this much older than the attempt still count. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/**
 * Pages of 50 uploads read at most (one unit each). The uploads playlist is read to its end, so
 * no order is assumed; a channel with more uploads than this cannot be searched through and the
 * search says so (retryable) rather than conclude that nothing was made.
 */
export const SCAN_PAGES = 20;

const same = (a: string | undefined, b: string) => (a ?? '').normalize('NFC').replace(/\s+/gu, ' ').trim() === b.normalize('NFC').replace(/\s+/gu, ' ').trim();
const videoIdOf = (item: PlaylistItem) => item.contentDetails?.videoId ?? item.snippet?.resourceId?.videoId;
const addedAt = (item: PlaylistItem) => Date.parse(item.snippet?.publishedAt ?? item.contentDetails?.videoPublishedAt ?? '');

/** A video that failed or was refused is not a publish: its reason, in YouTube's words. */
export function refusal(video: VideoResource): ConnectorError | undefined {
  const s = video.status ?? {};
  if (s.uploadStatus === 'failed')
    return new ConnectorError('rejected', `YouTube could not process the video: failureReason ${s.failureReason ?? 'not given'} (uploadStatus failed)`);
  if (s.uploadStatus === 'rejected')
    return new ConnectorError('rejected', `YouTube rejected the video: rejectionReason ${s.rejectionReason ?? 'not given'} (uploadStatus rejected)`);
  if (s.uploadStatus === 'deleted') return new ConnectorError('rejected', 'The video was deleted on YouTube (uploadStatus deleted)');
  return undefined;
}

/**
 * Looks through the channel's uploads playlist (every page, within the page budget) for videos
 * added since the attempt with this payload's title and description, none owned by another
 * delivery. The oldest is kept (by the time it was added, then id), whatever order YouTube listed them in.
 */
export async function searchUploads(
  client: YouTubeClient,
  quota: ProjectQuota,
  input: { payload: YouTubePayload; since: number; exclude: ReadonlySet<string>; withToken: WithToken; units?: DailyUnits },
): Promise<FoundPublished | null> {
  const { payload, withToken, units } = input;
  await quota.spend(units, 'channels.list');
  const channel = await withToken((t) => client.myChannel(t));
  const playlist = channel.contentDetails?.relatedPlaylists?.uploads;
  if (!playlist) throw new ConnectorError('retryable', 'YouTube channels.list: the channel names no uploads playlist to search');
  const items: PlaylistItem[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    if (pages === SCAN_PAGES)
      throw new ConnectorError(
        'retryable',
        `YouTube: the channel has more than ${SCAN_PAGES * 50} uploads; could not look through all of them for the unconfirmed upload`,
      );
    await quota.spend(units, 'playlistItems.list');
    const page = await withToken((t) => client.playlistPage(t, playlist, next));
    items.push(...page.items);
    next = page.next;
    pages++;
  } while (next);
  const start = input.since - CLOCK_SKEW_MS;
  const matches = items
    .filter((item) => {
      const id = videoIdOf(item);
      return (
        id !== undefined &&
        !input.exclude.has(id) &&
        addedAt(item) >= start &&
        same(item.snippet?.title, payload.video.snippet.title) &&
        same(item.snippet?.description, payload.video.snippet.description)
      );
    })
    .sort((a, b) => addedAt(a) - addedAt(b) || (videoIdOf(a)! < videoIdOf(b)! ? -1 : 1));
  const ids = [...new Set(matches.map((m) => videoIdOf(m)!))];
  if (!ids[0]) return null;
  await quota.spend(units, 'videos.list');
  const [kept] = await withToken((t) => client.videos(t, [ids[0]!]));
  if (kept) {
    const refused = refusal(kept);
    if (refused) throw refused;
  }
  const published = (id: string) => ({ externalId: id, url: watchUrl(id, payload.short) });
  return { ...published(ids[0]), ...(ids.length > 1 && { duplicates: ids.slice(1).map(published) }) };
}
