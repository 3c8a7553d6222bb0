import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, startImageServer, waitFor } from '../helpers/posts.js';
import { startReceiver } from '../webhooks/receiver.js';
import { openBrowser, ready, screenshot } from './browser.js';

/**
 * The dashboard as a person uses it, in a real Chromium: every click goes through the page's
 * scripts to the same /api/v1 a developer calls, against a real Pinion with the Pinterest sandbox.
 */
describe('the dashboard in a browser', () => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;
  let accountId: string;
  const tomorrowInParis = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + 86_400_000));

  beforeAll(async () => {
    images = await startImageServer();
    receiver = await startReceiver();
    p = await startTestPinion({ worker: true, sandbox: {}, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest({ timeoutMs: 10_000 }) } });
    browser = await openBrowser({ timezoneId: 'Europe/Paris' });
    page = browser.page;
    page.on('dialog', (d) => void d.accept());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await p?.close();
    await images?.close();
    await receiver?.close();
  });

  it('signs in with an API key, refusing a wrong one', async () => {
    await page.goto(p.url);
    await page.getByLabel('API key').fill('pin_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('unknown or revoked');
    await page.getByLabel('API key').fill(p.apiKey);
    await screenshot(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calendar' }).waitFor();
    const [cookie] = await browser.context.cookies();
    expect(cookie).toMatchObject({ name: 'pinion_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(p.apiKey);
  });

  it('connects a Pinterest account through the sandbox’s OAuth round trip and shows its boards', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await ready(page);
    await page.getByLabel('Platform').selectOption('pinterest');
    await page.getByRole('button', { name: 'Connect an account' }).click();
    await page.waitForURL(/\/sandbox\/pinterest\//);
    await page.locator('input[name="username"]').fill('shop');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/accounts\?status=connected/);
    await ready(page);
    await expect.poll(() => page.locator('#status').textContent()).toBe('Account connected.');
    await page.getByRole('heading', { name: /@shop/ }).waitFor();
    accountId = (await (await p.api('GET', '/api/v1/accounts')).json()).data[0].id;
    // Boards are made where people make them (on Pinterest; here through the API); the dashboard lists them.
    const board = await (await p.api('POST', `/api/v1/accounts/${accountId}/boards`, { body: { name: 'Products' } })).json();
    expect((await p.api('POST', `/api/v1/accounts/${accountId}/boards/${board.id}/sections`, { body: { name: 'Aprons' } })).status).toBe(201);
    await page.getByRole('button', { name: 'Boards' }).click();
    await page.getByText('Aprons').waitFor();
    expect(await page.locator('.account').textContent()).toContain('active');

    // The account's own time zone: a name the API does not know is refused with its reason, then Paris is kept.
    const zone = page.locator('.account').getByLabel('Time zone');
    await zone.fill('Europe/Parsi');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect
      .poll(() => page.locator('#status').textContent())
      .toMatch(/timezone: "Europe\/Parsi" is not an IANA time zone: use an IANA time zone name such as Europe\/Paris/);
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#zones option[value="Europe/Paris"]').count()).toBe(1);
    await zone.fill('Europe/Paris');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('@shop lives in Europe/Paris.');
    expect((await (await p.api('GET', `/api/v1/accounts/${accountId}`)).json()).timezone).toBe('Europe/Paris');
    await screenshot(page, 'accounts');
  });

  it('composes a pin with an uploaded image, board and section, previews it, and schedules it at 09:00 Paris', async () => {
    await page.getByRole('link', { name: 'Compose' }).click();
    await ready(page);
    await page.getByLabel('Text').fill('Linen apron, hand-stitched in Lyon');
    await page.getByLabel('@shop · Pinterest').check();
    const photo = await sharp({ create: { width: 1000, height: 1500, channels: 3, background: '#c49a6c' } })
      .jpeg()
      .toBuffer();
    // Dropped on the drop zone, as from a file manager.
    const files = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'apron.jpg', { type: 'image/jpeg' }));
      return dt;
    }, photo.toString('base64'));
    await page.locator('#dropzone').dispatchEvent('drop', { dataTransfer: files });
    await expect.poll(() => page.locator('#media-chosen').textContent()).toMatch(/apron\.jpg uploaded \(med_/);
    expect(await page.locator('#upload-progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(100);
    await page.getByLabel('Link', { exact: true }).fill('https://shop.example/apron');
    await page.getByLabel('Board').selectOption({ label: 'Products' });
    await page.getByLabel('Section').selectOption({ label: 'Aprons' });
    // The rest of Pinterest's options come from its options schema (GET /api/v1/platforms).
    await page.locator('#opt-pinterest-title').fill('Linen apron');
    // A time in the past is refused by the API as the person types; the field is marked.
    await page.getByLabel('Date and time').fill('2020-03-29T09:00');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await expect.poll(() => page.locator('#form-errors').textContent()).toContain('scheduled_at: is in the past');
    expect(await page.getByLabel('Date and time').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Date and time').fill('2031-03-29T09:00');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    const preview = page.locator('.preview[data-platform="pinterest"]');
    await expect.poll(() => preview.textContent()).toContain('Linen apron, hand-stitched in Lyon');
    await expect.poll(() => page.locator('#validity').textContent()).toBe('Ready: 1 delivery at 2031-03-29 09:00 Europe/Paris (2031-03-29T08:00:00Z)');
    expect(await preview.textContent()).toContain('https://shop.example/apron');
    expect(await preview.textContent()).toContain('Linen apron');
    await screenshot(page, 'compose', true);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(/\/posts\/pst_|\/posts\//);
    await expect.poll(() => page.locator('#post-status').textContent()).toBe('scheduled');
    const id = page.url().split('/').pop()!;
    const post = await getPost(p, id);
    expect(post.scheduled_at).toBe('2031-03-29T08:00:00.000Z');
    expect(post.deliveries[0]!.payload).toMatchObject({ title: 'Linen apron', link: 'https://shop.example/apron' });
  });

  it('shows the post in its week at 09:00 and reschedules it by drag across the DST change, keeping 09:00 Paris', async () => {
    const [post] = (await (await p.api('GET', '/api/v1/posts?status=scheduled')).json()).data;
    // Tall enough that the whole week's hours show: a drag does not scroll.
    await page.setViewportSize({ width: 1200, height: 1500 });
    await page.goto(`${p.url}/?view=week&date=2031-03-29`);
    await ready(page);
    const chip = page.locator(`a.post[data-id="${post.id}"]`);
    await expect.poll(() => chip.locator('.time').textContent()).toBe('09:00');
    expect(await chip.locator('.zones').textContent()).toBe('09:00 Europe/Paris');
    expect(await page.locator('#accounts-zones').textContent()).toBe('Accounts: @shop (pinterest) in Europe/Paris');
    expect(await page.locator('[data-day="2031-03-29"] [data-hour="09"]').textContent()).toContain('Linen apron');
    // Paris moves its clocks on Sunday 2031-03-30 at 02:00: 09:00 that Sunday is UTC+2. Dropped on the day's heading, it keeps its time.
    await chip.dragTo(page.locator('[data-day="2031-03-30"] h2'));
    await expect.poll(() => page.locator('#status').textContent()).toBe('Rescheduled to 2031-03-30 09:00 (Europe/Paris).');
    expect((await getPost(p, post.id)).scheduled_at).toBe('2031-03-30T07:00:00.000Z');
    expect(await page.locator('[data-day="2031-03-30"] [data-hour="09"]').textContent()).toContain('Linen apron');
    await screenshot(page, 'calendar-week-hours', true);
  });

  it('moves a post to another hour by drag and by Alt+up/down across the DST change, keeping its minutes (an hour the clocks skip moves forward)', async () => {
    const [post] = (await (await p.api('GET', '/api/v1/posts?status=scheduled')).json()).data;
    const chip = page.locator(`a.post[data-id="${post.id}"]`);
    const status = () => page.locator('#status').textContent();
    // An hour row of the week: the day and hour change, the minutes stay.
    await chip.dragTo(page.locator('[data-day="2031-03-30"] [data-hour="14"]'));
    await expect.poll(status).toBe('Rescheduled to 2031-03-30 14:00 (Europe/Paris).');
    expect((await getPost(p, post.id)).scheduled_at).toBe('2031-03-30T12:00:00.000Z');
    // 02:00 does not exist that night in Paris: the API moves it to the first time that does, 03:00.
    await chip.dragTo(page.locator('[data-day="2031-03-30"] [data-hour="02"]'));
    await expect.poll(status).toBe('Rescheduled to 2031-03-30 03:00 (Europe/Paris).');
    expect((await getPost(p, post.id)).scheduled_at).toBe('2031-03-30T01:00:00.000Z');
    await chip.waitFor();
    expect(await page.locator('[data-day="2031-03-30"] [data-hour="03"]').textContent()).toContain('Linen apron');
    // Without a mouse: an hour earlier is one real hour earlier, 01:00 before the change; and back.
    await chip.focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(status).toBe('Rescheduled to 2031-03-30 01:00 (Europe/Paris).');
    expect((await getPost(p, post.id)).scheduled_at).toBe('2031-03-30T00:00:00.000Z');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id)).toBe(post.id);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(status).toBe('Rescheduled to 2031-03-30 03:00 (Europe/Paris).');
    expect((await getPost(p, post.id)).scheduled_at).toBe('2031-03-30T01:00:00.000Z');
    await chip.dragTo(page.locator('[data-day="2031-03-30"] [data-hour="09"]'));
    await expect.poll(status).toBe('Rescheduled to 2031-03-30 09:00 (Europe/Paris).');
    expect((await getPost(p, post.id)).scheduled_at).toBe('2031-03-30T07:00:00.000Z');
    await page.setViewportSize({ width: 1200, height: 820 });
  });

  it('shows the post in the viewer’s zone beside its account’s, filters, and moves it a day by keyboard; the post view cancels it', async () => {
    const [post] = (await (await p.api('GET', '/api/v1/posts?status=scheduled')).json()).data;
    const chip = page.locator(`a.post[data-id="${post.id}"]`);
    // The viewer may look in another zone: the post's own zone stays shown beside it.
    await page.getByLabel('Time zone').fill('Asia/Tokyo');
    await page.getByLabel('Time zone').press('Enter');
    await expect.poll(() => chip.locator('.time').textContent()).toBe('16:00');
    expect(await chip.locator('.zones').textContent()).toBe('09:00 Europe/Paris');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByLabel('Time zone').press('Enter');
    await expect.poll(() => chip.locator('.time').textContent()).toBe('09:00');
    // Filters: by status, platform and account.
    await page.getByLabel('Status').selectOption('published');
    await expect.poll(() => chip.count()).toBe(0);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Platform').selectOption('pinterest');
    await page.getByLabel('Account').selectOption({ label: '@shop (pinterest, Europe/Paris)' });
    await expect.poll(() => chip.count()).toBe(1);
    await page.getByRole('button', { name: 'Month' }).click();
    await page.locator(`[data-day="2031-03-30"] a.post[data-id="${post.id}"]`).waitFor();
    await page.getByRole('button', { name: 'Week' }).click();
    await chip.waitFor();
    // Without a mouse: Alt+arrow keys move the focused post a day.
    await chip.focus();
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => page.locator('#status').textContent()).toBe('Rescheduled to 2031-03-29 09:00 (Europe/Paris).');
    expect((await getPost(p, post.id)).scheduled_at).toBe('2031-03-29T08:00:00.000Z');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id)).toBe(post.id);
    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(() => page.locator('#status').textContent()).toBe('Rescheduled to 2031-03-30 09:00 (Europe/Paris).');
    await screenshot(page, 'calendar');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'calendar-phone');
    await page.setViewportSize({ width: 1200, height: 820 });

    // The post view cancels what has not started publishing.
    await chip.click();
    await page.waitForURL(/\/posts\//);
    await ready(page);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('#post-status').textContent()).toBe('cancelled');
    expect((await getPost(p, post.id)).status).toBe('cancelled');
  });

  it('refuses a drag while the post is publishing, with the API’s reason', async () => {
    // Pinterest answers slowly, so the post stays publishing while the person drags it.
    p.sandbox!.setFaults({ latencyMs: 9000, only: ['POST /v5/pins'] });
    const res = await p.api('POST', '/api/v1/posts', {
      body: {
        content: 'Due now',
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        platform_options: { pinterest: { board: 'Products' } },
        scheduled_at: new Date(Date.now() + 4000).toISOString(),
      },
    });
    const { id, scheduled_at: due } = await res.json();
    // Tall enough that the whole month shows: a drag does not scroll.
    await page.setViewportSize({ width: 1200, height: 1100 });
    await page.goto(`${p.url}/?view=month`);
    await ready(page);
    await page.locator(`a.post[data-id="${id}"]`).waitFor();
    await waitFor(async () => (await getPost(p, id)).status === 'publishing', 'publishing');
    try {
      await page.locator(`a.post[data-id="${id}"]`).dragTo(page.locator(`[data-day="${tomorrowInParis()}"]`));
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Not rescheduled: .*(is being published right now|publishing)/s);
      // An hour later, in the week: refused the same way.
      await page.getByRole('button', { name: 'Week' }).click();
      await page.locator(`a.post[data-id="${id}"]`).focus();
      await page.keyboard.press('Alt+ArrowDown');
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Not rescheduled: .*(is being published right now|publishing)/s);
      expect(await page.locator('#status').getAttribute('class')).toBe('error');
      expect((await getPost(p, id)).scheduled_at).toBe(due);
    } finally {
      p.sandbox!.setFaults({});
      await page.setViewportSize({ width: 1200, height: 820 });
    }
    await waitFor(async () => (await getPost(p, id)).status === 'published', 'published');
  });

  it('publishes a post composed for now, and the post view shows it published with a link', async () => {
    await page.goto(`${p.url}/compose`);
    await ready(page);
    await page.getByLabel('Text').fill('Back in stock today');
    await page.getByLabel('or media URL').fill(`${images.url}/good.jpg`);
    await page.getByLabel('@shop · Pinterest').check();
    await page.getByLabel('Board').selectOption({ label: 'Products' });
    await expect.poll(() => page.locator('#validity').textContent()).toMatch(/^Ready/);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(/\/posts\//);
    await expect.poll(() => page.locator('#post-status').textContent(), { timeout: 20_000 }).toBe('published');
    const link = page.locator('a.published-link');
    expect(await link.getAttribute('href')).toMatch(/^https?:\/\/.+/);
    expect(await page.locator('.delivery').textContent()).toContain('Attempts1');
    // When it was due, in its account's own zone.
    expect(await page.locator('.delivery .due').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d Europe\/Paris \(the account’s time\)$/);
    await screenshot(page, 'post-published');
  });

  it('shows a failure in Pinterest’s own words', async () => {
    await page.goto(`${p.url}/compose`);
    await ready(page);
    await page.getByLabel('Text').fill('A tiny picture');
    await page.getByLabel('or media URL').fill(`${images.url}/small.png`);
    await page.getByLabel('@shop · Pinterest').check();
    await page.getByLabel('Board').selectOption({ label: 'Products' });
    // Pinion only warns about a small image; the preview says so before Pinterest refuses it.
    await expect.poll(() => page.locator('#previews').textContent()).toMatch(/600×900/);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(/\/posts\//);
    await expect.poll(() => page.locator('#post-status').textContent(), { timeout: 20_000 }).toBe('failed');
    expect(await page.locator('.delivery-error').textContent()).toMatch(/^rejected: .*too small.*code 233/);
    await screenshot(page, 'post-failed');
    // Retrying sends the same post's failed delivery back to the queue (POST /posts/{id}/retry); it fails again the same way.
    const id = page.url().split('/').pop()!;
    await page.getByRole('button', { name: 'Retry the failed deliveries now' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('The failed delivery is back in the queue.');
    expect(page.url().split('/').pop()).toBe(id);
    await expect.poll(async () => (await (await p.api('GET', `/api/v1/posts/${id}`)).json()).deliveries[0].retries).toBe(1);
    await expect.poll(() => page.locator('#post-status').textContent(), { timeout: 20_000 }).toBe('failed');
    expect(await page.locator('.delivery .retries').textContent()).toMatch(/^1 time, last \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(await page.locator('.delivery-error').textContent()).toMatch(/too small/);
  });

  it('shows an account whose grant was removed as needing reconnection, and reconnects it', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await ready(page);
    // The person removes the app on Pinterest.
    const user = p.sandbox!.state.findUserByUsername('shop')!;
    for (const [token, t] of p.sandbox!.state.tokens) if (t.userId === user.id) p.sandbox!.state.tokens.delete(token);
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => page.locator('.account .badge').textContent()).toBe('needs reauth');
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await page.waitForURL(/\/sandbox\/pinterest\//);
    await page.locator('input[name="username"]').fill('shop');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/accounts\?status=connected/);
    await ready(page);
    await expect.poll(() => page.locator('.account .badge').textContent()).toBe('active');
    expect(await page.locator('.account').count()).toBe(1);
  });

  it('adds a webhook, shows its delivery log and redelivers', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await ready(page);
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => page.locator('#webhook-secret').textContent()).toMatch(/whsec_/);
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await waitFor(async () => receiver.requests.length > 0, 'the test event');
    await page.reload();
    await ready(page);
    await page.getByRole('button', { name: 'Redeliver' }).first().waitFor();
    expect(await page.locator('table').first().textContent()).toContain('succeeded');
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Redeliver' }).first().click();
    await waitFor(async () => receiver.requests.length > before, 'the redelivery');
    await screenshot(page, 'webhooks');
  });

  it('proposes the chosen account’s own zone for the time in the composer, until the person types one', async () => {
    expect((await p.api('PATCH', `/api/v1/accounts/${accountId}`, { body: { timezone: 'America/New_York' } })).status).toBe(200);
    try {
      await page.goto(`${p.url}/compose`);
      await ready(page);
      expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Paris');
      await page.getByLabel('@shop · Pinterest').check();
      expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');
      await page.getByLabel('@shop · Pinterest').uncheck();
      expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Paris');
      await page.getByLabel('Time zone').fill('Asia/Tokyo');
      await page.getByLabel('@shop · Pinterest').check();
      expect(await page.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
    } finally {
      await p.api('PATCH', `/api/v1/accounts/${accountId}`, { body: { timezone: 'Europe/Paris' } });
    }
  });

  it('creates a key shown once, revokes it, and revoking the session’s own key signs the browser out', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await ready(page);
    await page.getByLabel('Name').fill('zapier');
    await page.getByRole('button', { name: 'Create' }).click();
    const secret = await page.getByLabel('Key “zapier”').inputValue();
    expect(secret).toMatch(/^pin_/);
    expect((await p.api('GET', '/api/v1/accounts', { key: secret })).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke zapier' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Revoked “zapier”.');
    expect((await p.api('GET', '/api/v1/accounts', { key: secret })).status).toBe(401);
    await page.reload();
    await ready(page);
    expect(await page.locator('#keys').textContent()).not.toContain(secret);
    await screenshot(page, 'keys');
    // The key this browser signed in with: revoked, the session ends on its next use.
    await page.getByRole('button', { name: 'Revoke test' }).click();
    await page.waitForURL(/signin=ended/);
    await page.getByText('Your session ended').waitFor();
    await page.goto(`${p.url}/keys`);
    await page.getByLabel('API key').waitFor();
  });
});
