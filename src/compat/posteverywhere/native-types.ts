/** The parts of Pinion's native answers the translation reads (see src/api/routes for the full views). */
export interface NativeAccount {
  id: string;
  platform: string;
  external_id: string;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
  status: 'active' | 'needs_reauth' | 'disconnected';
  last_error: string | null;
  refreshed_at: string | null;
  created_at: string;
}

export interface NativeAccountHealth {
  account_id: string;
  platform: string;
  status: 'healthy' | 'warning' | 'broken';
  can_post: boolean;
  reasons: string[];
  needs_reconnection_since: string | null;
  token: {
    access_expires_at: string | null;
    refresh_expires_at: string | null;
    refreshed_at: string | null;
    grant_expires_at: string | null;
    expired: boolean;
    expiring_soon: boolean;
  };
  activity: { last_published_at: string | null; failures_last_7d: number; permanent_failures_last_7d: number; queued: number };
}

export interface NativeDelivery {
  id: string;
  platform: string;
  account_id: string;
  status: string;
  scheduled_at: string;
  published_at: string | null;
  external_id: string | null;
  url: string | null;
  attempts: number;
  last_error: { kind: string; message: string } | null;
}

export interface NativePost {
  id: string;
  status: string;
  scheduled_at: string;
  timezone: string | null;
  request: Record<string, unknown> & { content?: string; campaign_id?: string | null };
  deliveries: NativeDelivery[];
  warnings?: Array<{ field: string; message: string }>;
  created_at: string;
  updated_at: string;
  campaign_id?: string | null;
}

export interface NativeMedia {
  id: string;
  kind: 'image' | 'video' | 'other';
  mime: string;
  size: number;
  source_url: string | null;
  filename: string | null;
  content_url: string;
  created_at: string;
}

export interface NativeUpload {
  upload_id: string;
  status: 'waiting' | 'receiving' | 'uploaded' | 'expired';
  expires_at: string;
  media: NativeMedia | null;
}

export interface NativeList<T> {
  data: T[];
  next_cursor: string | null;
}
