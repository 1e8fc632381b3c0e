import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startZarinpalSim, type ZarinpalSim } from '../../../sim/zarinpal/index.js';
import {
  createZarinpalClient,
  maskCardPan,
  type ZarinpalClient,
  type ZarinpalClientOptions,
  ZarinpalError,
  ZarinpalRetryableError,
} from './index.js';

const MERCHANT = '1a2b3c4d-1111-4222-8333-444455556666';
const OTHER_MERCHANT = '9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff';
const CALLBACK = 'https://shop.example/pay/zarinpal/42';

let sim: ZarinpalSim;
let client: ZarinpalClient;

function makeClient(overrides: Partial<ZarinpalClientOptions> = {}): ZarinpalClient {
  return createZarinpalClient({ baseUrl: sim.baseUrl, retryBaseMs: 1, timeoutMs: 2_000, ...overrides });
}

async function request(amount = 50_000, currency: 'IRT' | 'IRR' = 'IRT', merchantId = MERCHANT) {
  const { authority } = await client.requestPayment({
    merchantId,
    amount,
    currency,
    description: 'VPN 30 days',
    callbackUrl: CALLBACK,
  });
  return authority;
}

async function paid(amount = 50_000, currency: 'IRT' | 'IRR' = 'IRT') {
  const authority = await request(amount, currency);
  sim.pay(authority, { outcome: 'OK' });
  return authority;
}

/** Awaits a promise expected to reject and returns the error for inspection. */
async function rejection(promise: Promise<unknown>): Promise<ZarinpalError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ZarinpalError);
    return err as ZarinpalError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  sim = await startZarinpalSim();
  client = makeClient();
});
afterEach(() => {
  sim.clearFaults();
  sim.setDefaultOutcome('OK');
});
afterAll(async () => {
  await sim.close();
});

describe('payment flow', () => {
  it('requests, sends the customer to StartPay, and verifies (100, then 101)', async () => {
    const request = await client.requestPayment({
      merchantId: MERCHANT,
      amount: 120_000,
      currency: 'IRT',
      description: 'VPN 90 days',
      callbackUrl: CALLBACK,
      metadata: { orderId: '42', mobile: '09121234567' },
    });
    expect(request).toEqual({
      authority: expect.stringMatching(/^A[0-9a-zA-Z]{35}$/),
      feeType: 'Merchant',
      fee: 1_200,
    });
    expect(sim.calls('request').at(-1)?.body).toMatchObject({
      currency: 'IRT',
      amount: 120_000,
      callback_url: CALLBACK,
      metadata: { order_id: '42', mobile: '09121234567' },
    });

    const startPay = client.startPayUrl(request.authority);
    expect(startPay).toBe(`${sim.baseUrl}/pg/StartPay/${request.authority}`);
    const res = await fetch(startPay, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('Authority')).toBe(request.authority);
    expect(location.searchParams.get('Status')).toBe('OK');

    const first = await client.verifyPayment({
      merchantId: MERCHANT,
      amount: 120_000,
      authority: request.authority,
    });
    expect(first).toEqual({
      kind: 'verified',
      alreadyVerified: false,
      refId: expect.stringMatching(/^\d+$/),
      cardPan: expect.stringMatching(/^\d{6}\*{6}\d{4}$/),
      cardHash: expect.any(String),
      feeType: 'Merchant',
      fee: 1_200,
    });
    const second = await client.verifyPayment({
      merchantId: MERCHANT,
      amount: 120_000,
      authority: request.authority,
    });
    expect(second).toMatchObject({
      kind: 'verified',
      alreadyVerified: true,
      refId: first.kind === 'verified' ? first.refId : '',
    });
  });

  it('treats a NOK outcome as failed -51', async () => {
    const authority = await request();
    const res = await fetch(`${client.startPayUrl(authority)}?outcome=NOK`, { redirect: 'manual' });
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('Status')).toBe('NOK');
    const result = await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority });
    expect(result).toEqual({
      kind: 'failed',
      code: -51,
      message: expect.stringContaining('not completed'),
      gatewayMessage: expect.any(String),
    });
  });

  it('treats a forged callback (never paid) as failed -51', async () => {
    const authority = await request();
    expect(await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority })).toMatchObject({
      kind: 'failed',
      code: -51,
    });
  });

  it('fails -50 on a wrong amount, -53 for another merchant, -54 for an unknown authority', async () => {
    const authority = await paid();
    expect(await client.verifyPayment({ merchantId: MERCHANT, amount: 49_000, authority })).toMatchObject({
      kind: 'failed',
      code: -50,
    });
    expect(
      await client.verifyPayment({ merchantId: OTHER_MERCHANT, amount: 50_000, authority }),
    ).toMatchObject({
      kind: 'failed',
      code: -53,
    });
    expect(
      await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority: `A${'9'.repeat(35)}` }),
    ).toMatchObject({ kind: 'failed', code: -54 });
    expect(
      await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority: 'forged' }),
    ).toMatchObject({
      kind: 'failed',
      code: -54,
    });
    // None of those settled anything: the right call still verifies.
    expect(await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority })).toMatchObject({
      kind: 'verified',
      alreadyVerified: false,
    });
  });
});

