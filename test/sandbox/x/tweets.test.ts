import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { startSandbox, userClient } from './support.js';

const clock = new ManualClock(Date.UTC(2031, 0, 1, 12));
let sandbox: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  sandbox = await startSandbox({ clock });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.sandbox.reset());

const alice = () => userClient(sandbox.sandbox, sandbox.url);

describe('POST /2/tweets', () => {
  it('creates a post: 201 with id, text and the edit history', async () => {
    const { client, user } = alice();
    const created = await client.call('POST', '/2/tweets', { text: 'Hello from Pinion', reply_settings: 'following', made_with_ai: false });
    expect(created.status).toBe(201);
    const { id } = created.body.data;
    expect(created.body).toEqual({ data: { id, text: 'Hello from Pinion', edit_history_tweet_ids: [id], edit_history_post_ids: [id] } });
    expect(id).toMatch(/^\d{1,19}$/);
    expect(sandbox.sandbox.state.timeline(user.id).map((t) => t.text)).toEqual(['Hello from Pinion']);
  });

  it('answers the text as X shows it: links as t.co, & < > escaped; the same in every answer', async () => {
    const { client, user } = alice();
    const created = await client.call('POST', '/2/tweets', { text: 'Fish & chips <3 at https://example.com/menu?a=1 and example.org' });
    expect(created.status).toBe(201);
    const shown: string = created.body.data.text;
    expect(shown).toMatch(/^Fish &amp; chips &lt;3 at https:\/\/t\.co\/\w{10} and https:\/\/t\.co\/\w{10}$/);
    const listed = await client.call('GET', `/2/users/${user.id}/tweets`);
    expect(listed.body.data[0].text).toBe(shown);
    expect((await client.call('POST', '/2/tweets', { text: 'Fish & chips <3 at https://example.com/menu?a=1 and example.org' })).status).toBe(403);
    const plain = await startSandbox({ showTextAsX: false });
    try {
      const sent = await userClient(plain.sandbox, plain.url).client.call('POST', '/2/tweets', { text: 'a & b https://example.com' });
      expect(sent.body.data.text).toBe('a & b https://example.com');
    } finally {
      await plain.close();
    }
  });

  it('counts text the twitter-text way: 280 weighted characters pass, 281 do not, CJK counts double, URLs 23', async () => {
    const { client, user } = alice();
    expect((await client.call('POST', '/2/tweets', { text: 'a'.repeat(280) })).status).toBe(201);
    const tooLong = await client.call('POST', '/2/tweets', { text: 'b'.repeat(281) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.type).toBe('https://api.x.com/2/problems/invalid-request');
    expect(tooLong.body.detail).toMatch(/^Your Tweet text is too long\./);
    expect((await client.call('POST', '/2/tweets', { text: '漢'.repeat(141) })).status).toBe(400);
    expect((await client.call('POST', '/2/tweets', { text: '漢'.repeat(140) })).status).toBe(201);
    const url = `https://example.com/${'x'.repeat(300)}`;
    expect((await client.call('POST', '/2/tweets', { text: `${'c'.repeat(256)} ${url}` })).status).toBe(201);
    expect(sandbox.sandbox.state.timeline(user.id)).toHaveLength(3);
  });

  it('answers 403 for text over the limit when configured so', async () => {
    const strict = await startSandbox({ tooLongStatus: 403 });
    try {
      const { client } = userClient(strict.sandbox, strict.url);
      const refused = await client.call('POST', '/2/tweets', { text: 'd'.repeat(281) });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ title: 'Forbidden', type: 'about:blank', status: 403 });
    } finally {
      await strict.close();
    }
  });

  it('refuses the same text twice from the same user with 403, but not from another user nor after deletion', async () => {
    const { client } = alice();
    const first = await client.call('POST', '/2/tweets', { text: 'Same words' });
    const again = await client.call('POST', '/2/tweets', { text: 'Same words' });
    expect(again.status).toBe(403);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body).toEqual({
      title: 'Forbidden',
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
      status: 403,
    });
    expect((await userClient(sandbox.sandbox, sandbox.url).client.call('POST', '/2/tweets', { text: 'Same words' })).status).toBe(201);
    await client.call('DELETE', `/2/tweets/${first.body.data.id}`);
    expect((await client.call('POST', '/2/tweets', { text: 'Same words' })).status).toBe(201);
  });

  it('names each bad field in one 400: unknown fields, wrong types, exclusive combinations, missing text', async () => {
    const { client, user } = alice();
    const bad = await client.call('POST', '/2/tweets', {
      text: 5,
      colour: 'red',
      reply_settings: 'everyone',
      media: { media_ids: ['1'], extra: true },
      poll: { options: ['a', 'b'], duration_minutes: 60 },
    });
    expect(bad.status).toBe(400);
    const named = bad.body.errors.map((e: { parameters: Record<string, unknown> }) => Object.keys(e.parameters)[0]);
    expect(named).toEqual(expect.arrayContaining(['text', 'colour', 'reply_settings', 'media.extra', 'media,poll']));
    expect((await client.call('POST', '/2/tweets', {})).body.errors[0].parameters).toHaveProperty('text');
    expect((await client.call('POST', '/2/tweets', { text: 'q', quote_tweet_id: '1', card_uri: 'card://1' })).status).toBe(400);
    expect((await client.call('POST', '/2/tweets', { text: 'p', poll: { options: ['only one'], duration_minutes: 60 } })).status).toBe(400);
    expect((await client.call('POST', '/2/tweets', { text: 'p', poll: { options: ['yes', 'no'], duration_minutes: 4 } })).status).toBe(400);
    expect(sandbox.sandbox.state.timeline(user.id)).toHaveLength(0);
  });

  it('replies to an existing post, and refuses a reply to one that does not exist', async () => {
    const { client } = alice();
    const root = (await client.call('POST', '/2/tweets', { text: 'root' })).body.data.id;
    const reply = await client.call('POST', '/2/tweets', { text: 'reply', reply: { in_reply_to_tweet_id: root } });
    expect(reply.status).toBe(201);
    const view = await client.call('GET', `/2/tweets/${reply.body.data.id}?tweet.fields=conversation_id,referenced_tweets,in_reply_to_user_id`);
    expect(view.body.data).toMatchObject({ conversation_id: root, referenced_tweets: [{ type: 'replied_to', id: root }] });
    const orphan = await client.call('POST', '/2/tweets', { text: 'orphan', reply: { in_reply_to_tweet_id: '123' } });
    expect(orphan.status).toBe(403);
    expect(orphan.body.detail).toBe('You attempted to reply to a Tweet that is deleted or not visible to you.');
  });
});

