/**
 * A stored media item as the rest of Pinion sees it: the item and where it came from (the options an
 * ingest takes), the facts post planning reads of it, how it is read from its row, and the probe it
 * stands for (so checks made at upload can be made again).
 */
import type { Database } from '../store/index.js';
import type { MediaKind, MediaProbe } from './probe.js';

export type MediaSource = 'upload' | 'url' | 'presigned' | 'converted';

/** What planning reads of a media item: the same fields as a connector's MediaInfo. */
export interface MediaFacts {
  id: string;
  kind: MediaKind;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

export interface Media {
  id: string;
  workspaceId: string;
  sha256: string;
  mime: string;
  kind: MediaKind;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  codec: string | null;
  source: MediaSource;
  sourceUrl: string | null;
  filename: string | null;
  convertedFrom: string | null;
  createdAt: Date;
}

export interface IngestOptions {
  source: MediaSource;
  filename?: string;
  sourceUrl?: string;
  convertedFrom?: string;
}

type Row = Database['media'];
export const toMedia = (r: Row): Media => ({
  id: r.id,
  workspaceId: r.workspace_id,
  sha256: r.sha256,
  mime: r.mime,
  kind: r.kind,
  size: r.size,
  width: r.width,
  height: r.height,
  durationMs: r.duration_ms,
  codec: r.codec,
  source: r.source,
  sourceUrl: r.source_url,
  filename: r.filename,
  convertedFrom: r.converted_from,
  createdAt: new Date(r.created_at),
});

/** The probe a stored media stands for, so checks made at upload can be made again from the row. */
export const probeOf = (m: Media): MediaProbe => ({
  mime: m.mime,
  kind: m.kind,
  size: m.size,
  ...(m.width !== null ? { width: m.width } : {}),
  ...(m.height !== null ? { height: m.height } : {}),
  ...(m.durationMs !== null ? { durationMs: m.durationMs } : {}),
  ...(m.codec !== null ? { codec: m.codec } : {}),
});
