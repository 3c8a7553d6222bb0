import { describe, expect, it } from 'vitest';
import { isHttpUrl } from '../../src/shared/index.js';

/** What `new URL()` and a protocol check said, which every connector used before. */
const byUrlObject = (s: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
};

describe('isHttpUrl', () => {
  const cases = [
    'https://shop.example/p/1',
    'http://127.0.0.1:8080/a.jpg',
    'HTTPS://SHOP.EXAMPLE/',
    '  https://shop.example/with-leading-space',
    'http:shop.example',
    'https://',
    'https://exa mple.com/',
    'ftp://shop.example/a.jpg',
    'data:image/png;base64,AAAA',
    'javascript:alert(1)',
    'shop.example/p/1',
    '/relative/path.jpg',
    'pinion-media://med_1',
    '',
    'https://[::1]:3000/x',
    'https://shop.example:99999/',
  ];
  it.each(cases)('agrees with parsing a URL object: %j', (s) => {
    expect(isHttpUrl(s)).toBe(byUrlObject(s));
  });
  it('accepts web URLs and refuses other schemes and relative paths', () => {
    expect(isHttpUrl('https://shop.example/p/1')).toBe(true);
    expect(isHttpUrl('ftp://shop.example/a.jpg')).toBe(false);
    expect(isHttpUrl('/relative/path.jpg')).toBe(false);
  });
});
