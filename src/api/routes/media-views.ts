import { Type, type Static } from '@sinclair/typebox';
import { CONNECTORS, type MediaInfo } from '../../connectors/index.js';
import { probeOf, type Media } from '../../media/index.js';
import type { ApiContext } from '../context.js';
import { isoTime } from '../schemas.js';

/** The media routes' request and answer shapes, and a stored media item as the API shows it. */

const Kind = Type.Union([Type.Literal('image'), Type.Literal('video'), Type.Literal('other')]);
const Issue = Type.Object({ field: Type.String(), message: Type.String() });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const MediaView = Type.Object(
  {
    id: Type.String(),
    kind: Kind,
    mime: Type.String({ description: 'Read from the bytes (magic number), not from the file name or Content-Type' }),
    size: Type.Integer({ description: 'Bytes' }),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    duration_ms: Nullable(Type.Integer()),
    codec: Nullable(Type.String({ description: 'Video codec, RFC 6381 (avc1.64001f)' })),
    sha256: Type.String(),
    source: Type.Union(['upload', 'url', 'presigned', 'converted'].map((s) => Type.Literal(s))),
    source_url: Nullable(Type.String()),
    filename: Nullable(Type.String()),
    converted_from: Nullable(Type.String()),
    content_url: Type.String({ description: 'GET it with your API key to download the bytes' }),
    checks: Type.Record(Type.String(), Type.Object({ errors: Type.Array(Issue), warnings: Type.Array(Issue) }), {
      description: 'Per platform id: would that platform take this file? Errors stop a post to it; warnings are advice',
    }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Media' },
);
export const FetchBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL of an image or video; Pinion downloads it' }),
    filename: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The name to keep it under (default: the last part of the URL’s path)' })),
  },
  { additionalProperties: false },
);
export const UploadBody = Type.Object(
  {
    max_bytes: Type.Optional(Type.Integer({ minimum: 1, description: 'Largest file the URL takes (default: the image limit)' })),
    content_type: Type.Optional(Type.String({ pattern: '^(image|video)/[a-z0-9.+-]+$', description: 'If given, the uploaded bytes must be of this type' })),
  },
  { additionalProperties: false },
);
export const UploadAnswer = Type.Object({
  upload_id: Type.String(),
  upload_url: Type.String({ description: 'PUT the raw bytes here, no API key needed: the URL is the permission. Works once.' }),
  method: Type.Literal('PUT'),
  max_bytes: Type.Integer(),
  expires_at: Type.String({ format: 'date-time' }),
});
export const UploadState = Type.Object({
  upload_id: Type.String(),
  status: Type.Union(
    ['waiting', 'receiving', 'uploaded', 'expired'].map((s) => Type.Literal(s)),
    {
      description: 'waiting: nothing PUT yet; receiving: a PUT is under way; uploaded: stored as `media`; expired: the URL can no longer be used',
    },
  ),
  expires_at: Type.String({ format: 'date-time' }),
  media: Type.Union([MediaView, Type.Null()], { description: 'The stored media, once uploaded' }),
});
export const ConvertBody = Type.Object(
  {
    target: Type.Union(
      CONNECTORS.filter((c) => c.media.convert).map((c) => Type.Literal(c.facts.id)),
      { description: 'The platform to convert for' },
    ),
    crop: Type.Optional(Type.Boolean({ description: 'Also crop and resize to the platform’s advised size around the most salient part' })),
  },
  { additionalProperties: false },
);
export const ListQuery = Type.Object(
  { kind: Type.Optional(Kind), cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  { additionalProperties: false },
);
export const UploadParams = Type.Object({ uploadId: Type.String({ minLength: 1, maxLength: 100 }) });

export function mediaView(ctx: ApiContext, m: Media): Static<typeof MediaView> {
  return {
    id: m.id,
    kind: m.kind,
    mime: m.mime,
    size: m.size,
    width: m.width,
    height: m.height,
    duration_ms: m.durationMs,
    codec: m.codec,
    sha256: m.sha256,
    source: m.source,
    source_url: m.sourceUrl,
    filename: m.filename,
    converted_from: m.convertedFrom,
    content_url: `${ctx.publicUrl}/api/v1/media/${m.id}/content`,
    checks: Object.fromEntries(CONNECTORS.map((c) => [c.facts.id, c.media.check(probeOf(m) as MediaInfo & { unreadable?: string })])),
    created_at: isoTime(m.createdAt),
  };
}
