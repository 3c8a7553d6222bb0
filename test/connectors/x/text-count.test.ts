import { readFileSync } from 'node:fs';
import twitterText from 'twitter-text';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { X_FACTS } from '../../../src/connectors/x/index.js';

/**
 * The official twitter-text conformance vectors (specs/x/twitter-text/validate.yml). X counts
 * posts with config v3 (emoji count 2, URLs 23); `facts.text.count` must give exactly the
 * weighted length the vectors expect. The v2 section is checked against the vendored v2 config,
 * as the file says, to show the library reads configs as twitter-text specifies.
 */
interface Vector {
  description: string;
  text: string;
  expected: { weightedLength: number; valid: boolean };
}
const spec = parse(readFileSync('specs/x/twitter-text/validate.yml', 'utf8')) as { tests: Record<string, Vector[]> };
const configV2 = JSON.parse(readFileSync('specs/x/twitter-text/config-v2.json', 'utf8')) as twitterText.ParseTweetOptions;
const configV3 = JSON.parse(readFileSync('specs/x/twitter-text/config-v3.json', 'utf8')) as twitterText.ParseTweetOptions;

describe('X text counting follows twitter-text', () => {
  it('uses the published v3 numbers: 280 max, URLs weigh 23', () => {
    expect(X_FACTS.text.max).toBe(configV3.maxWeightedTweetLength);
    expect(configV3.transformedURLLength).toBe(23);
  });

  for (const section of ['WeightedTweetsWithDiscountedEmojiCounterTest', 'UnicodeDirectionalMarkerCounterTest']) {
    const vectors = spec.tests[section]!;
    it(`${section}: ${vectors.length} vectors (config v3)`, () => {
      expect(vectors.length).toBeGreaterThan(0);
      for (const v of vectors) {
        expect({ d: v.description, n: X_FACTS.text.count(v.text) }).toEqual({ d: v.description, n: v.expected.weightedLength });
        expect({ d: v.description, valid: X_FACTS.text.count(v.text) <= X_FACTS.text.max && twitterText.parseTweet(v.text).valid }).toEqual({
          d: v.description,
          valid: v.expected.valid,
        });
      }
    });
  }

  it('WeightedTweetsCounterTest (config v2, as the file says)', () => {
    const vectors = spec.tests.WeightedTweetsCounterTest!;
    expect(vectors.length).toBeGreaterThan(0);
    for (const v of vectors)
      expect({ d: v.description, n: twitterText.parseTweet(v.text, configV2).weightedLength }).toEqual({ d: v.description, n: v.expected.weightedLength });
  });

  it('counts a URL as 23 whatever its length, and CJK and emoji as 2', () => {
    expect(X_FACTS.text.count(`see https://example.com/${'a'.repeat(200)}`)).toBe(4 + 23);
    expect(X_FACTS.text.count('のの')).toBe(4);
    expect(X_FACTS.text.count('👩‍👩‍👧')).toBe(2);
  });
});
