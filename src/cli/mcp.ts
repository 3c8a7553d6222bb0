import { createHash } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { ApiClient, ApiError } from './api.js';

type Answer = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

interface Validation {
  valid: boolean;
  errors: Array<{ field: string; message: string }>;
}

/** A dry run that found errors is a tool error too: the first line says so, the rest is the whole answer. */
const validationAnswer = (v: Validation): Answer =>
  v.valid
    ? { content: [{ type: 'text', text: JSON.stringify(v, null, 2) }] }
    : {
        isError: true,
        content: [
          {
            type: 'text',
            text: `The post cannot be scheduled as it is:${v.errors.map((e) => `\n  ${e.field}: ${e.message}`).join('')}\n\n${JSON.stringify(v, null, 2)}`,
          },
        ],
      };

/** An API answer as a tool result; a refusal is a tool error whose text names each bad field and what to do. */
async function answer(call: () => Promise<unknown>): Promise<Answer> {
  try {
    const result = await call();
    if (result && typeof result === 'object' && 'valid' in result && 'errors' in result) return validationAnswer(result as Validation);
    return { content: [{ type: 'text', text: JSON.stringify(result, null, 2) }] };
  } catch (err) {
    if (err instanceof ApiError) return { isError: true, content: [{ type: 'text', text: err.message }] };
    throw err;
  }
}

const Post = z
  .record(z.string(), z.unknown())
  .describe(
    'A post as POST /api/v1/posts takes it (see /openapi.json, schema PostRequest): content, platforms, media_url or media_id, link, scheduled_at, timezone, platform_options',
  );

/**
 * `pinion mcp`: an MCP server on stdio so an AI agent can schedule posts. A client of the running
 * Pinion's HTTP API, like the other client commands: the same checks, scopes and idempotency apply.
 */
export function createMcpServer(api: ApiClient): McpServer {
  const server = new McpServer({ name: 'pinion', version: '1' });
  const get = (path: string) => async () => (await api.call('GET', path)).body;

  server.registerTool('list_accounts', { title: 'List accounts', description: 'The connected platform accounts of the workspace, with their status' }, () =>
    answer(get('/accounts')),
  );
  server.registerTool(
    'list_boards',
    {
      title: 'List boards',
      description: 'The boards of an account on a platform that has boards (posts name a board in platform_options)',
      inputSchema: { account_id: z.string().min(1) },
    },
    ({ account_id }) => answer(get(`/accounts/${encodeURIComponent(account_id)}/boards`)),
  );
  server.registerTool(
    'validate_post',
    {
      title: 'Validate a post',
      description: 'Dry run: what each platform would receive, every error and warning; stores nothing',
      inputSchema: { post: Post },
    },
    ({ post }) => answer(async () => (await api.call('POST', '/posts:validate', { json: post })).body),
  );
  server.registerTool(
    'schedule_post',
    {
      title: 'Schedule a post',
      description:
        'Schedules a post (no scheduled_at: as soon as possible). Safe to retry: the same post is not scheduled twice unless another idempotency_key is given.',
      inputSchema: { post: Post, idempotency_key: z.string().min(1).max(200).optional() },
    },
    ({ post, idempotency_key }) =>
      answer(async () => {
        // By default the key is the post itself: an agent retrying after a lost answer gets the same post back.
        const key = idempotency_key ?? `mcp-${createHash('sha256').update(JSON.stringify(post)).digest('hex').slice(0, 40)}`;
        return (await api.call('POST', '/posts', { json: post, headers: { 'idempotency-key': key } })).body;
      }),
  );
  server.registerTool(
    'list_posts',
    {
      title: 'List posts',
      description: 'Posts in due order, optionally of one status, one campaign, or containing some words (text, titles, links)',
      inputSchema: {
        status: z.enum(['scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled']).optional(),
        q: z.string().min(1).max(200).optional(),
        campaign_id: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(200).optional(),
      },
    },
    ({ status, q, campaign_id, limit }) => {
      const query = new URLSearchParams({
        ...(status ? { status } : {}),
        ...(q ? { q } : {}),
        ...(campaign_id ? { campaign_id } : {}),
        limit: String(limit ?? 50),
      });
      return answer(get(`/posts?${query}`));
    },
  );
  server.registerTool(
    'retry_post',
    {
      title: 'Retry a failed post',
      description:
        "Publishes a post's failed deliveries again (now, or at scheduled_at). Deliveries whose outcome is still being checked are never retried: the answer says why",
      inputSchema: { post_id: z.string().min(1), platforms: z.array(z.string().min(1)).optional(), scheduled_at: z.string().optional() },
    },
    ({ post_id, platforms, scheduled_at }) =>
      answer(
        async () =>
          (
            await api.call('POST', `/posts/${encodeURIComponent(post_id)}/retry`, {
              json: { ...(platforms && { platforms }), ...(scheduled_at && { scheduled_at }) },
            })
          ).body,
      ),
  );
  server.registerTool(
    'delete_post',
    {
      title: 'Delete a post',
      description: 'Cancels what has not been published and removes the post from listings; unpublish: true also deletes it from the platforms that allow it',
      inputSchema: { post_id: z.string().min(1), unpublish: z.boolean().optional() },
    },
    ({ post_id, unpublish }) =>
      answer(async () => (await api.call('DELETE', `/posts/${encodeURIComponent(post_id)}${unpublish ? '?unpublish=true' : ''}`)).body),
  );
  server.registerTool(
    'cancel_post',
    { title: 'Cancel a post', description: 'Cancels a post that has not started publishing', inputSchema: { post_id: z.string().min(1) } },
    ({ post_id }) => answer(async () => (await api.call('POST', `/posts/${encodeURIComponent(post_id)}/cancel`)).body),
  );
  server.registerTool(
    'check_link',
    {
      title: 'Check a link',
      description: 'What each platform would do with this link in this post (kept, placed in the text, tagged with UTM, refused) and why, without posting',
      inputSchema: {
        link: z.string().min(1),
        post: Post.describe(
          'The post the link goes in (its own link, if any, is replaced); the platforms check the link only once the rest of the post is complete',
        ),
      },
    },
    ({ link, post }) =>
      answer(async () => {
        // A dry run of the post with this link: its other problems are not the question here.
        type Issue = { field: string; message: string; kind?: string };
        const { body } = await api.call<{
          errors: Issue[];
          warnings: Issue[];
          deliveries: Array<{ platform: string; warnings: Issue[]; adaptations: Issue[] }>;
        }>('POST', '/posts:validate', {
          json: { ...post, link },
        });
        const aboutLink = (i: Issue) => /(^|\.)link$/.test(i.field) || i.kind === 'link_placed' || i.kind === 'link_dropped';
        const errors = body.errors.filter(aboutLink);
        const result = {
          link,
          usable: errors.length === 0,
          errors,
          notes: [
            ...body.warnings.filter(aboutLink),
            ...body.deliveries.flatMap((d) => [...d.warnings, ...d.adaptations].filter(aboutLink).map((i) => ({ ...i, platform: d.platform }))),
          ],
        };
        if (!result.usable) throw new ApiError(422, { detail: `The link cannot be used as it is`, errors });
        return result;
      }),
  );
  return server;
}

export async function mcpCommand(api: ApiClient): Promise<void> {
  const server = createMcpServer(api);
  await server.connect(new StdioServerTransport());
  // Serves until the client closes stdin.
  await new Promise<void>((resolve) => process.stdin.once('close', resolve).once('end', resolve));
  await server.close();
}
