import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { XContext } from './context.js';
import { problems } from './errors.js';
import { checkKeys, integerIn, isObject, Issues, NUMERIC_ID, optionalEnum, optionalString, pathId } from './input.js';
import { decodeImage, IMAGE_CATEGORIES, looksLikeVideo, mediaKey, mediaKindOf, SIZE_LIMITS, uploadView } from './media-state.js';
import { defineOperation, type Call } from './operation.js';
import type { Media } from './state.js';

const SCOPES = ['media.write'];
const MEDIA_TYPES = [
  'video/mp4',
  'video/webm',
  'video/mp2t',
  'video/quicktime',
  'text/srt',
  'text/vtt',
  'image/jpeg',
  'image/gif',
  'image/bmp',
  'image/png',
  'image/webp',
  'image/pjpeg',
  'image/tiff',
  'model/gltf-binary',
  'model/vnd.usdz+zip',
] as const;
const CATEGORIES = ['amplify_video', 'tweet_gif', 'tweet_image', 'tweet_video', 'dm_gif', 'dm_image', 'dm_video', 'subtitles'] as const;
/** JSON bodies carry media as base64; a chunk of a few MB needs more than Fastify's 1 MB default. */
const JSON_BODY_LIMIT = 32 * 1024 * 1024;

interface UploadForm {
  fields: Record<string, unknown>;
  media: Buffer | undefined;
}

/** Multipart (a `media` file part) or JSON (`media` as base64), as the spec allows for append and the one-shot upload. */
async function readUpload(request: FastifyRequest): Promise<UploadForm> {
  if (request.isMultipart()) {
    const fields: Record<string, unknown> = {};
    let media: Buffer | undefined;
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'media') {
          fields[part.fieldname] = '(file)';
          await part.toBuffer();
          continue;
        }
        media = await part.toBuffer();
        if (part.file.truncated) throw problems.invalidParameter('media', '(file)', 'The media part is larger than any upload X accepts.');
      } else {
        fields[part.fieldname] = part.value;
      }
    }
    return { fields, media };
  }
  if (!isObject(request.body)) throw problems.invalidParameter('body', '', 'Send multipart/form-data with a `media` file part, or JSON with base64 `media`.');
  const { media, ...fields } = request.body;
  if (media !== undefined && (typeof media !== 'string' || !/^[A-Za-z0-9+/=_-]*$/.test(media))) {
    throw problems.invalidParameter('media', '(invalid)', '`media` must be base64 in a JSON body.');
  }
  return { fields, media: media === undefined ? undefined : Buffer.from(media, 'base64') };
}

function tooLarge(media: Media, size: number): boolean {
  return size > SIZE_LIMITS[media.kind];
}

