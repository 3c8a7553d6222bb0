import type { FastifyInstance } from 'fastify';
import { bodyOf, peCall, type PeDeps } from './context.js';
import { peNotSupported, peValidation } from './errors.js';
import { pinionPlatform } from './platform-names.js';
import { ok } from './reply.js';

/** Image generation: Pinion has none. Captions: Pinion's own suggestions (the platform's search rules, an optional model). */
export async function aiRoutes(app: FastifyInstance, deps: PeDeps): Promise<void> {
  app.post('/ai/generate-image', async () => {
    throw peNotSupported('AI image generation', 'upload an image instead (POST /api/v1/media/upload or /api/v1/media/upload-from-url)');
  });

  app.post('/ai/generate-caption', async (request, reply) => {
    const call = peCall(deps, request);
    const { topic, platform, tone, length, include_hashtags, include_emojis, count } = bodyOf(request);
    if (typeof topic !== 'string' || !topic.trim()) throw peValidation('topic', 'is required');
    const n = count === undefined ? 3 : count;
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 5) throw peValidation('count', 'must be from 1 to 5');
    const id = platform === undefined ? undefined : pinionPlatform(String(platform));
    if (platform !== undefined && !id) throw peValidation('platform', 'is not a platform Pinion publishes to');
    // Pinion suggests from the text and keywords, for platforms with search rules; tone, length and emojis are not among its inputs.
    const s = await call.native.post<{ platform: string; titles: string[]; descriptions: string[] }>('/pins:suggest', {
      content: topic,
      ...(id ? { platform: id } : {}),
      ...(include_hashtags === true ? { hashtags: true } : {}),
    });
    const captions = [...new Set([...s.descriptions, ...s.titles])].slice(0, n as number);
    return ok(reply, {
      captions,
      platform: platform ?? null,
      tone: tone ?? 'professional',
      length: length ?? 'medium',
      count_requested: n,
      count_returned: captions.length,
      credits_used: 0,
      credits_remaining: 0,
      ignored: ['tone', 'length', 'include_emojis'].filter((k) => ({ tone, length, include_emojis })[k] !== undefined),
    });
  });
}
