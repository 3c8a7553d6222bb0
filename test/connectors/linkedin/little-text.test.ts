import { describe, expect, it } from 'vitest';
import { escapeLittleText, littleTextLength, mentionsOf } from '../../../src/connectors/linkedin/index.js';
import { renderLittleText } from '../../../src/sandbox/linkedin/index.js';

describe("LinkedIn's little-text escaping", () => {
  it('escapes every reserved character meant as text', () => {
    expect(escapeLittleText('a | b { c } d @ e [ f ] g ( h ) i < j > k \\ l * m _ n ~ o')).toBe(
      'a \\| b \\{ c \\} d \\@ e \\[ f \\] g \\( h \\) i \\< j \\> k \\\\ l \\* m \\_ n \\~ o',
    );
  });

  it('leaves text without reserved characters as it is, emoji and accents included', () => {
    const text = 'Grüße aus Köln! Ça va? 🎉 50% off, today only.';
    expect(escapeLittleText(text)).toBe(text);
  });

  it('keeps mentions of people and organisations as markup', () => {
    const text = 'Thanks @[Ada Lovelace](urn:li:person:abc-123) and @[Analytical Engines](urn:li:organization:10000001)!';
    expect(escapeLittleText(text)).toBe(text);
    expect(mentionsOf(text)).toEqual(['urn:li:person:abc-123', 'urn:li:organization:10000001']);
  });

  it('escapes what only looks like a mention', () => {
    expect(escapeLittleText('mail me @ home, see [notes](https://example.com) or @[x](not-a-urn)')).toBe(
      'mail me \\@ home, see \\[notes\\]\\(https://example.com\\) or \\@\\[x\\]\\(not-a-urn\\)',
    );
  });

  it('keeps hashtags at the start of a word and escapes other number signs', () => {
    expect(escapeLittleText('#launch day, issue #42 and C# or a#b, #über')).toBe('#launch day, issue #42 and C\\# or a\\#b, #über');
    expect(escapeLittleText('# heading and ##double')).toBe('\\# heading and \\##double');
  });

  it('ends a hashtag at an underscore, which is escaped', () => {
    expect(escapeLittleText('#ai_ops')).toBe('#ai\\_ops');
  });

  it('escapes a backslash the person wrote, so it shows as one', () => {
    expect(escapeLittleText('C:\\path \\(not markup\\)')).toBe('C:\\\\path \\\\\\(not markup\\\\\\)');
  });

  it('counts the escaped text, as LinkedIn measures what it receives', () => {
    expect(littleTextLength('(a)')).toBe(5);
    expect(littleTextLength('#tag')).toBe(4);
    expect(littleTextLength('🎉')).toBe(2);
  });

  it('round-trips: what LinkedIn shows of the escaped text is the text, never cut', () => {
    const samples = ['Launch (v2) is *live* <3', 'a_b ~c~ |d| {e} [f] \\g', '#tag @[Ada](urn:li:person:1) @ home', 'x'.repeat(50) + '(' + '#'];
    for (const text of samples) {
      const shown = renderLittleText(escapeLittleText(text), true);
      expect(shown.truncated).toBe(false);
      expect(shown.text).toBe(text.replace('@[Ada](urn:li:person:1)', 'Ada'));
    }
  });

  it('unescaped text is cut at the first reserved character (what the emulator does, as LinkedIn warns)', () => {
    expect(renderLittleText('Launch (v2) is live', true)).toMatchObject({ text: 'Launch ', truncated: true });
  });
});
