import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { createTranslator } from '../../../src/bot/i18n.js';
import { helpPages, helpPageTexts } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { DEFAULT_HELP_PAGES, defaultTextsFrom } from '../../../src/modules/help/default-pages.js';
import { HELP_OWN_PAGES_MAX, type HelpPage, pageText } from '../../../src/modules/help/help-service.js';
import type { Language } from '../../../src/shared/language.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { expectErr, expectOk } from '../helpers.js';

const defaults = defaultTextsFrom(createTranslator().t);
const DEFAULT_KEYS = DEFAULT_HELP_PAGES.map((page) => page.key);
const refunds = { title: 'Refunds?', body: 'Within three days, ask support.' };

describe.each(BACKENDS)('help pages on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const freshShop = async (): Promise<TenantServices> =>
    t.app.forTenant((await createTenant(t.app)).tenant.id);
  const keys = (pages: readonly HelpPage[]) => pages.map((page) => page.key);
  /** What a reader of `language` sees of a page, in a shop whose language is Persian. */
  const read = (page: HelpPage, language: Language) => pageText(page, language, 'fa', defaults);
  const storedRows = (shop: TenantServices) =>
    inTenant(t.database.handle.db, shop.botId, async (tx) => ({
      pages: await tx.select().from(helpPages),
      texts: await tx.select().from(helpPageTexts),
    }));

  it('gives a new shop every default page in each language, storing nothing', async () => {
    const shop = await freshShop();
    const pages = await shop.help.findPages();
    expect(keys(pages)).toEqual(DEFAULT_KEYS);
    expect(pages.every((page) => page.isDefault && !page.isHidden && !page.isChanged)).toBe(true);
    for (const language of ['fa', 'en', 'ru'] as const)
      expect(read(pages[1]!, language)).toEqual(defaults('guide-hiddify', language));
    expect(read(pages[1]!, 'fa').title).toBe('Hiddify (اندروید، آیفون، ویندوز، مک)');
    expect(read(pages[0]!, 'ru').body).toContain('Подключение через v2rayNG');
    expect(keys(await shop.help.findShown('guide'))).toEqual(DEFAULT_KEYS.slice(0, 5));
    expect(await storedRows(shop)).toEqual({ pages: [], texts: [] });
  });

  it("shows a shop's own text in its language only, and to that shop only", async () => {
    const a = await freshShop();
    const b = await freshShop();
    const ours = { title: 'Hiddify', body: 'متن خود فروشگاه' };
    const page = expectOk(await a.help.setText('guide-hiddify', 'fa', ours))!;
    expect(page).toMatchObject({ key: 'guide-hiddify', isChanged: true, texts: { fa: ours } });
    expect(read(page, 'fa')).toEqual(ours);
    expect(read(page, 'en')).toEqual(defaults('guide-hiddify', 'en'));

    const theirs = (await b.help.getPage('guide-hiddify'))!;
    expect(theirs.isChanged).toBe(false);
    expect(read(theirs, 'fa')).toEqual(defaults('guide-hiddify', 'fa'));
    expect((await storedRows(b)).texts).toEqual([]);

    // another shop's own page is not reachable by its key
    const own = expectOk(await a.help.create({ texts: { en: refunds } }));
    expect(await b.help.getPage(own.key)).toBeUndefined();
    expect(expectOk(await b.help.setText(own.key, 'en', ours))).toBeUndefined();
    expect(expectOk(await b.help.setHidden(own.key, true))).toBeUndefined();
    expect(await b.help.reset(own.key)).toBeUndefined();
    expect(keys(await b.help.findPages())).toEqual(DEFAULT_KEYS);
    expect((await a.help.getPage(own.key))?.texts.en).toEqual(refunds);
  });

  it.each([
    ['an empty title', { title: '  ', body: 'x' }, /title: must not be empty/],
    ['a title of two lines', { title: 'a\nb', body: 'x' }, /title: must be one line/],
    ['a title over 64 characters', { title: 'x'.repeat(65), body: 'x' }, /title: must be at most 64/],
    ['an empty text', { title: 'x', body: '\n' }, /body: must not be empty/],
    ['a text over 4000 characters', { title: 'x', body: 'y'.repeat(4001) }, /body: must be at most 4000/],
    ['a control character', { title: 'x', body: 'bell\u0007' }, /body: must not contain control/],
    ['a missing text', { title: 'x' }, /body: /],
  ])('refuses %s, storing nothing', async (_label, input, message) => {
    const shop = await freshShop();
    const refused = expectErr(await shop.help.setText('faq-link', 'en', input));
    expect(refused.code).toBe('invalid');
    expect(refused.message).toMatch(message);
    expect(expectErr(await shop.help.create({ texts: { en: input as never } })).message).toMatch(message);
    expect(await storedRows(shop)).toEqual({ pages: [], texts: [] });
  });

  it('takes the longest page that still fits one Telegram message', async () => {
    const shop = await freshShop();
    const longest = { title: 'T'.repeat(64), body: 'B'.repeat(4000) };
    const page = expectOk(await shop.help.setText('faq-devices', 'ru', longest))!;
    expect(`${page.texts.ru!.title}\n\n${page.texts.ru!.body}`.length).toBeLessThanOrEqual(4096);
  });

  it('hides, moves and resets a default page; the reset forgets everything the shop changed', async () => {
    const shop = await freshShop();
    expect(expectOk(await shop.help.setHidden('guide-streisand', true))).toMatchObject({ isHidden: true });
    expect(keys(await shop.help.findShown('guide'))).not.toContain('guide-streisand');
    expectOk(await shop.help.move('guide-happ', 'up'));
    expectOk(await shop.help.move('guide-happ', 'up'));
    expect(keys(await shop.help.findPages()).slice(0, 5)).toEqual([
      'guide-v2rayng',
      'guide-hiddify',
      'guide-happ',
      'guide-streisand',
      'guide-v2box',
    ]);
    // at the top already: nothing moves
    expectOk(await shop.help.move('guide-v2rayng', 'up'));
    expect(keys(await shop.help.findPages())[0]).toBe('guide-v2rayng');
    expectOk(await shop.help.setText('guide-happ', 'en', { title: 'Happ', body: 'Ours' }));
    // only the pages whose place or state changed were stored
    expect((await storedRows(shop)).pages.map((row) => row.defaultKey).sort()).toEqual([
      'guide-happ',
      'guide-streisand',
      'guide-v2box',
    ]);

    expect(await shop.help.reset('guide-happ')).toMatchObject({
      status: 'reset',
      page: { key: 'guide-happ', isChanged: false, texts: {} },
    });
    expect(await shop.help.reset('guide-streisand')).toMatchObject({ page: { isHidden: false } });
    await shop.help.reset('guide-v2box');
    expect(keys(await shop.help.findPages())).toEqual(DEFAULT_KEYS);
    expect(await storedRows(shop)).toEqual({ pages: [], texts: [] });
    expect(await shop.help.reset('no-such-page')).toBeUndefined();
    expect(await shop.help.reset('Not A Key!')).toBeUndefined();
  });

  it("keeps a shop's own page after the others, in its languages, and deletes it", async () => {
    const shop = await freshShop();
    const page = expectOk(await shop.help.create({ texts: { en: refunds } }));
    expect(page).toMatchObject({ kind: 'faq', isDefault: false, isHidden: false, sortOrder: 90 });
    expect(page.key).toMatch(/^own-\d+$/);
    expect(keys(await shop.help.findPages()).at(-1)).toBe(page.key);
    // a reader of another language reads it in the shop's language, else in any it has
    expect(read(page, 'ru')).toEqual(refunds);
    const fa = { title: 'بازپرداخت؟', body: 'تا سه روز.' };
    expectOk(await shop.help.setText(page.key, 'fa', fa));
    const both = (await shop.help.getPage(page.key))!;
    expect(read(both, 'ru')).toEqual(fa);
    expect(read(both, 'en')).toEqual(refunds);

    // the last text stays
    expectOk(await shop.help.removeText(page.key, 'fa'));
    expect(expectErr(await shop.help.removeText(page.key, 'en')).field).toBe('texts');
    expect(expectErr(await shop.help.update(page.key, { texts: { en: null } })).field).toBe('texts');
    const moved = expectOk(
      await shop.help.update(page.key, { texts: { ru: refunds, en: null }, sortOrder: 5, isHidden: true }),
    )!;
    expect(moved).toMatchObject({ sortOrder: 5, isHidden: true, texts: { ru: refunds } });
    expect(moved.texts.en).toBeUndefined();
    expect(keys(await shop.help.findPages())[0]).toBe(page.key);
    expect(keys(await shop.help.findShown())).not.toContain(page.key);

    expect(await shop.help.reset(page.key)).toEqual({ status: 'deleted' });
    expect(await shop.help.getPage(page.key)).toBeUndefined();
    expect(await storedRows(shop)).toEqual({ pages: [], texts: [] });
  });

  it('brings a text of a default page back to the built-in one with null', async () => {
    const shop = await freshShop();
    expectOk(await shop.help.update('faq-link', { texts: { fa: refunds, en: refunds } }));
    const back = expectOk(await shop.help.update('faq-link', { texts: { fa: null } }))!;
    expect(back.texts).toEqual({ en: refunds });
    expect(read(back, 'fa')).toEqual(defaults('faq-link', 'fa'));
    expect(expectErr(await shop.help.update('faq-link', {})).message).toContain('nothing to change');
  });

  it(`never passes ${HELP_OWN_PAGES_MAX} pages of a shop's own, even with 20 created at once`, async () => {
    const shop = await freshShop();
    for (let i = 0; i < HELP_OWN_PAGES_MAX - 5; i++)
      expectOk(await shop.help.create({ texts: { en: { title: `Q${i}`, body: 'A' } } }));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        shop.help.create({ texts: { en: { title: `R${i}`, body: 'A' } } }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(5);
    expect(results.filter((result) => !result.ok).map((result) => !result.ok && result.error.code)).toEqual(
      Array(15).fill('conflict'),
    );
    const own = (await shop.help.findPages()).filter((page) => !page.isDefault);
    expect(own).toHaveLength(HELP_OWN_PAGES_MAX);
  });

  it('stores one row for a default page changed 20 times at once, and moves without losing a page', async () => {
    const shop = await freshShop();
    const changes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? shop.help.setHidden('faq-devices', i % 4 === 0)
          : shop.help.setText('faq-devices', 'en', { title: `T${i}`, body: 'B' }),
      ),
    );
    expect(changes.every((change) => change.ok)).toBe(true);
    expect((await storedRows(shop)).pages).toHaveLength(1);
    const moves = await Promise.all(
      DEFAULT_KEYS.flatMap((key) => [shop.help.move(key, 'down'), shop.help.move(key, 'up')]),
    );
    expect(moves.every((move) => move.ok)).toBe(true);
    expect(keys(await shop.help.findPages()).sort()).toEqual([...DEFAULT_KEYS].sort());
  });
});
