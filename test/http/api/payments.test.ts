import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGroup, SimMessage, SimUser } from '../../../sim/telegram/index.js';
import { startZarinpalSim, type ZarinpalSim } from '../../../sim/zarinpal/index.js';
import { jobs } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { cardPaymentView, paymentListItem } from '../../../src/http/api/payments-routes.js';
import { createZarinpalGateways } from '../../../src/integrations/zarinpal/payment-gateway.js';
import { cardPaymentDecided } from '../../../src/jobs/definitions/card-payments.js';
import {
  type CardPayment,
  cardPaymentRef,
  type ReceiptInput,
} from '../../../src/modules/payments/card-to-card.js';
import { asCardId, asCustomerId, asOrderId, type BotId, type CustomerId } from '../../../src/shared/ids.js';
import { withLuhnDigit } from '../../modules/helpers.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../support/fleet.js';
import { type ApiHarness, expectErrorBody, type Json, OPERATOR_TOKEN, startApi } from './support.js';

const MERCHANT = '2b3c4d5e-1111-4222-8333-444455556666';
const HOUR = 3_600_000;

let nextTelegramId = 8_300_000_000;
let nextCard = 603_799_300_000_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(BACKENDS)('payments API on %s', (backend) => {
  let h: ApiHarness;
  let zarinpal: ZarinpalSim;
  /** The app's clock runs `shiftMs` ahead of the wall clock (receipts expire after 48 hours). */
  let shiftMs = 0;

  beforeAll(async () => {
    zarinpal = await startZarinpalSim({ merchants: [MERCHANT] });
    h = await startApi(backend, {
      app: {
        clock: { now: () => new Date(Date.now() + shiftMs) },
        zarinpal: {
          gateways: createZarinpalGateways({
            baseUrl: zarinpal.baseUrl,
            sandboxBaseUrl: zarinpal.baseUrl,
            timeoutMs: 500,
            retries: 1,
            retryBaseMs: 5,
          }),
          callbackBaseUrl: 'https://shop.example',
          reconcileAfterMs: HOUR,
          expireAfterMs: 24 * HOUR,
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await zarinpal?.close();
  });

  /** A tenant with a Zarinpal merchant, one card, one 120,000 plan and one customer. */
  async function openShop(name = 'Shop') {
    const { id, apiToken } = await h.tenant(name);
    const updated = await h.app.platform.tenants.update(id, { zarinpalMerchantId: MERCHANT });
    if (!updated.ok) throw new Error('merchant');
    const services = h.app.forTenant(id);
    const card = await services.cards.create({
      cardNumber: withLuhnDigit(String(nextCard++)),
      holderName: `${name} holder`,
    });
    const plan = await services.plans.create({ name: `${name} month`, periodDays: 30, price: 120_000 });
    if (!card.ok || !plan.ok) throw new Error('fixture');
    const customerId = await newCustomer(id);
    return { id, apiToken, services, card: card.value, plan: plan.value, customerId };
  }

  async function newCustomer(id: BotId): Promise<CustomerId> {
    const { customer } = await h.app
      .forTenant(id)
      .customers.register({ telegramId: nextTelegramId++, firstName: 'Sara' }, 'en');
    return customer.id;
  }

  async function receipt(
    shop: Awaited<ReturnType<typeof openShop>>,
    options: { amount?: number; customerId?: CustomerId; orderId?: number; receipt?: ReceiptInput } = {},
  ): Promise<CardPayment> {
    const outcome = await shop.services.cardPayments.submit({
      customerId: options.customerId ?? shop.customerId,
      amount: options.amount ?? 100_000,
      cardId: shop.card.id,
      ...(options.orderId === undefined ? {} : { orderId: asOrderId(options.orderId) }),
      receipt: options.receipt ?? { text: 'paid from 6219...1234' },
    });
    if (outcome.status !== 'submitted') throw new Error(outcome.status);
    return outcome.payment;
  }

  const paymentsUrl = (id: BotId) => `/api/v1/bots/${id}/payments`;
  const receiptUrl = (id: BotId, paymentId: number, action = '') =>
    `/api/v1/bots/${id}/payments/card-to-card/${paymentId}${action ? `/${action}` : ''}`;

  const topUps = async (id: BotId, customerId: CustomerId) =>
    (await h.app.forTenant(id).ledger.entries(customerId)).filter((entry) => entry.kind === 'topup');

  /** The `card-payment-decided` jobs queued for a payment: what tells the customer and edits the admins' messages. */
  const decidedJobs = (id: BotId, paymentId: number) =>
    inTenant(h.t.database.handle.db, id, (tx) =>
      tx
        .select()
        .from(jobs)
        .where(
          and(
            eq(jobs.botId, id),
            eq(jobs.name, cardPaymentDecided.name),
            eq(jobs.dedupeKey, `c2c-decided:${paymentId}`),
          ),
        ),
    );

  it('lists every method newest first, filters by method, status and customer, a page at a time', async () => {
    const shop = await openShop('Lister');
    const other = await openShop('Elsewhere');
    await receipt(other);
    const second = await newCustomer(shop.id);
    const admin = { telegramId: 4242, name: 'Ali' };

    // card-to-card: approved in the bot, rejected in the bot, still pending
    const approved = await receipt(shop, { amount: 50_000 });
    await shop.services.cardPayments.approve(approved.id, admin);
    await pause(5);
    const rejected = await receipt(shop, { amount: 60_000, customerId: second });
    await shop.services.cardPayments.reject(rejected.id, admin, 'wrong amount');
    await pause(5);
    // Zarinpal: one paid through the gateway simulator, one still at the bank
    const started = await shop.services.zarinpal.start({
      customerId: shop.customerId,
      amount: 70_000,
      orderId: null,
      description: 'Top-up',
    });
    if (started.status !== 'created') throw new Error(started.status);
    zarinpal.pay(started.payment.authority!, { outcome: 'OK' });
    const callback = await shop.services.zarinpal.handleCallback({
      publicId: started.payment.publicId,
      authority: started.payment.authority!,
    });
    expect(callback.status).toBe('paid');
    await pause(5);
    const unpaid = await shop.services.zarinpal.start({
      customerId: second,
      amount: 80_000,
      orderId: null,
      description: 'Top-up',
    });
    if (unpaid.status !== 'created') throw new Error(unpaid.status);
    await pause(5);
    // Stars: one paid, one invoice never paid
    const customer = await shop.services.customers.get(shop.customerId);
    const invoice = await shop.services.stars.createInvoice({
      customerId: shop.customerId,
      amount: 90_000,
      orderId: null,
    });
    if (invoice.status !== 'created') throw new Error(invoice.status);
    const charged = await shop.services.stars.confirm({
      payload: invoice.payment.payload,
      chargeId: 'stars-charge-1',
      telegramUserId: customer!.telegramId,
    });
    expect(charged.status).toBe('credited');
    await pause(5);
    const openInvoice = await shop.services.stars.createInvoice({
      customerId: second,
      amount: 10_000,
      orderId: null,
    });
    if (openInvoice.status !== 'created') throw new Error(openInvoice.status);
    await pause(5);
    const pending = await receipt(shop, { amount: 30_000 });

    const all = await h.call('GET', paymentsUrl(shop.id), { token: shop.apiToken });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 7, nextOffset: null });
    const items = all.body.items.map((item: Json) => paymentListItem.strict().parse(item));
    expect(items.map((item: Json) => [item.method, item.id, item.status])).toEqual([
      ['card_to_card', pending.id, 'pending'],
      ['stars', openInvoice.payment.id, 'pending'],
      ['stars', invoice.payment.id, 'paid'],
      ['zarinpal', unpaid.payment.id, 'pending'],
      ['zarinpal', started.payment.id, 'paid'],
      ['card_to_card', rejected.id, 'rejected'],
      ['card_to_card', approved.id, 'approved'],
    ]);
    const item = (method: string, id: number) =>
      items.find((x: Json) => x.method === method && x.id === id) as Json;
    expect(item('card_to_card', approved.id)).toMatchObject({
      customerId: shop.customerId,
      orderId: null,
      amount: 50_000,
      currency: 'IRT',
      reference: approved.trackingNumber,
      reviewer: { via: 'telegram', telegramId: 4242, apiToken: null, name: 'Ali' },
    });
    expect(item('card_to_card', approved.id).decidedAt).not.toBeNull();
    expect(item('card_to_card', approved.id).transactionId).toEqual(expect.any(Number));
    expect(item('card_to_card', pending.id)).toMatchObject({
      decidedAt: null,
      reviewer: null,
      transactionId: null,
    });
    expect(item('zarinpal', started.payment.id)).toMatchObject({
      amount: 70_000,
      currency: 'IRT',
      reference: started.payment.authority,
      reviewer: null,
    });
    expect(item('zarinpal', started.payment.id).decidedAt).not.toBeNull();
    expect(item('zarinpal', unpaid.payment.id)).toMatchObject({ customerId: second, decidedAt: null });
    expect(item('stars', invoice.payment.id)).toMatchObject({
      amount: 90_000,
      currency: 'IRT',
      reference: 'stars-charge-1',
      reviewer: null,
    });
    expect(item('stars', openInvoice.payment.id)).toMatchObject({ reference: null, decidedAt: null });

    const query = async (search: string) => {
      const answer = await h.call('GET', `${paymentsUrl(shop.id)}?${search}`, { token: OPERATOR_TOKEN });
      expect(answer.status, search).toBe(200);
      return answer.body as { items: Json[]; total: number; nextOffset: number | null };
    };
    const keys = (page: { items: Json[] }) => page.items.map((x) => `${x.method}:${x.id}`);
    expect(keys(await query('method=zarinpal'))).toEqual([
      `zarinpal:${unpaid.payment.id}`,
      `zarinpal:${started.payment.id}`,
    ]);
    expect(keys(await query('status=paid'))).toEqual([
      `stars:${invoice.payment.id}`,
      `zarinpal:${started.payment.id}`,
    ]);
    expect(keys(await query('method=card_to_card&status=pending'))).toEqual([`card_to_card:${pending.id}`]);
    expect(keys(await query('status=rejected'))).toEqual([`card_to_card:${rejected.id}`]);
    expect(keys(await query(`customerId=${second}`))).toEqual([
      `stars:${openInvoice.payment.id}`,
      `zarinpal:${unpaid.payment.id}`,
      `card_to_card:${rejected.id}`,
    ]);
    expect(await query('status=refunded')).toEqual({ items: [], total: 0, nextOffset: null });

    // pages of 3 add up to the whole list, in the same order
    const pages = [await query('limit=3'), await query('limit=3&offset=3'), await query('limit=3&offset=6')];
    expect(pages.map((page) => [page.total, page.nextOffset])).toEqual([
      [7, 3],
      [7, 6],
      [7, null],
    ]);
    expect(pages.flatMap(keys)).toEqual(keys(all.body));
    expect((await query('offset=7')).items).toEqual([]);

    for (const bad of [
      'method=card_to_card&status=paid',
      'method=paypal',
      'status=lost',
      'limit=0',
      'extra=1',
    ]) {
      const refused = await h.call('GET', `${paymentsUrl(shop.id)}?${bad}`, { token: shop.apiToken });
      expectErrorBody(refused, 400, 'invalid_request');
    }
    const mismatch = await h.call('GET', `${paymentsUrl(shop.id)}?method=card_to_card&status=paid`, {
      token: shop.apiToken,
    });
    expect(mismatch.body.error.fields).toEqual([
      { field: 'query.status', message: expect.stringContaining('card_to_card payments are never paid') },
    ]);
    // the other shop sees its own receipt only
    const theirs = await h.call('GET', paymentsUrl(other.id), { token: other.apiToken });
    expect(theirs.body).toMatchObject({ total: 1, items: [{ method: 'card_to_card' }] });
  });

  it('shows one receipt without its Telegram file ids', async () => {
    const shop = await openShop();
    const payment = await receipt(shop, {
      receipt: {
        text: 'ref 883311',
        file: { kind: 'photo', fileId: 'AgACAgQAAxkBAAIBsecret-file-id', fileUniqueId: 'AQADsecret-unique' },
      },
    });
    const answer = await h.call('GET', receiptUrl(shop.id, payment.id), { token: shop.apiToken });
    expect(answer.status).toBe(200);
    expect(cardPaymentView.strict().parse(answer.body)).toMatchObject({
      id: payment.id,
      trackingNumber: payment.trackingNumber,
      status: 'pending',
      amount: 100_000,
      currency: 'IRT',
      customerId: shop.customerId,
      cardId: shop.card.id,
      orderId: null,
      transactionId: null,
      receipt: { type: 'both', text: 'ref 883311', file: 'photo' },
      duplicateOf: null,
      reusedElsewhere: false,
      shownToAdmins: 0,
      reviewer: null,
      rejectReason: null,
      decidedAt: null,
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/secret/);

    for (const [method, action] of [
      ['GET', ''],
      ['POST', 'approve'],
      ['POST', 'reject'],
    ] as const) {
      const missing = await h.call(method, receiptUrl(shop.id, 987_654_321, action), {
        token: shop.apiToken,
        ...(action === 'reject' ? { body: { reason: 'x' } } : {}),
      });
      expectErrorBody(missing, 404, 'not_found');
      expect(missing.body.error.message).toBe('card payment 987654321 was not found');
    }
    const badId = await h.call('GET', receiptUrl(shop.id, 0), { token: shop.apiToken });
    expectErrorBody(badId, 400, 'invalid_request');
  });

  it('approves as the bot does: credits once, completes the waiting purchase and queues the notices', async () => {
    const shop = await openShop('Buyer');
    await shop.services.ledger.credit({ customerId: shop.customerId, amount: 20_000, kind: 'admin_credit' });
    const bought = await shop.services.orders.purchasePlan({
      customerId: shop.customerId,
      planId: shop.plan.id,
    });
    if (bought.status !== 'insufficient') throw new Error(bought.status);
    const payment = await receipt(shop, { amount: 100_000, orderId: bought.order.id });

    const answer = await h.call('POST', receiptUrl(shop.id, payment.id, 'approve'), { token: shop.apiToken });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      payment: {
        id: payment.id,
        status: 'approved',
        orderId: bought.order.id,
        reviewer: { via: 'api', telegramId: null, apiToken: 'tenant', name: 'API (shop token)' },
      },
      balance: 0,
      order: { id: bought.order.id, outcome: 'paid' },
    });
    expect(answer.body.payment.decidedAt).not.toBeNull();

    const [credit, ...more] = await topUps(shop.id, shop.customerId);
    expect(more).toEqual([]);
    expect(credit).toMatchObject({
      amount: 100_000,
      externalRef: cardPaymentRef(payment.id),
      createdBy: null,
    });
    expect(await shop.services.cardPayments.get(payment.id)).toMatchObject({
      status: 'approved',
      reviewedBy: null,
      reviewedByApi: 'tenant',
      reviewerName: 'API (shop token)',
      transactionId: credit!.id,
    });
    expect(answer.body.payment.transactionId).toBe(credit!.id);
    const order = await shop.services.orders.get(asOrderId(bought.order.id));
    expect(order?.status === 'paid' || order?.status === 'provisioning' || order?.status === 'active').toBe(
      true,
    );
    expect(await shop.services.ledger.balance(shop.customerId)).toBe(0);
    expect(await shop.services.cards.get(asCardId(shop.card.id))).toMatchObject({
      successCount: 1,
      failureCount: 0,
    });
    // the customer's message and the admins' receipt messages: the job the button's path queues
    expect(await decidedJobs(shop.id, payment.id)).toEqual([
      expect.objectContaining({ payload: { paymentId: payment.id } }),
    ]);

    // once decided, never again: 409 with the payment as it is, nothing moved
    const again = await h.call('POST', receiptUrl(shop.id, payment.id, 'approve'), { token: OPERATOR_TOKEN });
    expectErrorBody(again, 409, 'conflict');
    expect(again.body.error.message).toBe(`card payment ${payment.id} is already approved`);
    expect(again.body.payment).toMatchObject({ status: 'approved', reviewer: { apiToken: 'tenant' } });
    const late = await h.call('POST', receiptUrl(shop.id, payment.id, 'reject'), {
      token: shop.apiToken,
      body: { reason: 'too late' },
    });
    expectErrorBody(late, 409, 'conflict');
    expect(late.body.payment).toMatchObject({ status: 'approved', rejectReason: null });
    expect(await topUps(shop.id, shop.customerId)).toHaveLength(1);
    expect(await decidedJobs(shop.id, payment.id)).toHaveLength(1);
  });

  it('credits once when 20 approvals of one receipt arrive at once over real HTTP', async () => {
    const shop = await openShop('Race');
    const payment = await receipt(shop, { amount: 200_000 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        h.fetch('POST', receiptUrl(shop.id, payment.id, 'approve'), {
          token: index % 2 === 0 ? OPERATOR_TOKEN : shop.apiToken,
        }),
      ),
    );
    const won = answers.filter((answer) => answer.status === 200);
    const lost = answers.filter((answer) => answer.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const answer of lost) {
      expectErrorBody(answer, 409, 'conflict');
      expect(answer.body.payment.status).toBe('approved');
    }
    expect(won[0]!.body).toMatchObject({ balance: 200_000, order: null, payment: { status: 'approved' } });
    expect(await topUps(shop.id, shop.customerId)).toHaveLength(1);
    expect(await shop.services.ledger.balance(shop.customerId)).toBe(200_000);
    expect(await shop.services.cards.get(asCardId(shop.card.id))).toMatchObject({ successCount: 1 });
    expect(await decidedJobs(shop.id, payment.id)).toHaveLength(1);
    expect(await shop.services.ledger.findImbalances()).toEqual([]);
  });

  it('rejects with a reason or without, and refuses to approve a rejected or expired receipt', async () => {
    const shop = await openShop('Picky');
    const payment = await receipt(shop);
    const tooLong = await h.call('POST', receiptUrl(shop.id, payment.id, 'reject'), {
      token: shop.apiToken,
      body: { reason: 'x'.repeat(501) },
    });
    expectErrorBody(tooLong, 400, 'invalid_request');
    const unknownField = await h.call('POST', receiptUrl(shop.id, payment.id, 'reject'), {
      token: shop.apiToken,
      body: { reason: 'x', refund: true },
    });
    expectErrorBody(unknownField, 400, 'invalid_request');
    expect((await shop.services.cardPayments.get(payment.id))?.status).toBe('pending');

    const answer = await h.call('POST', receiptUrl(shop.id, payment.id, 'reject'), {
      token: OPERATOR_TOKEN,
      body: { reason: '  The amount does not match the transfer  ' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.payment).toMatchObject({
      status: 'rejected',
      rejectReason: 'The amount does not match the transfer',
      transactionId: null,
      reviewer: { via: 'api', telegramId: null, apiToken: 'operator', name: 'API (operator token)' },
    });
    expect(await topUps(shop.id, shop.customerId)).toEqual([]);
    expect(await shop.services.cards.get(asCardId(shop.card.id))).toMatchObject({
      successCount: 0,
      failureCount: 1,
    });
    expect(await decidedJobs(shop.id, payment.id)).toHaveLength(1);

    const approve = await h.call('POST', receiptUrl(shop.id, payment.id, 'approve'), {
      token: shop.apiToken,
    });
    expectErrorBody(approve, 409, 'conflict');
    expect(approve.body.error.message).toBe(`card payment ${payment.id} is already rejected`);
    expect(approve.body.payment).toMatchObject({
      status: 'rejected',
      rejectReason: 'The amount does not match the transfer',
    });
    expect(await topUps(shop.id, shop.customerId)).toEqual([]);
    expect(await shop.services.ledger.balance(shop.customerId)).toBe(0);

    // no body, or a blank reason: rejected without one
    const quiet = await receipt(shop);
    const noBody = await h.call('POST', receiptUrl(shop.id, quiet.id, 'reject'), { token: shop.apiToken });
    expect(noBody.status).toBe(200);
    expect(noBody.body.payment).toMatchObject({ status: 'rejected', rejectReason: null });
    const blank = await receipt(shop);
    const blankReason = await h.call('POST', receiptUrl(shop.id, blank.id, 'reject'), {
      token: shop.apiToken,
      body: { reason: '   ' },
    });
    expect(blankReason.body.payment).toMatchObject({ status: 'rejected', rejectReason: null });

    // a receipt nobody reviewed in time expires; the API cannot approve it afterwards
    const stale = await receipt(shop);
    shiftMs = 49 * HOUR;
    try {
      expect((await shop.services.cardPayments.expireStale()).map((p) => p.id)).toEqual([stale.id]);
    } finally {
      shiftMs = 0;
    }
    const expired = await h.call('POST', receiptUrl(shop.id, stale.id, 'approve'), { token: shop.apiToken });
    expectErrorBody(expired, 409, 'conflict');
    expect(expired.body.payment).toMatchObject({ status: 'expired', reviewer: null });
    expect(await topUps(shop.id, shop.customerId)).toEqual([]);
  });
});

const hasButton = (message: SimMessage, data: string) =>
  message.buttons.flat().some((button) => button.callbackData === data);

/**
 * The whole platform against the Telegram simulator: a decision through the API reaches the
 * customer and rewrites the admins' receipt message, as the Approve and Reject buttons do.
 */
describe.each(BACKENDS)('payments API decisions in the running fleet on %s', (backend) => {
  let h: FleetHarness;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  async function openShop(name: string, group: SimGroup) {
    const shop = await h.addTenant(name, { adminTelegramIds: [] });
    const services = h.testApp.app.forTenant(shop.id);
    await services.settings.set('default_language', 'en', 'operator');
    group.addBot(shop.bot);
    await services.settings.set('admin_chat_id', group.id, 'tenant');
    const card = await services.cards.create({
      cardNumber: withLuhnDigit(String(nextCard++)),
      holderName: 'Holder',
    });
    if (!card.ok) throw new Error('card');
    return { shop, services, card: card.value };
  }

  async function enter(shop: ShopUnderTest, user: SimUser): Promise<CustomerId> {
    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, 'menu:buy'));
    const customer = await h.testApp.app.forTenant(shop.id).customers.getByTelegramId(user.id);
    return asCustomerId(customer!.id);
  }

  const decide = async (shop: ShopUnderTest, paymentId: number, action: string, body?: unknown) => {
    const response = await fetch(
      `${h.platform.url}/api/v1/bots/${shop.id}/payments/card-to-card/${paymentId}/${action}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${shop.apiToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
    );
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('tells the customer and rewrites the receipt in the admin chat after an API approval and rejection', async () => {
    const group = h.sim.group({ title: 'Receipts' });
    const { shop, services, card } = await openShop('Remote', group);
    const sara = h.sim.user({ firstName: 'Sara', languageCode: 'en' });
    const customerId = await enter(shop, sara);

    const submit = async (amount: number, text: string) => {
      const outcome = await services.cardPayments.submit({
        customerId,
        amount,
        cardId: card.id,
        receipt: { text },
      });
      if (outcome.status !== 'submitted') throw new Error(outcome.status);
      const shown = await h.sim.waitForMessage(
        shop.bot,
        group,
        (m) => m.fromBot && (m.text ?? '').includes(`receipt ${outcome.payment.trackingNumber}`),
        { timeoutMs: 5000 },
      );
      expect(hasButton(shown, `c2c:ok:${outcome.payment.id}`)).toBe(true);
      return { payment: outcome.payment, shown };
    };

    const first = await submit(100_000, 'paid 100000');
    const approved = await decide(shop, first.payment.id, 'approve');
    expect(approved.status).toBe(200);
    const told = await h.sim.waitForMessage(shop.bot, sara, (m) => (m.text ?? '').includes('is approved'));
    expect(told.text).toContain(`payment ${first.payment.trackingNumber} of 100,000 Toman is approved`);
    expect(told.text).toContain('Your balance: 100,000 Toman');
    const edited = await h.sim.waitForMessage(
      shop.bot,
      group,
      (m) => m.messageId === first.shown.messageId && (m.text ?? '').includes('Approved by'),
    );
    expect(edited.text).toContain('✅ Approved by API (shop token)');
    expect(edited.text).not.toContain('(?)');
    expect(edited.buttons.flat().map((b) => b.callbackData)).toEqual([`c2c:info:${first.payment.id}`]);

    const second = await submit(50_000, 'paid 50000');
    const rejected = await decide(shop, second.payment.id, 'reject', { reason: 'No such transfer arrived' });
    expect(rejected.status).toBe(200);
    const refused = await h.sim.waitForMessage(shop.bot, sara, (m) =>
      (m.text ?? '').includes('was not approved'),
    );
    expect(refused.text).toContain(
      `payment ${second.payment.trackingNumber} of 50,000 Toman was not approved`,
    );
    expect(refused.text).toContain('Reason: No such transfer arrived');
    const rewritten = await h.sim.waitForMessage(
      shop.bot,
      group,
      (m) => m.messageId === second.shown.messageId && (m.text ?? '').includes('Rejected by'),
    );
    expect(rewritten.text).toContain('❌ Rejected by API (shop token)');
    expect(rewritten.text).toContain('Reason: No such transfer arrived');

    // approving the rejected receipt afterwards changes nothing
    const conflict = await decide(shop, second.payment.id, 'approve');
    expect(conflict.status).toBe(409);
    expect(conflict.body.payment.status).toBe('rejected');
    expect(await services.ledger.balance(customerId)).toBe(100_000);
    await eventually(
      async () => (await h.testApp.app.platform.jobs.store.counts(cardPaymentDecided.name)).done >= 2,
      'both decided jobs to finish',
    );
    await pause(200);
    const notices = h.sim
      .chat(shop.bot, sara)
      .messages.filter((m) => /is approved|was not approved/.test(m.text ?? ''));
    expect(notices).toHaveLength(2);
  });
});
