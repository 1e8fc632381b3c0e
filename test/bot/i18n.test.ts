import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator, LANGUAGES } from '../../src/bot/i18n.js';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('locales', () => {
  const translator = createTranslator();

  it('fa, en and ru define exactly the same keys', () => {
    const en = translator.keys('en').sort();
    expect(en.length).toBeGreaterThan(10);
    for (const language of LANGUAGES) {
      const keys = translator.keys(language).sort();
      expect({ language, missing: en.filter((k) => !keys.includes(k)) }).toEqual({ language, missing: [] });
      expect({ language, extra: keys.filter((k) => !en.includes(k)) }).toEqual({ language, extra: [] });
    }
  });

  it('every key the code uses exists', async () => {
    const used = new Set<string>();
    for (const file of await sourceFiles('src')) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-z0-9-]+)'/g)) used.add(match[1]!);
      for (const match of text.matchAll(/'(menu-[a-z-]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    const known = new Set(translator.keys('en'));
    expect([...used].filter((key) => !known.has(key))).toEqual([]);
  });

  it('formats variables without bidi isolation marks', () => {
    expect(translator.t('en', 'support-contact', { username: 'help_desk' })).toBe(
      'For help, write to @help_desk.',
    );
    expect(translator.t('fa', 'welcome', { name: 'Sara' })).toContain('Sara');
    expect(translator.t('ru', 'unknown-key')).toBe('unknown-key');
  });
});
