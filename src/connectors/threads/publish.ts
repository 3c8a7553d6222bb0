import { systemClock, type Clock } from '../../shared/index.js';
import {
  THREADS_VERSION,
  callGraph,
  checkQuota,
  graphTime,
  pickMatch,
  publishContainer,
  publishedFrom,
  sameText,
  urlOf,
  type ContainerCalls,
  type ContainerProgress,
  type ContainerStatus,
  type GraphCall,
  type GraphHttpOptions,
  type PollOptions,
  type PublishingLimit,
} from '../meta-graph/index.js';
import type { PublishInput, Publisher, WithToken } from '../types.js';
import type { ThreadsPart, ThreadsPayload } from './plan.js';
import { THREADS_FACTS, THREADS_LIMITS } from './platform.js';

/** The posts of the chain already out, in order, and the next part's container (and carousel items) on its way. */
export interface ThreadsProgress extends ContainerProgress {
  done: string[];
  children?: string[];
}

interface ThreadsPost {
  id: string;
  text?: string;
  timestamp?: string;
  permalink?: string;
  replied_to?: { id: string };
}

const NAME = THREADS_FACTS.name;
const readProgress = (p: unknown): ThreadsProgress => ({ done: [], ...((p as ThreadsProgress | null) ?? {}) });

/** Threads' flow for each part in order: container (items first for a carousel) → processed → threads_publish, replying to the part before. */
export function threadsPublisher(http: GraphHttpOptions, opts: { clock?: Clock; poll?: Omit<PollOptions, 'clock'> } = {}): Publisher {
  const clock = opts.clock ?? systemClock;
  const graph = <T>(token: string, call: Omit<GraphCall, 'host' | 'token'>) =>
    callGraph<T>({ ...http, clock }, { ...call, path: `/${THREADS_VERSION}${call.path}`, host: 'graph.threads.net', token });
  const listed = (p: ThreadsPayload, token: string, replies: boolean) =>
    graph<{ data: ThreadsPost[] }>(token, {
      method: 'GET',
      path: `/${p.user.id}/${replies ? 'replies' : 'threads'}`,
      query: { fields: 'id,text,timestamp,permalink,replied_to', limit: 100 },
    }).then((r) => r.data);

  function calls(
    p: ThreadsPayload,
    input: Pick<PublishInput, 'withToken' | 'publicMediaUrl' | 'readMedia' | 'readUrl'>,
    index: number,
    progress: ThreadsProgress,
    save: (n: Partial<ThreadsProgress>) => Promise<void>,
    exclude: ReadonlySet<string>,
  ): ContainerCalls {
    const part = p.parts[index]!;
    const replyTo = index > 0 ? progress.done[index - 1] : undefined;
    const make = (form: Record<string, string | boolean | undefined>) =>
      input
        .withToken((t) =>
          graph<{ id: string }>(t, { method: 'POST', path: `/${p.user.id}/threads`, form: { ...form, reply_to_id: replyTo, reply_control: p.reply_control } }),
        )
        .then((r) => r.id);
    const media = async (item: ThreadsPart['items'][number], carousel: boolean) => {
      const url = await urlOf(item, input as PublishInput);
      return make({
        media_type: item.kind === 'video' ? 'VIDEO' : 'IMAGE',
        [item.kind === 'video' ? 'video_url' : 'image_url']: url,
        alt_text: item.alt_text,
        ...(carousel ? { is_carousel_item: true } : { text: part.text || undefined }),
      });
    };
    return {
      platform: NAME,
      clock,
      poll: opts.poll,
      async create() {
        if (part.items.length === 0) return make({ media_type: 'TEXT', text: part.text });
        if (part.items.length === 1) return media(part.items[0]!, false);
        const children = [...(progress.children ?? [])];
        for (const item of part.items.slice(children.length)) {
          children.push(await media(item, true));
          await save({ children });
        }
        return make({ media_type: 'CAROUSEL', children: children.join(','), text: part.text || undefined });
      },
      status: (id) => input.withToken((t) => graph<ContainerStatus>(t, { method: 'GET', path: `/${id}`, query: { fields: 'id,status,error_message' } })),
      publish: (id) =>
        input
          .withToken((t) => graph<{ id: string }>(t, { method: 'POST', path: `/${p.user.id}/threads_publish`, form: { creation_id: id }, makes: true }))
          .then((r) => r.id),
      find: (since) =>
        input.withToken(async (t) => {
          const posts = await listed(p, t, index > 0);
          const mine = (x: ThreadsPost) =>
            sameText(x.text, part.text) &&
            (replyTo === undefined || x.replied_to === undefined || x.replied_to.id === replyTo) &&
            !progress.done.includes(x.id);
          return pickMatch(posts, { since, exclude, matches: mine, url: (x) => x.permalink ?? '' })?.externalId;
        }),
    };
  }

  async function quota(p: ThreadsPayload, withToken: WithToken, done: number): Promise<void> {
    await withToken(async (t) => {
      const limit = await graph<PublishingLimit>(t, {
        method: 'GET',
        path: `/${p.user.id}/threads_publishing_limit`,
        query: { fields: 'quota_usage,config,reply_quota_usage,reply_config' },
      });
      const times = async (replies: boolean) => (await listed(p, t, replies)).map((x) => graphTime(x.timestamp)).filter((n) => !Number.isNaN(n));
      const d = limit.data?.[0];
      if (done === 0)
        checkQuota(NAME, limit, {
          now: clock.now(),
          recent: (d?.quota_usage ?? 0) >= (d?.config?.quota_total ?? THREADS_LIMITS.quota) ? await times(false) : [],
          fallbackTotal: THREADS_LIMITS.quota,
        });
      if (p.parts.length > 1) {
        const full = (d?.reply_quota_usage ?? 0) >= (d?.reply_config?.quota_total ?? THREADS_LIMITS.replyQuota);
        checkQuota(NAME, limit, { now: clock.now(), replies: true, recent: full ? await times(true) : [], fallbackTotal: THREADS_LIMITS.replyQuota });
      }
    });
  }

  const permalink = (withToken: WithToken, id: string, username: string) =>
    withToken((t) => graph<{ permalink?: string }>(t, { method: 'GET', path: `/${id}`, query: { fields: 'permalink' } })).then(
      (x) => x.permalink ?? `https://www.threads.net/@${username}`,
    );

  return {
    platform: THREADS_FACTS.id,
    rateCategory: THREADS_FACTS.writeBudget.category,

    async publish(input) {
      const p = input.payload as ThreadsPayload;
      const progress = readProgress(input.progress);
      const save = async (next: Partial<ThreadsProgress>) => {
        Object.assign(progress, next);
        await input.checkpoint(progress);
      };
      if (!progress.container && progress.done.length < p.parts.length) await quota(p, input.withToken, progress.done.length);
      for (let index = progress.done.length, first = true; index < p.parts.length; index++, first = false) {
        if (!first) await input.spend();
        const id = await publishContainer(calls(p, input, index, progress, save, new Set()), progress, save);
        await save({ done: [...progress.done, id], container: undefined, since: undefined, children: undefined });
      }
      return { externalId: progress.done[0]!, url: await permalink(input.withToken, progress.done[0]!, p.user.username) };
    },

    /** The chain counts as published only when every part is out; the part whose answer was lost is known by its container. */
    async findPublished({ payload, exclude, withToken, progress: saved }) {
      const p = payload as ThreadsPayload;
      const progress = readProgress(saved);
      const done = [...progress.done];
      if (done.length < p.parts.length) {
        const input = { withToken } as PublishInput;
        const id = await publishedFrom(
          calls(p, input, done.length, progress, async () => {}, exclude),
          progress,
        );
        if (id) done.push(id);
      }
      if (done.length < p.parts.length || !done[0]) return null;
      return { externalId: done[0], url: await permalink(withToken, done[0], p.user.username) };
    },

    async remove({ externalId, withToken }) {
      await withToken((t) => graph(t, { method: 'DELETE', path: `/${externalId}` }));
    },
  };
}
