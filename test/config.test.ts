import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/shared/errors.js';

// random, like a real key: config refuses trivial ones
const KEY = '5be0c3a91f7d48e26ac4b0f3d9172e85c6a30f4b1d8e97c2a5f06b3e4d1c89a7';

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
    expect(config.jobConcurrency).toBe(4);
    expect(loadConfig({ ENCRYPTION_KEY: KEY, JOB_CONCURRENCY: '32' }).jobConcurrency).toBe(32);
    expect(() => loadConfig({ ENCRYPTION_KEY: KEY, JOB_CONCURRENCY: '0' })).toThrow(/JOB_CONCURRENCY/);
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

  it('refuses a webhook URL the cloud Bot API would refuse, but not for a self-hosted Bot API server', () => {
    const webhook = { ENCRYPTION_KEY: KEY, BOT_MODE: 'webhook' };
    expect(problems({ ...webhook, PUBLIC_BASE_URL: 'http://bots.example.com' })).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: is http, not https;.*BOT_MODE=webhook.*TELEGRAM_API_ROOT/),
    ]);
    expect(problems({ ...webhook, PUBLIC_BASE_URL: 'https://bots.example.com:3000' })).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: uses port 3000; .*443, 80, 88 or 8443.*TELEGRAM_API_ROOT/),
    ]);
    for (const allowed of [
      'https://bots.example.com',
      'https://bots.example.com:443',
      'https://bots.example.com:8443/fleet',
      'https://bots.example.com:88',
      'https://bots.example.com:80',
    ]) {
      expect(problems({ ...webhook, PUBLIC_BASE_URL: allowed }), allowed).toEqual([]);
    }
    // a self-hosted telegram-bot-api server delivers anywhere, as does the simulator in tests
    const selfHosted = loadConfig({
      ...webhook,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    });
    expect(selfHosted.http.publicBaseUrl).toBe('http://127.0.0.1:3000');
    // polling never registers a webhook, so the URL (used for payment callbacks) may be anything
    expect(problems({ ENCRYPTION_KEY: KEY, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' })).toEqual([]);
  });

  it('parses lists, trailing slashes and base64 keys', () => {
    const config = loadConfig({
      ENCRYPTION_KEY: Buffer.from(KEY, 'hex').toString('base64'),
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

  it('refuses a trivial ENCRYPTION_KEY, naming it', () => {
    const trivial = {
      'all zeros': '0'.repeat(64),
      'a repeated character': 'a'.repeat(64),
      'a repeated pattern': 'c0ffee'.repeat(10).concat('c0ff'),
      'a counting sequence': Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('hex'),
      'a password as base64': Buffer.from('correct horse battery staple 123').toString('base64'),
      'all sevens (the old test key)': Buffer.alloc(32, 7).toString('base64'),
    };
    for (const [what, key] of Object.entries(trivial)) {
      expect(problems({ ENCRYPTION_KEY: key }), what).toEqual([
        expect.stringMatching(/^ENCRYPTION_KEY: is not a random key: .*openssl rand -hex 32/),
      ]);
    }
    for (let i = 0; i < 20; i += 1) {
      const random = randomBytes(32);
      expect(loadConfig({ ENCRYPTION_KEY: random.toString('hex') }).encryptionKey).toEqual(random);
    }
  });

  it('refuses a variable made of whitespace instead of reading it as unset', () => {
    expect(problems({ ENCRYPTION_KEY: KEY, OPERATOR_API_TOKEN: '   ' })).toEqual([
      expect.stringMatching(/^OPERATOR_API_TOKEN: is only whitespace/),
    ]);
    expect(problems({ ENCRYPTION_KEY: KEY, DATABASE_URL: ' \t ' })).toEqual([
      expect.stringMatching(/^DATABASE_URL: is only whitespace/),
    ]);
    // empty stays "not set", as an unfilled line of .env.example is
    const config = loadConfig({ ENCRYPTION_KEY: KEY, OPERATOR_API_TOKEN: '', DATABASE_URL: '' });
    expect(config.operators.apiToken).toBeUndefined();
    expect(config.database.url).toBeUndefined();
    expect(
      loadConfig({ ENCRYPTION_KEY: KEY, OPERATOR_API_TOKEN: ` ${'t'.repeat(40)} ` }).operators.apiToken,
    ).toBe('t'.repeat(40));
  });
});
