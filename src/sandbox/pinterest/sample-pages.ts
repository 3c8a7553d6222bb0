import type { FastifyInstance } from 'fastify';

/**
 * Destination pages to try link preflight and rich pins on without the internet: a shop's product
 * page (JSON-LD Product with price and stock), a recipe (microdata), an article (Open Graph only),
 * a page with no tags, and a moved page (301 to the product).
 */
const PAGES: Record<string, string> = {
  product: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Indigo Linen Apron | Sandbox Shop</title>
<meta name="description" content="A hand-dyed indigo linen apron with deep pockets, cut from stonewashed linen.">
<link rel="canonical" href="/_sandbox/pages/product"><meta property="og:type" content="product"><meta property="og:title" content="Indigo Linen Apron">
<meta property="og:description" content="Hand-dyed, stonewashed linen with deep pockets."><meta property="og:image" content="/_sandbox/sample.jpg">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"Indigo Linen Apron","brand":{"@type":"Brand","name":"Sandbox"},
"offers":{"@type":"Offer","price":"48.00","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}</script></head><body><h1>Indigo Linen Apron</h1></body></html>`,
  recipe: `<!doctype html><html><head><title>Plum cake</title><meta property="og:title" content="Plum cake"><meta property="og:description" content="One-bowl plum cake">
<meta property="og:image" content="/_sandbox/sample.jpg"></head><body><div itemscope itemtype="https://schema.org/Recipe"><h1 itemprop="name">Plum cake</h1>
<span itemprop="recipeIngredient">500 g plums</span><span itemprop="recipeIngredient">200 g flour</span></div></body></html>`,
  article: `<!doctype html><html><head><title>Ten ways to fold linen</title><meta property="og:type" content="article"><meta property="og:title" content="Ten ways to fold linen">
<meta property="og:description" content="Keep linen crisp with these folds."><meta property="og:image" content="/_sandbox/sample.jpg"></head><body><h1>Ten ways to fold linen</h1></body></html>`,
  plain: `<!doctype html><html><head><title>Welcome</title></head><body><h1>Our little shop</h1></body></html>`,
};

export function registerSamplePages(app: FastifyInstance): void {
  app.get('/_sandbox/pages/moved', async (_request, reply) => reply.redirect('product', 301));
  app.get('/_sandbox/pages/:name', async (request, reply) => {
    const page = PAGES[(request.params as { name: string }).name];
    if (!page) return reply.code(404).type('text/html').send('<h1>Not found</h1>');
    return reply.type('text/html; charset=utf-8').send(page);
  });
}
