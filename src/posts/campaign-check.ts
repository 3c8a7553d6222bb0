import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** The problem with a post's campaign_id, if any: it must name a campaign of the post's workspace. */
export async function campaignIssue(
  db: Kysely<Database>,
  workspaceId: string,
  campaignId: string | null | undefined,
): Promise<{ field: string; message: string } | undefined> {
  if (campaignId === undefined || campaignId === null) return undefined;
  const found = await db.selectFrom('campaigns').select('id').where('workspace_id', '=', workspaceId).where('id', '=', campaignId).executeTakeFirst();
  return found
    ? undefined
    : { field: 'campaign_id', message: 'is not a campaign of this workspace; create one with POST /api/v1/campaigns or list them with GET /api/v1/campaigns' };
}
