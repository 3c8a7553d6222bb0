/** The dashboard's pages: a server-rendered frame (navigation, headings, forms) that the page's script fills from the API. */

export const PAGES = {
  '/': 'calendar',
  '/compose': 'compose',
  '/posts/:id': 'post',
  '/accounts': 'accounts',
  '/webhooks': 'webhooks',
  '/keys': 'keys',
} as const;
type PageName = (typeof PAGES)[keyof typeof PAGES];

const NAV: Array<[href: string, label: string, page: PageName]> = [
  ['/', 'Calendar', 'calendar'],
  ['/compose', 'Compose', 'compose'],
  ['/accounts', 'Accounts', 'accounts'],
  ['/webhooks', 'Webhooks', 'webhooks'],
  ['/keys', 'API keys', 'keys'],
];

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function frame(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Pinion</title>
<link rel="stylesheet" href="/assets/style.css">
<link rel="icon" href="data:,">
${head}
</head>
<body>
${body}
</body>
</html>`;
}

export function movedOn(to: string): string {
  return frame('Connected', `<meta http-equiv="refresh" content="0;url=${escape(to)}"><main><p><a href="${escape(to)}">Back to your accounts</a></p></main>`);
}

export function signInPage(opts: { failed: boolean; ended: boolean; next: string }): string {
  return frame(
    'Sign in',
    `<main class="signin">
<h1>Pinion</h1>
<form method="post" action="/session" class="card">
<h2>Sign in</h2>
<input type="hidden" name="next" value="${escape(opts.next)}">
<p>Use an API key of your workspace (create one with <code>pinion keys create</code>). It stays on the server; this browser only gets a session.</p>
${opts.failed ? '<p class="error" role="alert" id="signin-error">That API key is unknown or revoked.</p>' : ''}
${opts.ended ? '<p class="error" role="alert">Your session ended: its API key was revoked or it expired. Sign in again.</p>' : ''}
<label for="api_key">API key</label>
<input id="api_key" name="api_key" type="password" autocomplete="current-password" required ${opts.failed ? 'aria-describedby="signin-error"' : ''} autofocus>
<button type="submit">Sign in</button>
</form>
</main>`,
  );
}

const BODIES: Record<PageName, string> = {
  calendar: `<h1>Calendar</h1>
<form id="calendar-controls" class="toolbar" aria-label="Calendar view">
<div class="group" role="group" aria-label="View"><button type="button" data-view="week" aria-pressed="true">Week</button><button type="button" data-view="month" aria-pressed="false">Month</button></div>
<div class="group"><button type="button" id="prev" aria-label="Previous">‹</button><button type="button" id="today">Today</button><button type="button" id="next" aria-label="Next">›</button></div>
<label>Platform <select id="filter-platform"><option value="">All</option></select></label>
<label>Account <select id="filter-account"><option value="">All</option></select></label>
<label>Status <select id="filter-status"><option value="">All</option><option>scheduled</option><option>publishing</option><option>published</option><option>partially_published</option><option>failed</option><option>cancelled</option></select></label>
<label>Time zone <input id="zone" list="zones" size="16" autocomplete="off"></label><datalist id="zones"></datalist>
</form>
<p id="range" class="range" aria-live="polite"></p>
<p id="accounts-zones" class="muted"></p>
<p id="status" role="status" aria-live="polite"></p>
<div id="calendar" class="calendar"></div>
<p class="muted">Drag a post to another hour of the week, or to a day’s heading to keep its time of day; the minutes stay. Without a mouse, focus a post: Alt+←/→ move it a day, Alt+↑/↓ an hour.</p>`,
  compose: `<h1>Compose</h1>
<div class="compose">
<form id="composer" class="card" novalidate>
<label for="content">Text</label>
<textarea id="content" name="content" rows="6"></textarea>
<fieldset><legend>Media</legend>
<div id="dropzone" class="dropzone" tabindex="0" role="button" aria-describedby="drop-help">Drop an image or video here, or choose a file</div>
<p id="drop-help" class="muted">Uploaded to your Pinion media library.</p>
<input id="file" type="file" accept="image/*,video/*" aria-label="Choose a media file">
<progress id="upload-progress" max="100" value="0" hidden aria-label="Upload progress"></progress>
<p id="media-chosen" aria-live="polite"></p>
<label for="media_url">or media URL</label><input id="media_url" type="url" placeholder="https://…">
</fieldset>
<label for="link">Link</label><input id="link" type="url" placeholder="https://…">
<fieldset id="accounts-field"><legend>Accounts</legend><div id="account-choices"><p class="muted">Loading accounts…</p></div></fieldset>
<div id="platform-options"></div>
<fieldset><legend>When</legend>
<label for="when">Date and time</label><input id="when" type="datetime-local">
<label for="when-zone">Time zone</label><input id="when-zone" list="zones" autocomplete="off"><datalist id="zones"></datalist>
<p class="muted">Leave the date empty to publish as soon as possible.</p>
</fieldset>
<div id="form-errors" role="alert"></div>
<button type="submit" id="schedule">Schedule</button>
</form>
<section class="previews" aria-labelledby="preview-heading"><h2 id="preview-heading">Preview</h2><p id="validity" aria-live="polite" class="muted">Pick an account to see what each platform will receive.</p><div id="previews"></div></section>
</div>`,
  post: `<h1>Post</h1>
<p id="status" role="status" aria-live="polite"></p>
<div id="post"></div>`,
  accounts: `<h1>Accounts</h1>
<form id="connect" class="card toolbar"><label for="connect-platform">Platform</label><select id="connect-platform"></select><button type="submit">Connect an account</button></form>
<datalist id="zones"></datalist>
<p id="status" role="status" aria-live="polite"></p>
<div id="accounts"></div>`,
  webhooks: `<h1>Webhooks</h1>
<form id="new-webhook" class="card"><h2>Add an endpoint</h2>
<label for="webhook-url">URL</label><input id="webhook-url" type="url" required placeholder="https://example.com/hooks/pinion">
<button type="submit">Add</button><div id="webhook-secret" aria-live="polite"></div></form>
<p id="status" role="status" aria-live="polite"></p>
<div id="webhooks"></div>`,
  keys: `<h1>API keys</h1>
<form id="new-key" class="card"><h2>Create a key</h2>
<label for="key-name">Name</label><input id="key-name" required maxlength="100">
<button type="submit">Create</button><div id="key-secret" aria-live="polite"></div></form>
<p id="status" role="status" aria-live="polite"></p>
<div id="keys"></div>`,
};

export function page(name: PageName, csrf: string): string {
  const nav = NAV.map(([href, label, p]) => `<li><a href="${href}"${p === name ? ' aria-current="page"' : ''}>${label}</a></li>`).join('');
  const title = NAV.find(([, , p]) => p === name)?.[1] ?? 'Post';
  return frame(
    title,
    `<a class="skip" href="#main">Skip to content</a>
<header class="top"><nav aria-label="Main"><span class="brand">Pinion</span><ul>${nav}</ul></nav>
<form method="post" action="/session/end" class="signout"><input type="hidden" name="csrf" value="${escape(csrf)}"><button type="submit">Sign out</button></form></header>
<main id="main" data-page="${name}">
${BODIES[name]}
</main>
<script type="module" src="/assets/app.js"></script>`,
    `<meta name="csrf-token" content="${escape(csrf)}">`,
  );
}
