import { describe, expect, it } from 'vitest';
import { requestIds } from '../../src/http/server.js';

describe('request ids', () => {
  it('are req_ and 16 base64url characters, all different across refills of the random pool', () => {
    const next = requestIds();
    // 1,000 ids take the pool of 341 three times
    const ids = Array.from({ length: 1000 }, next);
    for (const id of ids) expect(id).toMatch(/^req_[\w-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never hold four groups of four digits a log scanner would take for a card number', () => {
    const next = requestIds();
    for (let i = 0; i < 20_000; i += 1) expect(next()).not.toMatch(/\d{4}[-\s]?\d{4}[-\s]?\d{4}[-\s]?\d{4}/);
  });
});
