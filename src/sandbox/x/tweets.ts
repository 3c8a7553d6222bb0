import type { FastifyInstance } from 'fastify';
import twitterText from 'twitter-text';
import type { XContext } from './context.js';
import { notFoundEntry, problems } from './errors.js';
import {
  checkKeys,
  checkQuery,
  idArray,
  integerIn,
  isObject,
  Issues,
  NUMERIC_ID,
  optionalBoolean,
  optionalEnum,
  optionalString,
  pathId,
  type Body,
} from './input.js';
import { processingState } from './media-state.js';
import { defineOperation } from './operation.js';
import { shownText } from './shown-text.js';
import type { ReplySettings, Tweet, XUser } from './state.js';
import { EXPANSION_PARAMS, POST_FIELD_PARAMS, postFields, tweetView } from './views.js';

const CREATE_FIELDS = [
  'card_uri',
  'community_id',
  'direct_message_deep_link',
  'edit_options',
  'for_super_followers_only',
  'geo',
  'made_with_ai',
  'media',
  'nullcast',
  'paid_partnership',
  'poll',
  'quote_tweet_id',
  'reply',
  'reply_settings',
  'share_with_followers',
  'text',
];
const MEDIA_FIELDS = ['call_to_actions', 'description', 'embeddable', 'media_ids', 'preview_media_id', 'tagged_user_ids', 'title'];
const REPLY_FIELDS = ['auto_populate_reply_metadata', 'exclude_reply_user_ids', 'in_reply_to_tweet_id'];
const POLL_FIELDS = ['duration_minutes', 'options', 'reply_settings'];
const REPLY_SETTINGS = ['following', 'mentionedUsers', 'subscribers', 'verified'] as const;
/** notes/platforms.md (X): media, poll, quote_tweet_id and card_uri cannot be combined. */
const EXCLUSIVE = ['media', 'poll', 'quote_tweet_id', 'card_uri'];

const WRITE_SCOPES = ['tweet.read', 'tweet.write', 'users.read'];
const READ_SCOPES = ['tweet.read', 'users.read'];

interface CreateRequest {
  text: string;
  mediaIds: string[];
  replyTo: string | undefined;
  quoteTweetId: string | undefined;
  poll: { options: string[]; durationMinutes: number } | null;
  replySettings: ReplySettings;
}

function nested(body: Body, field: string, allowed: string[], issues: Issues): Body | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    issues.add(field, value, `\`${field}\` must be an object.`);
    return undefined;
  }
  checkKeys(value, allowed, `${field}.`, issues);
  return value;
}

