import { Api, Bot, GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimPaymentError, startTelegramSim, type TelegramSim } from './index.js';

let sim: TelegramSim;

beforeEach(async () => {
  sim = await startTelegramSim({ preCheckoutTimeoutMs: 300 });
});

afterEach(async () => {
  await sim.close();
});

describe('Telegram Stars payments', () => {
  it('runs invoice → pre_checkout_query → successful_payment → refund through grammY', async () => {
    const info = sim.addBot();
    const bot = new Bot(info.token, { client: { apiRoot: sim.apiRoot } });
    const credited: string[] = [];
    bot.command('buy', (ctx) =>
      ctx.replyWithInvoice('Pro', '30 days of VPN', 'order:17', 'XTR', [{ label: 'Pro', amount: 150 }]),
    );
    bot.on('pre_checkout_query', (ctx) =>
      ctx.answerPreCheckoutQuery(ctx.preCheckoutQuery.invoice_payload === 'order:17'),
    );
    bot.on('message:successful_payment', async (ctx) => {
      credited.push(ctx.message.successful_payment.telegram_payment_charge_id);
      await ctx.reply(`credited ${ctx.message.successful_payment.total_amount} stars`);
    });
    const running = bot.start({ allowed_updates: ['message', 'pre_checkout_query'] });

    const user = sim.user();
    user.sendCommand(info, 'buy');
    const invoice = await sim.waitForMessage(info, user, (m) => m.invoice !== undefined);
    expect(invoice.invoice).toEqual({
      title: 'Pro',
      description: '30 days of VPN',
      currency: 'XTR',
      totalAmount: 150,
      payload: 'order:17',
    });

    const payment = await user.pay(info);
    expect(payment).toMatchObject({ currency: 'XTR', amount: 150, payload: 'order:17' });
    await sim.waitForMessage(info, user, (m) => m.text === 'credited 150 stars');
    expect(credited).toEqual([payment.chargeId]);

    const second = await user.pay(info);
    expect(second.chargeId).not.toBe(payment.chargeId);

    await bot.api.refundStarPayment(user.id, payment.chargeId);
    const twice = await bot.api
      .refundStarPayment(user.id, payment.chargeId)
      .catch((e: unknown) => e as GrammyError);
    expect(twice).toBeInstanceOf(GrammyError);
    expect((twice as GrammyError).description).toBe('Bad Request: CHARGE_ALREADY_REFUNDED');
    expect(sim.charges(info).map((c) => c.refunded)).toEqual([true, false]);

    await bot.stop();
    await running;
  });

  it('fails the payment when the bot declines or does not answer in time', async () => {
    const info = sim.addBot();
    const api = new Api(info.token, { apiRoot: sim.apiRoot });
    const user = sim.user();
    user.start(info);
    await api.sendInvoice(user.id, 'Pro', 'desc', 'order:1', 'XTR', [{ label: 'Pro', amount: 10 }]);

    const declined = user.pay(info).catch((e: unknown) => e);
    const [update] = await api.getUpdates({ offset: -1 });
    await api.answerPreCheckoutQuery(update!.pre_checkout_query!.id, false, { error_message: 'Sold out' });
    const error = await declined;
    expect(error).toBeInstanceOf(SimPaymentError);
    expect(error).toMatchObject({ reason: 'declined', errorMessage: 'Sold out' });

    const late = await user.pay(info).catch((e: unknown) => e);
    expect(late).toMatchObject({ reason: 'timeout' });
    expect(sim.charges(info)).toEqual([]);
  });

  it('validates Stars invoices', async () => {
    const info = sim.addBot();
    const api = new Api(info.token, { apiRoot: sim.apiRoot });
    const user = sim.user();
    user.start(info);
    const fail = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (e: GrammyError) => e.description,
      );
    expect(
      await fail(
        api.sendInvoice(user.id, 'T', 'D', 'p', 'XTR', [{ label: 'a', amount: 1 }], { provider_token: 'x' }),
      ),
    ).toBe('Bad Request: PAYMENT_PROVIDER_INVALID');
    expect(
      await fail(
        api.sendInvoice(user.id, 'T', 'D', 'p', 'XTR', [
          { label: 'a', amount: 1 },
          { label: 'b', amount: 2 },
        ]),
      ),
    ).toBe('Bad Request: STARS_INVOICE_INVALID');
    expect(
      await fail(api.sendInvoice(user.id, 'T', 'D', 'p'.repeat(129), 'XTR', [{ label: 'a', amount: 1 }])),
    ).toBe('Bad Request: INVOICE_PAYLOAD_INVALID');
    expect(
      await fail(api.sendInvoice(user.id, 'T', 'D', 'p'.repeat(128), 'XTR', [{ label: 'a', amount: 1 }])),
    ).toBe('ok');
  });

  it('pays an invoice link', async () => {
    const info = sim.addBot();
    const api = new Api(info.token, { apiRoot: sim.apiRoot });
    const user = sim.user();
    user.start(info);
    const link = await api.createInvoiceLink('Pro', 'desc', 'order:9', '', 'XTR', [
      { label: 'Pro', amount: 5 },
    ]);
    const paying = user.pay(info, { invoiceLink: link });
    const [update] = await api.getUpdates({ offset: -1 });
    await api.answerPreCheckoutQuery(update!.pre_checkout_query!.id, true);
    await expect(paying).resolves.toMatchObject({ payload: 'order:9', amount: 5 });
  });
});
