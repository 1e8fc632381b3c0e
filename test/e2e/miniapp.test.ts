import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMiniAppBuilt } from '../../scripts/miniapp-build.js';
import { MINI_APP_DIST } from '../../src/http/miniapp/static-files.js';
import { asCardPaymentId } from '../../src/modules/payments/card-to-card.js';
import { asCustomerId } from '../../src/shared/ids.js';
import {
  initDataFor,
  miniAppCustomer,
  openMiniAppShop,
  RECEIPT_PNG,
  startMiniAppHarness,
} from '../http/miniapp/support.js';
import { BACKENDS } from '../support/database.js';
import { eventually, type FleetHarness, type ShopUnderTest } from '../support/fleet.js';

/*
 * The Mini App in a real browser: Debian's chromium driven by playwright-core against the whole
 * product (bots in the Telegram simulator, the Remnawave simulator, the HTTP server). Screenshots of
 * the main screens go to test-results/miniapp/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'miniapp');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true')
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install chromium)`);
if (!hasChromium) console.warn(`skipping the Mini App browser tests: ${CHROMIUM} is not installed`);

const THEME = {
  bg_color: '#ffffff',
  text_color: '#000000',
  hint_color: '#707579',
  link_color: '#3390ec',
  button_color: '#3390ec',
  button_text_color: '#ffffff',
  secondary_bg_color: '#f4f4f5',
};

/** The Mini App's address as Telegram opens it: initData and theme in the URL fragment. */
const appUrl = (h: FleetHarness, shop: ShopUnderTest, initData: string) =>
  `${h.platform.url}/app/${shop.id}/#tgWebAppData=${encodeURIComponent(initData)}` +
  `&tgWebAppVersion=8.0&tgWebAppPlatform=android&tgWebAppThemeParams=${encodeURIComponent(JSON.stringify(THEME))}`;