describe('currency', () => {
  it('verifies with the very number requested, in its currency', async () => {
    const toman = await paid(1_000, 'IRT');
    expect(sim.getPayment(toman)).toMatchObject({ currency: 'IRT', amountRial: 10_000 });
    expect(
      await client.verifyPayment({ merchantId: MERCHANT, amount: 10_000, authority: toman }),
    ).toMatchObject({
      kind: 'failed',
      code: -50,
    });
    expect(
      await client.verifyPayment({ merchantId: MERCHANT, amount: 1_000, authority: toman }),
    ).toMatchObject({
      kind: 'verified',
    });

    const rial = await paid(10_000, 'IRR');
    expect(sim.getPayment(rial)).toMatchObject({ currency: 'IRR', currencySent: true, amountRial: 10_000 });
    expect(
      await client.verifyPayment({ merchantId: MERCHANT, amount: 10_000, authority: rial }),
    ).toMatchObject({
      kind: 'verified',
    });
  });

  it('validates the amount before calling', async () => {
    const before = sim.calls('request').length;
    const attempt = (amount: number, currency: 'IRT' | 'IRR') =>
      rejection(
        client.requestPayment({
          merchantId: MERCHANT,
          amount,
          currency,
          description: 'x',
          callbackUrl: CALLBACK,
        }),
      );
    for (const [amount, currency] of [
      [999, 'IRT'],
      [9_999, 'IRR'],
      [0, 'IRT'],
      [-5_000, 'IRT'],
      [1_500.5, 'IRT'],
      [Number.NaN, 'IRR'],
    ] as const) {
      const err = await attempt(amount, currency);
      expect(err).toMatchObject({ code: -9, httpStatus: null, retryable: false });
      expect(err.validations[0]?.field).toBe('amount');
    }
    expect(await attempt(100_000_001, 'IRT')).toMatchObject({ code: -41, httpStatus: null });
    expect(await attempt(1_000_000_001, 'IRR')).toMatchObject({ code: -41 });
    expect(sim.calls('request')).toHaveLength(before);

    await request(1_000, 'IRT');
    await request(100_000_000, 'IRT');
    await request(10_000, 'IRR');
    await request(1_000_000_000, 'IRR');
    expect(sim.calls('request')).toHaveLength(before + 4);
  });
});

