/** One command of `pinion`: its words, what it does, and the options it takes (each with its help line). */
export interface CommandSpec {
  /** `start`, or `posts create` for a command with an action. */
  name: string;
  args?: string;
  summary: string;
  /** More lines for `pinion <command> --help`. */
  details?: string[];
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string; value?: string; help: string }>;
  /** Reads no database: a client of a running Pinion, so --config and --database-url do not apply. */
  client?: boolean;
}

const db = {
  config: { type: 'string', value: 'FILE', help: 'JSON config file (also $PINION_CONFIG; ./pinion.config.json if present)' },
  'database-url': { type: 'string', value: 'URL', help: 'sqlite:<path> or postgres://… (also $DATABASE_URL)' },
} as const;
const listen = {
  host: { type: 'string', value: 'H', help: 'Address to listen on' },
  port: { type: 'string', value: 'P', help: 'Port to listen on (0: any free port)' },
} as const;
const client = {
  'api-url': { type: 'string', value: 'URL', help: 'Where Pinion runs (also $PINION_API_URL; default http://127.0.0.1:8080)' },
  key: { type: 'string', value: 'KEY', help: 'API key (also $PINION_API_KEY)' },
} as const;

export const COMMANDS: CommandSpec[] = [
  {
    name: 'start',
    summary: 'The whole product in one process: SQLite, local media, API + worker, every platform’s sandbox',
    details: ['Prints the URLs and an API key (the same key at every start, kept in start-key.json beside the database).'],
    options: { ...db, ...listen },
  },
  { name: 'serve', summary: 'The API server', options: { ...db, ...listen, 'with-worker': { type: 'boolean', help: 'Run a worker in the same process' } } },
  { name: 'worker', summary: 'A worker: publishes due posts and runs background passes', options: { ...db } },
  { name: 'migrate', summary: 'Apply database migrations', options: { ...db } },
  { name: 'sandbox', summary: 'Every platform’s emulator on its own port (default 8090), at /sandbox/<platform>', options: { ...db, ...listen } },
  {
    name: 'keys create',
    summary: 'Create an API key (shown once)',
    options: {
      ...db,
      workspace: { type: 'string', value: 'W', help: 'Workspace (made if new; default "default")' },
      name: { type: 'string', value: 'N', help: 'A name to recognise the key by' },
      scopes: { type: 'string', value: 's1,s2|all', help: 'Scopes (default all)' },
      format: {
        type: 'string',
        value: 'pinion|posteverywhere',
        help: 'pinion (pin_…, the default) or posteverywhere (pe_live_…, for PostEverywhere’s SDK at /compat/posteverywhere)',
      },
    },
  },
  {
    name: 'keys list',
    summary: 'List API keys (never their secrets)',
    options: { ...db, workspace: { type: 'string', value: 'W', help: 'Only this workspace' } },
  },
  { name: 'keys revoke', args: '<key id>', summary: 'Revoke an API key at once', options: { ...db } },
  {
    name: 'posts create',
    summary: 'Schedule a post (no --at: publish as soon as possible)',
    details: [
      'Example: pinion posts create --platform <platform> --content "Hello" --media-url https://… --option <platform>.title=Hello',
      'Or the whole request body as JSON: pinion posts create --body post.json (--body - reads stdin).',
    ],
    client: true,
    options: {
      ...client,
      content: { type: 'string', value: 'TEXT', help: 'The post text' },
      platform: { type: 'string', multiple: true, value: 'ID', help: 'A platform to publish to (repeat for several)' },
      'media-url': { type: 'string', value: 'URL', help: 'Image or video URL' },
      'media-id': { type: 'string', value: 'ID', help: 'Media uploaded to Pinion (med_…)' },
      link: { type: 'string', value: 'URL', help: 'Destination link' },
      at: { type: 'string', value: 'TIME', help: 'When: ISO 8601 (with an offset, or with --timezone)' },
      timezone: { type: 'string', value: 'ZONE', help: 'IANA zone for --at without an offset, e.g. Europe/Paris' },
      option: { type: 'string', multiple: true, value: 'P.NAME=VALUE', help: 'A platform option (repeatable), e.g. <platform>.board=Products' },
      body: { type: 'string', value: 'FILE', help: 'The request body as JSON (- for stdin), instead of the flags above' },
      'idempotency-key': { type: 'string', value: 'K', help: 'Makes running the command again safe: the same key returns the same post' },
    },
  },
  {
    name: 'posts list',
    summary: 'List posts in due order',
    client: true,
    options: {
      ...client,
      status: { type: 'string', value: 'S', help: 'scheduled, publishing, published, partially_published, failed or cancelled' },
      platform: { type: 'string', multiple: true, value: 'ID', help: 'Only posts to this platform' },
      limit: { type: 'string', value: 'N', help: 'At most N posts (1–200, default 50)' },
    },
  },
  { name: 'posts get', args: '<post id>', summary: 'A post with each delivery’s state', client: true, options: { ...client } },
  { name: 'posts cancel', args: '<post id>', summary: 'Cancel a post not yet publishing', client: true, options: { ...client } },
  {
    name: 'posts retry',
    args: '<post id>',
    summary: 'Publish a post’s failed deliveries again (never one that may have gone out)',
    client: true,
    options: { ...client },
  },
  {
    name: 'posts delete',
    args: '<post id>',
    summary: 'Delete a post: cancel what has not started; published posts stay on the platforms unless --unpublish',
    client: true,
    options: { ...client, unpublish: { type: 'boolean', help: 'Also delete it from the platforms, where their API allows it' } },
  },
  { name: 'accounts list', summary: 'List connected accounts', client: true, options: { ...client } },
  {
    name: 'accounts connect',
    args: '<platform>',
    summary: 'Connect an account: prints the authorize URL and waits until the account is connected',
    details: [
      'On a remote machine, the browser must reach Pinion’s callback: forward the port first (ssh -L 8080:127.0.0.1:8080 host),',
      'or, with the sandbox, approve from here: pinion accounts connect <platform> --sandbox-approve demo',
    ],
    client: true,
    options: {
      ...client,
      'sandbox-approve': { type: 'string', value: 'USERNAME', help: 'Sandbox only: approve on its consent page as USERNAME, no browser needed' },
      wait: { type: 'string', value: 'SECONDS', help: 'How long to wait for the approval (default 600)' },
    },
  },
  {
    name: 'import',
    args: '<file.csv>',
    summary: 'Schedule the posts of a CSV of any size, 500 rows a request; safe to run again',
    details: ['Columns as POST /api/v1/posts:import documents them. Running it again on the same file creates nothing new.'],
    client: true,
    options: { ...client },
  },
  {
    name: 'mcp',
    summary: 'An MCP server on stdio for AI agents: accounts, boards, validate, schedule, list and cancel posts, check a link',
    details: ['Add it to an MCP client as the command `pinion mcp` with PINION_API_URL and PINION_API_KEY in its environment.'],
    client: true,
    options: { ...client },
  },
  {
    name: 'link-check',
    args: '<url>',
    summary: 'Link preflight of a destination: status, redirects, final URL, the rich preview the page would get',
    client: true,
    options: { ...client },
  },
  {
    name: 'suggest',
    summary: 'Title and description suggestions from a page or a text, keywords placed early',
    client: true,
    options: {
      ...client,
      url: { type: 'string', value: 'URL', help: 'The page to suggest for' },
      content: { type: 'string', value: 'TEXT', help: 'Or a text to suggest for' },
      keywords: { type: 'string', value: 'K1,K2', help: 'Keywords to place early' },
    },
  },
  { name: 'encryption-key', summary: 'Print a new token-encryption key for PINION_ENCRYPTION_KEYS', options: {} },
];

