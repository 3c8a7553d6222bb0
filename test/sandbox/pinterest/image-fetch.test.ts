import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { Client, startImageServer, startSandbox, userClient } from './support.js';

/**
 * Pinterest fetches a pin's image from its own servers, so it never reaches the user's network.
 * The sandbox runs inside that network: it must refuse the same addresses Pinion's media fetches do.
 */
describe('the sandbox fetches pin images from public addresses only', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    sandbox = await startSandbox(); // 127.0.0.1 allowed: the test image server
    images = await startImageServer();
  });
  afterAll(async () => {
    await sandbox?.close();
    await images?.close();
  });

  async function pinFrom(client: Client, boardId: string, url: string) {
    return client.call('POST', '/v5/pins', { board_id: boardId, title: 't', media_source: { source_type: 'image_url', url } });
  }

  it('refuses loopback by name, IPv4 hidden in IPv6, and private addresses; allows the allowlisted host', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const board = (await client.call('POST', '/v5/boards', { name: 'Pins' })).body;
    const port = new URL(images.url).port;
    for (const url of [
      `http://localhost:${port}/good.jpg`,
      `http://[::127.0.0.1]:${port}/good.jpg`,
      `http://[::ffff:127.0.0.1]:${port}/good.jpg`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/a.jpg',
    ]) {
      const res = await pinFrom(client, board.id, url);
      // What Pinterest answers for an image it could not fetch.
      expect([res.status, res.body.code], url).toEqual([400, 1]);
    }
    expect(sandbox.sandbox.state.pins.size).toBe(0);
    expect((await pinFrom(client, board.id, `${images.url}/good.jpg`)).status).toBe(201);
  });
});

describe('the sandbox embedded in Pinion', () => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    images = await startImageServer();
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });

  it('fetches from the hosts media.fetchAllowHosts allows (here 127.0.0.1 and itself), and refuses other private ones', async () => {
    const { client } = userClient(p.sandbox!, `${p.url}/sandbox/pinterest`);
    const board = (await client.call('POST', '/v5/boards', { name: 'Pins' })).body;
    const pin = (url: string) => client.call('POST', '/v5/pins', { board_id: board.id, title: 't', media_source: { source_type: 'image_url', url } });
    const port = new URL(images.url).port;
    expect((await pin(`http://localhost:${port}/good.jpg`)).status).toBe(400);
    expect((await pin(`http://[::127.0.0.1]:${port}/good.jpg`)).status).toBe(400);
    expect((await pin(`${images.url}/good.jpg`)).status).toBe(201);
    expect((await pin(`${p.url}/sandbox/pinterest/_sandbox/sample.jpg`)).status).toBe(201);
  });
});