describe('DELETE and GET /2/tweets/{id}', () => {
  it('deletes the author’s post; afterwards lookup answers a not-found partial error in a 200', async () => {
    const { client } = alice();
    const id = (await client.call('POST', '/2/tweets', { text: 'short-lived' })).body.data.id;
    expect((await client.call('GET', `/2/tweets/${id}?tweet.fields=created_at,author_id`)).body.data).toMatchObject({
      id,
      text: 'short-lived',
      created_at: '2031-01-01T12:00:00.000Z',
    });
    const other = userClient(sandbox.sandbox, sandbox.url).client;
    expect((await other.call('DELETE', `/2/tweets/${id}`)).status).toBe(403);
    const deleted = await client.call('DELETE', `/2/tweets/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ data: { deleted: true } });
    const gone = await client.call('GET', `/2/tweets/${id}`);
    expect(gone.status).toBe(200);
    expect(gone.body.data).toBeUndefined();
    expect(gone.body.errors[0]).toMatchObject({ resource_type: 'tweet', resource_id: id, type: 'https://api.x.com/2/problems/resource-not-found' });
    expect((await client.call('DELETE', `/2/tweets/${id}`)).status).toBe(404);
    expect((await client.call('GET', '/2/tweets/not-a-number')).status).toBe(400);
  });
});

describe('GET /2/users/{id}/tweets', () => {
  it('lists a user’s posts newest first, filtered by start_time/end_time, in pages with next_token', async () => {
    const { client, user } = alice();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await client.call('POST', '/2/tweets', { text: `post ${i}` })).body.data.id);
      await clock.advance(60_000);
    }
    // Posted at 12:00 .. 12:06; start_time inclusive, end_time exclusive.
    const path = `/2/users/${user.id}/tweets?max_results=5&start_time=2031-01-01T12:01:00Z&end_time=2031-01-01T12:07:00Z&tweet.fields=created_at`;
    const first = await client.call('GET', path);
    expect(first.status).toBe(200);
    expect(first.body.data.map((t: { text: string }) => t.text)).toEqual(['post 6', 'post 5', 'post 4', 'post 3', 'post 2']);
    expect(first.body.data[0].created_at).toBe('2031-01-01T12:06:00.000Z');
    expect(first.body.meta).toEqual({ result_count: 5, newest_id: ids[6], oldest_id: ids[2], next_token: expect.any(String) });
    const second = await client.call('GET', `${path}&pagination_token=${first.body.meta.next_token}`);
    expect(second.body.data.map((t: { text: string }) => t.text)).toEqual(['post 1']);
    expect(second.body.meta.next_token).toBeUndefined();

    const none = await client.call('GET', `/2/users/${user.id}/tweets?start_time=2032-01-01T00:00:00Z`);
    expect(none.body).toEqual({ meta: { result_count: 0 } });
    expect((await client.call('GET', `/2/users/${user.id}/tweets?max_results=3`)).status).toBe(400);
    expect((await client.call('GET', `/2/users/${user.id}/tweets?start_time=2031-01-01 12:00`)).status).toBe(400);
    expect((await client.call('GET', `/2/users/${user.id}/tweets?tweet.fields=colour`)).status).toBe(400);
  });
});
