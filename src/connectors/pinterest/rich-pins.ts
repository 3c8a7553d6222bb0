import type { LinkPage, LinkRules, RichPreview } from '../contract.js';

/**
 * Rich pins: Pinterest reads a destination's schema.org markup (JSON-LD or microdata) or its
 * Open Graph tags and shows extra fields on the pin. Product pins need a name and a price with
 * its currency (availability shows when given); recipe pins need ingredients; article pins a
 * headline and description. The first kind the page declares decides; what it lacks is listed.
 */
const KINDS: Array<{
  type: 'product' | 'recipe' | 'article';
  schema: string[];
  ogType: string[];
  needs: Array<[label: string, fields: string[], og?: string[]]>;
}> = [
  {
    type: 'product',
    schema: ['Product', 'ProductGroup'],
    ogType: ['product', 'og:product', 'product.item'],
    needs: [
      ['name', ['name'], ['title']],
      ['price', ['offers.price', 'offers.lowPrice', 'offers.priceSpecification.price'], ['price:amount', 'product:price:amount']],
      ['currency', ['offers.priceCurrency', 'offers.priceSpecification.priceCurrency'], ['price:currency', 'product:price:currency']],
      ['availability', ['offers.availability'], ['availability', 'product:availability']],
    ],
  },
  {
    type: 'recipe',
    schema: ['Recipe'],
    ogType: ['recipe'],
    needs: [
      ['name', ['name'], ['title']],
      ['ingredients', ['recipeIngredient', 'ingredients']],
    ],
  },
  {
    type: 'article',
    schema: ['Article', 'NewsArticle', 'BlogPosting'],
    ogType: ['article'],
    needs: [
      ['headline', ['headline', 'name'], ['title']],
      ['description', ['description'], ['description']],
    ],
  },
];

function richPreview(page: LinkPage): RichPreview {
  for (const kind of KINDS) {
    const item = page.structured.find((s) => kind.schema.includes(s.type));
    const og = kind.ogType.includes((page.og.type ?? '').toLowerCase());
    if (!item && !og) continue;
    const missing = kind.needs
      .filter(([, fields, ogKeys]) => !fields.some((f) => item?.fields[f]) && !(ogKeys ?? []).some((k) => page.og[k] || page.card[k]))
      .map(([label]) => label);
    return { type: kind.type, label: `${kind.type} rich pin`, missing };
  }
  const missing = ['schema.org Product, Recipe or Article markup (JSON-LD or microdata), or og:type with og:title and og:description'];
  return { type: null, label: 'standard pin (no rich pin)', missing };
}

export const pinterestLinkRules: LinkRules = { richPreview };