describe('timeouts and retries', () => {
  it('throws a retryable timeout when the verify committed but the answer was lost; the next verify says 101', async () => {
    const authority = await paid();
    sim.addFault({ endpoint: 'verify', type: 'commit-then-timeout', times: 1 });
    const impatient = makeClient({ timeoutMs: 100, retries: 0 });
    const err = await rejection(impatient.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority }));
    expect(err).toBeInstanceOf(ZarinpalRetryableError);
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true, attempts: 1, httpStatus: null });
    expect(sim.getPayment(authority)?.status).toBe('verified');

    expect(await impatient.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority })).toMatchObject({
      kind: 'verified',
      alreadyVerified: true,
      refId: String(sim.getPayment(authority)?.refId),
    });
  });

  it('absorbs a lost verify answer with its own retries', async () => {
    const authority = await paid();
    sim.addFault({ endpoint: 'verify', type: 'commit-then-timeout', times: 1 });
    const result = await makeClient({ timeoutMs: 100 }).verifyPayment({
      merchantId: MERCHANT,
      amount: 50_000,
      authority,
    });
    expect(result).toMatchObject({ kind: 'verified', alreadyVerified: true });
    expect(
      sim
        .calls('verify')
        .slice(-2)
        .map((c) => c.fault),
    ).toEqual(['commit-then-timeout', null]);
  });

  it('retries -12 and then succeeds', async () => {
    const authority = await paid();
    const before = sim.calls('verify').length;
    sim.addFault({ endpoint: 'verify', type: 'error', code: -12, times: 1 });
    expect(await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority })).toMatchObject({
      kind: 'verified',
    });
    expect(sim.calls('verify')).toHaveLength(before + 2);
  });

  it('gives up on a persistent -52 with a retryable error after all attempts', async () => {
    const authority = await paid();
    sim.addFault({ endpoint: 'verify', type: 'error', code: -52 });
    const err = await rejection(client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority }));
    expect(err).toBeInstanceOf(ZarinpalRetryableError);
    expect(err).toMatchObject({ code: -52, attempts: 3, httpStatus: 200 });
    expect(sim.getPayment(authority)?.status).toBe('paid');
  });

  it('retries 5xx answers, for verify and for a payment request', async () => {
    const authority = await paid();
    sim.addFault({ endpoint: 'verify', type: 'http', status: 502, times: 2 });
    expect(await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority })).toMatchObject({
      kind: 'verified',
    });

    const before = sim.calls('request').length;
    sim.addFault({ endpoint: 'request', type: 'http', status: 503, times: 1 });
    await request();
    expect(sim.calls('request')).toHaveLength(before + 2);
  });

  it('retries -12/-52 on a payment request, where the gateway created nothing', async () => {
    sim.addFault({ endpoint: 'request', type: 'error', code: -52, times: 1 });
    const before = sim.payments().length;
    await request();
    expect(sim.payments()).toHaveLength(before + 1);
  });

  it('does not retry a payment request that timed out or lost its connection', async () => {
    const before = sim.calls('request').length;
    sim.addFault({ endpoint: 'request', type: 'commit-then-timeout', times: 1 });
    const timedOut = await rejection(
      makeClient({ timeoutMs: 100 }).requestPayment({
        merchantId: MERCHANT,
        amount: 50_000,
        currency: 'IRT',
        description: 'x',
        callbackUrl: CALLBACK,
      }),
    );
    expect(timedOut).toBeInstanceOf(ZarinpalRetryableError);
    expect(timedOut).toMatchObject({ code: 'TIMEOUT', attempts: 1 });

    sim.addFault({ endpoint: 'request', type: 'drop', times: 1 });
    const dropped = await rejection(request());
    expect(dropped).toMatchObject({ code: 'NETWORK', attempts: 1, retryable: true });
    expect(sim.calls('request')).toHaveLength(before + 2);
  });

  it('retries network errors on verify', async () => {
    const authority = await paid();
    sim.addFault({ endpoint: 'verify', type: 'drop', times: 1 });
    expect(await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority })).toMatchObject({
      kind: 'verified',
    });
  });

  it('retries a refused connection even for a payment request, and then gives up', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = createZarinpalClient({ baseUrl: `http://127.0.0.1:${port}`, retryBaseMs: 1 });
    const err = await rejection(
      nowhere.requestPayment({
        merchantId: MERCHANT,
        amount: 50_000,
        currency: 'IRT',
        description: 'x',
        callbackUrl: CALLBACK,
      }),
    );
    expect(err).toBeInstanceOf(ZarinpalRetryableError);
    expect(err).toMatchObject({ code: 'NETWORK', attempts: 3 });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('retries a garbled 200 on a safe call', async () => {
    sim.addFault({ endpoint: 'unverified', type: 'http', status: 200, body: '{"data":', times: 1 });
    expect(await client.unverified({ merchantId: MERCHANT })).toBeInstanceOf(Array);
  });
});

describe('error answers', () => {
  it('parses an error that comes with HTTP 200', async () => {
    sim.addFault({ endpoint: 'inquiry', type: 'error', code: -11, httpStatus: 200, times: 1 });
    const err = await rejection(client.inquiry({ merchantId: MERCHANT, authority: await request() }));
    expect(err).not.toBeInstanceOf(ZarinpalRetryableError);
    expect(err).toMatchObject({
      code: -11,
      httpStatus: 200,
      retryable: false,
      operation: 'inquiry',
      gatewayMessage: 'Terminal is not active, please contact our support team.',
    });
    expect(err.message).toContain('not active');
  });

  it('parses an error that comes with a 4xx, validations included', async () => {
    sim.addFault({ endpoint: 'inquiry', type: 'error', code: -10, httpStatus: 403, times: 1 });
    expect(
      await rejection(client.inquiry({ merchantId: MERCHANT, authority: await request() })),
    ).toMatchObject({
      code: -10,
      httpStatus: 403,
    });

    const invalid = await rejection(client.inquiry({ merchantId: 'not-a-uuid', authority: 'short' }));
    expect(invalid).toMatchObject({ code: -9, httpStatus: 422 });
    expect(invalid.validations.map((v) => v.field)).toEqual(['merchant_id']);
    expect(invalid.message).toContain('merchant_id: The merchant id must be 36 characters.');
  });

  it('throws, rather than fails, a verify whose error says nothing about the payment', async () => {
    const authority = await paid();
    sim.addFault({ endpoint: 'verify', type: 'error', code: -15, httpStatus: 401, times: 1 });
    const err = await rejection(client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority }));
    expect(err).toMatchObject({ code: -15, retryable: false });
    expect(sim.getPayment(authority)?.status).toBe('paid');
  });

  it('reports a 404 without a gateway body as a non-retryable HTTP error', async () => {
    const lost = createZarinpalClient({ baseUrl: `${sim.baseUrl}/wrong/`, retryBaseMs: 1 });
    expect(await rejection(lost.unverified({ merchantId: MERCHANT }))).toMatchObject({
      code: 'HTTP',
      httpStatus: 404,
      retryable: false,
    });
  });
});

