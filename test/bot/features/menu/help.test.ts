import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../../../sim/telegram/index.js';
import { createTranslator } from '../../../../src/bot/i18n.js';
import { DEFAULT_HELP_PAGES } from '../../../../src/modules/help/default-pages.js';
import type { Language } from '../../../../src/shared/language.js';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../../support/fleet.js';
import {
  callbacks,
  enqueueForgedPress,
  newCustomer,
  nextBotMessage,
  openTestShop,
  pressForAnswer,
  pressForEdit,
  withButton,
} from '../../../support/shop.js';

const translator = createTranslator();
const APP_NAMES = ['v2rayNG', 'Hiddify', 'Streisand', 'V2Box', 'Happ'];
const withoutAppNames = (text: string) => APP_NAMES.reduce((rest, name) => rest.replaceAll(name, ''), text);
const pageData = (key: string, scope = 'all') => `menu:help:p:${key}:${scope}`;

describe.each(BACKENDS)('help pages in the main menu on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop and one of its customers, reading in `language`. */
  async function shopWithCustomer(name: string, language: Language = 'fa') {
    const { shop, services } = await openTestShop(h, name, { language: 'fa' });
    const { user, customerId } = await newCustomer(h, shop, `${name} customer`);
    await services.customers.setLanguage(customerId, language);
    return { shop, services, user };
  }

  /**
   * Main menu → Help (or the guides' button); resolves to the list of pages. The guides' own button
   * is for other screens (a subscription's card) to show, so no message here offers it: that press
   * is crafted, as Telegram would deliver it, on the chat's latest message.
   */
  const openHelp = (shop: ShopUnderTest, user: SimUser, data = 'menu:help') =>
    nextBotMessage(
      h,
      shop,
      user,
      withButton(data === 'menu:help' ? pageData('faq-link') : pageData('guide-v2rayng', 'guides')),
      () =>
        data === 'menu:help' ? user.pressButton(shop.bot, data) : enqueueForgedPress(h, shop, user, data),
    );

  /** /start; resolves to the main menu it shows. */
  const start = (shop: ShopUnderTest, user: SimUser) =>
    nextBotMessage(h, shop, user, withButton('menu:buy'), () => user.sendCommand(shop.bot, 'start'));

  it('shows the default pages in Persian, each page with a way back', async () => {
    const { shop, user } = await shopWithCustomer('Rahnama');
    const menu = await start(shop, user);
    expect(menu.buttons.flat().find((b) => b.callbackData === 'menu:help')?.text).toBe('❓ راهنما');

    const list = await openHelp(shop, user);
    expect(list.text).toBe(translator.t('fa', 'help-title'));
    expect(callbacks(list)).toEqual([...DEFAULT_HELP_PAGES.map((page) => pageData(page.key)), 'menu:home']);
    expect(list.buttons.flat()[1]?.text).toBe('📱 Hiddify (اندروید، آیفون، ویندوز، مک)');
    expect(list.buttons.flat()[5]?.text).toBe('❓ لینک اشتراک من کجاست؟');

    const page = await pressForEdit(h, shop, user, pageData('guide-hiddify'), (text) =>
      text.includes('اتصال با Hiddify'),
    );
    expect(page.text).toBe(
      `${translator.t('fa', 'help-guide-hiddify-title')}\n\n${translator.t('fa', 'help-guide-hiddify-body')}`,
    );
    expect(withoutAppNames(page.text ?? '')).not.toMatch(/[A-Za-z0-9]/);
    expect(callbacks(page)).toEqual(['menu:help:back:all', 'menu:home']);
    const back = await pressForEdit(h, shop, user, 'menu:help:back:all', (text) => text.includes('راهنما'));
    expect(callbacks(back)).toContain(pageData('guide-v2box'));
  });

  it.each([
    ['en', 'Connecting with V2Box'],
    ['ru', 'Подключение через V2Box'],
  ] as const)('shows the default pages in %s', async (language, heading) => {
    const { shop, user } = await shopWithCustomer(`Help-${language}`, language);
    const list = await openHelp(shop, user);
    expect(list.text).toBe(translator.t(language, 'help-title'));
    const page = await pressForEdit(h, shop, user, pageData('guide-v2box'), (text) => text.includes(heading));
    expect(page.text).toContain(translator.t(language, 'help-guide-v2box-body'));
  });

  it("shows a shop's own text to its customers only, and the guides alone from their own button", async () => {
    const a = await shopWithCustomer('HelpA');
    const b = await shopWithCustomer('HelpB');
    const ours = { title: 'v2rayNG ویژه', body: 'راهنمای ویژهٔ فروشگاه الف' };
    const saved = await a.services.help.setText('guide-v2rayng', 'fa', ours);
    expect(saved.ok).toBe(true);

    const listA = await openHelp(a.shop, a.user, 'menu:help:guides');
    expect(listA.text).toBe(translator.t('fa', 'help-guides-title'));
    expect(callbacks(listA)).toEqual([
      ...DEFAULT_HELP_PAGES.filter((page) => page.kind === 'guide').map((page) =>
        pageData(page.key, 'guides'),
      ),
      'menu:home',
    ]);
    expect(listA.buttons.flat()[0]?.text).toBe('📱 v2rayNG ویژه');
    const pageA = await pressForEdit(h, a.shop, a.user, pageData('guide-v2rayng', 'guides'), (text) =>
      text.includes('ویژه'),
    );
    expect(pageA.text).toBe('v2rayNG ویژه\n\nراهنمای ویژهٔ فروشگاه الف');
    expect(callbacks(pageA)[0]).toBe('menu:help:back:guides');

    await openHelp(b.shop, b.user);
    const pageB = await pressForEdit(h, b.shop, b.user, pageData('guide-v2rayng'), (text) =>
      text.includes('اتصال با v2rayNG'),
    );
    expect(pageB.text).not.toContain('ویژه');
  });

  it('hides a hidden page, and answers politely when the page or the whole feature is gone', async () => {
    const { shop, services, user } = await shopWithCustomer('HelpOff', 'en');
    const list = await openHelp(shop, user);
    expect(callbacks(list)).toContain(pageData('faq-devices'));
    await services.help.setHidden('faq-devices', true);
    const again = await openHelp(shop, user);
    expect(callbacks(again)).not.toContain(pageData('faq-devices'));
    // the old list's button
    expect(await pressForAnswer(h, shop, user, pageData('faq-devices'))).toMatchObject({
      text: 'This page is no longer available.',
      showAlert: true,
    });

    await services.flags.set('help_pages', false);
    const menu = await start(shop, user);
    expect(callbacks(menu)).not.toContain('menu:help');
    expect(await pressForAnswer(h, shop, user, 'menu:help')).toMatchObject({
      text: translator.t('en', 'feature-disabled'),
      showAlert: true,
    });
    expect(await pressForAnswer(h, shop, user, pageData('faq-link'))).toMatchObject({ showAlert: true });
  });
});
