import { describe, expect, it } from 'vitest';
import { searchTextOf } from '../../src/shared/index.js';

describe('the text posts are searched by', () => {
  it('holds text, links and titles of the post and of each platform, lower-cased, and no field names', () => {
    const text = searchTextOf({
      content: 'Indigo APRON',
      link: 'https://Shop.example/a',
      platforms: ['p'],
      platform_options: { p: { title: 'Kitchen', board: 'Products', description: 'Linen' }, q: { content: 'Short' } },
    });
    expect(text.split('\n')).toEqual(['indigo apron', 'https://shop.example/a', 'kitchen', 'linen', 'short']);
    expect(text).not.toMatch(/products|platforms|board/);
    expect(searchTextOf({ platforms: ['p'] })).toBe('');
  });
});
