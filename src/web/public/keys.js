import { api, h, say } from './api.js';

const $ = (id) => document.getElementById(id);

export async function start() {
  $('new-key').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const created = await api('POST', '/keys', { name: $('key-name').value });
      $('key-secret').replaceChildren(
        h('p', { class: 'ok' }, 'Copy the key now: it is shown only this once.'),
        h('label', { for: 'created-key' }, `Key “${created.name}”`),
        h('input', { id: 'created-key', readonly: true, value: created.key }),
      );
      $('key-name').value = '';
      await load();
    } catch (err) {
      say(err.describe?.() ?? String(err), 'error');
    }
  });
  await load();
}

async function load() {
  const keys = (await api('GET', '/keys')).data;
  const rows = keys.map((k) =>
    h(
      'tr',
      { dataset: { id: k.id } },
      h('td', {}, k.name),
      h('td', {}, h('code', {}, `${k.prefix}…`)),
      h('td', {}, k.scopes.join(', ')),
      h('td', {}, k.last_used_at ?? 'never'),
      h(
        'td',
        {},
        k.revoked_at
          ? `revoked ${k.revoked_at}`
          : h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke ${k.name}`, onclick: () => revoke(k) }, 'Revoke'),
      ),
    ),
  );
  $('keys').replaceChildren(
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        {},
        h('caption', {}, 'Keys of this workspace'),
        h('thead', {}, h('tr', {}, ...['Name', 'Key', 'Scopes', 'Last used', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...rows),
      ),
    ),
  );
}

async function revoke(k) {
  if (!confirm(`Revoke “${k.name}”? Anything using it stops working at once.`)) return;
  try {
    await api('DELETE', `/keys/${k.id}`);
    say(`Revoked “${k.name}”.`, 'ok');
    await load();
  } catch (err) {
    say(err.describe?.() ?? String(err), 'error');
  }
}
