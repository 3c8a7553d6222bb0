/**
 * The media library: a workspace's media, its bytes in the media store and what they are in the database.
 * It takes files in (uploads, presigned PUTs, fetched URLs, conversions), lists, reads and deletes them, and
 * hands out upload and public links. What a stored media is lives in stored-media.ts; what is kept or refused, in acceptance.ts.
 */
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { newId, type Database } from '../store/index.js';
import { convertImage } from './convert.js';
import { probeFile, type MediaKind, type MediaProbe } from './probe.js';
import { accept, cleanFileName, fileNameOf, MediaRejected, tooManyPixels, type MediaSettings } from './acceptance.js';
import { probeOf, toMedia, type IngestOptions, type Media, type MediaFacts } from './stored-media.js';
import { safeFetch, type SafeFetchOptions } from '../net/index.js';
import { spool, SpoolTooLarge } from './spool.js';
import type { MediaStore } from './store.js';
import { PresignedUploads, type Sealer } from './uploads.js';
import { openGrant, sealGrant } from './public-links.js';
import { MediaUrlProbes, type UrlVerdict } from './url-probes.js';
import type { Clock } from '../shared/index.js';

type Row = Database['media'];

/** A workspace's media: bytes in the media store, what they are in the database. */
export class MediaLibrary {
  readonly uploads: PresignedUploads;
  /** Media URLs posts name: checked off the request path, the results kept by URL. */
  readonly urlProbes: MediaUrlProbes;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      store: MediaStore;
      spoolDir: string;
      settings: MediaSettings;
      vault: Sealer;
      publicUrl: () => string;
      clock?: Clock;
    },
  ) {
    this.uploads = new PresignedUploads(deps.db, deps.vault);
    const s = deps.settings;
    this.urlProbes = new MediaUrlProbes(s, { clock: deps.clock, ttlMs: (s.probeCacheSeconds ?? 600) * 1000, maxEntries: s.probeCacheEntries });
  }

  get settings(): MediaSettings {
    return this.deps.settings;
  }

  /** What post planning needs of a stored media (the connectors' MediaInfo shape), or undefined. */
  async info(workspaceId: string, id: string): Promise<MediaFacts | undefined> {
    const media = await this.get(workspaceId, id);
    return (
      media && { id: media.id, kind: media.kind, mime: media.mime, size: media.size, width: media.width, height: media.height, durationMs: media.durationMs }
    );
  }

  async ingest(workspaceId: string, bytes: Buffer, options: IngestOptions): Promise<Media> {
    return this.ingestStream(
      workspaceId,
      (async function* () {
        yield bytes;
      })(),
      options,
    );
  }

  /**
   * Stores a stream: spooled to disk (hashed and capped on the way), probed from the file, then
   * moved into the media store. The same bytes again in this workspace return the stored media.
   */
  async ingestStream(
    workspaceId: string,
    source: Readable | AsyncIterable<Buffer>,
    options: IngestOptions & { maxBytes?: number; expectMime?: string },
  ): Promise<Media> {
    const cap = options.maxBytes ?? Math.max(this.settings.maxImageBytes, this.settings.maxVideoBytes);
    let spooled;
    try {
      spooled = await spool(source, this.deps.spoolDir, cap);
    } catch (err) {
      if (err instanceof SpoolTooLarge) throw new MediaRejected(413, 'file-too-large', `is larger than the ${cap} bytes allowed`);
      throw err;
    }
    try {
      const existing = await this.findBySha(workspaceId, spooled.sha256);
      const probed = existing ? probeOf(existing) : await probeFile(spooled.path, { maxInputPixels: this.settings.maxInputPixels });
      if (options.expectMime && options.expectMime !== probed.mime) {
        throw new MediaRejected(422, 'content-type-mismatch', `is ${probed.mime}, but this upload was announced as ${options.expectMime}`);
      }
      if (existing) return existing;
      accept(probed, this.settings);
      // Bytes and row go together: if the row cannot be stored, bytes this call added go again.
      const hadBytes = await this.deps.store.exists(spooled.sha256);
      await this.deps.store.putFile(spooled.sha256, spooled.path, probed.mime);
      try {
        return await this.insert(workspaceId, spooled.sha256, probed, options);
      } catch (err) {
        if (!hadBytes) await this.dropUnheldBytes(spooled.sha256);
        throw err;
      }
    } finally {
      await rm(spooled.path, { force: true });
    }
  }

  /** Fetches a media_url safely (no private addresses, capped, timed) and stores what it returns. */
  async fetchUrl(workspaceId: string, url: string, options: { filename?: string } = {}): Promise<Media> {
    const s = this.settings;
    const fetchOptions: SafeFetchOptions = { allowHosts: s.fetchAllowHosts, maxBytes: s.fetchMaxBytes, timeoutMs: s.fetchTimeoutMs };
    const { bytes, finalUrl } = await safeFetch(url, fetchOptions);
    return this.ingest(workspaceId, bytes, { source: 'url', sourceUrl: finalUrl, filename: options.filename ?? fileNameOf(finalUrl) });
  }

  /**
   * Checks a media URL a post names the way a platform will fetch it, now (fetch, or revalidate, and
   * decode). Refusals that will not go away (private address, neither image nor video, too big) are
   * errors; a host that does not answer now is only a warning, since the platform fetches the image
   * when the post is published. The probe is returned so each platform can judge the bytes by its own rules.
   */
  async inspectMediaUrl(url: string): Promise<UrlVerdict> {
    return this.urlProbes.full(url);
  }

  private async insert(workspaceId: string, sha256: string, p: MediaProbe, options: IngestOptions): Promise<Media> {
    const row: Row = {
      id: newId('med'),
      workspace_id: workspaceId,
      sha256,
      mime: p.mime,
      kind: p.kind,
      size: p.size,
      width: p.width ?? null,
      height: p.height ?? null,
      duration_ms: p.durationMs ?? null,
      codec: p.codec ?? null,
      source: options.source,
      source_url: options.sourceUrl ?? null,
      filename: cleanFileName(options.filename),
      converted_from: options.convertedFrom ?? null,
      created_at: Date.now(),
    };
    // A concurrent ingest of the same bytes wins the unique (workspace, sha256) race; return its row.
    await this.deps.db
      .insertInto('media')
      .values(row)
      .onConflict((oc) => oc.columns(['workspace_id', 'sha256']).doNothing())
      .execute();
    return (await this.findBySha(workspaceId, sha256))!;
  }

  /** Removes stored bytes no media row holds; the bytes are content-addressed and shared by every row with their hash. */
  private async dropUnheldBytes(sha256: string): Promise<void> {
    try {
      const holders = await this.deps.db.selectFrom('media').select('id').where('sha256', '=', sha256).limit(1).execute();
      if (!holders.length) await this.deps.store.delete(sha256);
    } catch {
      // The failure being reported is the insert's; a file left over here is only disk space.
    }
  }

  private async findBySha(workspaceId: string, sha256: string): Promise<Media | undefined> {
    const row = await this.deps.db.selectFrom('media').selectAll().where('workspace_id', '=', workspaceId).where('sha256', '=', sha256).executeTakeFirst();
    return row && toMedia(row);
  }

  async get(workspaceId: string, id: string): Promise<Media | undefined> {
    const row = await this.deps.db.selectFrom('media').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    return row && toMedia(row);
  }

  /** Newest first; `before` is the last id of the previous page. */
  async list(workspaceId: string, options: { limit: number; before?: string; kind?: MediaKind }): Promise<{ media: Media[]; next?: string }> {
    let q = this.deps.db.selectFrom('media').selectAll().where('workspace_id', '=', workspaceId);
    if (options.before) q = q.where('id', '<', options.before);
    if (options.kind) q = q.where('kind', '=', options.kind);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const media = rows.slice(0, options.limit).map(toMedia);
    return { media, next: rows.length > options.limit ? media[media.length - 1]!.id : undefined };
  }

  /**
   * Deletes a media item, and its bytes once no workspace holds the same content. Refused while
   * a post waiting to publish uses it: the pin would fail at its time instead of now.
   * (A same-bytes upload racing the last delete can find its file gone; it then fails to read
   * at publish with a clear error rather than publish something else.)
   */
  async remove(media: Media): Promise<void> {
    const users = await this.deps.db
      .selectFrom('deliveries')
      .select('post_id')
      .where('workspace_id', '=', media.workspaceId)
      .where('status', 'in', ['scheduled', 'publishing'])
      .where('payload', 'like', `%"pinion-media:${media.id}"%`)
      .limit(5)
      .execute();
    if (users.length) {
      const posts = [...new Set(users.map((u) => u.post_id))].join(', ');
      throw new MediaRejected(409, 'media-in-use', `is used by posts not yet published (${posts}); cancel or change them first`, 'id');
    }
    await this.deps.db.deleteFrom('media').where('id', '=', media.id).where('workspace_id', '=', media.workspaceId).execute();
    const others = await this.deps.db.selectFrom('media').select('id').where('sha256', '=', media.sha256).limit(1).execute();
    if (!others.length) await this.deps.store.delete(media.sha256);
  }

  read(media: Media): Promise<Buffer> {
    return this.deps.store.get(media.sha256);
  }

  stream(media: Media): Promise<Readable> {
    return this.deps.store.stream(media.sha256);
  }

  /** A new media made for a platform from an image: one of its formats (PNG only if transparent), cropped to its size when asked. */
  async convert(media: Media, options: Parameters<typeof convertImage>[1]): Promise<Media> {
    if (media.kind !== 'image') throw new MediaRejected(422, 'not-convertible', `is a ${media.kind}; only images are converted`, 'id');
    // Stored before media.maxInputPixels was lowered: refused here rather than decoded.
    if ((media.width ?? 0) * (media.height ?? 0) > this.settings.maxInputPixels)
      throw new MediaRejected(422, 'too-many-pixels', tooManyPixels(probeOf(media), this.settings.maxInputPixels), 'id');
    const converted = await convertImage(await this.read(media), { ...options, maxInputPixels: this.settings.maxInputPixels });
    return this.ingest(media.workspaceId, converted.bytes, { source: 'converted', convertedFrom: media.id, filename: media.filename ?? undefined });
  }

  /** Hands out a signed, expiring, single-use URL that takes one file of at most `maxBytes`. */
  async presign(
    workspaceId: string,
    options: { maxBytes?: number; contentType?: string },
  ): Promise<{ uploadUrl: string; expiresAt: Date; uploadId: string; maxBytes: number }> {
    const maxBytes = options.maxBytes ?? this.settings.maxImageBytes;
    const grant = await this.uploads.create(workspaceId, { maxBytes, contentType: options.contentType, ttlMs: this.settings.presignTtlSeconds * 1000 });
    return { ...grant, uploadUrl: `${this.deps.publicUrl()}/media/uploads/${grant.uploadId}?${grant.query}` };
  }

  /**
   * A signed, expiring, unguessable URL under the public URL that serves one media's bytes
   * without an API key: for platforms that download media from a URL.
   */
  publicLink(workspaceId: string, mediaId: string, ttlMs: number): string {
    const token = sealGrant(this.deps.vault, { workspaceId, mediaId, expires: Date.now() + ttlMs });
    return `${this.deps.publicUrl()}/media/public/${token}`;
  }

  /** The media a public link names, or undefined when the link is not valid, has expired, or the media is gone. */
  async openPublicLink(token: string): Promise<Media | undefined> {
    const grant = openGrant(this.deps.vault, token);
    return grant && this.get(grant.workspaceId, grant.mediaId);
  }

  /** Takes the bytes PUT to a presigned URL, once. The signature is the only authority; it is checked first. */
  async acceptUpload(
    uploadId: string,
    query: Record<string, string | undefined>,
    body: Readable | AsyncIterable<Buffer>,
    declaredLength?: number,
  ): Promise<Media> {
    const grant = await this.uploads.claim(uploadId, query, declaredLength);
    try {
      const media = await this.ingestStream(grant.workspaceId, body, {
        source: 'presigned',
        maxBytes: grant.maxBytes,
        expectMime: grant.contentType ?? undefined,
      });
      await this.uploads.complete(uploadId, media.id);
      return media;
    } catch (err) {
      // A failed transfer must not burn the URL: the client may try again while it is valid.
      await this.uploads.release(uploadId);
      throw err;
    }
  }
}
