import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/shared/errors.js';

const KEY = 'a'.repeat(64);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('needs only an encryption key; the database defaults to embedded PGlite in ./data', () => {
    const config = loadConfig({ ENCRYPTION_KEY: KEY });
    expect(config.database).toEqual({ url: undefined, appUrl: undefined, poolMax: 10, dataDir: './data' });
    expect(config.encryptionKey).toHaveLength(32);
    expect(config.telegram).toEqual({
      apiRoot: 'https://api.telegram.org',
      masterBotToken: undefined,
      mode: 'polling',
    });
    expect(config.remnawave).toBeUndefined();
  });

  it('names every bad or missing variable at once', () => {
    const found = problems({
      DATABASE_URL: 'not a url',
      HTTP_PORT: '99999',
      OPERATOR_TELEGRAM_IDS: '12,abc',
      LOG_LEVEL: 'loud',
    });
    for (const name of [
      'ENCRYPTION_KEY',
      'DATABASE_URL',
      'HTTP_PORT',
      'OPERATOR_TELEGRAM_IDS',
      'LOG_LEVEL',
    ]) {
      expect(
        found.some((problem) => problem.startsWith(`${name}:`)),
        name,
      ).toBe(true);
    }
  });

  it('checks variables that only make sense together', () => {
    expect(problems({ ENCRYPTION_KEY: KEY, BOT_MODE: 'webhook' })).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: is required when BOT_MODE=webhook/),
    ]);
    expect(problems({ ENCRYPTION_KEY: KEY, REMNAWAVE_URL: 'https://panel.example.com' })).toEqual([
      expect.stringMatching(/REMNAWAVE_TOKEN/),
    ]);
    expect(problems({ ENCRYPTION_KEY: KEY, REMNAWAVE_EXTRA_HEADERS: '[1]' })).toEqual([
      expect.stringMatching(/^REMNAWAVE_EXTRA_HEADERS: must be a JSON object/),
    ]);
  });

  it('parses lists, trailing slashes and base64 keys', () => {
    const config = loadConfig({
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      OPERATOR_TELEGRAM_IDS: ' 1, 22 ,333',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      REMNAWAVE_URL: 'https://panel.example.com/',
      REMNAWAVE_TOKEN: 't',
      REMNAWAVE_EXTRA_HEADERS: '{"X-Api-Key":"k"}',
    });
    expect(config.operators.telegramIds).toEqual([1, 22, 333]);
    expect(config.telegram.apiRoot).toBe('http://127.0.0.1:8081');
    expect(config.remnawave).toEqual({
      url: 'https://panel.example.com',
      token: 't',
      extraHeaders: { 'X-Api-Key': 'k' },
    });
  });
});
