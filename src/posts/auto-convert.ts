import { connectorFor, type FieldIssue } from '../connectors/index.js';
import type { MediaLibrary } from '../media/index.js';
import type { WorkspaceSettings } from '../workspaces/index.js';
import type { PostRequest } from './request.js';

/**
 * The workspace default "convert images for <platform>" (`settings.media.convert.<platform>`):
 * before a post to that platform is stored, each uploaded image it names that the platform would
 * not take as it is (type), or that is not the platform's advised size when cropping is on, is
 * replaced by a converted copy. The originals stay; the post says which copy it uses, and a
 * warning tells the caller.
 */
export async function convertPostMedia(
  media: MediaLibrary,
  workspaceId: string,
  settings: WorkspaceSettings,
  request: PostRequest,
): Promise<{ request: PostRequest; notes: FieldIssue[] }> {
  const rules = settings.media?.convert ?? {};
  const platforms = request.platforms.filter((p) => rules[p] && connectorFor(p).media.convert);
  if (!platforms.length) return { request, notes: [] };
  const notes: FieldIssue[] = [];
  const out: PostRequest = structuredClone(request);
  for (const platform of platforms) {
    const connector = connectorFor(platform);
    const target = connector.media.convert!;
    const crop = rules[platform]!.crop ?? false;
    const converted = new Map<string, string>();
    const swap = async (id: string | undefined, field: string): Promise<string | undefined> => {
      if (!id) return id;
      const item = await media.get(workspaceId, id);
      if (!item || item.kind !== 'image') return id;
      const fits = (target.formats as readonly string[]).includes(item.mime) && (!crop || (item.width === target.width && item.height === target.height));
      if (fits) return id;
      if (!converted.has(id)) {
        const copy = await media.convert(item, { formats: target.formats, ...(crop && { crop: { width: target.width, height: target.height } }) });
        converted.set(id, copy.id);
        notes.push({
          field,
          message: `${id} (${item.mime}, ${item.width}×${item.height}) was converted for ${connector.facts.name} by the workspace default: ${copy.id} (${copy.mime}, ${copy.width}×${copy.height})`,
        });
      }
      return converted.get(id);
    };
    // The post-wide image is shared by every platform; a platform's own options name its own.
    out.media_id = await swap(out.media_id, 'media_id');
    const options = out.platform_options?.[platform];
    if (options) {
      const refs = connector.mediaRefs?.(options);
      options.media_id = await swap(options.media_id, `platform_options.${platform}.media_id`);
      for (const [field, id] of refs?.ids ?? []) setAt(out, field, await swap(id, field));
    }
  }
  // structuredClone keeps absent fields absent only if we do not write undefined into them.
  return { request: JSON.parse(JSON.stringify(out)) as PostRequest, notes };
}

/** Writes a value at a dotted path the request already has (`platform_options.p.carousel.0.media_id`). */
function setAt(target: unknown, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}
