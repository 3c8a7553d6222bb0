import { api, h, say } from './api.js';
import { hhmm, partsIn, dayKey } from './time.js';
import { viewerZone } from './zone.js';

const id = decodeURIComponent(location.pathname.split('/').pop());
const zone = viewerZone();
const when = (iso) => {
  if (!iso) return '—';
  const p = partsIn(Date.parse(iso), zone);
  return `${dayKey(p)} ${hhmm(p)}`;
};
let timer;
const names = { accounts: new Map(), platforms: new Map(), zones: new Map() };
/** An instant in an account's own zone (UTC when it has none), e.g. "2031-03-30 09:00 Europe/Paris". */
const inZone = (iso, zone) => {
  const p = partsIn(Date.parse(iso), zone);
  return `${dayKey(p)} ${hhmm(p)} ${zone}`;
};

export async function start() {
  const [accounts, platforms] = await Promise.all([api('GET', '/accounts'), api('GET', '/platforms')]);
  for (const a of accounts.data) {
    names.accounts.set(a.id, `@${a.username}`);
    names.zones.set(a.id, a.timezone ?? 'UTC');
  }
  for (const p of platforms.data) names.platforms.set(p.id, p.name);
  await load();
}

async function load() {
  let post;
  try {
    post = await api('GET', `/posts/${encodeURIComponent(id)}`);
  } catch (err) {
    say(err.describe?.() ?? String(err), 'error');
    return;
  }
  render(post);
  clearTimeout(timer);
  // Watch it publish: look again while something is still to happen.
  const pending = post.status === 'scheduled' || post.status === 'publishing' || post.deliveries.some((d) => d.status === 'awaiting_check');
  if (pending) timer = setTimeout(load, Date.parse(post.scheduled_at) - Date.now() < 60_000 ? 1000 : 15_000);
}

function render(post) {
  const req = post.request;
  const failed = post.deliveries.filter((d) => d.status === 'failed');
  const actions = h('div', { class: 'toolbar' });
  if (post.deliveries.some((d) => d.status === 'scheduled')) actions.append(h('button', { type: 'button', onclick: () => cancel(post) }, 'Cancel'));
  if (failed.length) actions.append(h('button', { type: 'button', onclick: () => retry(post) }, 'Retry the failed deliveries now'));
  $('post').replaceChildren(
    h(
      'div',
      { class: 'card' },
      h(
        'p',
        {},
        h('span', { class: `badge status-${post.status}`, id: 'post-status' }, post.status.replace('_', ' ')),
        ` due ${when(post.scheduled_at)} (${zone})`,
        post.timezone ? ` · scheduled in ${post.timezone}` : '',
      ),
      h('p', { class: 'text' }, req.content ?? '(no text)'),
      req.link ? h('p', {}, 'Link: ', h('a', { href: req.link, rel: 'noopener noreferrer' }, req.link)) : null,
      actions,
    ),
    h('h2', {}, 'Deliveries'),
    ...post.deliveries.map((d) =>
      h(
        'article',
        { class: `card delivery status-${d.status}`, dataset: { platform: d.platform } },
        h(
          'h3',
          {},
          `${names.platforms.get(d.platform) ?? d.platform} · ${names.accounts.get(d.account_id) ?? d.account_id} `,
          h('span', { class: `badge status-${d.status}` }, d.status.replace('_', ' ')),
        ),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Account id'),
          h('dd', {}, d.account_id),
          h('dt', {}, 'Due'),
          h('dd', { class: 'due' }, inZone(d.scheduled_at, names.zones.get(d.account_id) ?? 'UTC'), h('small', {}, ' (the account’s time)')),
          h('dt', {}, 'Attempts'),
          h('dd', {}, String(d.attempts)),
          ...(d.retries
            ? [h('dt', {}, 'Retried'), h('dd', { class: 'retries' }, `${d.retries} ${d.retries === 1 ? 'time' : 'times'}, last ${when(d.retried_at)}`)]
            : []),
          h('dt', {}, 'Next attempt'),
          h('dd', {}, when(d.next_attempt_at)),
          h('dt', {}, 'Published'),
          h(
            'dd',
            {},
            d.url
              ? h(
                  'a',
                  { href: d.url, rel: 'noopener noreferrer', class: 'published-link' },
                  `${when(d.published_at)} · view on ${names.platforms.get(d.platform) ?? d.platform}`,
                )
              : when(d.published_at),
          ),
        ),
        d.status === 'awaiting_check' && d.check_until
          ? h(
              'p',
              { class: 'warning' },
              `An attempt got no answer: Pinion is looking on the platform for what it made until ${when(d.check_until)}, and publishes again only if nothing turns up.`,
            )
          : null,
        d.status === 'needs_attention'
          ? h('p', { class: 'error' }, 'Pinion could not find out whether this went out and will not try again: check the platform.')
          : null,
        d.last_error ? h('p', { class: 'error delivery-error', role: 'note' }, `${d.last_error.kind}: ${d.last_error.message}`) : null,
        d.warning ? h('p', { class: 'warning' }, d.warning) : null,
        d.duplicates?.length
          ? h(
              'div',
              {},
              h('p', {}, 'The platform also held these for this delivery:'),
              h(
                'ul',
                {},
                ...d.duplicates.map((x) =>
                  h('li', {}, h('a', { href: x.url, rel: 'noopener noreferrer' }, x.external_id), x.removed ? ' (deleted by Pinion)' : ''),
                ),
              ),
            )
          : null,
        h('details', {}, h('summary', {}, 'What the platform receives'), h('pre', {}, JSON.stringify(d.payload, null, 2))),
      ),
    ),
  );
}

const $ = (x) => document.getElementById(x);

async function cancel(post) {
  try {
    render(await api('POST', `/posts/${post.id}/cancel`));
    say('Cancelled.', 'ok');
  } catch (err) {
    say(err.describe?.() ?? String(err), 'error');
  }
}

/**
 * Sends the post's failed deliveries back to the queue, due now (POST /posts/{id}/retry): the same post, a fresh count
 * of attempts. The API refuses, saying why, a delivery that may already be on the platform.
 */
async function retry(post) {
  try {
    const { post: again, retried } = await api('POST', `/posts/${encodeURIComponent(post.id)}/retry`, {});
    say(retried.length === 1 ? 'The failed delivery is back in the queue.' : `${retried.length} failed deliveries are back in the queue.`, 'ok');
    render(again);
    // Watch it publish again.
    await load();
  } catch (err) {
    say(err.describe?.() ?? String(err), 'error');
  }
}
