import { all, api, h, say } from './api.js';
import { addDays, addMonths, dayKey, daysOf, hhmm, moveTo, parseDay, partsIn, zonedToUtc } from './time.js';
import { viewerZone, zoneInput } from './zone.js';

const state = { view: 'week', zone: viewerZone(), anchor: null, posts: [], accounts: [] };
const $ = (id) => document.getElementById(id);

export async function start() {
  state.anchor = partsIn(Date.now(), state.zone);
  const params = new URLSearchParams(location.search);
  if (params.get('view') === 'month') state.view = 'month';
  if (/^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '')) state.anchor = parseDay(params.get('date'));

  // Enter in the zone field must not submit the controls as a page load.
  $('calendar-controls').addEventListener('submit', (e) => e.preventDefault());
  zoneInput($('zone'), (zone) => {
    state.zone = zone;
    load();
  });
  for (const b of document.querySelectorAll('[data-view]')) b.addEventListener('click', () => setView(b.dataset.view));
  $('prev').addEventListener('click', () => step(-1));
  $('next').addEventListener('click', () => step(1));
  $('today').addEventListener('click', () => {
    state.anchor = partsIn(Date.now(), state.zone);
    load();
  });
  for (const id of ['filter-platform', 'filter-account', 'filter-status']) $(id).addEventListener('change', render);

  state.accounts = (await api('GET', '/accounts')).data;
  for (const p of [...new Set(state.accounts.map((a) => a.platform))]) $('filter-platform').append(new Option(p, p));
  for (const a of state.accounts) $('filter-account').append(new Option(`@${a.username} (${a.platform})`, a.id));
  setView(state.view);
}

function setView(view) {
  state.view = view;
  for (const b of document.querySelectorAll('[data-view]')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
  load();
}

function step(n) {
  state.anchor = state.view === 'week' ? addDays(state.anchor, 7 * n) : addMonths(state.anchor, n);
  load();
}

async function load() {
  const days = daysOf(state.view, state.anchor);
  const from = zonedToUtc(days[0], state.zone);
  const to = zonedToUtc(addDays(days.at(-1), 1), state.zone);
  const q = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: '200' });
  history.replaceState(null, '', `/?view=${state.view}&date=${dayKey(state.anchor)}`);
  try {
    state.posts = await all(`/posts?${q}`);
  } catch (err) {
    say(err.describe?.() ?? String(err), 'error');
    return;
  }
  render();
}

function visible(post) {
  const platform = $('filter-platform').value;
  const account = $('filter-account').value;
  const status = $('filter-status').value;
  if (status && post.status !== status) return false;
  return post.deliveries.some((d) => (!platform || d.platform === platform) && (!account || d.account_id === account));
}

function accountName(id) {
  const a = state.accounts.find((x) => x.id === id);
  return a ? `@${a.username}` : id;
}

function chip(post) {
  const at = Date.parse(post.scheduled_at);
  const local = hhmm(partsIn(at, state.zone));
  const own = post.timezone && post.timezone !== state.zone ? ` (${hhmm(partsIn(at, post.timezone))} ${post.timezone})` : '';
  const where = [...new Set(post.deliveries.map((d) => `${d.platform} ${accountName(d.account_id)}`))].join(', ');
  const text = String(post.request.content ?? '').slice(0, 60) || '(no text)';
  const failure = post.deliveries.find((d) => d.last_error)?.last_error?.message;
  const el = h(
    'a',
    {
      href: `/posts/${post.id}`,
      class: `post status-${post.status}`,
      draggable: post.status === 'scheduled' ? 'true' : 'false',
      dataset: { id: post.id },
      title: failure ? `Failed: ${failure}` : undefined,
      'aria-label': `${local}${own}, ${post.status}, ${where}: ${text}. Alt+arrow keys move it a day.`,
    },
    h('span', { class: 'time' }, local, own && h('small', {}, own)),
    h('span', { class: 'badge' }, post.status.replace('_', ' ')),
    h('span', { class: 'where' }, where),
    h('span', { class: 'text' }, text),
  );
  el.addEventListener('dragstart', (e) => {
    e.dataTransfer.setData('text/plain', post.id);
    e.dataTransfer.effectAllowed = 'move';
  });
  el.addEventListener('keydown', (e) => {
    if (!e.altKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
    e.preventDefault();
    const p = partsIn(at, state.zone);
    reschedule(post.id, addDays(p, e.key === 'ArrowRight' ? 1 : -1));
  });
  return el;
}

function render() {
  const days = daysOf(state.view, state.anchor);
  const today = dayKey(partsIn(Date.now(), state.zone));
  const byDay = new Map(days.map((d) => [dayKey(d), []]));
  for (const post of state.posts.filter(visible)) byDay.get(dayKey(partsIn(Date.parse(post.scheduled_at), state.zone)))?.push(post);

  const fmt = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
  const monthFmt = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', month: 'long', year: 'numeric' });
  const dateOf = (d) => new Date(Date.UTC(d.year, d.month - 1, d.day));
  $('range').textContent =
    state.view === 'week' ? `Week of ${fmt.format(dateOf(days[0]))} – ${fmt.format(dateOf(days[6]))}, times in ${state.zone}` : `${monthFmt.format(dateOf(state.anchor))}, times in ${state.zone}`;
  const zones = new Map();
  for (const post of state.posts) for (const d of post.deliveries) if (post.timezone) zones.set(d.account_id, post.timezone);
  $('accounts-zones').textContent = state.accounts.length
    ? 'Accounts: ' + state.accounts.map((a) => `@${a.username} (${a.platform})${zones.has(a.id) ? ` schedules in ${zones.get(a.id)}` : ''}`).join(' · ')
    : 'No accounts connected yet: connect one on the Accounts page.';

  const grid = h('div', { class: `grid ${state.view}`, role: 'list' });
  for (const d of days) {
    const key = dayKey(d);
    const outside = state.view === 'month' && d.month !== state.anchor.month;
    const cell = h(
      'section',
      { class: `day${key === today ? ' today' : ''}${outside ? ' outside' : ''}`, role: 'listitem', 'aria-label': fmt.format(dateOf(d)), dataset: { day: key } },
      h('h2', {}, fmt.format(dateOf(d))),
      ...byDay.get(key).map(chip),
    );
    cell.addEventListener('dragover', (e) => {
      e.preventDefault();
      cell.classList.add('drop');
    });
    cell.addEventListener('dragleave', () => cell.classList.remove('drop'));
    cell.addEventListener('drop', (e) => {
      e.preventDefault();
      cell.classList.remove('drop');
      const id = e.dataTransfer.getData('text/plain');
      if (id) reschedule(id, d);
    });
    grid.append(cell);
  }
  $('calendar').replaceChildren(grid);
}

/** Moves a post to another day at the same wall-clock time in the viewer's zone: a PATCH of the API. */
async function reschedule(id, day) {
  const post = state.posts.find((p) => p.id === id);
  if (!post) return;
  const at = moveTo(Date.parse(post.scheduled_at), state.zone, day);
  say('Rescheduling…');
  try {
    const updated = await api('PATCH', `/posts/${id}`, { scheduled_at: new Date(at).toISOString() });
    state.posts = state.posts.map((p) => (p.id === id ? updated : p));
    say(`Rescheduled to ${dayKey(day)} ${hhmm(partsIn(at, state.zone))} (${state.zone}).`, 'ok');
    render();
    document.querySelector(`[data-id="${id}"]`)?.focus();
  } catch (err) {
    say(`Not rescheduled: ${err.describe?.() ?? err}`, 'error');
  }
}
