import { Api, Composer, Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import {
  callbackData,
  callbackPrefix,
  id,
  integer,
  oneOf,
  onPress,
  optionalId,
  token,
} from '../../src/bot/callback-data.js';
import { asOrderId, asPlanId } from '../../src/shared/ids.js';

const payButton = callbackData('pay', {
  method: oneOf(['card', 'zp', 'stars']),
  amount: integer(),
  order: optionalId(asOrderId),
});

describe('callback data', () => {
  it('builds the data the bot has always sent, and reads it back typed', () => {
    expect(payButton.build({ method: 'card', amount: 50_000, order: null })).toBe('pay:card:50000:0');
    expect(payButton.build({ method: 'zp', amount: 120_000, order: asOrderId(42) })).toBe('pay:zp:120000:42');
    expect(payButton.parse('pay:card:50000:0')).toEqual({ method: 'card', amount: 50_000, order: null });
    expect(payButton.parse('pay:stars:70000:9')).toEqual({ method: 'stars', amount: 70_000, order: 9 });
    expect(callbackData('menu:home').build()).toBe('menu:home');
  });

  it('writes fixed words between the values', () => {
    const edit = callbackData('adm:plan', {
      planId: id(asPlanId),
      edit: 'e',
      field: oneOf(['name', 'price']),
    });
    expect(edit.build({ planId: asPlanId(5), field: 'price' })).toBe('adm:plan:5:e:price');
    expect(edit.parse('adm:plan:5:e:price')).toEqual({ planId: 5, field: 'price' });
    expect(edit.parse('adm:plan:5:x:price')).toBeUndefined();
    // the plain card of the same plan is another button
    expect(callbackData('adm:plan', { planId: id(asPlanId) }).parse('adm:plan:5:e:price')).toBeUndefined();
  });

  it('matches exactly what it builds, and nothing else', () => {
    for (const data of [
      'pay:cash:100:0',
      'pay:card:abc:0',
      'pay:card:100',
      'pay:card:100:0:extra',
      'xpay:card:100:0',
      'pay:card:1234567890123456:0',
      'pay:card:-5:0',
    ]) {
      expect({ data, matched: payButton.pattern.test(data), parsed: payButton.parse(data) }).toEqual({
        data,
        matched: false,
        parsed: undefined,
      });
    }
    expect(payButton.parse(undefined)).toBeUndefined();
  });

  it('reads an id of 0 as no id where none is allowed, and refuses it where one is required', () => {
    const plan = callbackData('plan', { planId: id(asPlanId) });
    // the pattern takes digits: the press goes on to the next handler rather than to a plan 0
    expect(plan.pattern.test('plan:0')).toBe(true);
    expect(plan.parse('plan:0')).toBeUndefined();
    expect(plan.parse('plan:7')).toEqual({ planId: 7 });
  });

  it('narrows a button to some of its values', () => {
    const card = payButton.with({ method: 'card' });
    expect(card.pattern.test('pay:card:100:0')).toBe(true);
    expect(card.pattern.test('pay:zp:100:0')).toBe(false);
    expect(card.parse('pay:zp:100:0')).toBeUndefined();
    expect(card.parse('pay:card:100:3')).toEqual({ method: 'card', amount: 100, order: 3 });
  });

  it('refuses to build data Telegram would refuse or the handler could not read', () => {
    const choice = callbackData('adm:set', {
      key: token(/[a-z_]{1,40}/),
      v: 'v',
      choice: token(/[A-Za-z0-9_]{1,20}/),
    });
    expect(choice.build({ key: 'trial_days', choice: 'WEEK' })).toBe('adm:set:trial_days:v:WEEK');
    // more than 64 bytes
    const long = { key: 'a'.repeat(40), choice: 'B'.repeat(20) };
    expect(choice.fits(long)).toBe(false);
    expect(() => choice.build(long)).toThrow(/does not fit/);
    // a value its part does not take (a colon would shift every part after it)
    expect(choice.fits({ key: 'trial_days', choice: 'a:b' })).toBe(false);
    expect(() => choice.build({ key: 'Trial', choice: 'x' })).toThrow(/does not fit/);
    expect(() => payButton.build({ method: 'card', amount: 1.5, order: null })).toThrow(/does not fit/);
    expect(() => token(/a:b/)).toThrow(/may not contain ':'/);
    // multi-byte text counts in bytes
    const text = callbackData('t', { text: token(/.{1,40}/) });
    expect(text.fits({ text: 'ب'.repeat(30) })).toBe(true);
    expect(text.fits({ text: 'ب'.repeat(32) })).toBe(false);
  });

  it('matches every button of a prefix, and only those', () => {
    const admin = callbackPrefix('adm');
    expect(admin.has('adm:home')).toBe(true);
    expect(admin.has('adm:plan:5:e:price')).toBe(true);
    expect(admin.has('admin')).toBe(false);
    expect(admin.has('menu:adm:home')).toBe(false);
  });

  it('hands a press and its values to the handler, and anything else on', async () => {
    const press = async (data: string) => {
      const composer = new Composer<Context>();
      const seen: unknown[] = [];
      onPress(composer, payButton.with({ method: 'card' }), (_ctx, values) => {
        seen.push(values);
      });
      const ctx = new Context(
        {
          update_id: 1,
          callback_query: {
            id: '1',
            from: { id: 7, is_bot: false, first_name: 'Sara' },
            chat_instance: 'x',
            data,
          },
        },
        new Api('0:test'),
        { id: 1, is_bot: true, first_name: 'Shop', username: 'shop_bot' } as UserFromGetMe,
      );
      let passedOn = false;
      await composer.middleware()(ctx, async () => {
        passedOn = true;
      });
      return { seen, passedOn };
    };
    expect(await press('pay:card:50000:12')).toEqual({
      seen: [{ method: 'card', amount: 50_000, order: 12 }],
      passedOn: false,
    });
    expect(await press('pay:zp:50000:12')).toEqual({ seen: [], passedOn: true });
    expect(await press('pay:card:50000:1234567890123456')).toEqual({ seen: [], passedOn: true });
  });
});
