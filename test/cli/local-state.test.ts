import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { persistSandboxes } from '../../src/cli/local-state.js';
import type { SandboxInstance } from '../../src/connectors/index.js';
import { createLogger } from '../../src/observability/index.js';
import { createMetaSandbox } from '../../src/sandbox/meta/index.js';
import { createTikTokSandbox, type Publish } from '../../src/sandbox/tiktok/index.js';

const log = createLogger('silent');

/** A TikTok upload half done: its chunks so far, as the emulator holds them. */
function halfUpload(sandbox: ReturnType<typeof createTikTokSandbox>, chunks: Buffer[]): Publish {
  const user = sandbox.createUser({ username: 'maker' });
  const publish: Publish = {
    id: 'v_pub_file~v2-1.1',
    openId: user.openId,
    clientKey: 'pinion-sandbox',
    kind: 'video',
    mode: 'direct',
    source: 'FILE_UPLOAD',
    postInfo: { privacy_level: 'SELF_ONLY' },
    createdAt: Date.now(),
    upload: {
      token: 'tok',
      videoSize: 30_000_000,
      chunkSize: 10_000_000,
      totalChunks: 3,
      received: chunks,
      receivedBytes: chunks.reduce((n, c) => n + c.length, 0),
      expiresAt: Date.now() + 3600_000,
      mime: 'video/mp4',
    },
  };
  sandbox.state.publishes.set(publish.id, publish);
  return publish;
}

describe('the sandboxes kept beside the database', () => {
  it('writes media bytes as files of their own, once, and removes those no longer held', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-sandbox-state-'));
    const before = createTikTokSandbox();
    const first = randomBytes(200_000);
    const publish = halfUpload(before, [first]);
    const kept = persistSandboxes(new Map<string, SandboxInstance>([['tiktok', before]]), dir, log);
    kept.saveAll();
    const media = join(dir, 'sandbox-tiktok.media');
    expect(readdirSync(media)).toHaveLength(1);
    expect(statSync(join(media, readdirSync(media)[0]!)).mode & 0o077).toBe(0);
    const json = readFileSync(join(dir, 'sandbox-tiktok.json'), 'utf8');
    expect(json.length).toBeLessThan(5_000);
    expect(json).toContain('"size":200000');

    // A second chunk arrives: the first is not written again; then the upload is gone, and so are its files.
    const second = randomBytes(1000);
    publish.upload!.received.push(second);
    kept.saveAll();
    expect(readdirSync(media)).toHaveLength(2);

    const after = createTikTokSandbox();
    persistSandboxes(new Map<string, SandboxInstance>([['tiktok', after]]), dir, log);
    const restored = after.state.publishes.get(publish.id)!;
    expect(restored.upload!.received.map((c) => c.equals(first) || c.equals(second))).toEqual([true, true]);
    expect(after.state.users.get(publish.openId)?.username).toBe('maker');

    before.state.publishes.clear();
    kept.saveAll();
    expect(readdirSync(media)).toEqual([]);
  });

  it('saves the Graph world its mounts share once, and hands out no id it already gave after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-sandbox-state-'));
    const world = `keep-${randomBytes(4).toString('hex')}`;
    const mounts = new Map<string, SandboxInstance>(
      (['facebook', 'instagram', 'threads'] as const).map((mount) => [mount, createMetaSandbox({ mount, world })]),
    );
    const graph = createMetaSandbox({ mount: 'facebook', world });
    const person = graph.world.addPerson({ name: 'Kim', pages: [{ name: 'Kim’s shop', instagram: 'kim.shop' }] });
    persistSandboxes(mounts, dir, log).changed('instagram');
    persistSandboxes(mounts, dir, log).saveAll();
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([`sandbox-meta-${world}.json`]);

    // Another process: a world of its own, from the file.
    graph.world.reset();
    expect(graph.world.people.size).toBe(0);
    persistSandboxes(mounts, dir, log);
    expect(graph.world.people.get(person.id)?.name).toBe('Kim');
    expect([...graph.world.igUsers.values()].map((u) => u.username)).toEqual(['kim.shop']);
  });

  it('goes on counting Graph ids from the highest one a saved world holds', () => {
    const graph = createMetaSandbox({ world: `ids-${randomBytes(4).toString('hex')}` });
    const saved = createMetaSandbox({ world: `ids-${randomBytes(4).toString('hex')}` });
    saved.world.addPerson({ name: 'Far' });
    // As if saved by a process whose counter had gone far beyond this one's.
    const far = saved
      .snapshot()
      .replace(/"id":"(\d+)"/g, '"id":"90000000000000000000"')
      .replace(/\["(\d+)",/g, '["90000000000000000000",');
    graph.restore(far);
    expect(BigInt(graph.world.addThreadsUser('next').id)).toBeGreaterThan(90000000000000000000n);
  });
});
