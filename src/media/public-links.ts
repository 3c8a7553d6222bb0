import type { Sealer } from './uploads.js';

/** What a public media link grants: one media of one workspace, until `expires` (epoch ms). */
export interface PublicGrant {
  workspaceId: string;
  mediaId: string;
  expires: number;
}

const PURPOSE = 'public-media-link';

/**
 * Links that let a platform download a stored media without an API key (platforms that fetch
 * media from a URL). The token is the grant sealed by the vault (authenticated encryption), so it
 * is unguessable, cannot be forged or altered, and needs no database row; it expires on its own.
 */
export function sealGrant(vault: Sealer, grant: PublicGrant): string {
  return Buffer.from(vault.encrypt(JSON.stringify([grant.workspaceId, grant.mediaId, grant.expires]), PURPOSE)).toString('base64url');
}

/** The grant a token carries, or undefined when it is not one Pinion made or has expired. */
export function openGrant(vault: Sealer, token: string, now = Date.now()): PublicGrant | undefined {
  try {
    const [workspaceId, mediaId, expires] = JSON.parse(vault.decrypt(Buffer.from(token, 'base64url').toString(), PURPOSE)) as [string, string, number];
    if (typeof workspaceId !== 'string' || typeof mediaId !== 'string' || typeof expires !== 'number' || expires <= now) return undefined;
    return { workspaceId, mediaId, expires };
  } catch {
    return undefined;
  }
}
