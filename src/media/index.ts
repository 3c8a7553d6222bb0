import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { Database } from '../store/index.js';
import { MediaLibrary } from './library.js';
import { LocalMediaStore, type MediaStore } from './store.js';
import type { Sealer } from './uploads.js';
import type { Clock } from '../shared/index.js';

export { safeFetch, isPublicAddress, MediaFetchError, type MediaFetchReason, type SafeFetchOptions, type SafeFetchResult } from '../net/index.js';
export { probe, probeFile, type MediaProbe, type MediaKind } from './probe.js';
export { convertImage, type Converted } from './convert.js';
export { LocalMediaStore, contentPath, type MediaStore } from './store.js';
export { MediaLibrary } from './library.js';
export { probeOf, type Media, type MediaFacts, type MediaSource, type IngestOptions } from './stored-media.js';
export { MediaRejected, type MediaSettings } from './acceptance.js';
export { UploadRefused, type Sealer } from './uploads.js';
export { MediaUrlProbes, type UrlVerdict, type UrlFacts } from './url-probes.js';

/** The media capability for this process: the store chosen by config, spooling under mediaDir. */
export async function createMediaLibrary(
  config: Config,
  deps: { db: Kysely<Database>; vault: Sealer; publicUrl: () => string; clock?: Clock },
): Promise<MediaLibrary> {
  const dir = resolve(config.mediaDir);
  let store: MediaStore;
  if (config.media.store === 's3') {
    const s3 = config.media.s3;
    if (!s3.bucket) throw new Error('media.store is "s3" but media.s3.bucket (PINION_S3_BUCKET) is not set');
    // Loaded only when chosen: the AWS SDK is large and most installs keep media on disk.
    const { S3MediaStore } = await import('./s3-store.js');
    store = new S3MediaStore({ ...s3, bucket: s3.bucket });
  } else {
    store = new LocalMediaStore(dir);
  }
  return new MediaLibrary({
    db: deps.db,
    store,
    spoolDir: join(dir, 'tmp'),
    settings: config.media,
    vault: deps.vault,
    publicUrl: deps.publicUrl,
    clock: deps.clock,
  });
}
