import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/index.js';
import { metadata, sha256, startSandbox, videoBytes } from './support.js';

const KiB = 1024;

describe('YouTube emulator: resumable videos.insert', () => {
  let s: Awaited<ReturnType<typeof startSandbox>> | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  const open = async (total: number, body: unknown = metadata()) => {
    const res = await s!.call('POST', '/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status', {
      body,
      headers: { 'x-upload-content-length': String(total), 'x-upload-content-type': 'video/mp4' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.headers.get('location')!;
  };
  const put = (uri: string, range: string, bytes: Buffer = Buffer.alloc(0)) =>
    s!.call('PUT', uri, { bytes, headers: { 'content-range': range, 'content-type': 'application/octet-stream' } });

  it('opens a session (Location), answers 308 with Range per chunk, 201 with the video at the last byte, and the status query tells where it stands', async () => {
    const clock = new ManualClock(Date.parse('2031-05-01T12:00:00Z'));
    s = await startSandbox({ clock, processingMs: 5000 });
    const bytes = videoBytes(600 * KiB);
    const uri = await open(bytes.length);
    expect(uri).toContain('upload_id=');

    const first = await put(uri, `bytes 0-${256 * KiB - 1}/${bytes.length}`, bytes.subarray(0, 256 * KiB));
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe(`bytes=0-${256 * KiB - 1}`);
    const query = await put(uri, `bytes */${bytes.length}`);
    expect(query.status).toBe(308);
    expect(query.headers.get('range')).toBe(`bytes=0-${256 * KiB - 1}`);

    // A chunk that is not a multiple of 256 KiB (and not the last) is refused.
    const odd = await put(uri, `bytes ${256 * KiB}-${256 * KiB + 999}/${bytes.length}`, bytes.subarray(256 * KiB, 256 * KiB + 1000));
    expect(odd.status).toBe(400);
    expect(((await odd.json()) as { error: { message: string } }).error.message).toContain('equal or greater than 262144, except for the final request');

    const second = await put(uri, `bytes ${256 * KiB}-${512 * KiB - 1}/${bytes.length}`, bytes.subarray(256 * KiB, 512 * KiB));
    expect(second.status).toBe(308);
    const last = await put(uri, `bytes ${512 * KiB}-${bytes.length - 1}/${bytes.length}`, bytes.subarray(512 * KiB));
    expect(last.status).toBe(201);
    const video = (await last.json()) as { id: string; kind: string; status: { uploadStatus: string } };
    expect(video).toMatchObject({ kind: 'youtube#video', status: { uploadStatus: 'uploaded' } });

    // A finished session answers with its video (no second video).
    const again = await put(uri, `bytes */${bytes.length}`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(video.id);
    expect(s.sandbox.stats().videos).toHaveLength(1);
    expect(s.sandbox.stats().videos[0]!.sha256).toBe(sha256(bytes));

    // Processing takes its time, then the video is processed.
    const status = async () =>
      (
        (await (await s!.call('GET', `/youtube/v3/videos?part=status,processingDetails&id=${video.id}`)).json()) as {
          items: Array<{ status: { uploadStatus: string }; processingDetails: { processingStatus: string; processingProgress?: { timeLeftMs: string } } }>;
        }
      ).items[0]!;
    const during = await status();
    expect(during.status.uploadStatus).toBe('uploaded');
    expect(during.processingDetails.processingStatus).toBe('processing');
    expect(during.processingDetails.processingProgress!.timeLeftMs).toBe('5000');
    await clock.advance(5000);
    expect((await status()).status.uploadStatus).toBe('processed');
  });

  it("failed and rejected processing show YouTube's reasons; bytes that are no video fail as invalidFile", async () => {
    s = await startSandbox({ processingMs: 0 });
    s.sandbox.queueProcessing({ outcome: 'rejected', rejectionReason: 'duplicate' });
    const upload = async (bytes: Buffer) => {
      const uri = await open(bytes.length);
      const res = await put(uri, `bytes 0-${bytes.length - 1}/${bytes.length}`, bytes);
      return ((await res.json()) as { id: string }).id;
    };
    const rejected = await upload(videoBytes(1000));
    const notVideo = await upload(Buffer.from('this is a text file, not a video'));
    const state = s.sandbox.stats().videos;
    expect(state.find((v) => v.id === rejected)).toMatchObject({ uploadStatus: 'rejected', rejectionReason: 'duplicate' });
    expect(state.find((v) => v.id === notVideo)).toMatchObject({ uploadStatus: 'failed', failureReason: 'invalidFile' });
  });

  it("a session past its lifetime is gone (404); the uploads playlist lists the channel's videos in pages", async () => {
    const clock = new ManualClock(Date.parse('2031-05-01T12:00:00Z'));
    s = await startSandbox({ clock, sessionTtlSeconds: 60, processingMs: 0 });
    const uri = await open(1000);
    await clock.advance(61_000);
    expect((await put(uri, 'bytes */1000')).status).toBe(404);

    for (let i = 0; i < 3; i++) {
      const bytes = videoBytes(500);
      const u = await open(bytes.length, metadata(`Video ${i}`));
      await put(u, `bytes 0-499/500`, bytes);
      await clock.advance(1000);
    }
    const uploads = s.channel.uploads;
    const page1 = (await (await s.call('GET', `/youtube/v3/playlistItems?part=snippet,contentDetails&playlistId=${uploads}&maxResults=2`)).json()) as {
      items: Array<{ snippet: { title: string } }>;
      nextPageToken?: string;
    };
    expect(page1.items.map((i) => i.snippet.title)).toEqual(['Video 2', 'Video 1']);
    const page2 = (await (
      await s.call('GET', `/youtube/v3/playlistItems?part=snippet&playlistId=${uploads}&maxResults=2&pageToken=${page1.nextPageToken}`)
    ).json()) as { items: Array<{ snippet: { title: string } }>; nextPageToken?: string };
    expect(page2.items.map((i) => i.snippet.title)).toEqual(['Video 0']);
    expect(page2.nextPageToken).toBeUndefined();
  });

  it("thumbnails.set takes a JPEG or PNG up to 2 MiB for the channel's own video", async () => {
    s = await startSandbox({ processingMs: 0 });
    const bytes = videoBytes(500);
    const uri = await open(bytes.length);
    const id = ((await (await put(uri, 'bytes 0-499/500', bytes)).json()) as { id: string }).id;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
    const ok = await s.call('POST', `/upload/youtube/v3/thumbnails/set?videoId=${id}&uploadType=media`, {
      bytes: png,
      headers: { 'content-type': 'image/png' },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { kind: string }).kind).toBe('youtube#thumbnailSetResponse');
    const bad = await s.call('POST', `/upload/youtube/v3/thumbnails/set?videoId=${id}`, {
      bytes: Buffer.from('GIF89a....'),
      headers: { 'content-type': 'image/gif' },
    });
    expect(((await bad.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]!.reason).toBe('invalidImage');
    const missing = await s.call('POST', '/upload/youtube/v3/thumbnails/set?videoId=nope', { bytes: png, headers: { 'content-type': 'image/png' } });
    expect(missing.status).toBe(404);
    expect(s.sandbox.stats().videos[0]!.thumbnail).toEqual({ mime: 'image/png', size: png.length });
  });
});
