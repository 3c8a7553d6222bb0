import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { CONNECTORS, findConnector, type SeoRules } from '../../connectors/index.js';
import { improveWithLlm, suggest, type LinkReport } from '../../links/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, invalid } from '../problem.js';
import { isoTime } from '../schemas.js';

const Url = Type.String({ minLength: 1, maxLength: 4096, description: 'An http(s) URL' });
const CheckBody = Type.Object(
  { url: Url, fresh: Type.Optional(Type.Boolean({ description: 'Fetch again instead of answering from the cache' })) },
  { additionalProperties: false },
);
const Preview = Type.Object({ type: Type.Union([Type.String(), Type.Null()]), label: Type.String(), missing: Type.Array(Type.String()) });
const LinkView = Type.Object(
  {
    url: Type.String(),
    ok: Type.Boolean({ description: 'The destination answered 2xx (after redirects)' }),
    status: Type.Integer({ description: 'The last answer’s HTTP status; 0 when none came (DNS failure, refused address, timeout)' }),
    redirects: Type.Array(Type.Object({ url: Type.String(), status: Type.Integer(), location: Type.String() })),
    final_url: Type.String(),
    error: Type.Union([Type.String(), Type.Null()]),
    canonical: Type.Union([Type.String(), Type.Null()]),
    title: Type.Union([Type.String(), Type.Null()]),
    description: Type.Union([Type.String(), Type.Null()]),
    og: Type.Record(Type.String(), Type.String()),
    twitter: Type.Record(Type.String(), Type.String()),
    structured_data: Type.Array(Type.Object({ type: Type.String(), source: Type.String(), fields: Type.Record(Type.String(), Type.String()) })),
    rich_previews: Type.Record(Type.String(), Preview, {
      description: 'Per platform: the rich preview the page would get (e.g. a product, recipe or article rich preview) and what it lacks',
    }),
    warnings: Type.Array(Type.String()),
    checked_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'LinkCheck' },
);
const SuggestBody = Type.Object(
  {
    url: Type.Optional(Url),
    content: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'Text to work from, instead of (or besides) a page' })),
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 20 })),
    hashtags: Type.Optional(Type.Boolean({ description: 'End descriptions with the keywords as hashtags' })),
    platform: Type.Optional(Type.String({ minLength: 1, description: 'Whose lengths to write to (default: the first platform with search rules)' })),
  },
  { additionalProperties: false },
);
const SuggestView = Type.Object({
  platform: Type.String(),
  titles: Type.Array(Type.String()),
  descriptions: Type.Array(Type.String()),
  hashtags: Type.Array(Type.String()),
  limits: Type.Object({ title: Type.Integer(), description_shown: Type.Integer(), description_max: Type.Integer() }),
  source: Type.Union([Type.Literal('built-in'), Type.Literal('llm')]),
  link: Type.Optional(LinkView),
});

export const linkView = (r: LinkReport): Static<typeof LinkView> => ({
  url: r.url,
  ok: r.ok,
  status: r.status,
  redirects: r.redirects,
  final_url: r.finalUrl,
  error: r.error,
  canonical: r.page?.canonical ?? null,
  title: r.page?.title ?? null,
  description: r.page?.description ?? null,
  og: r.page?.og ?? {},
  twitter: r.page?.card ?? {},
  structured_data: r.page?.structured ?? [],
  rich_previews: r.previews,
  warnings: r.warnings,
  checked_at: isoTime(r.checkedAt),
});

const badUrl = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'must be an http or https URL';
  } catch {
    return 'is not a URL';
  }
};

/** Link preflight and search-friendly wording, before a post is made. */
export async function linkRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.post<{ Body: Static<typeof CheckBody> }>(
    '/links::check',
    {
      config: { scope: 'posts:read' },
      schema: {
        tags: ['links'],
        summary: 'Link preflight: status, redirects, final URL, canonical, og/twitter tags, schema.org data and the rich preview each platform would build',
        body: CheckBody,
        response: { 200: LinkView },
      },
    },
    async (request) => {
      const problem = badUrl(request.body.url);
      if (problem) throw invalid([{ field: 'url', message: problem }]);
      return linkView(await ctx.links.check(request.body.url, { fresh: request.body.fresh }));
    },
  );

  app.post<{ Body: Static<typeof SuggestBody> }>(
    '/pins::suggest',
    {
      config: { scope: 'posts:read' },
      schema: {
        tags: ['links'],
        summary: 'Title and description suggestions from a page or text and keywords, within the platform’s lengths (keywords early)',
        description:
          'Deterministic; the only network call is the page fetch. With `llm.baseUrl` and `llm.model` configured (key in PINION_LLM_API_KEY) an OpenAI-compatible model improves them, the built-in ones being the fallback.',
        body: SuggestBody,
        response: { 200: SuggestView },
      },
    },
    async (request) => {
      const b = request.body;
      if (!b.url && !b.content) throw invalid([{ field: 'url', message: 'give url (a page to read) or content (text to work from)' }]);
      const connector = b.platform ? findConnector(b.platform) : CONNECTORS.find((c) => c.seo);
      if (!connector?.seo)
        throw invalid([
          {
            field: 'platform',
            message: `has no search rules (platforms with them: ${CONNECTORS.filter((c) => c.seo)
              .map((c) => c.facts.id)
              .join(', ')})`,
          },
        ]);
      const rules: SeoRules = connector.seo;
      const problem = b.url ? badUrl(b.url) : undefined;
      if (problem) throw invalid([{ field: 'url', message: problem }]);
      const report = b.url ? await ctx.links.check(b.url) : undefined;
      if (report && !report.ok && !b.content)
        throw new HttpProblem(422, 'link-unreachable', `The page could not be read: ${report.error}`, [
          { field: 'url', message: report.warnings[0] ?? 'is not reachable' },
        ]);
      const keywords = b.keywords ?? [];
      const built = suggest(rules, { page: report?.page ?? undefined, content: b.content, keywords, hashtags: b.hashtags });
      const source = [report?.page?.title, report?.page?.description, b.content].filter(Boolean).join('\n');
      const improved = await improveWithLlm(ctx.llm, rules, built, { keywords, source });
      return {
        platform: connector.facts.id,
        ...improved.suggestions,
        limits: { title: rules.titleMax, description_shown: rules.descriptionShown, description_max: rules.descriptionMax },
        source: improved.source,
        ...(report ? { link: linkView(report) } : {}),
      };
    },
  );
}
