import type { FieldIssue } from '../connectors/index.js';
import type { MediaLibrary } from '../media/index.js';
import type { WorkspaceSettings } from '../workspaces/index.js';
import type { PostRequest } from './request.js';

const READY = new Set(['image/jpeg', 'image/png']);

/**
 * The workspace default "convert images for Pinterest": before a post is stored, each uploaded
 * image it names that Pinterest would not take as it is (WEBP, GIF, …), or that is not 1000×1500
 * when cropping is on, is replaced by a converted copy. The originals stay; the post says which
 * copy it uses, and a warning tells the caller.
 */
export async function convertPostMedia(
  media: MediaLibrary,
  workspaceId: string,
  settings: WorkspaceSettings,
  request: PostRequest,
): Promise<{ request: PostRequest; notes: FieldIssue[] }> {
  const rule = settings.media?.pinterest_convert;
  if (!rule) return { request, notes: [] };
  const notes: FieldIssue[] = [];
  const converted = new Map<string, string>();
  const swap = async (id: string | undefined, field: string): Promise<string | undefined> => {
    if (!id) return id;
    const item = await media.get(workspaceId, id);
    if (!item || item.kind !== 'image') return id;
    const fits = READY.has(item.mime) && (!rule.crop || (item.width === 1000 && item.height === 1500));
    if (fits) return id;
    if (!converted.has(id)) {
      const copy = await media.convert(item, { crop: rule.crop });
      converted.set(id, copy.id);
      notes.push({ field, message: `${id} (${item.mime}, ${item.width}×${item.height}) was converted for Pinterest by the workspace default: ${copy.id} (${copy.mime}, ${copy.width}×${copy.height})` });
    }
    return converted.get(id);
  };
  const out: PostRequest = structuredClone(request);
  out.media_id = await swap(out.media_id, 'media_id');
  const pinterest = out.platform_options?.pinterest;
  if (pinterest?.carousel) {
    for (const [i, slide] of pinterest.carousel.entries()) slide.media_id = await swap(slide.media_id, `platform_options.pinterest.carousel.${i}.media_id`);
  }
  if (pinterest) pinterest.cover_media_id = await swap(pinterest.cover_media_id, 'platform_options.pinterest.cover_media_id');
  // structuredClone keeps absent fields absent only if we do not write undefined into them.
  return { request: JSON.parse(JSON.stringify(out)) as PostRequest, notes };
}
