import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Pages shaped like real shops, recipe blogs and news sites, served from loopback for link preflight. */
const PRODUCT = `<!doctype html><html lang="en"><head>
<meta charset="utf-8"><title>Indigo Linen Apron | Sunny Shop</title>
<meta name="description" content="A hand-dyed indigo linen apron with deep pockets, cut from stonewashed European linen and finished by hand in our Lisbon studio.">
<link rel="canonical" href="/products/indigo-apron">
<meta property="og:type" content="product"><meta property="og:title" content="Indigo Linen Apron">
<meta property="og:description" content="Hand-dyed, stonewashed linen with deep pockets."><meta property="og:image" content="https://cdn.shop.example/apron.jpg">
<meta name="twitter:card" content="summary_large_image"><meta name="twitter:title" content="Indigo Linen Apron">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"BreadcrumbList","itemListElement":[]},
{"@type":"Product","name":"Indigo Linen Apron","description":"A hand-dyed indigo linen apron with deep pockets.","brand":{"@type":"Brand","name":"Sunny"},
"offers":{"@type":"Offer","price":"48.00","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}]}</script>
</head><body><h1>Indigo Linen Apron</h1><h2>Details</h2></body></html>`;

const RECIPE = `<!doctype html><html><head><title>Plum cake</title><meta property="og:title" content="Plum cake"><meta property="og:image" content="https://x.example/p.jpg">
<meta property="og:description" content="Autumn plum cake"></head><body>
<div itemscope itemtype="https://schema.org/Recipe"><h1 itemprop="name">Plum cake</h1>
<span itemprop="recipeIngredient">500 g plums</span><span itemprop="recipeIngredient">200 g flour</span></div></body></html>`;

const PLAIN = `<!doctype html><html><head><title>Welcome</title></head><body><h1>Our little shop</h1><p>Hello.</p></body></html>`;

/** A product without its price: a product rich pin the page cannot complete. */
const PRICELESS = `<!doctype html><html><head><title>Mug</title><meta property="og:title" content="Mug"><meta property="og:description" content="A mug"><meta property="og:image" content="https://x.example/m.jpg">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"Mug"}</script></head><body></body></html>`;

export async function startPageServer(): Promise<{ url: string; hits: Map<string, number>; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    if (path === '/products/indigo-apron') return html(PRODUCT);
    if (path === '/recipes/plum-cake') return html(RECIPE);
    if (path === '/plain') return html(PLAIN);
    if (path === '/mug') return html(PRICELESS);
    if (path === '/old-apron') return res.writeHead(301, { location: '/apron' }).end();
    if (path === '/apron') return res.writeHead(302, { location: '/products/indigo-apron' }).end();
    if (path === '/error') return res.writeHead(503).end('down');
    // An OpenAI-compatible chat endpoint answering as a model would: JSON inside the message text.
    if (path === '/llm/chat/completions' && req.method === 'POST') {
      const content =
        'Here you go: {"title": "Plum cake with brown butter, one bowl", "description": "Plum cake, baked in one bowl with brown butter and late-summer plums."}';
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
