import type { ServerResponse } from 'node:http';
import { send, startServer, type Received } from './server.js';

export interface FakePost {
  id: string;
  text: string;
  created_at: string;
  conversation_id: string;
  author_id: string;
  in_reply_to?: string;
  media_ids?: string[];
}

/**
 * Just enough of X's post and media endpoints, shaped as specs/x/openapi.json, to drive the
 * publisher: posts get snowflake-like ids, returned text is what X shows (links as t.co, `&`
 * escaped, a t.co link appended for media), and the timeline comes back in the order a test sets.
 */
export async function startFakeX(opts: { userId: string }) {
  let seq = 1_800_000_000_000_000_000n;
  const posts: FakePost[] = [];
  const media = new Map<string, { segments: number; polls: number; alt?: string; category: string }>();
  const faults = { dropAfterCommit: new Set<string>(), pageSize: 100, order: (p: FakePost[]) => p, timelineLag: false };
  const shown = (p: FakePost) =>
    p.text.replace(/https?:\/\/\S+/g, 'https://t.co/abc123XYZ').replace(/&/g, '&amp;') + (p.media_ids?.length ? ' https://t.co/media987' : '');

  const handle = (req: Received, res: ServerResponse) => {
    const auth = req.headers.authorization === 'Bearer tok';
    if (!auth) return send(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    if (req.method === 'POST' && req.path === '/2/tweets') {
      const body = JSON.parse(req.body) as { text: string; reply?: { in_reply_to_tweet_id: string }; media?: { media_ids: string[] } };
      if (posts.some((p) => p.text === body.text)) {
        return send(res, 403, {
          detail: 'You are not allowed to create a Tweet with duplicate content.',
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
        });
      }
      const id = String(seq++);
      const parent = body.reply ? posts.find((p) => p.id === body.reply!.in_reply_to_tweet_id) : undefined;
      posts.push({
        id,
        text: body.text,
        created_at: new Date().toISOString().replace(/\.\d{3}Z$/, '.000Z'),
        conversation_id: parent?.conversation_id ?? id,
        author_id: opts.userId,
        in_reply_to: parent?.id,
        media_ids: body.media?.media_ids,
      });
      // The post is made, then the connection drops before the answer: a lost answer.
      if (faults.dropAfterCommit.delete(body.text)) return res.socket?.destroy();
      return send(res, 201, { data: { id, text: body.text, edit_history_post_ids: [id] } });
    }
    const del = /^\/2\/tweets\/(\d+)$/.exec(req.path);
    if (req.method === 'DELETE' && del) {
      const i = posts.findIndex((p) => p.id === del[1]);
      if (i < 0)
        return send(res, 404, { title: 'Not Found Error', type: 'https://api.x.com/2/problems/resource-not-found', detail: `Could not find post ${del[1]}` });
      posts.splice(i, 1);
      return send(res, 200, { data: { deleted: true } });
    }
    if (req.method === 'GET' && req.path === `/2/users/${opts.userId}/tweets`) {
      const since = Date.parse(req.query.get('start_time') ?? '');
      // With timelineLag, the newest post is not listed yet.
      const list = faults.order(posts.filter((p) => Date.parse(p.created_at) >= since).slice(0, faults.timelineLag ? -1 : undefined));
      const from = Number(req.query.get('pagination_token') ?? 0);
      const page = list.slice(from, from + faults.pageSize);
      const fields = (req.query.get('post.fields') ?? '').split(',');
      const next = from + faults.pageSize < list.length ? String(from + faults.pageSize) : undefined;
      return send(res, 200, {
        data: page.map((p) => ({
          id: p.id,
          text: shown(p),
          edit_history_post_ids: [p.id],
          ...(fields.includes('created_at') && { created_at: p.created_at }),
          ...(fields.includes('conversation_id') && { conversation_id: p.conversation_id }),
        })),
        meta: { result_count: page.length, ...(next && { next_token: next }) },
      });
    }
    if (req.method === 'POST' && req.path === '/2/media/upload/initialize') {
      const body = JSON.parse(req.body) as { media_category: string };
      const id = String(seq++);
      media.set(id, { segments: 0, polls: 0, category: body.media_category });
      return send(res, 200, { data: { id, media_key: `3_${id}`, expires_after_secs: 86400 } });
    }
    const step = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(req.path);
    if (req.method === 'POST' && step) {
      const m = media.get(step[1]!)!;
      if (step[2] === 'append') {
        m.segments++;
        return send(res, 200, { data: { expires_at: 0 } });
      }
      const video = m.category === 'tweet_video';
      return send(res, 200, {
        data: { id: step[1], media_key: `3_${step[1]}`, size: 1, ...(video && { processing_info: { state: 'pending', check_after_secs: 0 } }) },
      });
    }
    if (req.method === 'GET' && req.path === '/2/media/upload') {
      const m = media.get(req.query.get('media_id')!)!;
      m.polls++;
      return send(res, 200, {
        data: {
          id: req.query.get('media_id'),
          processing_info: m.polls < 2 ? { state: 'in_progress', check_after_secs: 0, progress_percent: 50 } : { state: 'succeeded', progress_percent: 100 },
        },
      });
    }
    if (req.method === 'POST' && req.path === '/2/media/metadata') {
      const body = JSON.parse(req.body) as { id: string; metadata: { alt_text: { text: string } } };
      media.get(body.id)!.alt = body.metadata.alt_text.text;
      return send(res, 200, { data: { id: body.id, associated_metadata: body.metadata } });
    }
    return send(res, 404, { title: 'Not Found Error', type: 'about:blank', detail: `${req.method} ${req.path}` });
  };
  const server = await startServer(handle);
  return { ...server, posts, media, faults };
}
