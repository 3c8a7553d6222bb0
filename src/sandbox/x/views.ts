import type { ResolvedOptions } from './context.js';
import type { Issues } from './input.js';
import type { Media, Tweet, XState, XUser } from './state.js';

/**
 * Post fields the sandbox can fill. The spec (v2.167) calls the parameter `post.fields` and some fields `*_posts`;
 * the docs (data-dictionary.mdx, posts/lookup) use `tweet.fields`, `referenced_tweets`, `edit_history_tweet_ids`.
 * Both spellings are accepted. Valid fields the sandbox does not model are simply absent from the answer.
 */
const POST_FIELDS = [
  'article',
  'article_title',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_post_ids',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'matched_media_notes',
  'media_metadata',
  'non_public_metrics',
  'note_post',
  'note_tweet',
  'note_request_suggestions',
  'organic_metrics',
  'paid_partnership',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_posts',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'suggested_source_links',
  'suggested_source_links_with_counts',
  'text',
  'withheld',
];
const USER_FIELDS = [
  'affiliation',
  'confirmed_email',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_post_id',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_post_id',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscribes_to_you',
  'subscription',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
];

/** Query parameters that shape an answer but are accepted and ignored: the sandbox returns no `includes`. */
export const EXPANSION_PARAMS = ['expansions', 'media.fields', 'poll.fields', 'place.fields'];
export const POST_FIELD_PARAMS = ['tweet.fields', 'post.fields'];

function fieldList(query: Record<string, unknown>, names: string[], known: string[], issues: Issues): Set<string> {
  const fields = new Set<string>();
  for (const name of names) {
    const raw = query[name];
    if (raw === undefined) continue;
    for (const field of String(raw).split(',')) {
      if (known.includes(field)) fields.add(field);
      else issues.add(name, field, `The \`${name}\` query parameter value [${field}] is not one of [${known.join(',')}]`);
    }
  }
  return fields;
}

export const postFields = (query: Record<string, unknown>, issues: Issues) => fieldList(query, POST_FIELD_PARAMS, POST_FIELDS, issues);
export const userFields = (query: Record<string, unknown>, issues: Issues) => fieldList(query, ['user.fields'], USER_FIELDS, issues);

/** id, text and the edit history are always present (data-dictionary.mdx "Default fields"). */
export function tweetView(tweet: Tweet, fields: Set<string>, state: XState, options: ResolvedOptions): Record<string, unknown> {
  const view: Record<string, unknown> = { id: tweet.id, text: tweet.shownText };
  for (const name of options.editHistoryFields) view[name] = [tweet.id];
  if (fields.has('created_at')) view['created_at'] = tweet.createdAt.toISOString();
  if (fields.has('author_id')) view['author_id'] = tweet.authorId;
  if (fields.has('conversation_id')) view['conversation_id'] = tweet.conversationId;
  if (fields.has('in_reply_to_user_id') && tweet.inReplyToUserId) view['in_reply_to_user_id'] = tweet.inReplyToUserId;
  if (fields.has('reply_settings')) view['reply_settings'] = tweet.replySettings;
  if (fields.has('possibly_sensitive')) view['possibly_sensitive'] = false;
  if (fields.has('attachments') && tweet.mediaIds.length > 0) {
    view['attachments'] = { media_keys: tweet.mediaIds.map((id) => state.media.get(id)?.key ?? id) };
  }
  const references = [
    ...(tweet.inReplyToTweetId ? [{ type: 'replied_to', id: tweet.inReplyToTweetId }] : []),
    ...(tweet.quoteTweetId ? [{ type: 'quoted', id: tweet.quoteTweetId }] : []),
  ];
  for (const name of ['referenced_tweets', 'referenced_posts']) if (fields.has(name) && references.length > 0) view[name] = references;
  if (fields.has('public_metrics')) {
    view['public_metrics'] = { repost_count: 0, retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 };
  }
  return view;
}

export function userView(user: XUser, fields: Set<string>): Record<string, unknown> {
  const view: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
  if (fields.has('created_at')) view['created_at'] = user.createdAt.toISOString();
  if (fields.has('protected')) view['protected'] = false;
  if (fields.has('verified')) view['verified'] = false;
  return view;
}
