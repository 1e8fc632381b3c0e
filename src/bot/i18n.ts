import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import type { Language } from '../shared/language.js';

export const LANGUAGES: readonly Language[] = ['fa', 'en', 'ru'];
/** The language Telegram reports for a user (`language_code`, e.g. "en-GB"), when we have it. */
export function languageFromTelegram(code: string | undefined): Language | undefined {
  const base = code?.slice(0, 2).toLowerCase();
  return LANGUAGES.find((language) => language === base);
}

export const LOCALES_DIR = fileURLToPath(new URL('../../locales/', import.meta.url));

export type TranslateArgs = Record<string, FluentVariable>;
export type Translate = (key: string, args?: TranslateArgs) => string;

export interface Translator {
  /** The message in `language`; falls back to English, then to the key itself (and logs nothing: tests catch gaps). */
  t(language: Language, key: string, args?: TranslateArgs): string;
  forLanguage(language: Language): Translate;
  keys(language: Language): string[];
}

/**
 * Fluent through @fluent/bundle directly: messages are rendered inside updates and outside them
 * (jobs, notifications), so the translator is a plain service rather than context middleware.
 */
export function createTranslator(dir = LOCALES_DIR): Translator {
  const bundles = new Map<Language, FluentBundle>();
  const keys = new Map<Language, string[]>();
  for (const language of LANGUAGES) {
    // Bidi isolation marks around placeables break Telegram usernames and links.
    const bundle = new FluentBundle(language, { useIsolating: false });
    const ids: string[] = [];
    // One file per area (core, shop, payments, admin...) so features own their texts.
    for (const file of readdirSync(join(dir, language))
      .filter((name) => name.endsWith('.ftl'))
      .sort()) {
      const resource = new FluentResource(readFileSync(join(dir, language, file), 'utf8'));
      const errors = bundle.addResource(resource);
      if (errors.length > 0)
        throw new Error(`locales/${language}/${file}: ${errors.map((e) => e.message).join('; ')}`);
      ids.push(
        ...resource.body.flatMap((entry) => ('id' in entry && !entry.id.startsWith('-') ? [entry.id] : [])),
      );
    }
    bundles.set(language, bundle);
    keys.set(language, ids);
  }
  const format = (language: Language, key: string, args?: TranslateArgs): string | undefined => {
    const bundle = bundles.get(language);
    const message = bundle?.getMessage(key);
    if (!bundle || !message?.value) return undefined;
    return bundle.formatPattern(message.value, args);
  };
  const t = (language: Language, key: string, args?: TranslateArgs) =>
    format(language, key, args) ?? format('en', key, args) ?? key;
  return {
    t,
    forLanguage: (language) => (key, args) => t(language, key, args),
    keys: (language) => [...(keys.get(language) ?? [])],
  };
}
