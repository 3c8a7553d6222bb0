/** The tables of stored media (what the bytes are; the bytes live in the media store) and of presigned upload URLs handed out. */

/** A file a workspace stored with Pinion, probed from its bytes; the bytes live in the media store under `sha256`. */
export interface MediaTable {
  id: string;
  workspace_id: string;
  sha256: string;
  mime: string;
  kind: 'image' | 'video' | 'other';
  size: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  codec: string | null;
  source: 'upload' | 'url' | 'presigned' | 'converted';
  source_url: string | null;
  filename: string | null;
  /** The media this one was converted from. */
  converted_from: string | null;
  created_at: number;
}

/** A presigned upload URL handed out: single use, until expires_at, up to max_bytes. */
export interface MediaUploadTable {
  id: string;
  workspace_id: string;
  max_bytes: number;
  content_type: string | null;
  /** The URL's HMAC key, sealed by the token vault (bound to the upload id). */
  sealed_key: string;
  expires_at: number;
  used_at: number | null;
  media_id: string | null;
  created_at: number;
}
