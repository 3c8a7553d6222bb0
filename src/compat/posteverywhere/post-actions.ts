import type { PeCall } from './context.js';
import { fromProblem, PeError, peValidation, type NativeProblem } from './errors.js';
import { accountByNumber } from './accounts.js';
import { pinionPlatform } from './platform-names.js';
import { createdView, toPinionRequest } from './post-shape.js';
import type { NativePost } from './native-types.js';

type BulkResult = {
  index: number;
  ok: boolean;
  post?: ReturnType<typeof createdView>;
  error?: { code: string; message: string; status: number; details?: unknown };
};
type NativeItem = { index: number; status: 'created' | 'replayed' | 'invalid' | 'conflict'; post?: NativePost; problem?: NativeProblem };

const failed = (index: number, err: PeError): BulkResult => ({
  index,
  ok: false,
  error: { code: err.code, message: err.message, status: err.status, details: err.details },
});

/**
 * PostEverywhere's bulk create over Pinion's `mode: "per_item"` bulk create. Posts that cannot be
 * translated (an unknown account number) fail alone; one the native schema refuses outright is
 * named by its index and the others are sent again.
 */
export async function bulkCreate(call: PeCall, posts: unknown[]): Promise<BulkResult[]> {
  const results = new Map<number, BulkResult>();
  let pending: Array<{ index: number; request: Record<string, unknown> }> = [];
  for (const [index, item] of posts.entries()) {
    try {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw peValidation(`posts.${index}`, 'must be a post object');
      pending.push({ index, request: await toPinionRequest(call, item as Record<string, unknown>, 'create') });
    } catch (err) {
      if (!(err instanceof PeError) || err.status === 401 || err.status === 429) throw err;
      results.set(index, failed(index, err));
    }
  }
  for (let round = 0; pending.length && round < 2; round++) {
    try {
      const answer = await call.native.post<{ results: NativeItem[] }>('/posts:bulk', { mode: 'per_item', posts: pending.map((x) => x.request) });
      for (const r of answer.results) {
        const index = pending[r.index]!.index;
        const okay = r.status === 'created' || r.status === 'replayed';
        // Fields name the post by its place in the native batch; the caller knows it by its place in theirs.
        const problem = r.problem && {
          ...r.problem,
          errors: r.problem.errors?.map((e) => ({ ...e, field: e.field.replace(/^posts\.\d+/, `posts.${index}`) })),
        };
        results.set(index, okay ? { index, ok: true, post: createdView(r.post!) } : failed(index, fromProblem(problem?.status ?? 422, problem ?? {})));
      }
      pending = [];
    } catch (err) {
      // The schema refused some posts before any was looked at: they fail, the rest go again.
      const errors = (err instanceof PeError ? (err.details?.errors as Array<{ field: string }> | undefined) : undefined) ?? [];
      const bad = new Set(
        errors
          .map((e) => /^posts\.(\d+)/.exec(e.field)?.[1])
          .filter((i): i is string => i !== undefined)
          .map(Number),
      );
      if (!(err instanceof PeError) || !bad.size) throw err;
      for (const i of bad) {
        const index = pending[i]!.index;
        const mine = errors
          .filter((e) => e.field.startsWith(`posts.${i}.`) || e.field === `posts.${i}`)
          .map((e) => ({ ...e, field: e.field.replace(`posts.${i}`, `posts.${index}`) }));
        results.set(
          index,
          failed(
            index,
            new PeError(400, 'validation_error', mine.map((e) => `${e.field} ${(e as { message?: string }).message ?? 'is invalid'}`).join('; '), {
              errors: mine,
            }),
          ),
        );
      }
      pending = pending.filter((_, i) => !bad.has(i));
    }
  }
  return [...results.values()].sort((a, b) => a.index - b.index);
}

const RETRY_FIELDS = new Set(['post_ids', 'account_id', 'platform', 'failed_after', 'failed_before', 'max_attempts']);

/** PostEverywhere's bulk retry: named posts through Pinion's retry of a post, filters through its retry-failed. */
export async function retryFailed(call: PeCall, body: Record<string, unknown>) {
  const unknown = Object.keys(body).filter((k) => !RETRY_FIELDS.has(k));
  if (unknown.length) throw peValidation(unknown[0]!, 'is not a known field');
  if (!Object.keys(body).length)
    throw peValidation(
      '(body)',
      'names no filter: give post_ids, account_id, platform, failed_after or failed_before (retrying everything at once is refused)',
    );
  if (body.max_attempts !== undefined)
    throw peValidation('max_attempts', 'is not supported: Pinion retries every failed delivery matched, with a fresh count of attempts');
  const retried: Array<{ postId: string; deliveryIds: string[] }> = [];
  if (body.post_ids !== undefined) {
    const ids = body.post_ids;
    if (!Array.isArray(ids) || !ids.length || ids.length > 200 || !ids.every((i) => typeof i === 'string'))
      throw peValidation('post_ids', 'must be 1 to 200 post ids');
    if (Object.keys(body).length > 1) throw peValidation('post_ids', 'cannot be combined with other filters');
    for (const id of ids as string[]) {
      const post = await call.native.get<NativePost>(`/posts/${encodeURIComponent(id)}`);
      if (!post.deliveries.some((d) => d.status === 'failed')) continue;
      const out = await call.native.post<{ retried: string[] }>(`/posts/${encodeURIComponent(id)}/retry`, {});
      retried.push({ postId: id, deliveryIds: out.retried });
    }
  } else {
    const filter: Record<string, unknown> = {};
    if (body.account_id !== undefined) {
      if (!Number.isSafeInteger(body.account_id)) throw peValidation('account_id', 'must be an account id (a number)');
      filter.account_id = (await accountByNumber(call, body.account_id as number)).id;
    }
    if (body.platform !== undefined) filter.platform = pinionPlatform(String(body.platform)) ?? body.platform;
    if (body.failed_after !== undefined) filter.failed_since = body.failed_after;
    if (body.failed_before !== undefined) filter.failed_until = body.failed_before;
    const out = await call.native.post<{ post_ids: string[]; delivery_ids: string[] }>('/posts:retry-failed', { ...filter, limit: 500 });
    const wanted = new Set(out.delivery_ids);
    for (const postId of out.post_ids) {
      const post = await call.native.get<NativePost>(`/posts/${encodeURIComponent(postId)}`);
      retried.push({ postId, deliveryIds: post.deliveries.filter((d) => wanted.has(d.id)).map((d) => d.id) });
    }
  }
  const destinations = [];
  for (const r of retried) {
    const post = await call.native.get<NativePost>(`/posts/${encodeURIComponent(r.postId)}`);
    for (const id of r.deliveryIds)
      destinations.push({
        destination_id: id,
        post_id: r.postId,
        platform: post.deliveries.find((d) => d.id === id)?.platform ?? '',
        new_status: 'queued' as const,
      });
  }
  return {
    retried_count: destinations.length,
    destinations,
    message: destinations.length
      ? `${destinations.length} failed destination${destinations.length === 1 ? '' : 's'} queued again`
      : 'No failed destination matched',
  };
}
