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
  for (const a of state.accounts) $('filter-account').append(new Option(`@${a.username} (${a.platform}, ${zoneOf(a)})`, a.id));
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

/** An account's own zone; without one it lives in the workspace's, UTC (as the API reads it). */
const zoneOf = (account) => account?.timezone ?? 'UTC';

/** The post's time in each zone it belongs to: its accounts' zones, then the zone it was scheduled in. */
function ownTimes(post, at) {
  const zones = post.deliveries.map((d) => zoneOf(state.accounts.find((a) => a.id === d.account_id)));
  if (post.timezone) zones.push(post.timezone);
  return [...new Set(zones)].map((z) => `${hhmm(partsIn(at, z))} ${z}`).join(' · ');
}

function chip(post) {
  const at = Date.parse(post.scheduled_at);
  const local = hhmm(partsIn(at, state.zone));
  const own = ownTimes(post, at);
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
      'aria-label': `${local} (${own}), ${post.status}, ${where}: ${text}. Alt+left and right arrows move it a day, Alt+up and down an hour.`,
    },
    h('span', { class: 'time' }, local),
    h('span', { class: 'badge' }, post.status.replace('_', ' ')),
    h('small', { class: 'zones' }, own),
    h('span', { class: 'where' }, where),
    h('span', { class: 'text' }, text),
  );
  el.addEventListener('dragstart', (e) => {
    e.dataTransfer.setData('text/plain', post.id);
    e.dataTransfer.effectAllowed = 'move';
  });
  el.addEventListener('keydown', (e) => {
    const days = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    const hours = { ArrowUp: -1, ArrowDown: 1 }[e.key];
    if (!e.altKey || (!days && !hours)) return;
    e.preventDefault();
    // A day keeps the wall-clock time; an hour is an hour of real time (across a DST change 01:30 + 1 h is 03:30).
    if (days) reschedule(post.id, addDays(partsIn(at, state.zone), days));
    else reschedule(post.id, null, at + hours * 3600_000);
  });
  return el;
}

/** Drop targets: a day (its heading, or a month cell) keeps the time of day; an hour row of the week keeps the minutes. */
function droppable(el, target) {
  el.addEventListener('dragover', (e) => {
    e.preventDefault();
    el.classList.add('drop');
  });
  el.addEventListener('dragleave', () => el.classList.remove('drop'));
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    el.classList.remove('drop');
    const id = e.dataTransfer.getData('text/plain');
    if (id) reschedule(id, target);
  });
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
    state.view === 'week'
      ? `Week of ${fmt.format(dateOf(days[0]))} – ${fmt.format(dateOf(days[6]))}, times in ${state.zone}`
      : `${monthFmt.format(dateOf(state.anchor))}, times in ${state.zone}`;
  $('accounts-zones').textContent = state.accounts.length
    ? 'Accounts: ' + state.accounts.map((a) => `@${a.username} (${a.platform}) in ${zoneOf(a)}`).join(' · ')
    : 'No accounts connected yet: connect one on the Accounts page.';

  const week = state.view === 'week';
  const grid = h('div', { class: `grid ${state.view}`, role: 'list' });
  // The week has an hour row per hour of the viewer's day; the labels are a column of their own.
  if (week)
    grid.append(
      h(
        'div',
        { class: 'gutter', 'aria-hidden': 'true' },
        h('span'),
        ...Array.from({ length: 24 }, (_, hour) => h('span', { class: 'hour-label' }, `${String(hour).padStart(2, '0')}:00`)),
      ),
    );
  for (const d of days) {
    const key = dayKey(d);
    const outside = state.view === 'month' && d.month !== state.anchor.month;
    const posts = byDay.get(key).sort((a, b) => Date.parse(a.scheduled_at) - Date.parse(b.scheduled_at));
    const heading = h('h2', {}, fmt.format(dateOf(d)));
    const cell = h(
      'section',
      {
        class: `day${key === today ? ' today' : ''}${outside ? ' outside' : ''}`,
        role: 'listitem',
        'aria-label': fmt.format(dateOf(d)),
        dataset: { day: key },
      },
      heading,
    );
    if (week) {
      droppable(heading, d);
      for (let hour = 0; hour < 24; hour++) {
        const row = h(
          'div',
          { class: 'hour', dataset: { hour: String(hour).padStart(2, '0') } },
          ...posts.filter((p) => partsIn(Date.parse(p.scheduled_at), state.zone).hour === hour).map(chip),
        );
        droppable(row, { ...d, hour });
        cell.append(row);
      }
    } else {
      cell.append(...posts.map(chip));
      droppable(cell, d);
    }
    grid.append(cell);
  }
  $('calendar').replaceChildren(grid);
}

/**
 * Reschedules a post with a PATCH of the API: to another day (and hour) at the same wall-clock time in the
 * viewer's zone, or to an exact instant. The API refuses what it cannot do (a post being published) and says why.
 */
async function reschedule(id, target, exact) {
  const post = state.posts.find((p) => p.id === id);
  if (!post) return;
  const at = exact ?? moveTo(Date.parse(post.scheduled_at), state.zone, target);
  say('Rescheduling…');
  try {
    const updated = await api('PATCH', `/posts/${id}`, { scheduled_at: new Date(at).toISOString() });
    state.posts = state.posts.map((p) => (p.id === id ? updated : p));
    // What the API made of it (a time in a DST gap moves forward), in the viewer's zone.
    const now = partsIn(Date.parse(updated.scheduled_at), state.zone);
    say(`Rescheduled to ${dayKey(now)} ${hhmm(now)} (${state.zone}).`, 'ok');
    render();
    document.querySelector(`[data-id="${id}"]`)?.focus();
  } catch (err) {
    say(`Not rescheduled: ${err.describe?.() ?? err}`, 'error');
  }
}
