import { afterEach, describe, expect, it } from 'vitest';
import * as retryCampaigns from '../../src/store/migrations/0011_retry_campaigns.js';
import { DIALECTS, freshStores } from '../helpers/stores.js';

describe.each(DIALECTS)('migration 0011 on %s', (dialect) => {
  const stores = freshStores(dialect);
  afterEach(() => stores.closeAll());

  it('gives posts made before it their search text, and can be undone', async () => {
    const store = await stores.open();
    await retryCampaigns.down(store.db as never);
    const now = Date.now();
    await store.db.insertInto('workspaces').values({ id: 'ws_1', name: 'w', created_at: now }).execute();
    const raw = store.db as unknown as import('kysely').Kysely<{ posts: Record<string, unknown> }>;
    await raw
      .insertInto('posts')
      .values({
        id: 'post_1',
        workspace_id: 'ws_1',
        status: 'scheduled',
        request: JSON.stringify({ content: 'Old Apron', platforms: ['p'] }),
        scheduled_at: now,
        timezone: null,
        idempotency_key: null,
        request_hash: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await retryCampaigns.up(store.db as never);
    const row = await store.db.selectFrom('posts').select(['search_text', 'campaign_id', 'deleted_at']).executeTakeFirstOrThrow();
    expect(row).toEqual({ search_text: 'old apron', campaign_id: null, deleted_at: null });
  });
});
