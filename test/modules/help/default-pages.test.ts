import { describe, expect, it } from 'vitest';
import { createTranslator, LANGUAGES } from '../../../src/bot/i18n.js';
import { DEFAULT_HELP_PAGES, defaultTextsFrom } from '../../../src/modules/help/default-pages.js';
import {
  formatHelpPage,
  HELP_BODY_MAX,
  HELP_TITLE_MAX,
  splitTypedPage,
} from '../../../src/modules/help/help-text.js';

/** The apps' names are brands: they stay in Latin letters in every language. */
const APP_NAMES = ['v2rayNG', 'Hiddify', 'Streisand', 'V2Box', 'Happ'];
const withoutAppNames = (text: string) => APP_NAMES.reduce((rest, name) => rest.replaceAll(name, ''), text);

describe('default help pages', () => {
  const translator = createTranslator();
  const defaults = defaultTextsFrom(translator.t);

  it('cover a guide for every app the brief names, then the questions', () => {
    expect(DEFAULT_HELP_PAGES.filter((page) => page.kind === 'guide').map((page) => page.key)).toEqual([
      'guide-v2rayng',
      'guide-hiddify',
      'guide-streisand',
      'guide-v2box',
      'guide-happ',
    ]);
    expect(new Set(DEFAULT_HELP_PAGES.map((page) => page.key)).size).toBe(DEFAULT_HELP_PAGES.length);
  });

  // the pages' locale keys are built from their names, so the locales test cannot see them used
  it('have a title and a text in every language, within the limits a shop’s own text has', () => {
    const keys = new Set(translator.keys('en'));
    for (const page of DEFAULT_HELP_PAGES) {
      expect(keys.has(`help-${page.key}-title`), page.key).toBe(true);
      expect(keys.has(`help-${page.key}-body`), page.key).toBe(true);
      for (const language of LANGUAGES) {
        const text = defaults(page.key, language);
        expect(text.title, `${page.key} ${language}`).not.toContain('help-');
        expect(text.title.length).toBeLessThanOrEqual(HELP_TITLE_MAX);
        expect(text.body.length).toBeLessThanOrEqual(HELP_BODY_MAX);
        expect(text.title).not.toContain('\n');
      }
    }
  });

  it('say in every guide where to get the app and how to import the link', () => {
    const guides = DEFAULT_HELP_PAGES.filter((page) => page.kind === 'guide');
    for (const page of guides) {
      const en = defaults(page.key, 'en').body;
      expect(en, page.key).toMatch(/Google Play|App Store/);
      expect(en, page.key).toContain('My subscription');
      expect(en, page.key).toMatch(/clipboard|Add subscription/);
      expect(defaults(page.key, 'fa').body, page.key).toMatch(/گوگل‌پلی|اپ‌استور/);
      expect(defaults(page.key, 'ru').body, page.key).toMatch(/Google Play|App Store/);
    }
    expect(defaults('guide-hiddify', 'en').title).toBe('Hiddify (Android, iOS, Windows, macOS)');
  });

  it('read in Persian without English words or Latin digits, app names aside', () => {
    for (const page of DEFAULT_HELP_PAGES) {
      const text = formatHelpPage(defaults(page.key, 'fa'));
      expect(withoutAppNames(text), page.key).not.toMatch(/[A-Za-z0-9]/);
    }
    for (const key of ['help-title', 'help-guides-title', 'help-empty', 'menu-help', 'adm-help-title'])
      expect(withoutAppNames(translator.t('fa', key)), key).not.toMatch(/[A-Za-z0-9]/);
    expect(defaults('guide-v2rayng', 'fa').body).toContain('۱. دریافت برنامه');
  });
});

describe('a page typed as one message', () => {
  it('is its first line as the title and the rest as the text', () => {
    expect(splitTypedPage('  Refunds?\r\nWithin 3 days.\n\nAsk support.  ')).toEqual({
      title: 'Refunds?',
      body: 'Within 3 days.\n\nAsk support.',
    });
    expect(splitTypedPage('Only a title')).toBeUndefined();
    expect(splitTypedPage('Title\n   \n')).toBeUndefined();
  });
});
