import { describe, expect, it } from 'vitest';
import { CallLog } from './call-log.js';
import type { CallRecord } from './types.js';
import { telegramJson } from './util.js';

describe('telegramJson', () => {
  it('is JSON.stringify where everything is ASCII', () => {
    const value = { ok: true, result: { text: 'plain "quoted" \\ text', n: [1, 2.5, null] } };
    expect(telegramJson(value)).toBe(JSON.stringify(value));
  });

  it('escapes every code unit beyond ASCII in lowercase hex, at the start, inside and at the end', () => {
    expect(telegramJson('سلام')).toBe('"\\u0633\\u0644\\u0627\\u0645"');
    expect(telegramJson({ نام: 'a😀b', z: 'é' })).toBe(
      '{"\\u0646\\u0627\\u0645":"a\\ud83d\\ude00b","z":"\\u00e9"}',
    );
    expect(telegramJson(['x', '۱۲۳'])).toBe('["x","\\u06f1\\u06f2\\u06f3"]');
  });

  it('reads back as the value it wrote', () => {
    const value = { text: 'خرید اشتراک 🛒 — ۱۲۰٬۰۰۰ تومان', keys: [['ok', 'بازگشت']] };
    const json = telegramJson(value);
    expect(json).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('CallLog listeners', () => {
  const record = (seq: number, botId: number | undefined): CallRecord => ({
    seq,
    at: 0,
    durationMs: 0,
    botId,
    method: 'sendMessage',
    params: {},
    status: 200,
    ok: true,
    response: { ok: true, result: true },
    source: 'http',
  });

  it("wakes a listener naming a bot with that bot's calls only, and one naming none with all", () => {
    const log = new CallLog(false, 10);
    const ofOne: number[] = [];
    const ofAll: number[] = [];
    const offOne = log.onAppended(1, (call) => ofOne.push(call.seq));
    const offAll = log.onAppended(undefined, (call) => ofAll.push(call.seq));
    log.add(record(1, 1));
    log.add(record(2, 2));
    log.add(record(3, undefined));
    log.add(record(4, 1));
    expect(ofOne).toEqual([1, 4]);
    expect(ofAll).toEqual([1, 2, 3, 4]);
    offAll();
    expect(log.wanted).toBe(true);
    offOne();
    expect(log.wanted).toBe(false);
  });

  it('keeps a bot listened to while another of its listeners remains', () => {
    const log = new CallLog(false, 10);
    const heard: string[] = [];
    const offA = log.onAppended(7, () => heard.push('a'));
    log.onAppended(7, () => heard.push('b'));
    offA();
    offA();
    log.add(record(1, 7));
    expect(heard).toEqual(['b']);
    expect(log.wanted).toBe(true);
  });
});
