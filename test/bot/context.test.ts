import { Composer } from 'grammy';
import { describe, expect, it } from 'vitest';
import { awaitingOf, type BotContext, forgetAwaiting, readSession } from '../../src/bot/context.js';
import { answersOf, answerTo, type Section } from '../../src/bot/features/section.js';

describe('session', () => {
  it('reads what the bot stores', () => {
    const stored = {
      awaiting: { kind: 'admin-plan-new', field: 'price', draft: { name: 'Gold', periodDays: 30 } },
      confirming: {
        kind: 'admin-credit',
        customerId: 4,
        amount: 50_000,
        reason: 'gift',
        confirmMessageId: 77,
      },
    };
    const session = readSession(JSON.parse(JSON.stringify(stored)));
    expect(session).toEqual(stored);
    expect(awaitingOf(session, 'admin-plan-new')?.draft.name).toBe('Gold');
    expect(awaitingOf(session, 'receipt')).toBeUndefined();
  });

  it('reads a session that no longer fits as an empty one, never throwing', () => {
    for (const stored of [
      { awaiting: { kind: 'admin-plan-field', planId: 'seven', field: 'price' } },
      { awaiting: { kind: 'a-question-no-longer-asked' } },
      { awaiting: { kind: 'receipt', amount: 100 } },
      { confirming: { kind: 'operator-topup', botId: 3, amount: 10, messageId: 5, ref: '' } },
      { awaiting: 'adm:set:trial_days' },
      { awaiting: 42 },
    ]) {
      expect({ stored, read: readSession(stored) }).toEqual({ stored, read: {} });
    }
    expect(readSession(undefined)).toEqual({});
  });

  it('drops what no feature keeps any more', () => {
    expect(readSession({ awaiting: { kind: 'operator-token' }, admin: { planDraft: {} }, old: 1 })).toEqual({
      awaiting: { kind: 'operator-token' },
    });
  });

  it('carries a receipt, an amount or a reason over from a session stored before it was typed', () => {
    expect(
      readSession({ awaiting: 'c2c-receipt', c2c: { amount: 50_000, orderId: 0, cardId: 3, at: 1000 } }),
    ).toEqual({ awaiting: { kind: 'receipt', amount: 50_000, orderId: null, cardId: 3, at: 1000 } });
    expect(
      readSession({ awaiting: 'c2c-receipt', c2c: { amount: 50_000, orderId: 8, cardId: 3, at: 1000 } }),
    ).toEqual({ awaiting: { kind: 'receipt', amount: 50_000, orderId: 8, cardId: 3, at: 1000 } });
    expect(readSession({ awaiting: 'topup-amount', topup: { at: 5 } })).toEqual({
      awaiting: { kind: 'topup-amount', at: 5 },
    });
    const reject = { paymentId: 9, adminId: 11, at: 7, receipt: null, promptId: 12 };
    expect(readSession({ awaiting: 'c2c-reject-reason', c2cReject: reject })).toEqual({
      awaiting: { kind: 'reject-reason', ...reject },
    });
    // damaged, or a question that is asked again
    expect(readSession({ awaiting: 'c2c-receipt', c2c: { amount: 50_000 } })).toEqual({});
    expect(readSession({ awaiting: 'adm:cust:search', admin: {} })).toEqual({});
  });

  it('forgets a question only while it is still the one asked', () => {
    const session = readSession({ awaiting: { kind: 'topup-amount', at: 1 } });
    forgetAwaiting(session, 'receipt');
    expect(session.awaiting).toEqual({ kind: 'topup-amount', at: 1 });
    forgetAwaiting(session, 'topup-amount');
    expect(session.awaiting).toBeUndefined();
  });
});

describe('sections', () => {
  const section = (onText: Section['onText']): Section => ({
    button: () => ({ text: 'x', data: 'x' }),
    composer: new Composer<BotContext>(),
    ...(onText ? { onText } : {}),
  });

  it('hands an answer to the section that asked the question', async () => {
    const answered: unknown[] = [];
    const answers = answersOf([
      [section({ 'admin-setting': async (_ctx, { key }, text) => answered.push([key, text]) })],
      [section(undefined), section({ 'admin-customer-search': async () => answered.push('search') })],
    ]);
    await answerTo(answers, { kind: 'admin-setting', key: 'trial_days' })?.({} as BotContext, '5');
    expect(answered).toEqual([['trial_days', '5']]);
    expect(answerTo(answers, { kind: 'operator-token' })).toBeUndefined();
  });

  it('refuses two sections answering the same question', () => {
    const answer = async () => undefined;
    expect(() =>
      answersOf([[section({ 'admin-setting': answer })], [section({ 'admin-setting': answer })]]),
    ).toThrow(/two sections answer "admin-setting"/);
  });
});