/** Options every command takes. */
export const COMMON_OPTIONS: CommandSpec['options'] = {
  json: { type: 'boolean', help: 'Machine-readable output' },
  help: { type: 'boolean', short: 'h', help: 'This help' },
};

export function commandHelp(spec: CommandSpec): string {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const flags = Object.entries(all).map(([name, o]) => [`${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`, o.help] as const);
  const width = Math.max(...flags.map(([f]) => f.length)) + 2;
  return [
    `Usage: pinion ${spec.name}${spec.args ? ` ${spec.args}` : ''} [options]`,
    '',
    spec.summary,
    ...(spec.details ?? []),
    '',
    'Options:',
    ...flags.map(([f, h]) => `  ${f.padEnd(width)}${h}`),
  ].join('\n');
}

export function overallHelp(only?: CommandSpec[]): string {
  const list = only ?? COMMANDS;
  const width = Math.max(...list.map((c) => `${c.name}${c.args ? ` ${c.args}` : ''}`.length)) + 2;
  return [
    'Usage: pinion <command> [options]',
    '',
    'Commands:',
    ...list.map((c) => `  ${`${c.name}${c.args ? ` ${c.args}` : ''}`.padEnd(width)}${c.summary}`),
    '',
    'pinion <command> --help shows the options of one command.',
  ].join('\n');
}
