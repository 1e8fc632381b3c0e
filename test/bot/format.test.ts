import { describe, expect, it } from 'vitest';
import { formatId } from '../../src/bot/format.js';

describe('formatId', () => {
  it('writes an id whole, in Persian digits on Persian screens and as typed elsewhere', () => {
    expect(formatId(123_456_789, 'fa')).toBe('۱۲۳۴۵۶۷۸۹');
    expect(formatId(-1_001_234_567_890, 'fa')).toBe('-۱۰۰۱۲۳۴۵۶۷۸۹۰');
    expect(formatId(123_456_789, 'en')).toBe('123456789');
    expect(formatId(-1_001_234_567_890, 'ru')).toBe('-1001234567890');
  });
});
