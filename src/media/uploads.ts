import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId, type Database } from '../store/index.js';

/** Seals secrets at rest: the token vault. */
export interface Sealer {
  encrypt(plaintext: string, boundTo: string): string;
  decrypt(sealed: string, boundTo: string): string;
}

/** Why a presigned upload was refused; `status` is the HTTP answer. */
export class UploadRefused extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 410 | 413,
    readonly slug: string,
    message: string,
  ) {
    super(message);
    this.name = 'UploadRefused';
  }
}

const signed = (key: Buffer, id: string, expires: number, max: number) => createHmac('sha256', key).update(`${id}.${expires}.${max}`).digest('base64url');

/**
 * Presigned upload URLs. Each carries an HMAC-SHA256 over upload id, expiry and size cap, made
 * with a random key of its own that is stored sealed by the vault: the database alone cannot
 * forge a URL, and no shared signing secret has to be configured on every process. The query
 * parameter is named `signature` so the request log's redaction already hides it.
 */
export class PresignedUploads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly vault: Sealer,
  ) {}

  async create(
    workspaceId: string,
    input: { maxBytes: number; contentType?: string; ttlMs: number },
  ): Promise<{ uploadId: string; expiresAt: Date; maxBytes: number; query: string }> {
    const id = newId('upl');
    const key = randomBytes(32);
    const now = Date.now();
    // Whole seconds: the expiry travels in the URL and must round-trip exactly.
    const expires = Math.floor((now + input.ttlMs) / 1000);
    await this.db
      .insertInto('media_uploads')
      .values({
        id,
        workspace_id: workspaceId,
        max_bytes: input.maxBytes,
        content_type: input.contentType ?? null,
        sealed_key: this.vault.encrypt(key.toString('base64'), id),
        expires_at: expires * 1000,
        used_at: null,
        media_id: null,
        created_at: now,
      })
      .execute();
    const query = new URLSearchParams({ expires: String(expires), max: String(input.maxBytes), signature: signed(key, id, expires, input.maxBytes) });
    return { uploadId: id, expiresAt: new Date(expires * 1000), maxBytes: input.maxBytes, query: query.toString() };
  }

  /** Checks the URL and marks the upload in use, so two PUTs cannot both spend it. */
  async claim(
    id: string,
    query: Record<string, string | undefined>,
    declaredLength?: number,
  ): Promise<{ workspaceId: string; maxBytes: number; contentType: string | null }> {
    const row = await this.db.selectFrom('media_uploads').selectAll().where('id', '=', id).executeTakeFirst();
    const expires = Number(query.expires);
    const max = Number(query.max);
    const given = Buffer.from(query.signature ?? '');
    if (!row) throw new UploadRefused(403, 'bad-signature', 'The upload URL is not valid');
    const key = Buffer.from(this.vault.decrypt(row.sealed_key, row.id), 'base64');
    const expected = Buffer.from(signed(key, row.id, expires, max));
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || expires * 1000 !== row.expires_at || max !== row.max_bytes) {
      throw new UploadRefused(403, 'bad-signature', 'The upload URL is not valid');
    }
    if (Date.now() >= row.expires_at) throw new UploadRefused(403, 'upload-url-expired', 'The upload URL has expired; ask for a new one');
    if (row.used_at !== null) throw new UploadRefused(409, 'upload-url-used', 'The upload URL has already been used');
    if (declaredLength !== undefined && declaredLength > row.max_bytes)
      throw new UploadRefused(413, 'file-too-large', `This upload URL takes at most ${row.max_bytes} bytes`);
    const taken = await this.db.updateTable('media_uploads').set({ used_at: Date.now() }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) throw new UploadRefused(409, 'upload-url-used', 'The upload URL has already been used');
    return { workspaceId: row.workspace_id, maxBytes: row.max_bytes, contentType: row.content_type };
  }

  /** Where a presigned upload of this workspace is: waiting for its PUT, being received, done (its media) or expired. */
  async state(
    workspaceId: string,
    id: string,
  ): Promise<{ uploadId: string; status: 'waiting' | 'receiving' | 'uploaded' | 'expired'; expiresAt: Date; mediaId: string | null } | undefined> {
    const row = await this.db
      .selectFrom('media_uploads')
      .select(['id', 'expires_at', 'used_at', 'media_id'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const status = row.media_id !== null ? 'uploaded' : row.used_at !== null ? 'receiving' : Date.now() >= row.expires_at ? 'expired' : 'waiting';
    return { uploadId: row.id, status, expiresAt: new Date(row.expires_at), mediaId: row.media_id };
  }

  async complete(id: string, mediaId: string): Promise<void> {
    await this.db.updateTable('media_uploads').set({ media_id: mediaId }).where('id', '=', id).execute();
  }

  async release(id: string): Promise<void> {
    await this.db.updateTable('media_uploads').set({ used_at: null }).where('id', '=', id).where('media_id', 'is', null).execute();
  }
}
