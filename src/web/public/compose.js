import { api, h, upload } from './api.js';
import { dayKey, hhmm, isZone, partsIn } from './time.js';
import { viewerZone, zoneInput } from './zone.js';

const $ = (id) => document.getElementById(id);
const state = { accounts: [], platforms: [], mediaId: null, boards: new Map(), timer: null, seq: 0 };

export async function start() {
  zoneInput($('when-zone'), () => validateSoon(), { remember: false });
  // Once the person types a zone it is theirs; until then it follows the chosen accounts' own zone.
  $('when-zone').addEventListener('input', () => ($('when-zone').dataset.typed = 'true'));
  const [accounts, platforms] = await Promise.all([api('GET', '/accounts'), api('GET', '/platforms')]);
  state.accounts = accounts.data;
  state.platforms = platforms.data;
  renderAccounts();
  $('composer').addEventListener('input', validateSoon);
  $('composer').addEventListener('change', validateSoon);
  $('composer').addEventListener('submit', submit);
  wireDropzone();
}

const platformOf = (id) => state.platforms.find((p) => p.id === id);
const chosenAccounts = () => [...document.querySelectorAll('input[name="account"]:checked')].map((i) => state.accounts.find((a) => a.id === i.value));
const chosenPlatforms = () => [...new Set(chosenAccounts().map((a) => a.platform))];

function renderAccounts() {
  const box = $('account-choices');
  if (!state.accounts.length) {
    box.replaceChildren(h('p', {}, 'No accounts yet: ', h('a', { href: '/accounts' }, 'connect one'), '.'));
    return;
  }
  box.replaceChildren(
    ...state.accounts.map((a) =>
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', name: 'account', value: a.id, disabled: a.status !== 'active', onchange: accountsChanged }),
        ` @${a.username} · ${platformOf(a.platform)?.name ?? a.platform}`,
        a.status !== 'active' ? h('span', { class: 'badge status-failed' }, a.status.replace('_', ' ')) : null,
      ),
    ),
  );
}

function accountsChanged() {
  renderOptions();
  const input = $('when-zone');
  if (input.dataset.typed) return;
  // The accounts' own zone when they share one (an account without one lives in UTC), else the viewer's.
  const zones = [...new Set(chosenAccounts().map((a) => a.timezone ?? 'UTC'))];
  input.value = zones.length === 1 ? zones[0] : viewerZone();
}

/** Option fields of each chosen platform, drawn from the platform's options schema (so new platforms need no dashboard change). */
function renderOptions() {
  const box = $('platform-options');
  const keep = new Set(chosenPlatforms());
  for (const fs of [...box.children]) if (!keep.has(fs.dataset.platform)) fs.remove();
  for (const id of keep) {
    if (box.querySelector(`[data-platform="${id}"]`)) continue;
    const platform = platformOf(id);
    if (!platform) continue;
    const fs = h('fieldset', { dataset: { platform: id } }, h('legend', {}, `${platform.name} options`));
    const skip = new Set([platform.boards?.board_option, platform.boards?.section_option, ...(platform.boards?.by_name_options ?? [])]);
    if (platform.boards) fs.append(...boardPickers(platform));
    for (const [name, schema] of Object.entries(platform.options_schema.properties ?? {})) {
      if (skip.has(name)) continue;
      const field = optionField(id, name, schema);
      if (field) fs.append(field);
    }
    box.append(fs);
  }
}

function literalValues(schema) {
  if (Array.isArray(schema.enum)) return schema.enum;
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts) && alts.every((s) => 'const' in s)) return alts.map((s) => s.const);
  return null;
}

function optionField(platform, name, schema) {
  const id = `opt-${platform}-${name}`;
  const label = name.replace(/_/g, ' ');
  const help = schema.description ? h('small', { class: 'muted', id: `${id}-help` }, schema.description) : null;
  const common = { id, dataset: { platform, option: name }, 'aria-describedby': help ? `${id}-help` : undefined };
  const values = literalValues(schema);
  if (values)
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('select', common, h('option', { value: '' }, '(default)'), ...values.map((v) => h('option', { value: JSON.stringify(v) }, String(v)))),
      help,
    );
  if (schema.type === 'boolean')
    return h(
      'div',
      { class: 'field' },
      h('label', { class: 'check' }, h('input', { ...common, type: 'checkbox', dataset: { ...common.dataset, kind: 'boolean' } }), ` ${label}`),
      help,
    );
  if (schema.type === 'string')
    return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { ...common, maxlength: schema.maxLength }), help);
  if (schema.type === 'integer' || schema.type === 'number')
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', { ...common, type: 'number', dataset: { ...common.dataset, kind: 'number' } }),
      help,
    );
  return null; // Lists and objects (carousel items, thread parts): set them through the API.
}

