import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPinterestSandbox } from '../../../src/sandbox/pinterest/index.js';
import { fakeMp4, png, sleep, startImageServer, startSandbox, uploadMedia, userClient } from './support.js';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let images: Awaited<ReturnType<typeof startImageServer>>;
let goodBase64: string;
let smallBase64: string;

beforeAll(async () => {
  sandbox = await startSandbox({ mediaProcessingMs: 150 });
  images = await startImageServer();
  goodBase64 = (await png(200, 200)).toString('base64');
  smallBase64 = (await png(40, 300)).toString('base64');
});
afterAll(async () => {
  await sandbox.close();
  await images.close();
});

async function setup() {
  const { client, user } = userClient(sandbox.sandbox, sandbox.url);
  const board = (await client.call('POST', '/v5/boards', { name: 'Pins' })).body;
  return { client, user, board };
}

describe('pin creation from each media source', () => {
  it('creates from image_url, fetching the image and serving renditions from the sandbox', async () => {
    const { client, board, user } = await setup();
    const created = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      title: 'Hello',
      description: 'World',
      link: 'https://example.com/post',
      alt_text: 'A square',
      media_source: { source_type: 'image_url', url: `${images.url}/good.jpg` },
    });
    expect(created.status).toBe(201);
    const pin = created.body;
    expect(pin).toMatchObject({
      title: 'Hello',
      description: 'World',
      link: 'https://example.com/post',
      alt_text: 'A square',
      board_id: board.id,
      board_section_id: null,
      board_owner: { username: user.username },
      is_owner: true,
      is_standard: true,
      has_been_promoted: false,
      creative_type: 'REGULAR',
    });
    expect(pin.dominant_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(pin.media.media_type).toBe('image');
    expect(pin.media.images['600x']).toMatchObject({ width: 600, height: 900 });
    expect(pin.media.images['150x150']).toMatchObject({ width: 150, height: 150 });
    const rendition = await fetch(pin.media.images['400x300'].url);
    expect(rendition.status).toBe(200);
    expect(rendition.headers.get('content-type')).toBe('image/jpeg');

    const fetched = await client.call('GET', `/v5/pins/${pin.id}`);
    expect(fetched.body.id).toBe(pin.id);
  });

  it('creates from image_base64 and validates content_type and the base64 alphabet', async () => {
    const { client, board } = await setup();
    const ok = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: { source_type: 'image_base64', content_type: 'image/png', data: goodBase64 },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.media.images['1200x']).toMatchObject({ width: 200, height: 200 });
    const gif = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: { source_type: 'image_base64', content_type: 'image/gif', data: goodBase64 },
    });
    expect(gif.status).toBe(400);
    const spaced = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: { source_type: 'image_base64', content_type: 'image/png', data: `${goodBase64.slice(0, 10)}\n${goodBase64.slice(10)}` },
    });
    expect(spaced.status).toBe(400);
  });

  it('creates carousels from 2–5 URLs or base64 images and rejects other counts', async () => {
    const { client, board } = await setup();
    const urls = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: {
        source_type: 'multiple_image_urls',
        items: [
          { url: `${images.url}/good.png`, title: 'one', link: 'https://example.com/1' },
          { url: `${images.url}/good.jpg`, title: 'two' },
        ],
      },
    });
    expect(urls.status).toBe(201);
    expect(urls.body.creative_type).toBe('CAROUSEL');
    expect(urls.body.media.media_type).toBe('multiple_images');
    expect(urls.body.media.items).toHaveLength(2);
    expect(urls.body.media.items[0]).toMatchObject({ item_type: 'image', title: 'one', link: 'https://example.com/1' });

    const item = { content_type: 'image/png', data: goodBase64 };
    const five = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: { source_type: 'multiple_image_base64', items: [item, item, item, item, item] },
    });
    expect(five.status).toBe(201);
    expect(five.body.media.items).toHaveLength(5);
    const six = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: { source_type: 'multiple_image_base64', items: [item, item, item, item, item, item] },
    });
    expect(six.status).toBe(400);
    const one = await client.call('POST', '/v5/pins', { board_id: board.id, media_source: { source_type: 'multiple_image_base64', items: [item] } });
    expect(one.status).toBe(400);
  });

  it('creates a video pin once the upload has succeeded, not before', async () => {
    const { client, board } = await setup();
    const upload = (await client.call('POST', '/v5/media', { media_type: 'video' })).body;
    const early = await client.call('POST', '/v5/pins', { board_id: board.id, media_source: { source_type: 'video_id', media_id: upload.media_id } });
    expect(early.status).toBe(400);
    expect((await uploadMedia(upload, fakeMp4())).status).toBe(204);
    await sleep(200);
    const created = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: { source_type: 'video_id', media_id: upload.media_id, cover_image_url: `${images.url}/good.png` },
    });
    expect(created.status).toBe(201);
    expect(created.body.creative_type).toBe('VIDEO');
    expect(created.body.media).toMatchObject({ media_type: 'video', duration: null });
    expect(created.body.media.cover_image_url).toContain(sandbox.url);
  });

  it('refuses a video pin without a cover image or key frame, as the docs say', async () => {
    const { client, board, user } = await setup();
    const upload = (await client.call('POST', '/v5/media', { media_type: 'video' })).body;
    expect((await uploadMedia(upload, fakeMp4())).status).toBe(204);
    await sleep(200);
    const bare = await client.call('POST', '/v5/pins', { board_id: board.id, media_source: { source_type: 'video_id', media_id: upload.media_id } });
    expect(bare.status).toBe(400);
    expect(bare.body).toEqual({ code: 1, message: 'A valid image url must be provided' });
    expect(sandbox.sandbox.state.pinsOf(user.id)).toHaveLength(0);
    const keyFrame = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: { source_type: 'video_id', media_id: upload.media_id, cover_image_key_frame_time: 2 },
    });
    expect(keyFrame.status).toBe(201);
    expect(keyFrame.body.creative_type).toBe('VIDEO');
  });
});

