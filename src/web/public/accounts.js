import { api, h, say } from './api.js';
import { zoneList } from './zone.js';

const $ = (id) => document.getElementById(id);
let platforms = [];

export async function start() {
  const params = new URLSearchParams(location.search);
  if (params.get('status') === 'connected') say('Account connected.', 'ok');
  if (params.get('status') === 'error') say(`Could not connect: ${params.get('error_description') ?? params.get('error')}`, 'error');
  platforms = (await api('GET', '/platforms')).data;
  $('connect-platform').append(...platforms.map((p) => new Option(p.name, p.id)));
  $('connect').addEventListener('submit', (e) => {
    e.preventDefault();
    connect($('connect-platform').value);
  });
  await load();
}

/** The OAuth round trip: the API gives the platform's authorize URL; the platform sends the person back here. */
async function connect(platform) {
  try {
    const { authorize_url } = await api('POST', '/accounts/connect', { platform, redirect_url: `${location.origin}/connected` });
    location.assign(authorize_url);
  } catch (err) {
    say(err.describe?.() ?? String(err), 'error');
  }
}

async function load() {
  const accounts = (await api('GET', '/accounts')).data;
  if (!accounts.length) {
    $('accounts').replaceChildren(h('p', {}, 'No accounts yet.'));
    return;
  }
  $('accounts').replaceChildren(...accounts.map(card));
}

function card(a) {
  const platform = platforms.find((p) => p.id === a.platform);
  const boards = h('div', { class: 'boards' });
  const actions = h('div', { class: 'toolbar' });
  if (a.status !== 'active') actions.append(h('button', { type: 'button', onclick: () => connect(a.platform) }, 'Reconnect'));
  actions.append(h('button', { type: 'button', onclick: () => check(a) }, 'Check now'));
  if (platform?.boards)
    actions.append(h('button', { type: 'button', 'aria-expanded': 'false', onclick: (e) => showBoards(a, boards, e.currentTarget) }, 'Boards'));
  if (a.status !== 'disconnected') actions.append(h('button', { type: 'button', class: 'danger', onclick: () => disconnect(a) }, 'Disconnect'));
  return h(
    'article',
    { class: 'card account', dataset: { id: a.id } },
    h('h2', {}, `@${a.username}`, ' ', h('span', { class: `badge status-${a.status}` }, a.status.replace('_', ' '))),
    h('p', { class: 'muted' }, `${platform?.name ?? a.platform}${a.display_name ? ` · ${a.display_name}` : ''}${a.account_type ? ` · ${a.account_type}` : ''}`),
    a.last_error ? h('p', { class: 'error' }, a.last_error) : null,
    a.access_expires_at ? h('p', { class: 'muted' }, `Access until ${a.access_expires_at}`) : null,
    zoneForm(a),
    actions,
    boards,
  );
}

/** The account's own time zone (the calendar shows its posts in it): set with a PATCH, refused with the API's reason. */
function zoneForm(a) {
  const id = `zone-${a.id}`;
  const input = h('input', {
    id,
    list: 'zones',
    value: a.timezone ?? '',
    placeholder: 'UTC (the workspace’s)',
    autocomplete: 'off',
    size: 24,
    'aria-describedby': `${id}-help`,
  });
  const form = h(
    'form',
    { class: 'toolbar zone-form' },
    h('label', { for: id }, 'Time zone'),
    input,
    h('button', { type: 'submit' }, 'Save time zone'),
    h('small', { id: `${id}-help` }, 'An IANA name such as Europe/Paris; empty: UTC'),
  );
  zoneList(input);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const now = await api('PATCH', `/accounts/${a.id}`, { timezone: input.value.trim() || null });
      input.value = now.timezone ?? '';
      input.removeAttribute('aria-invalid');
      say(`@${now.username} lives in ${now.timezone ?? 'UTC, the workspace’s zone'}.`, 'ok');
    } catch (err) {
      input.setAttribute('aria-invalid', 'true');
      say(err.describe?.() ?? String(err), 'error');
    }
  });
  return form;
}

async function check(a) {
  try {
    const now = await api('GET', `/accounts/${a.id}/status`);
    say(`@${now.username}: ${now.status}`, now.status === 'active' ? 'ok' : 'error');
    await load();
  } catch (err) {
    say(err.describe?.() ?? String(err), 'error');
  }
}

async function disconnect(a) {
  if (!confirm(`Disconnect @${a.username}? Its scheduled posts will fail.`)) return;
  await api('DELETE', `/accounts/${a.id}`);
  await load();
}

async function showBoards(a, box, button) {
  if (button.getAttribute('aria-expanded') === 'true') {
    button.setAttribute('aria-expanded', 'false');
    box.replaceChildren();
    return;
  }
  button.setAttribute('aria-expanded', 'true');
  const list = (await api('GET', `/accounts/${a.id}/boards`)).data;
  const items = await Promise.all(
    list.map(async (b) => {
      const sections = (await api('GET', `/accounts/${a.id}/boards/${encodeURIComponent(b.id)}/sections`)).data;
      return h(
        'li',
        {},
        `${b.name}${b.privacy ? ` (${b.privacy.toLowerCase()})` : ''}`,
        sections.length ? h('ul', {}, ...sections.map((s) => h('li', {}, s.name))) : null,
      );
    }),
  );
  box.replaceChildren(list.length ? h('ul', {}, ...items) : h('p', {}, 'No boards.'));
}