describe('inquiry, unverified, reverse', () => {
  it('reports every status', async () => {
    const status = async (authority: string) =>
      (await client.inquiry({ merchantId: MERCHANT, authority })).status;
    const authority = await request();
    expect(await status(authority)).toBe('IN_BANK');
    sim.pay(authority);
    expect(await status(authority)).toBe('PAID');
    await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority });
    expect(await status(authority)).toBe('VERIFIED');
    await client.reverse({ merchantId: MERCHANT, authority });
    expect(await status(authority)).toBe('REVERSED');
    const cancelled = await request();
    sim.pay(cancelled, { outcome: 'NOK' });
    expect(await status(cancelled)).toBe('FAILED');
  });

  it('lists a paid but unverified payment until it is verified', async () => {
    const authority = await paid(77_000);
    const listed = await client.unverified({ merchantId: MERCHANT });
    expect(listed.find((p) => p.authority === authority)).toEqual({
      authority,
      amount: 77_000,
      callbackUrl: CALLBACK,
      date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
    await client.verifyPayment({ merchantId: MERCHANT, amount: 77_000, authority });
    expect((await client.unverified({ merchantId: MERCHANT })).map((p) => p.authority)).not.toContain(
      authority,
    );
  });

  it('reverses within 30 minutes, once', async () => {
    const authority = await paid();
    await client.verifyPayment({ merchantId: MERCHANT, amount: 50_000, authority });
    await client.reverse({ merchantId: MERCHANT, authority });
    expect(await rejection(client.reverse({ merchantId: MERCHANT, authority }))).toMatchObject({ code: -61 });

    const late = await paid();
    sim.advanceTime(30 * 60_000 + 1_000);
    expect(await rejection(client.reverse({ merchantId: MERCHANT, authority: late }))).toMatchObject({
      code: -63,
      retryable: false,
    });
  });
});

describe('helpers', () => {
  it('refuses a malformed authority in a StartPay URL', () => {
    expect(() => client.startPayUrl('A123/../../evil')).toThrow(ZarinpalError);
  });

  it('keeps only masked card numbers', () => {
    expect(maskCardPan('502229******5995')).toBe('502229******5995');
    expect(maskCardPan('5022291234565995')).toBe('502229******5995');
    expect(maskCardPan(null)).toBeNull();
  });

  it('reads errors and successes in the other shapes the gateway has used', async () => {
    const answers = [
      { status: 400, body: { data: { code: -54, message: 'Invalid authority.' }, errors: [] } },
      {
        status: 200,
        body: { data: { code: '101', message: 'Verified', ref_id: '1234', extra: true }, errors: [] },
      },
      {
        status: 422,
        body: { data: [], errors: { code: -9, message: 'x', validations: { amount: ['too small', 'odd'] } } },
      },
    ];
    const fake: typeof fetch = async () => {
      const next = answers.shift();
      return new Response(JSON.stringify(next?.body), { status: next?.status ?? 500 });
    };
    const offline = createZarinpalClient({ baseUrl: 'https://payment.zarinpal.com', fetch: fake });
    const input = { merchantId: MERCHANT, amount: 1_000, authority: `A${'0'.repeat(35)}` };
    expect(await offline.verifyPayment(input)).toMatchObject({ kind: 'failed', code: -54 });
    expect(await offline.verifyPayment(input)).toMatchObject({
      kind: 'verified',
      alreadyVerified: true,
      refId: '1234',
      cardPan: null,
    });
    expect((await rejection(offline.verifyPayment(input))).validations).toEqual([
      { field: 'amount', message: 'too small' },
      { field: 'amount', message: 'odd' },
    ]);
  });
});
