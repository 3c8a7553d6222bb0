import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealGrant } from '../../src/media/public-links.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { fixtures, uploadFile } from './support.js';

describe('signed public links to stored media (for platforms that fetch media by URL)', () => {
  let p: TestPinion;
  let mediaId: string;
  let workspaceId: string;
  let bytes: Buffer;
  beforeAll(async () => {
    p = await startTestPinion();
    bytes = (await fixtures()).jpeg;
    mediaId = ((await (await uploadFile(p, bytes, 'a.jpg')).json()) as { id: string }).id;
    workspaceId = (await p.store.db.selectFrom('media').select('workspace_id').where('id', '=', mediaId).executeTakeFirstOrThrow()).workspace_id;
  });
  afterAll(async () => p?.close());

  const link = (grant: { workspaceId: string; mediaId: string; expires: number }) => `${p.url}/media/public/${sealGrant(p.accounts.vault, grant)}`;

  it('serves the bytes without an API key while the link is valid', async () => {
    const res = await fetch(link({ workspaceId, mediaId, expires: Date.now() + 60_000 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('refuses an expired, altered or made-up link, and one naming another workspace', async () => {
    const expired = await fetch(link({ workspaceId, mediaId, expires: Date.now() - 1 }));
    expect(expired.status).toBe(404);
    const good = link({ workspaceId, mediaId, expires: Date.now() + 60_000 });
    const altered = `${good.slice(0, -4)}${good.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect((await fetch(altered)).status).toBe(404);
    expect((await fetch(`${p.url}/media/public/${'x'.repeat(60)}`)).status).toBe(404);
    expect((await fetch(link({ workspaceId: 'ws_other', mediaId, expires: Date.now() + 60_000 }))).status).toBe(404);
  });
});
