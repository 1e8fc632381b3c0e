import type { HelpPageKind } from '../../db/schema.js';
import type { Language } from '../../shared/language.js';
import type { HelpText } from './help-text.js';

export type { HelpPageKind };

export const HELP_PAGE_KINDS = ['guide', 'faq'] as const satisfies readonly HelpPageKind[];

/** A page every shop has until it hides or changes it: its text is in locales/<lang>/help.ftl. */
export interface DefaultHelpPage {
  readonly key: string;
  readonly kind: HelpPageKind;
}

/**
 * The default pages, in the order customers see them until a shop moves one: a connection guide per
 * app (where to get it, how to import the subscription link), then a few common questions. Their
 * texts are the locale keys `help-<key>-title` and `help-<key>-body` in every language
 * (test/modules/help/default-pages.test.ts checks each exists).
 */
export const DEFAULT_HELP_PAGES: readonly DefaultHelpPage[] = [
  { key: 'guide-v2rayng', kind: 'guide' },
  { key: 'guide-hiddify', kind: 'guide' },
  { key: 'guide-streisand', kind: 'guide' },
  { key: 'guide-v2box', kind: 'guide' },
  { key: 'guide-happ', kind: 'guide' },
  { key: 'faq-link', kind: 'faq' },
  { key: 'faq-not-connecting', kind: 'faq' },
  { key: 'faq-devices', kind: 'faq' },
];

/** The locale keys of a default page's title and text. */
export const defaultTextKeys = (key: string) => ({ title: `help-${key}-title`, body: `help-${key}-body` });

/**
 * The built-in texts, read through the delivery layer's translator (`translate(language, key)`):
 * the module names the locale keys, the bot and the API own the locale files.
 */
export const defaultTextsFrom =
  (translate: (language: Language, key: string) => string) =>
  (key: string, language: Language): HelpText => {
    const keys = defaultTextKeys(key);
    return { title: translate(language, keys.title), body: translate(language, keys.body) };
  };

/** A default page's place: 10, 20, ... in the list above, so a shop's own pages can sit between. */
export const defaultSortOrder = (index: number) => (index + 1) * 10;

const DEFAULT_INDEX = new Map(DEFAULT_HELP_PAGES.map((page, index) => [page.key, index]));

export const findDefaultPage = (key: string): DefaultHelpPage | undefined => {
  const index = DEFAULT_INDEX.get(key);
  return index === undefined ? undefined : DEFAULT_HELP_PAGES[index];
};
