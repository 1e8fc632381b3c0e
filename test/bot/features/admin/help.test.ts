import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../../../sim/telegram/index.js';
import { createTranslator } from '../../../../src/bot/i18n.js';
import { DEFAULT_HELP_PAGES } from '../../../../src/modules/help/default-pages.js';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../../support/fleet.js';
import {
  callbacks,
  newCustomer,
  nextBotMessage,
  openAdminShop,
  pressForEdit,
  withButton,
} from '../../../support/shop.js';

const translator = createTranslator();
const APP_NAMES = ['v2rayNG', 'Hiddify', 'Streisand', 'V2Box', 'Happ'];
const withoutAppNames = (text: string) => APP_NAMES.reduce((rest, name) => rest.replaceAll(name, ''), text);

describe.each(BACKENDS)('help pages in the tenant admin menu on %s', (backend) => {
  let h: FleetHarness;
  let nextAdminId = 893_001;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop with one admin and one customer, both reading in `language`. */
  async function openShop(name: string, language: 'en' | 'fa' = 'en') {
    const opened = await openAdminShop(h, name, nextAdminId++, { language });
    const customer = await newCustomer(h, opened.shop, `${name} customer`);
    await opened.services.customers.setLanguage(customer.customerId, language);
    return { ...opened, customer: customer.user };
  }

  /** What the customer reads on a page: Help, then the page. */
  async function customerReads(shop: ShopUnderTest, user: SimUser, key: string, expected: string) {
    await nextBotMessage(h, shop, user, withButton('menu:help:p:faq-link:all'), () =>
      user.pressButton(shop.bot, 'menu:help'),
    );
    return pressForEdit(h, shop, user, `menu:help:p:${key}:all`, (text) => text.includes(expected));
  }

  it('writes a page in Persian, typed as one message; only that shop’s customers read it', async () => {
    const { shop, services, customer, d } = await openShop('Rahnama', 'fa');
    const other = await openShop('Digari', 'fa');
    const home = await d.open((text) => text.includes('منوی مدیریت'));
    expect(callbacks(home)).toContain('adm:help');
    const list = await d.pressTo('adm:help', (text) => text.includes('صفحه‌های راهنما'));
    expect(list.text).toContain('۱. v2rayNG (اندروید)');
    expect(withoutAppNames(list.text ?? '')).not.toMatch(/[A-Za-z0-9]/);
    expect(callbacks(list)).toEqual([
      ...DEFAULT_HELP_PAGES.map((page) => `adm:help:p:${page.key}`),
      'adm:help:new',
      'adm:home',
    ]);

    const card = await d.pressTo('adm:help:p:guide-v2rayng', (text) => text.includes('راهنمای اتصال'));
    expect(card.text).toContain('(۱ از ۸)');
    expect(card.text).toContain('فارسی: متن پیش‌فرض');
    expect(withoutAppNames(card.text ?? '')).not.toMatch(/[A-Za-z0-9]/);
    expect(callbacks(card)).toEqual([
      'adm:help:p:guide-v2rayng:e:fa',
      'adm:help:p:guide-v2rayng:e:en',
      'adm:help:p:guide-v2rayng:e:ru',
      'adm:help:p:guide-v2rayng:down',
      'adm:help:p:guide-v2rayng:hide',
      'adm:help',
      'adm:home',
    ]);

    const prompt = await d.pressTo('adm:help:p:guide-v2rayng:e:fa', (text) =>
      text.includes('یک پیام بفرستید'),
    );
    expect(prompt.text).toContain('حداکثر ۶۴ نویسه');
    expect(prompt.text).toContain('۴٬۰۰۰');
    expect(prompt.text).toContain(translator.t('fa', 'help-guide-v2rayng-body'));
    await d.type('فقط عنوان', (text) => text.includes('خط اول عنوان است و متن'));
    await d.type(`${'ب'.repeat(65)}\nمتن`, (text) => text.includes('۶۵ نویسه است؛ حداکثر ۶۴'));
    await d.type(`عنوان\n${'م'.repeat(4001)}`, (text) => text.includes('۴٬۰۰۱ نویسه است'));
    const saved = await d.type('v2rayNG ویژه\nاول برنامه را نصب کنید.\nسپس لینک را وارد کنید.', (text) =>
      text.includes('فارسی: ✏️ متن خود فروشگاه'),
    );
    expect(saved.text).toContain('v2rayNG ویژه\n\nاول برنامه را نصب کنید.\nسپس لینک را وارد کنید.');
    expect(callbacks(saved)).toContain('adm:help:p:guide-v2rayng:rm');
    expect((await services.help.getPage('guide-v2rayng'))?.texts.fa).toEqual({
      title: 'v2rayNG ویژه',
      body: 'اول برنامه را نصب کنید.\nسپس لینک را وارد کنید.',
    });

    const read = await customerReads(shop, customer, 'guide-v2rayng', 'ویژه');
    expect(read.text).toBe('v2rayNG ویژه\n\nاول برنامه را نصب کنید.\nسپس لینک را وارد کنید.');
    const theirs = await customerReads(other.shop, other.customer, 'guide-v2rayng', 'اتصال با v2rayNG');
    expect(theirs.text).not.toContain('ویژه');
  });

  it('adds a question, hides and shows it, reorders, resets a default page and deletes its own', async () => {
    const { shop, services, customer, d } = await openShop('Editor');
    await d.open();
    await d.pressTo('adm:help', (text) => text.includes('Help pages'));
    await d.pressTo('adm:help:new', (text) => text.includes('A new question: send it in English'));
    const created = await d.type('Refunds?\nWithin three days, ask support.', (text) =>
      text.includes('A page of this shop’s own.'),
    );
    const own = (await services.help.findPages()).at(-1)!;
    expect(own).toMatchObject({ isDefault: false, texts: { en: { title: 'Refunds?' } } });
    expect(created.text).toContain('❓ Question: Refunds? (9 of 9)');
    expect(created.text).toContain('Persian: no text (shows another language)');
    expect(callbacks(created)).toContain(`adm:help:p:${own.key}:up`);
    expect(callbacks(created)).toContain(`adm:help:p:${own.key}:rm`);
    await customerReads(shop, customer, own.key, 'Within three days');

    const hidden = await d.pressTo(`adm:help:p:${own.key}:hide`, (text) => text.includes('🙈 Hidden'));
    expect(callbacks(hidden)).toContain(`adm:help:p:${own.key}:show`);
    const list = await nextBotMessage(h, shop, customer, withButton('menu:help:p:faq-link:all'), () =>
      customer.pressButton(shop.bot, 'menu:help'),
    );
    expect(callbacks(list)).not.toContain(`menu:help:p:${own.key}:all`);
    await d.pressTo(`adm:help:p:${own.key}:show`, (text) => text.includes('👁 Shown'));

    await d.pressTo('adm:help', (text) => text.includes('Help pages'));
    await d.pressTo('adm:help:p:faq-link', (text) => text.includes('(6 of 9)'));
    const changed = await d.pressTo('adm:help:p:faq-link:up', (text) => text.includes('(5 of 9)'));
    const pages = await services.help.findPages();
    expect(pages.map((page) => page.key).slice(4, 6)).toEqual(['faq-link', 'guide-happ']);
    expect(changed.text).toContain('A default page, changed by this shop.');
    const ask = await d.pressTo('adm:help:p:faq-link:rm', (text) => text.includes('Bring “Where is my'));
    expect(callbacks(ask)).toEqual(['adm:help:p:faq-link:rm:yes', 'adm:help:p:faq-link']);
    await d.pressTo('adm:help:p:faq-link:rm:yes', (text) => text.includes('(6 of 9)'));
    expect((await services.help.getPage('faq-link'))?.isChanged).toBe(false);

    await d.pressTo('adm:help', (text) => text.includes('Help pages'));
    await d.pressTo(`adm:help:p:${own.key}`, (text) => text.includes('A page of this shop’s own.'));
    await d.pressTo(`adm:help:p:${own.key}:rm`, (text) => text.includes('Delete “Refunds?”'));
    const after = await d.pressTo(`adm:help:p:${own.key}:rm:yes`, (text) => text.includes('Help pages'));
    expect(callbacks(after)).not.toContain(`adm:help:p:${own.key}`);
    expect(await services.help.getPage(own.key)).toBeUndefined();
  });

  it("gives one shop's admin nothing of another shop's pages through crafted buttons", async () => {
    const a = await openShop('HelpA');
    const b = await openShop('HelpB');
    const theirs = await b.services.help.create({ texts: { en: { title: 'Secret', body: 'B only' } } });
    if (!theirs.ok) throw new Error('page');
    const key = theirs.value.key;
    await a.d.open();
    for (const data of [`adm:help:p:${key}`, `adm:help:p:${key}:e:en`, `adm:help:p:${key}:rm:yes`]) {
      const { messageId } = await a.d.forge(data);
      const shown = await h.sim.waitForMessage(
        a.shop.bot,
        a.admin,
        (m) => m.messageId === messageId && (m.text ?? '').includes('This page does not exist'),
      );
      expect(shown.text).not.toContain('Secret');
    }
    await a.d.forge(`adm:help:p:${key}:hide`);
    expect(await b.services.help.getPage(key)).toMatchObject({
      isHidden: false,
      texts: { en: { title: 'Secret' } },
    });
  });
});
