import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/shared/errors.js';

// random, like a real key: config refuses trivial ones such as 'a'.repeat(64)
const KEY = '5be0c3a91f7d48e26ac4b0f3d9172e85c6a30f4b1d8e97c2a5f06b3e4d1c89a7';

describe('REST API configuration', () => {
  it('reads the operator token and the rate limit, 300 a minute unless told', () => {
    const defaults = loadConfig({ ENCRYPTION_KEY: KEY });
    expect(defaults.api).toEqual({ rateLimitPerMinute: 300 });
    expect(defaults.operators.apiToken).toBeUndefined();
    const set = loadConfig({
      ENCRYPTION_KEY: KEY,
      API_RATE_LIMIT_PER_MINUTE: '1200',
      OPERATOR_API_TOKEN: 'x'.repeat(40),
    });
    expect(set.api.rateLimitPerMinute).toBe(1200);
    expect(set.operators.apiToken).toBe('x'.repeat(40));
  });

  it('names a bad rate limit or a short operator token', () => {
    for (const [name, env] of [
      ['API_RATE_LIMIT_PER_MINUTE', { API_RATE_LIMIT_PER_MINUTE: '0' }],
      ['API_RATE_LIMIT_PER_MINUTE', { API_RATE_LIMIT_PER_MINUTE: 'lots' }],
      ['OPERATOR_API_TOKEN', { OPERATOR_API_TOKEN: 'short' }],
    ] as const) {
      let problems: readonly string[] = [];
      try {
        loadConfig({ ENCRYPTION_KEY: KEY, ...env });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems = error.problems;
      }
      expect(
        problems.some((problem) => problem.startsWith(`${name}:`)),
        JSON.stringify(env),
      ).toBe(true);
    }
  });
});