describe.runIf(hasChromium).each(BACKENDS)('Mini App in chromium on %s', (backend) => {
  let h: FleetHarness;
  let browser: Browser;
  beforeAll(async () => {
    ensureMiniAppBuilt();
    mkdirSync(SHOTS, { recursive: true });
    [h, browser] = await Promise.all([
      startMiniAppHarness(backend),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** A phone-sized page (a cheap Android phone's viewport). */
  const phone = async (url: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
    await page.goto(url);
    return page;
  };
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${backend}-${name}.png`), fullPage: true });

  it('buys a plan, tops up card to card with a receipt photo, then removes a device (en)', async () => {
    const admin = h.sim.user({ firstName: 'Admin', languageCode: 'en' });
    const { shop, services } = await openMiniAppShop(h, 'Echo', { admins: [admin.id] });
    const { customerId, initData } = await miniAppCustomer(h, shop, 'Arash', 'en');
    const page = await phone(appUrl(h, shop, initData));

    await page.getByText('You have no subscription yet.').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Echo');
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    // Telegram's theme colours reach the page
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(244, 244, 245)');
    await shot(page, 'home-empty-en');

    // a purchase short of money goes on to pay what is missing
    await page.getByRole('button', { name: 'Buy', exact: true }).first().click();
    await page.getByText('Echo Monthly').click();
    await page.getByText('30 days · 50 GB · 2 devices').waitFor();
    await shot(page, 'plans-en');
    await page.getByRole('button', { name: 'Pay 120,000 Toman' }).click();
    await page.getByText('Pay 120,000 Toman for your purchase').waitFor();
    await page.getByRole('button', { name: 'Card to card' }).click();
    await page.getByText('6037 9912 3456 7893').waitFor();
    await page.getByText('Holder: Sara Ahmadi').waitFor();
    await shot(page, 'card-transfer-en');

    // the receipt photo, chosen with the phone's file picker
    const since = h.sim.mark();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: RECEIPT_PNG });
    const sent = page.getByText(/Receipt received\. Tracking number \d{10}\./);
    await sent.waitFor();
    await shot(page, 'receipt-sent-en');
    const tracking = /\d{10}/.exec((await sent.textContent()) ?? '')![0];
    const toAdmin = await h.sim.waitForCall({
      botId: shop.bot.id,
      method: 'sendPhoto',
      chatId: admin.id,
      since,
    });
    expect(String(toAdmin.params.caption)).toContain(tracking);

    // the admin approves it: the order is paid and the subscription provisioned
    const payment = await services.cardPayments.getByTrackingNumber(tracking);
    expect(payment).toMatchObject({ amount: 120_000, customerId });
    expect(
      (
        await services.cardPayments.approve(asCardPaymentId(payment!.id), {
          telegramId: admin.id,
          name: 'Admin',
        })
      ).status,
    ).toBe('approved');
    await eventually(
      async () =>
        (await services.subscriptions.listForCustomer(asCustomerId(customerId)))[0]?.status === 'active',
      'subscription active',
      10_000,
    );
    const [subscription] = await services.subscriptions.listForCustomer(asCustomerId(customerId));
    h.panel.addDevice(subscription!.panelUserId!, 'hw-phone', {
      platform: 'Android',
      deviceModel: 'Pixel 8',
    });
    h.panel.addDevice(subscription!.panelUserId!, 'hw-laptop', { platform: 'Windows', osVersion: '11' });

    await page.reload();
    await page.getByText('Subscription 1').waitFor();
    await page.getByText('Active', { exact: true }).waitFor();
    await page.getByText('0 GB of 50 GB used').waitFor();
    expect(await page.locator('input[readonly]').inputValue()).toBe(subscription!.subscriptionUrl);
    expect(await page.locator('img.qr').count()).toBe(1);
    await shot(page, 'subscription-en');

    await page.getByRole('button', { name: 'Devices' }).click();
    await page.getByText('Pixel 8').waitFor();
    await shot(page, 'devices-en');
    await page.locator('li', { hasText: 'Pixel 8' }).getByRole('button', { name: 'Remove' }).click();
    await page.getByText('Device removed.').waitFor();
    expect(await page.getByText('Pixel 8').count()).toBe(0);
    expect(h.panel.getUser(subscription!.panelUserId!)?.devices.map((d) => d.hwid)).toEqual(['hw-laptop']);
    await page.close();
  });

  it('shows a Persian customer their shop right to left, in Persian digits and Jalali dates (fa)', async () => {
    const { shop, services } = await openMiniAppShop(h, 'Foxtrot', { language: 'fa' });
    const { customerId, initData } = await miniAppCustomer(h, shop, 'Maryam', 'fa');
    await services.ledger.credit({
      customerId: asCustomerId(customerId),
      amount: 300_000,
      kind: 'admin_credit',
      externalRef: `e2e:${customerId}`,
    });
    const page = await phone(appUrl(h, shop, initData));
    await page.getByText('هنوز اشتراکی ندارید.').waitFor();
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('fa');
    expect(await page.locator('.balance').textContent()).toBe('۳۰۰٬۰۰۰ تومان');
    await shot(page, 'home-empty-fa');

    await page.getByRole('button', { name: 'خرید', exact: true }).first().click();
    await page.getByText('Foxtrot Monthly').click();
    await page.getByText('۳۰ روز · ۵۰ گیگابایت · ۲ دستگاه').waitFor();
    await shot(page, 'plans-fa');
    await page.getByRole('button', { name: 'پرداخت ۱۲۰٬۰۰۰ تومان' }).click();
    await page.getByText('پرداخت شد. اشتراک شما در حال فعال‌سازی است.').waitFor();

    await eventually(
      async () =>
        (await services.subscriptions.listForCustomer(asCustomerId(customerId)))[0]?.status === 'active',
      'subscription active',
      10_000,
    );
    const [subscription] = await services.subscriptions.listForCustomer(asCustomerId(customerId));
    await page.reload();
    await page.getByText('اشتراک ۱').waitFor();
    await page.getByText('فعال', { exact: true }).waitFor();
    const jalali = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { dateStyle: 'long' }).format(
      subscription!.expiresAt!,
    );
    await page.getByText(`انقضا: ${jalali}`).waitFor();
    expect(await page.locator('.balance').textContent()).toBe('۱۸۰٬۰۰۰ تومان');
    await shot(page, 'subscription-fa');

    await page.getByRole('button', { name: 'افزایش موجودی' }).click();
    await page.getByText('مبلغ دیگر').waitFor();
    await page.getByRole('button', { name: '۱۰۰٬۰۰۰ تومان' }).click();
    await page.getByRole('button', { name: 'کارت به کارت' }).waitFor();
    await shot(page, 'topup-fa');
    // not a single Latin letter outside the shop's and the plan's own names
    const text = ((await page.locator('main').textContent()) ?? '').replace('Foxtrot', '');
    expect(text).not.toMatch(/[A-Za-z]/);

    // help pages and a support ticket, under "more"
    await services.flags.set('help_pages', true);
    await services.flags.set('support_tickets', true);
    await page.reload();
    await page.getByRole('button', { name: 'بیشتر' }).click();
    await page.getByText('راهنما', { exact: true }).waitFor();
    await page.locator('textarea').fill('لینک من وصل نمی‌شود');
    await page.getByRole('button', { name: 'ارسال به پشتیبانی' }).click();
    await page.getByText('فرستاده شد. پاسخ در گفتگو با ربات می‌رسد.').waitFor();
    await page.getByText('در انتظار پاسخ').waitFor();
    await shot(page, 'more-fa');
    await page.close();
  });

  it('refuses forged and expired initData, and shows another shop’s customer nothing of this shop', async () => {
    const { shop } = await openMiniAppShop(h, 'Golf');
    const other = await openMiniAppShop(h, 'Hotel');
    const { user, initData } = await miniAppCustomer(h, shop, 'Kaveh', 'en');
    const refusal = 'Open this app from the shop’s bot in Telegram. The link has expired or is not valid.';
    const nothingOf = async (page: Page) => {
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).not.toContain('Golf');
      expect(text).not.toContain('Monthly');
    };

    const forged = initData.replace(/hash=([0-9a-f])/, (_, c: string) => `hash=${c === '0' ? '1' : '0'}`);
    let page = await phone(appUrl(h, shop, forged));
    await page.getByText(refusal).waitFor();
    await nothingOf(page);
    await shot(page, 'refused-forged-en');
    await page.close();

    page = await phone(appUrl(h, shop, initDataFor(shop, { id: user.id }, { ageSeconds: 2 * 24 * 3600 })));
    await page.getByText(refusal).waitFor();
    await nothingOf(page);
    await page.close();

    // Hotel's customer: their own shop's initData at Golf's address is refused...
    const stranger = await miniAppCustomer(h, other.shop, 'Leila', 'en');
    page = await phone(appUrl(h, shop, stranger.initData));
    await page.getByText(refusal).waitFor();
    await nothingOf(page);
    await page.close();
    // ...and even initData Golf's bot signed for them finds no customer of Golf
    page = await phone(appUrl(h, shop, initDataFor(shop, { id: stranger.user.id })));
    await page.getByText('Start the shop’s bot in Telegram first, then open the app again.').waitFor();
    await nothingOf(page);
    await shot(page, 'refused-stranger-en');
    await page.close();

    // while their own shop's page shows them their own shop
    page = await phone(appUrl(h, other.shop, stranger.initData));
    await page.getByText('You have no subscription yet.').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Hotel');
    await page.close();
  });
});

describe('Mini App bundle', () => {
  it('stays within the budget: 30 KB of JavaScript and CSS, gzipped', async () => {
    ensureMiniAppBuilt();
    const { gzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const assets = join(MINI_APP_DIST, 'assets');
    const files = readdirSync(assets).filter((name) => /\.(js|css)$/.test(name));
    expect(files.some((name) => name.endsWith('.js'))).toBe(true);
    const gzipped = files.reduce(
      (sum, name) => sum + gzipSync(readFileSync(join(assets, name)), { level: 9 }).length,
      0,
    );
    expect(gzipped).toBeGreaterThan(1_000);
    expect(gzipped).toBeLessThanOrEqual(30 * 1024);
  });
});
