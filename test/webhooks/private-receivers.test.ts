import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/net/index.js';
import { startTestPinion } from '../helpers/pinion.js';
import { waitFor } from '../helpers/posts.js';
import { closedAfterEach, startReceiver } from './receiver.js';

// A name this machine resolves to a loopback address (/etc/hosts), as an attacker's DNS name would.
const machine = hostname();
const resolved = await lookup(machine).catch(() => undefined);
const machineIsPrivate = resolved !== undefined && !isPublicAddress(resolved.address);

describe('webhooks never reach private addresses unless allowlisted', () => {
  const track = closedAfterEach();

  const start = async () => track(await startTestPinion({ worker: true, config: { webhooks: { allowHosts: [], retentionDays: 30 } } }));

  it('refuses a receiver on a loopback, private or link-local address when it is registered', async () => {
    const p = await start();
    for (const url of [
      'http://127.0.0.1:3000/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.5/hook',
      'http://localhost:3000/hook',
      'http://[::ffff:192.168.1.1]/x',
    ]) {
      const res = await p.api('POST', '/api/v1/webhooks', { body: { url, events: ['*'] } });
      expect(res.status, url).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await res.json()).errors, url).toEqual([{ field: 'url', message: expect.stringMatching(/not a public address.*webhooks\.allowHosts/) }]);
    }
    const ok = await (await p.api('POST', '/api/v1/webhooks', { body: { url: 'https://example.com/hook', events: ['*'] } })).json();
    const moved = await p.api('PATCH', `/api/v1/webhooks/${ok.id}`, { body: { url: 'http://192.168.0.10/hook' } });
    expect(moved.status).toBe(422);
    expect((await (await p.api('GET', `/api/v1/webhooks/${ok.id}`)).json()).url).toBe('https://example.com/hook');
  });

  it.skipIf(!machineIsPrivate)('does not send to a name whose DNS answer is private, and says why in the delivery log', async () => {
    const p = await start();
    const receiver = track(await startReceiver());
    const url = receiver.url.replace('127.0.0.1', machine);
    // The name does reach the receiver: what stops Pinion below is the check, not the network.
    expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(200);
    receiver.requests.length = 0;

    const endpoint = await (await p.api('POST', '/api/v1/webhooks', { body: { url, events: ['*'] } })).json();
    expect(endpoint.id).toMatch(/^whk_/);
    expect((await p.api('POST', `/api/v1/webhooks/${endpoint.id}/test`)).status).toBeLessThan(300);
    const delivery = await waitFor(async () => {
      const list = await (await p.api('GET', `/api/v1/webhooks/${endpoint.id}/deliveries`)).json();
      return list.data.find((d: { attempt_count: number }) => d.attempt_count > 0);
    }, 'the first attempt');
    expect(delivery).toMatchObject({
      status: 'pending',
      last_status_code: null,
      last_error: `not sent: ${machine} resolves to ${resolved!.address}, which is not a public address`,
    });
    expect(receiver.requests).toEqual([]);
  });

  it('sends to a private receiver once its host is allowlisted', async () => {
    const p = track(await startTestPinion({ worker: true, config: { webhooks: { allowHosts: ['127.0.0.1'], retentionDays: 30 } } }));
    const receiver = track(await startReceiver());
    const endpoint = await (await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events: ['*'] } })).json();
    await p.api('POST', `/api/v1/webhooks/${endpoint.id}/test`);
    await waitFor(async () => receiver.requests.length === 1 || undefined, 'the test event');
    expect(JSON.parse(receiver.requests[0]!.body).type).toBe('webhook.test');
  });
});
