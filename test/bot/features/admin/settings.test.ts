import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage } from '../../../../sim/telegram/index.js';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, startFleetHarness } from '../../../support/fleet.js';
import {
  callbacks,
  nextBotMessage,
  openTestShop,
  pressForAnswer,
  pressForEdit,
} from '../../../support/shop.js';

/** A Latin letter or an ASCII digit: a Persian admin reads neither on the settings screens. */
const LATIN = /[A-Za-z0-9]/;
const buttonTexts = (m: SimMessage) => m.buttons.flat().map((button) => button.text);
const buttonText = (m: SimMessage, data: string) =>
  m.buttons.flat().find((button) => button.callbackData === data)?.text;

describe.each(BACKENDS)('settings in Persian, through the admin menu, on %s', (backend) => {
  let h: FleetHarness;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  it('shows labels, Persian digits and amounts in Toman, and reads choices typed by their names', async () => {
    const adminId = 890_001;
    const { shop, services } = await openTestShop(h, 'Persian settings', {
      language: 'fa',
      admins: [adminId],
    });
    const admin = h.sim.user({ id: adminId, firstName: 'Sara', languageCode: 'fa' });
    const press = (data: string, predicate: (text: string) => boolean) =>
      pressForEdit(h, shop, admin, data, predicate);
    const type = (text: string, predicate: (text: string) => boolean) =>
      nextBotMessage(
        h,
        shop,
        admin,
        (m) => predicate(m.text ?? ''),
        () => admin.sendText(shop.bot, text),
      );

    await nextBotMessage(
      h,
      shop,
      admin,
      (m) => callbacks(m).includes('adm:settings'),
      () => admin.sendCommand(shop.bot, 'admin'),
    );
    await press('adm:settings', (text) => text.includes('یک گروه را انتخاب کنید'));

    // a choice: its options are buttons with their Persian names, nothing to type
    const group = await press('adm:set:g:subscriptions', (text) => text.includes('بازنشانی حجم'));
    expect(group.text).toContain('بازنشانی حجم: ماهانه (اول ماه)');
    const card = await press('adm:set:traffic_reset_strategy', (text) => text.includes('مقدار فعلی'));
    expect(card.text).toMatch(/مقدار فعلی: ماهانه \(اول ماه\) \(پیش‌فرض\)/);
    expect(card.text).not.toMatch(LATIN);
    expect(buttonTexts(card).filter((text) => LATIN.test(text))).toEqual([]);
    expect(buttonText(card, 'adm:set:traffic_reset_strategy:v:WEEK')).toBe('هفتگی');
    expect(buttonText(card, 'adm:set:traffic_reset_strategy:v:MONTH')).toBe('• ماهانه (اول ماه)');
    expect(callbacks(card)).not.toContain('adm:set:traffic_reset_strategy:edit');
    const toast = await pressForAnswer(h, shop, admin, 'adm:set:traffic_reset_strategy:v:WEEK');
    expect(toast.text).toBe('✅ ذخیره شد.');
    expect(await services.settings.get('traffic_reset_strategy')).toBe('WEEK');
    await h.sim.waitForMessage(shop.bot, admin, (m) =>
      (m.text ?? '').includes('مقدار فعلی: هفتگی (تنظیم‌شده توسط شما)'),
    );

    // a list of choices, typed by their Persian names; a name it does not know is refused in Persian
    await press('adm:set:g:subscriptions', (text) => text.includes('بازنشانی حجم: هفتگی'));
    await press('adm:settings', (text) => text.includes('یک گروه را انتخاب کنید'));
    await press('adm:set:g:basics', (text) => text.includes('زبان‌های در دسترس: فارسی، انگلیسی، روسی'));
    await press('adm:set:available_languages', (text) => text.includes('مقدار فعلی: فارسی، انگلیسی، روسی'));
    const question = await press('adm:set:available_languages:edit', (text) => text.includes('مقدار جدید'));
    expect(question.text).not.toMatch(LATIN);
    const refused = await type('آلمانی', (text) => text.includes('پذیرفته نشد'));
    expect(refused.text).not.toMatch(LATIN);
    expect(refused.text).toContain('«فارسی»، «انگلیسی»، «روسی»');
    const saved = await type('فارسی، انگلیسی', (text) => text.includes('✅ ذخیره شد.'));
    expect(saved.text).toContain('مقدار فعلی: فارسی، انگلیسی (تنظیم‌شده توسط شما)');
    expect(await services.settings.get('available_languages')).toEqual(['fa', 'en']);

    // money reads as money, typed with Persian digits
    await press('adm:set:g:basics', (text) => text.includes('زبان‌های در دسترس: فارسی، انگلیسی'));
    await press('adm:settings', (text) => text.includes('یک گروه را انتخاب کنید'));
    await press('adm:set:g:payments', (text) => text.includes('کمترین مبلغ شارژ: ۱۰٬۰۰۰ تومان'));
    await press('adm:set:topup_min', (text) =>
      text.includes('مقدار مجاز: مبلغی صحیح و بیشتر از صفر، به تومان'),
    );
    await press('adm:set:topup_min:edit', (text) => text.includes('مقدار جدید'));
    const amount = await type('۲۵۰۰۰', (text) => text.includes('✅ ذخیره شد.'));
    expect(amount.text).toContain('مقدار فعلی: ۲۵٬۰۰۰ تومان (تنظیم‌شده توسط شما)');
    expect(amount.text).not.toMatch(LATIN);
    expect(await services.settings.get('topup_min')).toBe(25_000);
  });
});