function boardPickers(platform) {
  const board = h(
    'select',
    { id: `board-${platform.id}`, dataset: { platform: platform.id, option: platform.boards.board_option, kind: 'raw' } },
    h('option', { value: '' }, 'Loading boards…'),
  );
  const section = h(
    'select',
    { id: `section-${platform.id}`, dataset: { platform: platform.id, option: platform.boards.section_option ?? '', kind: 'raw' } },
    h('option', { value: '' }, '(no section)'),
  );
  const account = chosenAccounts().find((a) => a.platform === platform.id);
  api('GET', `/accounts/${account.id}/boards`).then(
    (list) => {
      board.replaceChildren(h('option', { value: '' }, 'Choose a board'), ...list.data.map((b) => h('option', { value: b.id }, b.name)));
    },
    (err) => board.replaceChildren(h('option', { value: '' }, `Boards unavailable: ${err.message}`)),
  );
  board.addEventListener('change', async () => {
    section.replaceChildren(h('option', { value: '' }, '(no section)'));
    if (!board.value || !platform.boards.section_option) return;
    const list = await api('GET', `/accounts/${account.id}/boards/${encodeURIComponent(board.value)}/sections`);
    section.append(...list.data.map((s) => h('option', { value: s.id }, s.name)));
  });
  const out = [h('div', { class: 'field' }, h('label', { for: board.id }, 'Board'), board)];
  if (platform.boards.section_option) out.push(h('div', { class: 'field' }, h('label', { for: section.id }, 'Section'), section));
  return out;
}

/** The request exactly as POST /api/v1/posts takes it. */
function request() {
  const body = {};
  const content = $('content').value;
  if (content.trim()) body.content = content;
  if (state.mediaId) body.media_id = state.mediaId;
  else if ($('media_url').value.trim()) body.media_url = $('media_url').value.trim();
  if ($('link').value.trim()) body.link = $('link').value.trim();
  const accounts = chosenAccounts();
  body.platforms = chosenPlatforms();
  if (accounts.length) body.accounts = accounts.map((a) => a.id);
  const options = {};
  for (const el of document.querySelectorAll('#platform-options [data-option]')) {
    if (!el.dataset.option) continue;
    let value;
    if (el.dataset.kind === 'boolean') value = el.checked ? true : undefined;
    else if (el.value === '') value = undefined;
    else if (el.dataset.kind === 'number') value = Number(el.value);
    else if (el.tagName === 'SELECT' && el.dataset.kind !== 'raw') value = JSON.parse(el.value);
    else value = el.value;
    if (value !== undefined) (options[el.dataset.platform] ??= {})[el.dataset.option] = value;
  }
  if (Object.keys(options).length) body.platform_options = options;
  if ($('when').value) {
    body.scheduled_at = $('when').value.length === 16 ? `${$('when').value}:00` : $('when').value;
    body.timezone = $('when-zone').value.trim() || viewerZone();
  }
  return body;
}

function validateSoon() {
  clearTimeout(state.timer);
  state.timer = setTimeout(validate, 300);
}

async function validate() {
  const body = request();
  if (!body.platforms.length) return;
  const seq = ++state.seq;
  try {
    const answer = await api('POST', '/posts:validate', body);
    if (seq !== state.seq) return;
    renderPreview(answer);
  } catch (err) {
    if (seq !== state.seq) return;
    $('validity').textContent = err.describe?.() ?? String(err);
    $('validity').className = 'error';
    $('previews').replaceChildren();
  }
}

const isImageUrl = (k, v) =>
  typeof v === 'string' && /^https?:\/\//.test(v) && (/(image|media|cover|thumb)/i.test(k) || /\.(png|jpe?g|gif|webp)(\?|$)/i.test(v));

/** Shows a payload as a platform will receive it: its text fields as text, image URLs as images, the rest as data. */
function payloadView(payload, path = '') {
  if (payload === null || typeof payload !== 'object') return h('span', {}, String(payload));
  const dl = h('dl', { class: 'payload' });
  for (const [k, v] of Object.entries(payload)) {
    dl.append(h('dt', {}, path + k));
    const stored = typeof v === 'string' ? /^pinion-media:(med_[A-Za-z0-9_-]+)$/.exec(v) : null;
    if (stored)
      dl.append(h('dd', {}, h('img', { src: `/api/v1/media/${stored[1]}/content`, alt: `Stored media ${stored[1]}`, loading: 'lazy' }), h('small', {}, v)));
    else if (isImageUrl(k, v)) dl.append(h('dd', {}, h('img', { src: v, alt: `Image sent as ${k}`, loading: 'lazy' }), h('small', {}, v)));
    else if (typeof v === 'string') dl.append(h('dd', { class: 'text' }, v));
    else if (v && typeof v === 'object') dl.append(h('dd', {}, payloadView(v, '')));
    else dl.append(h('dd', {}, JSON.stringify(v)));
  }
  return dl;
}