export async function registerMediaRoutes(app: FastifyInstance, ctx: XContext): Promise<void> {
  const { state, options } = ctx;
  const now = () => ctx.clock.now();
  const view = (media: Media) => uploadView(media, options.mediaProcessingMs, now());

  /** Unknown, expired or someone else's media look the same: not found (guess; the docs name no error). */
  const ownMedia = (call: Call, id: string): Media => {
    const media = state.media.get(id);
    if (!media || media.ownerId !== call.user.id || media.expiresAt <= now()) throw problems.notFound('media', 'id', id);
    return media;
  };

  const newMedia = (call: Call, mediaType: string, kind: Media['kind'], category: string, totalBytes: number | null, additionalOwners: string[]): Media => {
    const id = state.newId();
    const media: Media = {
      id,
      key: mediaKey(id, kind, category),
      ownerId: call.user.id,
      additionalOwners,
      mediaType,
      category,
      kind,
      totalBytes,
      segments: new Map(),
      bytes: null,
      finalizedAt: null,
      usable: null,
      failureReason: null,
      image: null,
      altText: null,
      createdAt: now(),
      expiresAt: now() + options.mediaExpiresAfterSeconds * 1000,
    };
    state.media.set(id, media);
    return media;
  };

  /** Checks the assembled bytes: images now (a broken image is refused), video and GIF when "processing" ends. */
  const finalize = async (media: Media, bytes: Buffer): Promise<void> => {
    media.bytes = bytes;
    media.segments.clear();
    media.finalizedAt = now();
    if (media.kind === 'video') {
      media.usable = looksLikeVideo(bytes);
      if (!media.usable) media.failureReason = 'not an ISO-BMFF (MP4/QuickTime) file: no ftyp box at byte 4';
      return;
    }
    const image = await decodeImage(bytes);
    media.usable = image !== null && (media.kind === 'image' || image.type === 'image/gif');
    media.image = image && { width: image.width, height: image.height, type: image.type };
    if (!media.usable) media.failureReason = media.kind === 'gif' ? 'not a decodable GIF' : 'not a decodable image';
    if (media.kind === 'image' && !media.usable) {
      throw problems.invalidParameter('media', media.id, 'The media could not be decoded as an image (JPEG, PNG, GIF, WEBP).', 'media type unrecognized.');
    }
  };

  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: SIZE_LIMITS.video + 1, files: 1, fields: 10 } });

    defineOperation(scope, ctx, { method: 'POST', path: '/2/media/upload/initialize', scopes: SCOPES }, async (call) => {
      const body = call.request.body;
      if (!isObject(body)) throw problems.invalidParameter('body', '', 'Send a JSON object with media_type and total_bytes.');
      const issues = new Issues();
      checkKeys(body, ['additional_owners', 'media_category', 'media_type', 'shared', 'total_bytes'], '', issues);
      const mediaType = optionalEnum(body, 'media_type', MEDIA_TYPES, '', issues);
      if (body['media_type'] === undefined) issues.add('media_type', '', '`media_type` is required, e.g. video/mp4.');
      const category = optionalEnum(body, 'media_category', CATEGORIES, '', issues);
      const totalBytes = integerIn(body['total_bytes'] ?? 'missing', 'total_bytes', 1, 17_179_869_184, issues);
      const owners = body['additional_owners'];
      if (owners !== undefined && !(Array.isArray(owners) && owners.every((o) => typeof o === 'string' && NUMERIC_ID.test(o)))) {
        issues.add('additional_owners', owners, '`additional_owners` must be an array of user ids.');
      }
      issues.throwIfAny();
      const kind = mediaKindOf(mediaType as string, category);
      if ('refused' in kind) throw problems.invalidParameter('media_type', String(mediaType), kind.refused);
      const media = newMedia(call, mediaType as string, kind.kind, kind.category, totalBytes as number, (owners as string[] | undefined) ?? []);
      if (tooLarge(media, totalBytes as number)) {
        state.media.delete(media.id);
        throw problems.invalidParameter('total_bytes', String(totalBytes), `total_bytes exceeds the ${SIZE_LIMITS[media.kind]} byte limit for ${media.kind}.`);
      }
      return { status: 200, body: { data: { id: media.id, media_key: media.key, expires_after_secs: options.mediaExpiresAfterSeconds } } };
    });

    defineOperation(scope, ctx, { method: 'POST', path: '/2/media/upload/{id}/append', scopes: SCOPES, bodyLimit: JSON_BODY_LIMIT }, async (call) => {
      const media = ownMedia(call, pathId(call.request.params));
      const { fields, media: chunk } = await readUpload(call.request);
      const issues = new Issues();
      checkKeys(fields, ['segment_index'], '', issues);
      const segment = integerIn(fields['segment_index'] ?? 'missing', 'segment_index', 0, 999, issues);
      if (!chunk) issues.add('media', '', 'A `media` part with the chunk bytes is required.');
      if (media.finalizedAt !== null) issues.add('id', media.id, 'This upload is already finalized; start a new one with initialize.');
      issues.throwIfAny();
      media.segments.set(segment as number, chunk as Buffer);
      return { status: 200, body: { data: { expires_at: Math.floor(media.expiresAt / 1000) } } };
    });

    defineOperation(scope, ctx, { method: 'POST', path: '/2/media/upload/{id}/finalize', scopes: SCOPES }, async (call) => {
      const media = ownMedia(call, pathId(call.request.params));
      // Guess: finalizing twice answers the current status again.
      if (media.finalizedAt !== null) return { status: 200, body: { data: view(media) } };
      const indexes = [...media.segments.keys()].sort((a, b) => a - b);
      const issues = new Issues();
      if (indexes.length === 0 || indexes.some((n, i) => n !== i)) {
        issues.add('segment_index', indexes.join(','), `Segments must be 0..n-1 without gaps; received [${indexes.join(',')}].`);
      }
      const bytes = Buffer.concat(indexes.map((i) => media.segments.get(i) as Buffer));
      if (indexes.length > 0 && bytes.length !== media.totalBytes) {
        issues.add('total_bytes', String(media.totalBytes), `total_bytes was ${media.totalBytes} at initialize but ${bytes.length} bytes were appended.`);
      }
      if (tooLarge(media, bytes.length)) issues.add('media', String(bytes.length), `The ${media.kind} is larger than ${SIZE_LIMITS[media.kind]} bytes.`);
      issues.throwIfAny();
      await finalize(media, bytes);
      return { status: 200, body: { data: view(media) } };
    });

    defineOperation(scope, ctx, { method: 'GET', path: '/2/media/upload', scopes: SCOPES }, async (call) => {
      const query = call.request.query as Record<string, unknown>;
      const issues = new Issues();
      checkKeys(query, ['media_id', 'command'], '', issues);
      const id = optionalString(query, 'media_id', '', issues, NUMERIC_ID);
      if (query['media_id'] === undefined) issues.add('media_id', '', '`media_id` is required.');
      optionalEnum(query, 'command', ['STATUS'], '', issues);
      issues.throwIfAny();
      return { status: 200, body: { data: view(ownMedia(call, id as string)) } };
    });

    defineOperation(scope, ctx, { method: 'POST', path: '/2/media/upload', scopes: SCOPES, bodyLimit: JSON_BODY_LIMIT }, async (call) => {
      const { fields, media: bytes } = await readUpload(call.request);
      const issues = new Issues();
      checkKeys(fields, ['additional_owners', 'media_category'], '', issues);
      const category = optionalEnum(fields, 'media_category', CATEGORIES, '', issues);
      if (fields['media_category'] === undefined) issues.add('media_category', '', '`media_category` is required, e.g. tweet_image.');
      else if (category && !IMAGE_CATEGORIES.includes(category)) {
        issues.add(
          'media_category',
          category,
          'The one-shot upload takes images only (media/introduction.mdx); use initialize/append/finalize for video and GIF.',
        );
      }
      if (!bytes) issues.add('media', '', 'A `media` part with the image bytes is required.');
      issues.throwIfAny();
      const owners = typeof fields['additional_owners'] === 'string' ? fields['additional_owners'].split(',').filter((s) => NUMERIC_ID.test(s)) : [];
      const media = newMedia(call, 'image/jpeg', 'image', category as string, null, owners);
      if (tooLarge(media, (bytes as Buffer).length)) {
        state.media.delete(media.id);
        throw problems.invalidParameter('media', String((bytes as Buffer).length), `Images must be at most ${SIZE_LIMITS.image} bytes.`);
      }
      await finalize(media, bytes as Buffer).catch((error: unknown) => {
        state.media.delete(media.id);
        throw error;
      });
      media.mediaType = media.image?.type ?? media.mediaType;
      return { status: 200, body: { data: view(media) } };
    });
  });

  defineOperation(app, ctx, { method: 'POST', path: '/2/media/metadata', scopes: SCOPES }, async (call) => {
    const body = call.request.body;
    if (!isObject(body)) throw problems.invalidParameter('body', '', 'Send a JSON object {id, metadata: {alt_text: {text}}}.');
    const issues = new Issues();
    checkKeys(body, ['id', 'metadata'], '', issues);
    const id = optionalString(body, 'id', '', issues, NUMERIC_ID);
    if (id === undefined) issues.add('id', body['id'] ?? '', '`id` (the media id) is required.');
    const metadata = body['metadata'];
    let altText: string | undefined;
    if (metadata !== undefined) {
      if (!isObject(metadata)) issues.add('metadata', metadata, '`metadata` must be an object.');
      else {
        const alt = metadata['alt_text'];
        if (alt !== undefined) {
          if (!isObject(alt) || typeof alt['text'] !== 'string')
            issues.add('metadata.alt_text.text', alt, '`metadata.alt_text.text` is required and must be a string.');
          else if ([...alt['text']].length > 1000) issues.add('metadata.alt_text.text', alt['text'], 'Alt text must be at most 1000 characters.');
          else altText = alt['text'];
        }
      }
    }
    issues.throwIfAny();
    const media = ownMedia(call, id as string);
    if (altText !== undefined) media.altText = altText;
    return { status: 200, body: { data: { id: media.id, associated_metadata: media.altText === null ? {} : { alt_text: { text: media.altText } } } } };
  });
}
