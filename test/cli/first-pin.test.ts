import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinionDaemon } from '../helpers/cli.js';
import { waitFor } from '../helpers/posts.js';

describe('the README walkthrough on `pinion start`', () => {
  it('connects a sandbox account, makes a board and publishes a pin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-first-'));
    const d = await pinionDaemon(['start', '--port', '0', '--json'], /"api_key"/, { PINION_CONFIG: '' }, dir);
    try {
      const {
        api,
        api_key: key,
        sandboxes,
        dashboard,
      } = JSON.parse(d.stdout()) as { api: string; api_key: string; sandboxes: Record<string, string>; dashboard: string };
      const sandbox = sandboxes.pinterest!;
      // The dashboard is served too, with its scripts from the server itself.
      expect(await (await fetch(dashboard)).text()).toContain('Sign in');
      expect((await fetch(`${dashboard}assets/app.js`)).status).toBe(200);
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${api}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });

      const { authorize_url } = await (await call('POST', '/accounts/connect', { platform: 'pinterest' })).json();
      const authorize = new URL(authorize_url);
      const form = new URLSearchParams(authorize.searchParams);
      form.set('username', 'newcomer');
      form.set('decision', 'approve');
      const approved = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
      expect((await fetch(approved.headers.get('location')!)).status).toBe(200);
      const account = (await (await call('GET', '/accounts')).json()).data[0];
      expect(account).toMatchObject({ username: 'newcomer', status: 'active' });

      expect((await call('POST', `/accounts/${account.id}/boards`, { name: 'Products' })).status).toBe(201);
      const post = await (
        await call('POST', '/posts', {
          content: 'First pin',
          platforms: ['pinterest'],
          media_url: `${sandbox}/_sandbox/sample.jpg`,
          platform_options: { pinterest: { board: 'Products', title: 'Hello' } },
        })
      ).json();
      const done = await waitFor(async () => {
        const p = await (await call('GET', `/posts/${post.id}`)).json();
        return p.status === 'scheduled' || p.status === 'publishing' ? undefined : p;
      }, 'the pin to be published');
      expect(done.status).toBe('published');
      const pins = await (await fetch(`${sandbox}/_sandbox/pins`)).json();
      expect(pins.items).toHaveLength(1);
      expect(pins.items[0]).toMatchObject({ title: 'Hello', description: 'First pin', id: done.deliveries[0].external_id });
      // One info line per publish outcome, as JSON when the log is not a terminal.
      const line = d
        .stderr()
        .split('\n')
        .find((l) => l.includes('"msg":"published"'));
      expect(JSON.parse(line!)).toMatchObject({
        level: 30,
        postId: post.id,
        deliveryId: done.deliveries[0].id,
        platform: 'pinterest',
        externalId: done.deliveries[0].external_id,
      });
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });
});
