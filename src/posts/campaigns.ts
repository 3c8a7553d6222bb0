import type { Kysely, Selectable } from 'kysely';
import { Type, type Static } from '@sinclair/typebox';
import { newId, type Database } from '../store/index.js';
import { InvalidRequest, NotFound, StateConflict, type PostsCaller } from './errors.js';
import { campaignIssue } from './campaign-check.js';

type CampaignRow = Selectable<Database['campaigns']>;

export interface Campaign {
  id: string;
  name: string;
  description: string | null;
  color: string | null;
  /** Posts of the campaign not deleted. */
  postCount: number;
  createdAt: number;
  updatedAt: number;
}

export const CampaignInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'What people call the campaign' }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    color: Type.Optional(Type.Union([Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: '#rrggbb, for calendars' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type CampaignInput = Static<typeof CampaignInputSchema>;

const toCampaign = (row: CampaignRow, postCount: number): Campaign => ({
  id: row.id,
  name: row.name,
  description: row.description,
  color: row.color === null ? null : row.color.toLowerCase(),
  postCount,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

async function postCounts(db: Kysely<Database>, workspaceId: string, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('posts')
    .select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', 'in', ids)
    .where('deleted_at', 'is', null)
    .groupBy('campaign_id')
    .execute();
  return new Map(rows.map((r) => [r.campaign_id!, Number(r.n)]));
}

export async function createCampaign(caller: PostsCaller, input: CampaignInput): Promise<Campaign> {
  const now = Date.now();
  const row: CampaignRow = {
    id: newId('cmp', now),
    workspace_id: caller.workspaceId,
    name: input.name,
    description: input.description ?? null,
    color: input.color ?? null,
    created_at: now,
    updated_at: now,
  };
  await caller.deps.db.insertInto('campaigns').values(row).execute();
  return toCampaign(row, 0);
}

export async function getCampaign(caller: PostsCaller, id: string): Promise<Campaign> {
  const db = caller.deps.db;
  const row = await db.selectFrom('campaigns').selectAll().where('workspace_id', '=', caller.workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Campaign');
  return toCampaign(row, (await postCounts(db, caller.workspaceId, [id])).get(id) ?? 0);
}

/** Campaigns oldest first; `after` is the last id of the previous page (ids sort by creation). */
export async function listCampaigns(caller: PostsCaller, page: { after?: string; limit: number }): Promise<{ campaigns: Campaign[]; next?: string }> {
  const db = caller.deps.db;
  let q = db.selectFrom('campaigns').selectAll().where('workspace_id', '=', caller.workspaceId);
  if (page.after) q = q.where('id', '>', page.after);
  const rows = await q
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  const shown = rows.slice(0, page.limit);
  const counts = await postCounts(
    db,
    caller.workspaceId,
    shown.map((r) => r.id),
  );
  return { campaigns: shown.map((r) => toCampaign(r, counts.get(r.id) ?? 0)), next: rows.length > page.limit ? shown[shown.length - 1]!.id : undefined };
}

/** Fields given replace the stored ones; `null` clears description or color. */
export async function updateCampaign(caller: PostsCaller, id: string, changes: Partial<CampaignInput>): Promise<Campaign> {
  const set = {
    ...(changes.name !== undefined && { name: changes.name }),
    ...(changes.description !== undefined && { description: changes.description }),
    ...(changes.color !== undefined && { color: changes.color }),
    updated_at: Date.now(),
  };
  const r = await caller.deps.db.updateTable('campaigns').set(set).where('workspace_id', '=', caller.workspaceId).where('id', '=', id).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new NotFound('Campaign');
  return getCampaign(caller, id);
}

/**
 * Deletes a campaign. While posts (not deleted) still belong to it, refused (PostConflict) unless
 * `detachPosts`: then they stay as they are, in no campaign. Deleted posts let go of it silently.
 */
export async function deleteCampaign(caller: PostsCaller, id: string, opts: { detachPosts?: boolean } = {}): Promise<{ detached: number }> {
  return caller.deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('campaigns').select('id').where('workspace_id', '=', caller.workspaceId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('Campaign');
    const live = (await postCounts(trx, caller.workspaceId, [id])).get(id) ?? 0;
    if (live && !opts.detachPosts) {
      throw new StateConflict(
        `The campaign still has ${live} post${live === 1 ? '' : 's'}; move them to another campaign (PATCH /posts/:id {"campaign_id": …}) or delete it with ?detach_posts=true to leave them in no campaign`,
        'campaign-in-use',
      );
    }
    const now = Date.now();
    await trx
      .updateTable('posts')
      .set({ campaign_id: null, updated_at: now })
      .where('workspace_id', '=', caller.workspaceId)
      .where('campaign_id', '=', id)
      .execute();
    await trx.deleteFrom('campaigns').where('id', '=', id).execute();
    return { detached: live };
  });
}

/**
 * Puts a post in a campaign (null: in none) whatever its state: the campaign is the workspace's own
 * bookkeeping, nothing a platform receives, so a published post may move too.
 */
export async function moveToCampaign(caller: PostsCaller, postId: string, campaignId: string | null): Promise<void> {
  const db = caller.deps.db;
  const issue = await campaignIssue(db, caller.workspaceId, campaignId);
  if (issue) throw new InvalidRequest([issue], 'The post cannot be moved to that campaign');
  const r = await db
    .updateTable('posts')
    .set({ campaign_id: campaignId, updated_at: Date.now() })
    .where('workspace_id', '=', caller.workspaceId)
    .where('id', '=', postId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new NotFound('Post');
}