describe('pins as production writes and lists them', () => {
  it('writes created_at in UTC without a zone, or with Z when asked', async () => {
    const { client, board } = await setup();
    const media_source = { source_type: 'image_base64', content_type: 'image/png', data: goodBase64 };
    const created = (await client.call('POST', '/v5/pins', { board_id: board.id, media_source })).body;
    expect(created.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(Date.parse(`${created.created_at}Z`) - Date.now())).toBeLessThan(10_000);
    const listed = (await client.call('GET', `/v5/boards/${board.id}/pins`)).body.items[0];
    expect(listed.created_at).toBe(created.created_at);

    const zoned = await startSandbox({ timestamps: 'utc-z' });
    try {
      const { client: c } = userClient(zoned.sandbox, zoned.url);
      const b = (await c.call('POST', '/v5/boards', { name: 'Z' })).body;
      const pin = (await c.call('POST', '/v5/pins', { board_id: b.id, media_source })).body;
      expect(pin.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(b.created_at).toMatch(/Z$/);
    } finally {
      await zoned.close();
    }
  });

  it('lags lists behind writes by default (2 s), while the pin reads by id at once', async () => {
    const lagging = await startPinterestSandbox({ port: 0 });
    try {
      const { client } = userClient(lagging.sandbox, lagging.url);
      const board = (await client.call('POST', '/v5/boards', { name: 'Lag' })).body;
      const media_source = { source_type: 'image_base64', content_type: 'image/png', data: goodBase64 };
      const pin = (await client.call('POST', '/v5/pins', { board_id: board.id, media_source })).body;
      expect((await client.call('GET', `/v5/pins/${pin.id}`)).status).toBe(200);
      expect((await client.call('GET', `/v5/boards/${board.id}/pins`)).body.items).toEqual([]);
      expect((await client.call('GET', '/v5/pins')).body.items).toEqual([]);
      expect((await client.call('GET', '/v5/boards')).body.items).toEqual([]);
      await sleep(2100);
      expect((await client.call('GET', `/v5/boards/${board.id}/pins`)).body.items.map((p: { id: string }) => p.id)).toEqual([pin.id]);
      expect((await client.call('GET', '/v5/pins')).body.items).toHaveLength(1);
    } finally {
      await lagging.close();
    }
  });
});

describe('pin validation', () => {
  it('answers an image URL it cannot fetch with code 1 "Sorry we could not fetch the image.", or 235 when asked', async () => {
    const { client, board, user } = await setup();
    const create = (c: typeof client, boardId: string, url: string) =>
      c.call('POST', '/v5/pins', { board_id: boardId, media_source: { source_type: 'image_url', url } });
    const closed = await startImageServer();
    await closed.close();
    for (const url of [`${images.url}/missing.png`, `${closed.url}/good.png`]) {
      const response = await create(client, board.id, url);
      expect(response.status, url).toBe(400);
      expect(response.body).toEqual({ code: 1, message: 'Sorry we could not fetch the image.' });
    }
    expect(sandbox.sandbox.state.pinsOf(user.id)).toHaveLength(0);
    const older = await startSandbox({ imageFetchFailure: 'broken' });
    try {
      const { client: c } = userClient(older.sandbox, older.url);
      const b = (await c.call('POST', '/v5/boards', { name: 'Pins' })).body;
      const response = await create(c, b.id, `${images.url}/missing.png`);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe(235);
    } finally {
      await older.close();
    }
  });

  it('answers broken images with 403 code 235 and small ones with 403 code 233', async () => {
    const { client, board, user } = await setup();
    const create = (url: string) => client.call('POST', '/v5/pins', { board_id: board.id, media_source: { source_type: 'image_url', url } });
    for (const path of ['/broken.png', '/truncated.png']) {
      const response = await create(`${images.url}${path}`);
      expect(response.status, path).toBe(403);
      expect(response.body).toEqual({ code: 235, message: 'Sorry, this image is broken. Please pick a different image.' });
    }
    const small = await create(`${images.url}/small.png`);
    expect(small.status).toBe(403);
    expect(small.body).toEqual({ code: 233, message: 'Your image is too small. Please choose a larger image and try again.' });
    const tooNarrow = await client.call('POST', '/v5/pins', {
      board_id: board.id,
      media_source: { source_type: 'image_base64', content_type: 'image/png', data: smallBase64 },
    });
    expect(tooNarrow.body.code).toBe(233);
    expect((await create('not a url')).body.code).toBe(1);
    expect(sandbox.sandbox.state.pinsOf(user.id)).toHaveLength(0);
  });

  it('enforces field limits, link validity, board and section ownership', async () => {
    const { client, board } = await setup();
    const media_source = { source_type: 'image_base64', content_type: 'image/png', data: goodBase64 };
    const base = { board_id: board.id, media_source };
    expect((await client.call('POST', '/v5/pins', { ...base, title: 'x'.repeat(101) })).status).toBe(400);
    expect((await client.call('POST', '/v5/pins', { ...base, title: 'x'.repeat(100) })).status).toBe(201);
    expect((await client.call('POST', '/v5/pins', { ...base, description: 'x'.repeat(801) })).status).toBe(400);
    expect((await client.call('POST', '/v5/pins', { ...base, alt_text: 'x'.repeat(501) })).status).toBe(400);
    const badLink = await client.call('POST', '/v5/pins', { ...base, link: 'not a link' });
    expect(badLink.body).toMatchObject({ code: 1 });
    expect((await client.call('POST', '/v5/pins', { ...base, link: `https://e.com/${'x'.repeat(2040)}` })).status).toBe(400);

    const missingBoard = await client.call('POST', '/v5/pins', { ...base, board_id: '123' });
    expect(missingBoard.status).toBe(404);
    expect(missingBoard.body).toEqual({ code: 40, message: 'Board not found.' });
    const other = userClient(sandbox.sandbox, sandbox.url).client;
    expect((await other.call('POST', '/v5/pins', base)).body.code).toBe(40);

    const missingSection = await client.call('POST', '/v5/pins', { ...base, board_section_id: '999' });
    expect(missingSection.status).toBe(404);
    expect(missingSection.body.code).toBe(2031);
  });
});

describe('pin lifecycle', () => {
  it('lists board and section pins newest first, updates, saves and deletes pins', async () => {
    const { client, board } = await setup();
    const section = (await client.call('POST', `/v5/boards/${board.id}/sections`, { name: 'S' })).body;
    const media_source = { source_type: 'image_base64', content_type: 'image/png', data: goodBase64 };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const pin = await client.call('POST', '/v5/pins', {
        board_id: board.id,
        title: `p${i}`,
        media_source,
        ...(i === 2 ? { board_section_id: section.id } : {}),
      });
      ids.push(pin.body.id);
    }
    const boardPins = await client.call('GET', `/v5/boards/${board.id}/pins?page_size=2`);
    expect(boardPins.body.items.map((p: { title: string }) => p.title)).toEqual(['p2', 'p1']);
    const rest = await client.call('GET', `/v5/boards/${board.id}/pins?page_size=2&bookmark=${boardPins.body.bookmark}`);
    expect(rest.body.items.map((p: { title: string }) => p.title)).toEqual(['p0']);
    expect(rest.body.bookmark).toBeNull();
    const sectionPins = await client.call('GET', `/v5/boards/${board.id}/sections/${section.id}/pins`);
    expect(sectionPins.body.items.map((p: { id: string }) => p.id)).toEqual([ids[2]]);
    expect((await client.call('GET', '/v5/pins')).body.items).toHaveLength(3);

    const patched = await client.call('PATCH', `/v5/pins/${ids[0]}`, { title: 'renamed', board_section_id: section.id });
    expect(patched.body).toMatchObject({ title: 'renamed', board_section_id: section.id });

    const otherBoard = (await client.call('POST', '/v5/boards', { name: 'Other' })).body;
    const saved = await client.call('POST', `/v5/pins/${ids[1]}/save`, { board_id: otherBoard.id });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ board_id: otherBoard.id, parent_pin_id: ids[1] });

    expect((await client.call('DELETE', `/v5/pins/${ids[0]}`)).status).toBe(204);
    const gone = await client.call('GET', `/v5/pins/${ids[0]}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe(50);
  });
});

describe('media upload', () => {
  it('moves registered → processing → succeeded for a video and → failed for a non-video', async () => {
    const { client } = await setup();
    const upload = await client.call('POST', '/v5/media', { media_type: 'video' });
    expect(upload.status).toBe(201);
    expect(upload.body.upload_parameters).toMatchObject({ key: expect.any(String), policy: expect.any(String), 'x-amz-signature': expect.any(String) });
    const status = async (id: string) => (await client.call('GET', `/v5/media/${id}`)).body.status;
    expect(await status(upload.body.media_id)).toBe('registered');

    expect((await uploadMedia(upload.body, fakeMp4())).status).toBe(204);
    expect(await status(upload.body.media_id)).toBe('processing');
    await sleep(200);
    expect(await status(upload.body.media_id)).toBe('succeeded');

    const junk = (await client.call('POST', '/v5/media', { media_type: 'video' })).body;
    await uploadMedia(junk, Buffer.from('definitely not a video file'));
    await sleep(200);
    expect(await status(junk.media_id)).toBe('failed');

    const list = await client.call('GET', '/v5/media');
    expect(list.body.items.map((m: { media_id: string }) => m.media_id).sort()).toEqual([upload.body.media_id, junk.media_id].sort());
    expect((await client.call('POST', '/v5/media', { media_type: 'image' })).status).toBe(400);
    expect((await client.call('GET', '/v5/media/1')).status).toBe(404);
  });

  it('refuses an upload whose signature or policy was tampered with', async () => {
    const { client } = await setup();
    const upload = (await client.call('POST', '/v5/media', { media_type: 'video' })).body;
    const forged = { ...upload, upload_parameters: { ...upload.upload_parameters, 'x-amz-signature': 'f'.repeat(64) } };
    const response = await uploadMedia(forged, fakeMp4());
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('AccessDenied');
    expect((await client.call('GET', `/v5/media/${upload.media_id}`)).body.status).toBe('registered');
  });
});
