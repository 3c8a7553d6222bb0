import { api, h, say } from './api.js';

const $ = (id) => document.getElementById(id);

export async function start() {
  $('new-webhook').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const created = await api('POST', '/webhooks', { url: $('webhook-url').value, events: ['*'] });
      $('webhook-secret').replaceChildren(h('p', { class: 'ok' }, 'Signing secret (shown only this once): ', h('code', {}, created.secret)));
      await load();
    } catch (err) {
      say(err.describe?.() ?? String(err), 'error');
    }
  });
  await load();
}

async function load() {
  const endpoints = (await api('GET', '/webhooks')).data;
  if (!endpoints.length) return $('webhooks').replaceChildren(h('p', {}, 'No endpoints yet.'));
  $('webhooks').replaceChildren(...(await Promise.all(endpoints.map(card))));
}

async function card(ep) {
  const deliveries = (await api('GET', `/webhooks/${ep.id}/deliveries?limit=20`)).data;
  return h(
    'article',
    { class: 'card' },
    h('h2', {}, ep.url, ' ', h('span', { class: `badge status-${ep.enabled ? 'active' : 'disconnected'}` }, ep.enabled ? 'enabled' : 'disabled')),
    h('p', { class: 'muted' }, `Events: ${ep.events.join(', ')}`),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', onclick: () => act('POST', `/webhooks/${ep.id}/test`, 'Test event sent.') }, 'Send a test event'),
    ),
    deliveries.length
      ? h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            {},
            h('caption', {}, 'Delivery log'),
            h('thead', {}, h('tr', {}, ...['Event', 'Status', 'Attempts', 'Last answer', ''].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              {},
              ...deliveries.map((d) =>
                h(
                  'tr',
                  {},
                  h('td', {}, d.event.type, h('br'), h('small', {}, d.created_at)),
                  h('td', {}, h('span', { class: `badge status-${d.status}` }, d.status)),
                  h('td', {}, String(d.attempt_count)),
                  h('td', {}, d.last_error ?? (d.last_status_code ? `HTTP ${d.last_status_code}` : '—')),
                  h(
                    'td',
                    {},
                    h('button', { type: 'button', onclick: () => act('POST', `/webhooks/deliveries/${d.id}/redeliver`, 'Redelivery queued.') }, 'Redeliver'),
                  ),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No deliveries yet.'),
  );
}

async function act(method, path, done) {
  try {
    await api(method, path);
    say(done, 'ok');
    await load();
  } catch (err) {
    say(err.describe?.() ?? String(err), 'error');
  }
}
