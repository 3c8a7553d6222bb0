import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinion, pinionDaemon } from '../helpers/cli.js';
import { jpeg } from '../helpers/media-fixtures.js';
import { mp4 } from '../connectors/tiktok/support.js';

interface Started {
  api: string;
  api_key: string;
  sandboxes: Record<string, string>;
}

/** Who signs in on each platform's consent page (a member's name, a creator, a channel handle, a person, a username). */
const SIGN_IN: Record<string, string> = {
  linkedin: 'Kim Keeper',
  tiktok: 'keeper',
  youtube: '@keeper',
  facebook: 'Kim Keeper',
  instagram: 'keeper.ig',
  threads: 'keeper.th',
};

function client(s: Started) {
  const call = async (method: string, path: string, body?: unknown) =>
    fetch(`${s.api.replace(/\/api\/v1$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${s.api_key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await call(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  const upload = async (bytes: Buffer, type: string, name: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const res = await fetch(`${s.api}/media`, { method: 'POST', headers: { authorization: `Bearer ${s.api_key}` }, body: form });
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  /** The three posts a person would make: text, a video, a picture; each delivery's external id once all are done. */
  const publishAll = async (round: string) => {
    const video = await upload(mp4({ durationMs: 6000 }), 'video/mp4', `clip-${round}.mp4`);
    const picture = await upload(await jpeg(1080, 1080), 'image/jpeg', `square-${round}.jpg`);
    const posts = [
      { content: `Open today, ${round}`, platforms: ['linkedin', 'facebook', 'threads'] },
      {
        content: `Behind the scenes, ${round}`,
        media_id: video,
        platforms: ['tiktok', 'youtube'],
        platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } },
      },
      { content: `New in the shop, ${round}`, media_id: picture, platforms: ['instagram'] },
    ];
    const ids = await Promise.all(posts.map(async (body) => (await json<{ id: string }>('POST', '/api/v1/posts', body)).id));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const all = await Promise.all(
        ids.map((id) =>
          json<{ status: string; deliveries: Array<{ platform: string; status: string; external_id: string | null; last_error: unknown }> }>(
            'GET',
            `/api/v1/posts/${id}`,
          ),
        ),
      );
      const deliveries = all.flatMap((p) => p.deliveries);
      if (deliveries.every((d) => ['published', 'failed', 'needs_attention'].includes(d.status))) {
        for (const d of deliveries) expect(d.status, `${d.platform}: ${JSON.stringify(d.last_error)}`).toBe('published');
        return Object.fromEntries(deliveries.map((d) => [d.platform, d.external_id!]));
      }
      if (Date.now() > deadline) throw new Error(`not published within a minute: ${JSON.stringify(deliveries)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  /** What each sandbox lists as published, by its own inspection routes. */
  const listed = async (): Promise<Record<string, string[]>> => {
    const get = async <T>(platform: string, path: string) => (await (await fetch(`${s.sandboxes[platform]}${path}`)).json()) as T;
    const li = await get<{ items: Array<{ id: string }> }>('linkedin', '/_sandbox/posts');
    const tt = await get<{ items: Array<{ id: string; publish_id: string }> }>('tiktok', '/_sandbox/posts');
    const yt = await get<{ videos: Array<{ id: string }> }>('youtube', '/_sandbox/state');
    const meta = await get<{ published: Array<{ id: string; platform: string }> }>('facebook', '/_sandbox/state');
    const of = (platform: string) => meta.published.filter((p) => p.platform === platform).map((p) => p.id);
    return {
      linkedin: li.items.map((p) => p.id),
      tiktok: tt.items.flatMap((p) => [p.id, p.publish_id]),
      youtube: yt.videos.map((v) => v.id),
      facebook: of('facebook'),
      instagram: of('instagram'),
      threads: of('threads'),
    };
  };
  return { call, json, publishAll, listed };
}

describe('`pinion start` restarted, with an account on every other sandbox', { timeout: 300_000 }, () => {
  it('keeps LinkedIn, TikTok, YouTube and the Meta accounts connected, their posts listed, and publishes again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-restart-all-'));
    const start = () => pinionDaemon(['start', '--port', '0', '--json'], /"api_key"/, { PINION_CONFIG: '' }, dir);
    const first = await start();
    let firstIds: Record<string, string>;
    try {
      const s = JSON.parse(first.stdout()) as Started;
      const c = client(s);
      // As the README has a person do it: the CLI approves on each sandbox's consent page, whatever its sign-in field.
      const env = { PINION_API_KEY: s.api_key, PINION_API_URL: s.api.replace(/\/api\/v1$/, '') };
      for (const [platform, who] of Object.entries(SIGN_IN)) {
        const connected = await pinion(['accounts', 'connect', platform, '--sandbox-approve', who, '--json'], env);
        expect(connected.code, `${platform}: ${connected.stderr}`).toBe(0);
        expect(JSON.parse(connected.stdout), platform).toMatchObject({ platform, status: 'active' });
      }
      firstIds = await c.publishAll('first');
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const data = join(dir, 'data');
    // The three Graph mounts share one world: saved once.
    for (const name of ['linkedin', 'tiktok', 'youtube', 'meta']) {
      expect(existsSync(join(data, `sandbox-${name}.json`)), name).toBe(true);
      expect(statSync(join(data, `sandbox-${name}.json`)).mode & 0o077).toBe(0);
    }
    expect(existsSync(join(data, 'sandbox-facebook.json'))).toBe(false);
    // The uploads' bytes are files of their own (TikTok keeps the chunks it received), never inside the JSON.
    for (const name of ['linkedin', 'tiktok', 'youtube', 'meta']) expect(readFileSync(join(data, `sandbox-${name}.json`), 'utf8')).not.toContain('"$bytes"');
    expect(readdirSync(join(data, 'sandbox-tiktok.media')).length).toBeGreaterThan(0);

    const second = await start();
    try {
      const s = JSON.parse(second.stdout()) as Started;
      const c = client(s);
      const { data: accounts } = await c.json<{ data: Array<{ id: string; platform: string; status: string }> }>('GET', '/api/v1/accounts');
      expect(new Set(accounts.map((a) => a.platform))).toEqual(new Set(['linkedin', 'tiktok', 'youtube', 'facebook', 'instagram', 'threads']));
      // Asked of each sandbox now: the tokens it gave before the restart still work there.
      for (const a of accounts) expect(await c.json('GET', `/api/v1/accounts/${a.id}/status`), a.platform).toMatchObject({ status: 'active' });
      const secondIds = await c.publishAll('second');
      const listed = await c.listed();
      for (const [platform, id] of Object.entries(firstIds)) {
        expect(listed[platform], platform).toContain(id);
        expect(listed[platform], platform).toContain(secondIds[platform]);
      }
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
