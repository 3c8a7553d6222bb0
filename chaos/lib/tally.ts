/**
 * Counts what a chaos run left behind, from the two sides a user can see: the posts as Pinion's
 * API shows them and the pins the sandbox holds. Pure, so the rules are tested on their own.
 *
 * Each post carries a tag (`#17`) in every version of its title and description, kept across
 * edits, so a pin belongs to the post whose tag it carries whatever text it was made with. A post
 * has one delivery here (one account), so "two pins for one post" is two pins for one delivery.
 */

/**
 * The statuses that end a delivery; anything else (scheduled, publishing, awaiting_check, …) is still under way.
 * `needs_attention` ends it too: Pinion could not verify the outcome and left it to a person, which a run counts
 * as a failure (wrong if the pin exists, or whatever the reason, since every answer here is eventually given).
 */
export const TERMINAL = new Set(['published', 'failed', 'cancelled', 'needs_attention']);
/** Error kinds that say the platform refused the post itself; every other failure was for a passing reason. */
const REFUSED_BY_PLATFORM = new Set(['rejected', 'not_found', 'auth_revoked']);

export interface DeliverySeen {
  id: string;
  status: string;
  external_id: string | null;
  adopted: boolean;
  attempts: number;
  last_error: { kind: string; message: string } | null;
  payload: unknown;
}

export interface PostSeen {
  id: string;
  status: string;
  deliveries: DeliverySeen[];
}

export interface PinSeen {
  id: string;
  title: string | null;
  description: string | null;
}

export interface Finding {
  post: string;
  tag: string;
  what: string;
}

export interface Tally {
  posts: number;
  pins: number;
  published: number;
  failed: number;
  cancelled: number;
  /** Published without its pin in the sandbox, or not finished after settling. */
  lost: Finding[];
  /** More than one pin carries the post's tag. */
  duplicated: Finding[];
  /** Failed although its pin exists, or failed for a reason that passes (5xx, timeout, 429, unknown outcome). */
  wronglyFailed: Finding[];
  /** Reported cancelled, yet a pin for it is live. */
  cancelledYetPinned: Finding[];
  /** The pin Pinion names for a delivery does not carry that delivery's title and description. */
  wrongContent: Finding[];
  /** Pins that carry no post's tag. */
  strayPins: string[];
  /** Published by adopting a pin an unanswered attempt had made. */
  adopted: number;
  failedByKind: Record<string, number>;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function tally(posts: Array<{ tag: string; post: PostSeen }>, pins: PinSeen[], tagOf: (pin: PinSeen) => string | undefined): Tally {
  const pinsByTag = new Map<string, PinSeen[]>();
  const strayPins: string[] = [];
  for (const pin of pins) {
    const tag = tagOf(pin);
    if (tag === undefined) strayPins.push(pin.id);
    else pinsByTag.set(tag, [...(pinsByTag.get(tag) ?? []), pin]);
  }
  const known = new Set(posts.map((p) => p.tag));
  for (const [tag, list] of pinsByTag) if (!known.has(tag)) strayPins.push(...list.map((p) => p.id));

  const t: Tally = {
    posts: posts.length,
    pins: pins.length,
    published: 0,
    failed: 0,
    cancelled: 0,
    lost: [],
    duplicated: [],
    wronglyFailed: [],
    cancelledYetPinned: [],
    wrongContent: [],
    strayPins,
    adopted: 0,
    failedByKind: {},
  };
  for (const { tag, post } of posts) {
    const own = pinsByTag.get(tag) ?? [];
    const note = (list: Finding[], what: string) => list.push({ post: post.id, tag, what });
    if (own.length > 1) note(t.duplicated, `${own.length} pins: ${own.map((p) => `${p.id} "${p.title}"`).join(', ')}`);
    for (const d of post.deliveries) {
      if (!TERMINAL.has(d.status)) {
        note(t.lost, `delivery ${d.id} still ${d.status} after settling (attempts ${d.attempts}, last error ${d.last_error?.kind ?? 'none'})`);
        continue;
      }
      if (d.status === 'published') {
        t.published++;
        if (d.adopted) t.adopted++;
        const pin = own.find((p) => p.id === d.external_id);
        if (!pin) {
          note(t.lost, `published as pin ${d.external_id}, but the sandbox has ${own.length ? `only ${own.map((p) => p.id).join(', ')}` : 'no pin'} for it`);
          continue;
        }
        const sent = (d.payload ?? {}) as Record<string, unknown>;
        if (pin.title !== text(sent.title) || pin.description !== text(sent.description)) {
          note(t.wrongContent, `pin ${pin.id} says "${pin.title}", the delivery sent "${text(sent.title)}"`);
        }
      } else if (d.status === 'failed' || d.status === 'needs_attention') {
        t.failed++;
        const kind = d.status === 'needs_attention' ? 'needs_attention' : (d.last_error?.kind ?? 'unknown');
        t.failedByKind[kind] = (t.failedByKind[kind] ?? 0) + 1;
        if (own.length) note(t.wronglyFailed, `failed (${kind}) although pin ${own[0]!.id} exists`);
        else if (!REFUSED_BY_PLATFORM.has(kind)) note(t.wronglyFailed, `failed for a passing reason (${kind}): ${d.last_error?.message ?? ''}`);
      } else {
        t.cancelled++;
        if (own.length && !post.deliveries.some((x) => x.status === 'published'))
          note(t.cancelledYetPinned, `cancelled, yet pin ${own[0]!.id} "${own[0]!.title}" is live`);
      }
    }
  }
  return t;
}

/** Lost, duplicated, cancelled-yet-pinned and wrong-content findings each break the promise of exactly one pin. */
export function broken(t: Tally): number {
  return t.lost.length + t.duplicated.length + t.cancelledYetPinned.length + t.wrongContent.length;
}
