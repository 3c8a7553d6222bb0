import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { emitEvent, webhookPasses } from '../../src/webhooks/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { runUntil, startReceiver, type Received } from './receiver.js';

/**
 * A receiver's check as the Standard Webhooks specification describes it (standardwebhooks.com), written
 * from the specification rather than from Pinion's code: key = base64 decode of the secret after `whsec_`,
 * signed content `${webhook-id}.${webhook-timestamp}.${body}`, any `v1,<base64>` entry may match.
 */
function verifyStandard(secret: string, req: Received, nowSeconds = Date.now() / 1000): boolean {
  const id = String(req.headers['webhook-id'] ?? '');
  const timestamp = String(req.headers['webhook-timestamp'] ?? '');
  if (!id || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${req.body}`)
    .digest();
  return String(req.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((entry) => {
      const [version, sig] = entry.split(',');
      const given = Buffer.from(sig ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

describe('webhooks in the Standard Webhooks format', () => {
  let p: TestPinion | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await receiver?.close();
    await p?.close();
    p = receiver = undefined;
  });

  it('signs with webhook-id, webhook-timestamp and webhook-signature when the endpoint asks for it', async () => {
    p = await startTestPinion({ sandbox: {} });
    receiver = await startReceiver();
    const created = await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events: ['*'], format: 'standard' } });
    expect(created.status).toBe(201);
    const endpoint = await created.json();
    expect(endpoint.format).toBe('standard');
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const workspaceId = (await (await p.api('GET', '/api/v1/workspace')).json()).id as string;
    await emitEvent(p.store.db, { workspaceId, type: 'post.published', data: { post_id: 'pst_1' } });
    const pass = webhookPasses({ db: p.store.db, vault: p.accounts.vault, log: p.log, config: { allowHosts: ['127.0.0.1'] } }).find(
      (x) => x.name === 'send-webhooks',
    )!;
    await runUntil(pass, () => receiver!.requests.length === 1);

    const [req] = receiver.requests;
    expect(req!.headers['webhook-id']).toMatch(/^whd_/);
    expect(req!.headers['pinion-signature']).toBeUndefined();
    expect(verifyStandard(endpoint.secret, req!)).toBe(true);
    expect(verifyStandard(endpoint.secret, { ...req!, body: req!.body.replace('pst_1', 'pst_2') })).toBe(false);
    expect(verifyStandard(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, req!)).toBe(false);

    // Switched back, the same endpoint signs Pinion's way.
    const patched = await p.api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { body: { format: 'pinion' } });
    expect((await patched.json()).format).toBe('pinion');
    await emitEvent(p.store.db, { workspaceId, type: 'post.published', data: { post_id: 'pst_3' } });
    await runUntil(pass, () => receiver!.requests.length === 2);
    expect(receiver.requests[1]!.headers['pinion-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(receiver.requests[1]!.headers['webhook-signature']).toBeUndefined();
  });
});
