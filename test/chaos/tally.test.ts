import { describe, expect, it } from 'vitest';
import { editedPost, newPost, pinTag, tagOf } from '../../chaos/lib/posts.js';
import { broken, tally, type DeliverySeen, type PinSeen, type PostSeen } from '../../chaos/lib/tally.js';

const sent = (i: number, version = 1) => {
  const body = version === 1 ? newPost(i, 'a', 0, 'http://127.0.0.1/x.jpg') : editedPost(i, version, 0);
  return { title: body.platform_options.pinterest.title, description: body.content };
};
const delivery = (over: Partial<DeliverySeen> & { payload?: unknown } = {}): DeliverySeen => ({
  id: 'dlv',
  status: 'published',
  external_id: 'pin1',
  adopted: false,
  attempts: 1,
  last_error: null,
  payload: sent(1),
  ...over,
});
const post = (i: number, d: DeliverySeen): { tag: string; post: PostSeen } => ({ tag: tagOf(i), post: { id: `post${i}`, status: d.status, deliveries: [d] } });
const pin = (id: string, i: number, version = 1): PinSeen => ({ id, ...sent(i, version) });

describe('counting what a chaos run left', () => {
  it('a post published once, as its one pin with its text, is clean', () => {
    const t = tally([post(1, delivery())], [pin('pin1', 1)], pinTag);
    expect(t).toMatchObject({
      posts: 1,
      pins: 1,
      published: 1,
      lost: [],
      duplicated: [],
      wronglyFailed: [],
      cancelledYetPinned: [],
      wrongContent: [],
      strayPins: [],
    });
    expect(broken(t)).toBe(0);
  });

  it('two pins for one post are a duplicate, whatever version of the text each carries', () => {
    const t = tally([post(1, delivery({ external_id: 'pin2', payload: sent(1, 2) }))], [pin('pin1', 1), pin('pin2', 1, 2)], pinTag);
    expect(t.duplicated).toHaveLength(1);
    expect(t.duplicated[0]!.what).toContain('2 pins');
    expect(broken(t)).toBe(1);
  });

  it('published without its pin, or not finished after settling, is lost; a new waiting state counts as not finished', () => {
    const t = tally(
      [
        post(1, delivery({ external_id: 'gone' })),
        post(2, delivery({ status: 'publishing', external_id: null })),
        post(3, delivery({ status: 'awaiting_check', external_id: null })),
      ],
      [pin('pin1', 1)],
      pinTag,
    );
    expect(t.lost.map((f) => f.tag)).toEqual(['#1', '#2', '#3']);
    expect(t.lost[0]!.what).toContain('only pin1');
  });

  it('a failure is wrong when the pin exists or the reason passes; a refusal by the platform is not', () => {
    const t = tally(
      [
        post(1, delivery({ status: 'failed', external_id: null, last_error: { kind: 'rejected', message: 'bad image' } })),
        post(2, delivery({ status: 'failed', external_id: null, last_error: { kind: 'rejected', message: 'bad image' } })),
        post(3, delivery({ status: 'failed', external_id: null, last_error: { kind: 'retryable', message: 'Gave up after 8 attempts' } })),
      ],
      [pin('pin2', 2)],
      pinTag,
    );
    expect(t.wronglyFailed.map((f) => f.tag)).toEqual(['#2', '#3']);
    expect(t.failedByKind).toEqual({ rejected: 2, retryable: 1 });
    expect(broken(t)).toBe(0);
  });

  it('a cancelled post with a live pin is found, and so is a pin that does not carry what its delivery sent', () => {
    const t = tally(
      [post(1, delivery({ status: 'cancelled', external_id: null })), post(2, delivery({ external_id: 'pin2', payload: sent(2, 3) }))],
      [pin('pin1', 1), pin('pin2', 2, 2)],
      pinTag,
    );
    expect(t.cancelledYetPinned.map((f) => f.tag)).toEqual(['#1']);
    expect(t.wrongContent.map((f) => f.tag)).toEqual(['#2']);
    expect(broken(t)).toBe(2);
  });

  it('pins are told apart by their whole tag, from the title or else the description; others are stray', () => {
    expect(pinTag({ id: 'a', title: 'Chaos #1', description: null })).toBe('#1');
    expect(pinTag({ id: 'b', title: 'Chaos #10 v2', description: null })).toBe('#10');
    expect(pinTag({ id: 'c', title: null, description: 'Chaos post #7: version 3, edited while the workers publish.' })).toBe('#7');
    expect(pinTag({ id: 'd', title: 'Chaos #12x', description: 'something else' })).toBeUndefined();
    const t = tally([post(1, delivery())], [pin('pin1', 1), { id: 'other', title: 'Holiday', description: null }, pin('pin9', 9)], pinTag);
    expect(t.strayPins).toEqual(['other', 'pin9']);
  });
});
