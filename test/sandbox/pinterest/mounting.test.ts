import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinterestSandbox } from '../../../src/sandbox/pinterest/index.js';
import { ALL_SCOPES, Client, png } from './support.js';

const app = Fastify();
const sandbox = createPinterestSandbox();
let root: string;

beforeAll(async () => {
  app.get('/health', async () => ({ ok: true }));
  await app.register(sandbox.plugin, { prefix: '/sandbox/pinterest' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  root = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => app.close());

describe('mounted under a prefix in a host app', () => {
  it('serves the API under the prefix and builds media URLs that include it', async () => {
    const base = `${root}/sandbox/pinterest`;
    const user = sandbox.createUser({ username: 'mounted' });
    const client = new Client(base, sandbox.issueTokens(user.id, ALL_SCOPES).access_token);
    const board = (await client.call('POST', '/v5/boards', { name: 'M' })).body;
    const data = (await png(120, 120)).toString('base64');
    const pin = await client.call('POST', '/v5/pins', { board_id: board.id, media_source: { source_type: 'image_base64', content_type: 'image/png', data } });
    expect(pin.status).toBe(201);
    const imageUrl: string = pin.body.media.images['150x150'].url;
    expect(imageUrl.startsWith(`${base}/_media/`)).toBe(true);
    expect((await fetch(imageUrl)).status).toBe(200);
    const upload = (await client.call('POST', '/v5/media', { media_type: 'video' })).body;
    expect(upload.upload_url).toBe(`${base}/_upload`);
    expect((await fetch(`${root}/health`)).status).toBe(200);
  });

  it('answers malformed JSON with a {code, message} 400', async () => {
    const user = sandbox.createUser();
    const response = await fetch(`${root}/sandbox/pinterest/v5/boards`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.issueTokens(user.id, ALL_SCOPES).access_token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: expect.any(Number), message: expect.any(String) });
  });
});