/** Shape checks from the spec's CreatePostsRequest (additionalProperties: false throughout). */
function parseCreate(raw: unknown): CreateRequest {
  const issues = new Issues();
  if (!isObject(raw)) throw problems.invalidParameter('body', String(raw), 'The request body must be a JSON object.');
  checkKeys(raw, CREATE_FIELDS, '', issues);
  const text = optionalString(raw, 'text', '', issues);
  const media = nested(raw, 'media', MEDIA_FIELDS, issues);
  const mediaIds = media ? idArray(media, 'media_ids', 'media.', 1, 4, issues) : undefined;
  if (media && media['media_ids'] === undefined) issues.add('media.media_ids', media, '`media.media_ids` is required when `media` is given.');
  if (media) idArray(media, 'tagged_user_ids', 'media.', 0, 10, issues);
  const reply = nested(raw, 'reply', REPLY_FIELDS, issues);
  const replyTo = reply ? optionalString(reply, 'in_reply_to_tweet_id', 'reply.', issues, NUMERIC_ID) : undefined;
  if (reply && reply['in_reply_to_tweet_id'] === undefined)
    issues.add('reply.in_reply_to_tweet_id', reply, '`reply.in_reply_to_tweet_id` is required when `reply` is given.');
  const quoteTweetId = optionalString(raw, 'quote_tweet_id', '', issues, NUMERIC_ID);
  const pollBody = nested(raw, 'poll', POLL_FIELDS, issues);
  let poll: CreateRequest['poll'] = null;
  if (pollBody) {
    const options = pollBody['options'];
    const choice = (o: unknown) => typeof o === 'string' && [...o].length >= 1 && [...o].length <= 25;
    const validOptions = Array.isArray(options) && options.length >= 2 && options.length <= 4 && options.every(choice);
    if (!validOptions) issues.add('poll.options', options, '`poll.options` must hold 2 to 4 choices of 1 to 25 characters.');
    const duration = integerIn(pollBody['duration_minutes'] ?? 'missing', 'poll.duration_minutes', 5, 10_080, issues);
    optionalEnum(pollBody, 'reply_settings', REPLY_SETTINGS, 'poll.', issues);
    if (validOptions && duration !== undefined) poll = { options: options as string[], durationMinutes: duration };
  }
  const replySettings = optionalEnum(raw, 'reply_settings', REPLY_SETTINGS, '', issues);
  for (const flag of ['for_super_followers_only', 'made_with_ai', 'nullcast', 'paid_partnership', 'share_with_followers']) optionalBoolean(raw, flag, issues);
  for (const field of ['card_uri', 'direct_message_deep_link']) optionalString(raw, field, '', issues);
  optionalString(raw, 'community_id', '', issues, NUMERIC_ID);
  const geo = nested(raw, 'geo', ['place_id'], issues);
  if (geo) optionalString(geo, 'place_id', 'geo.', issues);
  if (raw['edit_options'] !== undefined) {
    issues.add('edit_options', raw['edit_options'], 'Editing posts (`edit_options`) is not emulated by the sandbox; delete and create instead.');
  }
  const combined = EXCLUSIVE.filter((field) => raw[field] !== undefined);
  if (combined.length > 1)
    issues.add(combined.join(','), combined, `Only one of [${EXCLUSIVE.join(', ')}] may be given; this request has ${combined.join(' and ')}.`);
  if ((text === undefined || text === '') && !media) issues.add('text', text ?? '', '`text` is required unless `media` is given.');
  issues.throwIfAny();
  return { text: text ?? '', mediaIds: mediaIds ?? [], replyTo, quoteTweetId, poll, replySettings: replySettings ?? 'everyone' };
}

/** What X checks against its data once the shape is right: length, media, the referenced post, duplicates. */
function checkAgainstState(ctx: XContext, user: XUser, input: CreateRequest): void {
  const { state, options } = ctx;
  if (twitterText.parseTweet(input.text).weightedLength > 280) {
    // Seen in the wild as 400 and as 403 (tooLongStatus); the wording points at twitter-text, as X's does.
    const detail = 'Your Tweet text is too long. For more information on how X counts characters, see https://github.com/twitter/twitter-text.';
    throw options.tooLongStatus === 403 ? problems.forbidden(detail) : problems.invalidParameter('text', input.text, detail, detail);
  }
  // X's answer is one entry "Your media IDs are invalid." (observed); the sandbox adds one entry per reason.
  const issues = new Issues();
  const kinds = new Set<string>();
  const invalid: string[] = [];
  for (const id of input.mediaIds) {
    const media = state.media.get(id);
    const owned = media && (media.ownerId === user.id || media.additionalOwners.includes(user.id));
    const stateNow = media ? processingState(media, options.mediaProcessingMs, ctx.clock.now()) : undefined;
    const reason =
      !media || !owned || media.expiresAt <= ctx.clock.now()
        ? `Media ${id} does not exist, has expired or does not belong to this user.`
        : stateNow !== 'succeeded'
          ? `Media ${id} is not ready (${stateNow ?? 'upload not finalized'}); wait until processing_info.state is succeeded.`
          : undefined;
    if (reason) {
      issues.add('media.media_ids', id, reason);
      invalid.push(id);
    }
    if (media) kinds.add(media.kind);
  }
  // media/quickstart/best-practices.mdx: up to 4 photos, or 1 GIF, or 1 video.
  if (input.mediaIds.length > 1 && (kinds.has('video') || kinds.has('gif'))) {
    issues.add('media.media_ids', input.mediaIds, 'A post can carry up to 4 images, or 1 GIF, or 1 video.');
    invalid.push(...input.mediaIds);
  }
  if (invalid.length > 0) {
    throw problems.invalidRequest([{ parameters: { 'media.media_ids': [...new Set(invalid)] }, message: 'Your media IDs are invalid.' }, ...issues.list]);
  }
  if (input.replyTo !== undefined && !state.liveTweet(input.replyTo))
    throw problems.forbidden('You attempted to reply to a Tweet that is deleted or not visible to you.');
  if (input.quoteTweetId !== undefined && !state.liveTweet(input.quoteTweetId))
    throw problems.forbidden('You attempted to quote a Tweet that is deleted or not visible to you.');
  if (options.rejectDuplicates && input.text !== '') {
    const since = ctx.clock.now() - options.duplicateWindowSeconds * 1000;
    const duplicate = state.timeline(user.id).some((t) => t.text === input.text && t.createdAt.getTime() >= since);
    if (duplicate) throw problems.forbidden('You are not allowed to create a Tweet with duplicate content.');
  }
}

