import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

const DAY_MS = 86_400_000;

/** What a workspace holds: connected accounts, posts, stored media. */
export interface WorkspaceUsage {
  accounts: { connected: number; needingReconnection: number };
  posts: { total: number; last30Days: number };
  media: { items: number; bytes: number };
}

export async function workspaceUsage(db: Kysely<Database>, workspaceId: string, now: number): Promise<WorkspaceUsage> {
  const accounts = await db
    .selectFrom('accounts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('status')
    .execute();
  const count = (status: string) => Number(accounts.find((a) => a.status === status)?.n ?? 0);
  const posts = await db
    .selectFrom('posts')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when('created_at', '>=', now - 30 * DAY_MS)
            .then(1)
            .else(0)
            .end(),
        )
        .as('recent'),
    ])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const media = await db
    .selectFrom('media')
    .select((eb) => [eb.fn.countAll<number>().as('items'), eb.fn.sum<number>('size').as('bytes')])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return {
    accounts: { connected: count('active'), needingReconnection: count('needs_reauth') },
    posts: { total: Number(posts.total), last30Days: Number(posts.recent ?? 0) },
    media: { items: Number(media.items), bytes: Number(media.bytes ?? 0) },
  };
}
