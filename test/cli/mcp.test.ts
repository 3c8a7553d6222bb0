import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { TSX_LOADER } from '../helpers/cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

describe('pinion mcp, driven by the MCP SDK client', { timeout: 60_000 }, () => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let client: Client;
  let account: { id: string };
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    images = await startImageServer();
    account = (await pinterestAccount(p)).account;
    client = new Client({ name: 'test-agent', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', TSX_LOADER, MAIN, 'mcp'],
        env: { ...(process.env as Record<string, string>), PINION_API_KEY: p.apiKey, PINION_API_URL: p.url },
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await p?.close();
    await images?.close();
  });
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = (await client.callTool({ name, arguments: args })) as ToolResult;
    return { ...result, json: () => JSON.parse(result.content[0]!.text.slice(result.content[0]!.text.indexOf('{'))) };
  };

  it('offers the tools an agent needs to schedule posts', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'cancel_post',
      'check_link',
      'delete_post',
      'list_accounts',
      'list_boards',
      'list_posts',
      'retry_post',
      'schedule_post',
      'validate_post',
    ]);
    expect(tools.find((t) => t.name === 'list_boards')!.inputSchema).toMatchObject({ required: ['account_id'] });
  });

  it('lists accounts and boards, validates, schedules once however often retried, lists and cancels', async () => {
    expect((await call('list_accounts')).json().data).toMatchObject([{ id: account.id, platform: 'pinterest', status: 'active' }]);
    expect((await call('list_boards', { account_id: account.id })).json().data.map((b: { name: string }) => b.name)).toEqual(['Products']);

    const post = {
      content: 'From an agent',
      platforms: ['pinterest'],
      media_url: `${images.url}/good.jpg`,
      scheduled_at: '2037-01-01T10:00:00Z',
      platform_options: { pinterest: { board: 'Products', title: 'Agent' } },
    };
    const checked = await call('validate_post', { post });
    expect(checked.isError).toBeFalsy();
    const bad = await call('validate_post', { post: { ...post, platform_options: { pinterest: { board: 'Attic' } } } });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toMatch(/platform_options\.pinterest\.board: .*Attic/);

    const first = (await call('schedule_post', { post })).json();
    const retried = (await call('schedule_post', { post })).json();
    expect(retried.id).toBe(first.id);
    expect((await call('list_posts', { status: 'scheduled' })).json().data.map((x: { id: string }) => x.id)).toEqual([first.id]);
    expect((await call('cancel_post', { post_id: first.id })).json().status).toBe('cancelled');
    expect((await call('cancel_post', { post_id: 'post_nope' })).isError).toBe(true);
  });

  it('finds posts by their words, refuses to retry one that has not failed, and deletes one', async () => {
    const post = {
      content: 'Linen tea towel',
      platforms: ['pinterest'],
      media_url: `${images.url}/good.jpg`,
      scheduled_at: '2037-02-01T10:00:00Z',
      platform_options: { pinterest: { board: 'Products' } },
    };
    const made = (await call('schedule_post', { post })).json();
    expect((await call('list_posts', { q: 'tea towel' })).json().data.map((x: { id: string }) => x.id)).toEqual([made.id]);
    const retry = await call('retry_post', { post_id: made.id });
    expect(retry.isError).toBe(true);
    expect(retry.content[0]!.text).toMatch(/Nothing to retry: no delivery .*has failed/);
    const deleted = (await call('delete_post', { post_id: made.id })).json();
    expect(deleted.post ?? deleted).toMatchObject({ id: made.id });
    expect((await call('list_posts', { q: 'tea towel' })).json().data).toEqual([]);
  });

  it('checks a link for the named platforms', async () => {
    const post = { content: 'Apron', platforms: ['pinterest'], media_url: `${images.url}/good.jpg`, platform_options: { pinterest: { board: 'Products' } } };
    const fine = await call('check_link', { link: 'https://shop.example/apron', post });
    expect(fine.isError).toBeFalsy();
    expect(fine.json()).toMatchObject({ link: 'https://shop.example/apron', usable: true, errors: [] });
    const result = await call('check_link', { link: 'ftp://shop.example/apron', post });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/link: must be an http\(s\) URL/);
  });
});