export function registerTweetRoutes(app: FastifyInstance, ctx: XContext): void {
  const { state } = ctx;

  defineOperation(app, ctx, { method: 'POST', path: '/2/tweets', scopes: WRITE_SCOPES }, async ({ request, user }) => {
    const input = parseCreate(request.body);
    checkAgainstState(ctx, user, input);
    const id = state.newId();
    const parent = input.replyTo === undefined ? undefined : state.liveTweet(input.replyTo);
    const tweet: Tweet = {
      id,
      authorId: user.id,
      text: input.text,
      shownText: ctx.options.showTextAsX ? shownText(input.text, id, input.mediaIds.length > 0) : input.text,
      createdAt: new Date(ctx.clock.now()),
      mediaIds: input.mediaIds,
      inReplyToTweetId: parent?.id ?? null,
      inReplyToUserId: parent?.authorId ?? null,
      quoteTweetId: input.quoteTweetId ?? null,
      conversationId: parent?.conversationId ?? id,
      replySettings: input.replySettings,
      poll: input.poll,
      deletedAt: null,
    };
    state.tweets.set(id, tweet);
    return { status: 201, body: { data: tweetView(tweet, new Set(), state, ctx.options) } };
  });

  defineOperation(app, ctx, { method: 'DELETE', path: '/2/tweets/{id}', scopes: WRITE_SCOPES }, async ({ request, user }) => {
    const id = validId(request.params);
    const tweet = state.liveTweet(id);
    if (!tweet) throw problems.notFound('tweet', 'id', id);
    // Guess: X's wording for deleting someone else's post is not documented.
    if (tweet.authorId !== user.id) throw problems.forbidden('You are not allowed to delete this Tweet.');
    tweet.deletedAt = new Date(ctx.clock.now());
    return { status: 200, body: { data: { deleted: true } } };
  });

  defineOperation(app, ctx, { method: 'GET', path: '/2/tweets/{id}', scopes: READ_SCOPES }, async ({ request }) => {
    const id = validId(request.params);
    const query = request.query as Record<string, unknown>;
    const issues = new Issues();
    checkQuery(query, [...POST_FIELD_PARAMS, ...EXPANSION_PARAMS, 'user.fields'], issues);
    const fields = postFields(query, issues);
    issues.throwIfAny();
    const tweet = state.liveTweet(id);
    // A missing post is a partial error inside a 200 (response-codes-and-errors.mdx "Partial errors").
    if (!tweet) return { status: 200, body: { errors: [notFoundEntry('tweet', 'id', id)] } };
    return { status: 200, body: { data: tweetView(tweet, fields, state, ctx.options) } };
  });
}

export function validId(params: unknown): string {
  const id = pathId(params);
  if (!NUMERIC_ID.test(id)) throw problems.invalidParameter('id', id, `The \`id\` path parameter value [${id}] does not match ^[0-9]{1,19}$`);
  return id;
}