const issues = (title, list, kind) =>
  list.length ? h('div', { class: kind }, h('h4', {}, title), h('ul', {}, ...list.map((w) => h('li', {}, `${w.field}: ${w.message}`)))) : null;

function renderPreview(answer) {
  const v = $('validity');
  const zone = isZone($('when-zone').value.trim()) ? $('when-zone').value.trim() : viewerZone();
  const at = partsIn(Date.parse(answer.scheduled_at), zone);
  const count = `${answer.deliveries.length} deliver${answer.deliveries.length === 1 ? 'y' : 'ies'}`;
  v.textContent = answer.valid ? `Ready: ${count} at ${dayKey(at)} ${hhmm(at)} ${zone} (${answer.scheduled_at.replace('.000Z', 'Z')})` : 'Not ready yet:';
  v.className = answer.valid ? 'ok' : 'error';
  $('form-errors').replaceChildren(issues('Fix these', answer.errors, 'error') ?? '');
  markFields(answer.errors);
  $('previews').replaceChildren(
    ...answer.deliveries.map((d) =>
      h(
        'article',
        { class: 'preview card', dataset: { platform: d.platform } },
        h('h3', {}, `${platformOf(d.platform)?.name ?? d.platform} · @${d.account}`),
        payloadView(d.payload),
        issues('Adapted for this platform', d.adaptations, 'warning'),
        issues('Warnings', d.warnings, 'warning'),
      ),
    ),
    // Post-wide warnings not already shown under a platform.
    issues(
      'Warnings',
      answer.warnings.filter((w) => !answer.deliveries.some((d) => d.warnings.some((x) => x.field === w.field && x.message === w.message))),
      'warning',
    ) ?? '',
  );
}

const FIELD_INPUTS = { content: 'content', link: 'link', media_url: 'media_url', scheduled_at: 'when', timezone: 'when-zone' };

/** Marks the inputs the API named as bad, so assistive technology announces them with the reasons. */
function markFields(errors) {
  for (const el of document.querySelectorAll('#composer [aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const { field } of errors) {
    const [head, platform, option] = field.split('.');
    const el =
      head === 'platform_options'
        ? document.querySelector(`#platform-options [data-platform="${platform}"][data-option="${option}"]`)
        : document.getElementById(FIELD_INPUTS[head] ?? '');
    if (!el) continue;
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-errormessage', 'form-errors');
  }
}

async function submit(e) {
  e.preventDefault();
  const button = $('schedule');
  button.disabled = true;
  try {
    const post = await api('POST', '/posts', request());
    location.assign(`/posts/${post.id}`);
  } catch (err) {
    $('form-errors').replaceChildren(h('p', { class: 'error' }, err.describe?.() ?? String(err)));
    button.disabled = false;
  }
}

function wireDropzone() {
  const zone = $('dropzone');
  const file = $('file');
  const take = async (f) => {
    if (!f) return;
    const bar = $('upload-progress');
    bar.hidden = false;
    bar.value = 0;
    $('media-chosen').textContent = `Uploading ${f.name}…`;
    try {
      const media = await upload(f, (pct) => (bar.value = pct));
      bar.value = 100;
      state.mediaId = media.id;
      $('media-chosen').replaceChildren(
        h('img', { src: `/api/v1/media/${media.id}/content`, alt: `Uploaded ${f.name}`, class: 'thumb' }),
        ` ${f.name} uploaded (${media.id})`,
      );
      validateSoon();
    } catch (err) {
      $('media-chosen').textContent = `Upload failed: ${err.describe?.() ?? err}`;
    }
  };
  zone.addEventListener('click', () => file.click());
  zone.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), file.click()));
  zone.addEventListener('dragover', (e) => (e.preventDefault(), zone.classList.add('drop')));
  zone.addEventListener('dragleave', () => zone.classList.remove('drop'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('drop');
    take(e.dataTransfer.files[0]);
  });
  file.addEventListener('change', () => take(file.files[0]));
}
