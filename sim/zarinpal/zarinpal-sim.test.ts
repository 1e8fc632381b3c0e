import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startZarinpalSim, type ZarinpalSim } from './zarinpal-sim.js';

const MERCHANT = '1a2b3c4d-1111-4222-8333-444455556666';
const OTHER_MERCHANT = '9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff';
const CALLBACK = 'https://shop.example/pay/zarinpal/42?bot=7';

interface Envelope {
  status: number;
  json: { data: Record<string, unknown> | unknown[]; errors: Record<string, unknown> | unknown[] };
}

async function post(sim: ZarinpalSim, file: string, body: unknown, signal?: AbortSignal): Promise<Envelope> {
  const res = await fetch(`${sim.baseUrl}/pg/v4/payment/${file}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return { status: res.status, json: (await res.json()) as Envelope['json'] };
}

function errorCode(env: Envelope): unknown {
  return (env.json.errors as { code?: unknown }).code;
}

function dataOf(env: Envelope): Record<string, unknown> {
  return env.json.data as Record<string, unknown>;
}

async function create(
  sim: ZarinpalSim,
  amount = 50_000,
  currency: string | null = 'IRT',
  merchant = MERCHANT,
) {
  const env = await post(sim, 'request.json', {
    merchant_id: merchant,
    amount,
    ...(currency ? { currency } : {}),
    description: 'VPN 30 days',
    callback_url: CALLBACK,
    metadata: { order_id: '42' },
  });
  expect(dataOf(env).code).toBe(100);
  return dataOf(env).authority as string;
}

describe('zarinpal sim', () => {
  let sim: ZarinpalSim;

  beforeAll(async () => {
    sim = await startZarinpalSim();
  });
  afterEach(() => {
    sim.clearFaults();
    sim.setDefaultOutcome('OK');
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('request.json', () => {
    it('answers with the real success shape and stores the payment', async () => {
      const env = await post(sim, 'request.json', {
        merchant_id: MERCHANT,
        amount: 50_000,
        currency: 'IRT',
        description: 'VPN',
        callback_url: CALLBACK,
      });
      expect(env.status).toBe(200);
      expect(env.json.errors).toEqual([]);
      const data = dataOf(env);
      expect(data).toMatchObject({ code: 100, message: 'Success', fee_type: 'Merchant', fee: 500 });
      expect(data.authority).toMatch(/^A[0-9a-zA-Z]{35}$/);
      expect(sim.getPayment(data.authority as string)).toMatchObject({
        status: 'created',
        amount: 50_000,
        currency: 'IRT',
        currencySent: true,
        amountRial: 500_000,
      });
    });

    it('reads a missing currency as Rial', async () => {
      const authority = await create(sim, 10_000, null);
      expect(sim.getPayment(authority)).toMatchObject({
        currency: 'IRR',
        currencySent: false,
        amountRial: 10_000,
      });
      const tooSmall = await post(sim, 'request.json', {
        merchant_id: MERCHANT,
        amount: 1_000, // 1,000 Toman were meant, but this is 1,000 Rial
        description: 'x',
        callback_url: CALLBACK,
      });
      expect(errorCode(tooSmall)).toBe(-9);
    });

    it('enforces the minimum (-9 with validations, HTTP 422) and the maximum (-41)', async () => {
      const tooSmall = await post(sim, 'request.json', {
        merchant_id: MERCHANT,
        amount: 999,
        currency: 'IRT',
        description: 'x',
        callback_url: CALLBACK,
      });
      expect(tooSmall.status).toBe(422);
      expect(tooSmall.json.data).toEqual([]);
      expect(tooSmall.json.errors).toMatchObject({ code: -9, validations: [{ amount: expect.any(String) }] });

      await create(sim, 1_000, 'IRT');
      await create(sim, 100_000_000, 'IRT');
      const tooBig = await post(sim, 'request.json', {
        merchant_id: MERCHANT,
        amount: 1_000_000_001,
        currency: 'IRR',
        description: 'x',
        callback_url: CALLBACK,
      });
      expect(tooBig.status).toBe(200);
      expect(errorCode(tooBig)).toBe(-41);
    });

    it('validates fields', async () => {
      const env = await post(sim, 'request.json', { merchant_id: 'nope', amount: 1.5, currency: 'USD' });
      expect(errorCode(env)).toBe(-9);
      const fields = (env.json.errors as { validations: Array<Record<string, string>> }).validations.flatMap(
        Object.keys,
      );
      expect(fields).toEqual(
        expect.arrayContaining(['merchant_id', 'amount', 'description', 'callback_url', 'currency']),
      );
    });

    it('answers -10 for a merchant it does not know', async () => {
      const strict = await startZarinpalSim({ merchants: [MERCHANT] });
      try {
        await create(strict);
        const env = await post(strict, 'request.json', {
          merchant_id: OTHER_MERCHANT,
          amount: 10_000,
          currency: 'IRT',
          description: 'x',
          callback_url: CALLBACK,
        });
        expect(errorCode(env)).toBe(-10);
      } finally {
        await strict.close();
      }
    });

    it('gives sandbox authorities an S', async () => {
      const sandbox = await startZarinpalSim({ sandbox: true });
      try {
        expect(await create(sandbox)).toMatch(/^S[0-9a-zA-Z]{35}$/);
      } finally {
        await sandbox.close();
      }
    });
  });

  describe('StartPay', () => {
    async function startPay(url: string) {
      const res = await fetch(url, { redirect: 'manual' });
      return { status: res.status, location: new URL(res.headers.get('location') ?? 'http://missing') };
    }

    it('redirects to the callback with Authority and Status, keeping its query', async () => {
      const authority = await create(sim);
      const { status, location } = await startPay(`${sim.baseUrl}/pg/StartPay/${authority}`);
      expect(status).toBe(302);
      expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/pay/zarinpal/42');
      expect(location.searchParams.get('bot')).toBe('7');
      expect(location.searchParams.get('Authority')).toBe(authority);
      expect(location.searchParams.get('Status')).toBe('OK');
      expect(sim.getPayment(authority)?.status).toBe('paid');
    });

    it('lets the test choose the outcome: query > per authority > default', async () => {
      sim.setDefaultOutcome('NOK');
      const a = await create(sim);
      expect((await startPay(`${sim.baseUrl}/pg/StartPay/${a}`)).location.searchParams.get('Status')).toBe(
        'NOK',
      );
      expect(sim.getPayment(a)?.status).toBe('failed');

      const b = await create(sim);
      sim.setOutcome(b, 'OK');
      expect((await startPay(`${sim.baseUrl}/pg/StartPay/${b}`)).location.searchParams.get('Status')).toBe(
        'OK',
      );

      const c = await create(sim);
      sim.setOutcome(c, 'OK');
      const viaQuery = await startPay(`${sim.baseUrl}/pg/StartPay/${c}?outcome=NOK`);
      expect(viaQuery.location.searchParams.get('Status')).toBe('NOK');
    });

    it('repeats the first outcome on a second visit', async () => {
      const authority = await create(sim);
      await startPay(`${sim.baseUrl}/pg/StartPay/${authority}`);
      const again = await startPay(`${sim.baseUrl}/pg/StartPay/${authority}?outcome=NOK`);
      expect(again.location.searchParams.get('Status')).toBe('OK');
      expect(sim.getPayment(authority)?.status).toBe('paid');
    });

    it('answers 404 for an unknown authority', async () => {
      const res = await fetch(`${sim.baseUrl}/pg/StartPay/A${'0'.repeat(35)}`, { redirect: 'manual' });
      expect(res.status).toBe(404);
    });

    it('pay() changes the state and returns the callback URL without fetching it', async () => {
      const authority = await create(sim);
      const url = new URL(sim.pay(authority, { outcome: 'OK' }));
      expect(url.searchParams.get('Status')).toBe('OK');
      expect(sim.getPayment(authority)).toMatchObject({ status: 'paid', refId: expect.any(Number) });
      expect(sim.getPayment(authority)?.cardPan).toMatch(/^\d{6}\*{6}\d{4}$/);
      expect(() => sim.pay(`A${'1'.repeat(35)}`)).toThrow(/unknown authority/);
    });
  });

  describe('verify.json', () => {
    const verify = (authority: string, amount: number, merchant = MERCHANT) =>
      post(sim, 'verify.json', { merchant_id: merchant, amount, authority });

    it('follows the state machine', async () => {
      const authority = await create(sim, 50_000, 'IRT');
      expect(errorCode(await verify(authority, 50_000))).toBe(-51); // created
      sim.pay(authority);
      expect(errorCode(await verify(authority, 500_000))).toBe(-50); // Rial equivalent is not the same number
      expect(errorCode(await verify(authority, 50_000, OTHER_MERCHANT))).toBe(-53);
      const first = await verify(authority, 50_000);
      expect(dataOf(first)).toMatchObject({
        code: 100,
        ref_id: expect.any(Number),
        card_pan: expect.any(String),
      });
      const second = await verify(authority, 50_000);
      expect(dataOf(second)).toMatchObject({ code: 101, ref_id: dataOf(first).ref_id });
      expect(sim.getPayment(authority)).toMatchObject({ status: 'verified', verifyCount: 4 });
    });

    it('answers -51 for a failed payment and -54 for an unknown authority', async () => {
      const authority = await create(sim);
      sim.pay(authority, { outcome: 'NOK' });
      expect(errorCode(await verify(authority, 50_000))).toBe(-51);
      expect(errorCode(await verify(`A${'7'.repeat(35)}`, 50_000))).toBe(-54);
      expect(errorCode(await verify('short', 50_000))).toBe(-54);
      expect(errorCode(await verify('', 50_000))).toBe(-9);
    });
  });

  describe('inquiry, unVerified, reverse', () => {
    it('reports statuses', async () => {
      const inquiry = async (authority: string) =>
        dataOf(await post(sim, 'inquiry.json', { merchant_id: MERCHANT, authority })).status;
      const a = await create(sim);
      expect(await inquiry(a)).toBe('IN_BANK');
      sim.pay(a);
      expect(await inquiry(a)).toBe('PAID');
      await post(sim, 'verify.json', { merchant_id: MERCHANT, amount: 50_000, authority: a });
      expect(await inquiry(a)).toBe('VERIFIED');
      const b = await create(sim);
      sim.pay(b, { outcome: 'NOK' });
      expect(await inquiry(b)).toBe('FAILED');
    });

    it('lists the last 100 paid but unverified payments of the merchant', async () => {
      const own = await startZarinpalSim();
      try {
        const authorities: string[] = [];
        for (let i = 0; i < 103; i++) {
          const authority = await create(own, 1_000 + i);
          own.pay(authority);
          own.advanceTime(1_000);
          authorities.push(authority);
        }
        await create(own); // never paid
        own.pay(await create(own, 5_000, 'IRT', OTHER_MERCHANT));
        const env = await post(own, 'unVerified.json', { merchant_id: MERCHANT });
        const listed = dataOf(env).authorities as Array<Record<string, unknown>>;
        expect(listed).toHaveLength(100);
        expect(listed[0]).toMatchObject({
          authority: authorities[102],
          amount: 1_102,
          callback_url: CALLBACK,
          date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        });
        expect(listed.map((p) => p.authority)).not.toContain(authorities[0]);
      } finally {
        await own.close();
      }
    });

    it('reverses once, within 30 minutes of payment', async () => {
      const reverse = (authority: string) => post(sim, 'reverse.json', { merchant_id: MERCHANT, authority });
      const a = await create(sim);
      expect(errorCode(await reverse(a))).toBe(-61); // not paid
      sim.pay(a);
      await post(sim, 'verify.json', { merchant_id: MERCHANT, amount: 50_000, authority: a });
      expect(dataOf(await reverse(a))).toMatchObject({ code: 100, message: 'Reversed' });
      expect(errorCode(await reverse(a))).toBe(-61);
      expect(
        errorCode(await post(sim, 'verify.json', { merchant_id: MERCHANT, amount: 50_000, authority: a })),
      ).toBe(-51);

      const b = await create(sim);
      sim.pay(b);
      sim.advanceTime(31 * 60_000);
      expect(errorCode(await reverse(b))).toBe(-63);

      const noIp = await startZarinpalSim({ reverseAllowed: false });
      try {
        const c = await create(noIp);
        noIp.pay(c);
        expect(errorCode(await post(noIp, 'reverse.json', { merchant_id: MERCHANT, authority: c }))).toBe(
          -62,
        );
      } finally {
        await noIp.close();
      }
    });
  });

  describe('faults', () => {
    it('applies an error code to the next N calls of one endpoint, with the chosen HTTP status', async () => {
      sim.addFault({ endpoint: 'verify', type: 'error', code: -12, times: 2, httpStatus: 429 });
      await create(sim); // other endpoint: not affected
      const first = await post(sim, 'verify.json', { merchant_id: MERCHANT, amount: 1, authority: 'x' });
      expect(first.status).toBe(429);
      expect(errorCode(first)).toBe(-12);
      expect(errorCode(await post(sim, 'verify.json', {}))).toBe(-12);
      expect(errorCode(await post(sim, 'verify.json', {}))).toBe(-9);
      expect(
        sim
          .calls('verify')
          .slice(-3)
          .map((c) => c.fault),
      ).toEqual(['error', 'error', null]);
    });

    it('keeps a fault until removed', async () => {
      const remove = sim.addFault({ type: 'http', status: 502 });
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${sim.baseUrl}/pg/v4/payment/inquiry.json`, { method: 'POST', body: '{}' });
        expect(res.status).toBe(502);
        expect(res.headers.get('content-type')).toBe('text/html');
      }
      remove();
      expect(errorCode(await post(sim, 'inquiry.json', {}))).toBe(-9);
    });

    it('delays a response', async () => {
      sim.addFault({ endpoint: 'unverified', type: 'delay', ms: 150, times: 1 });
      const started = Date.now();
      const env = await post(sim, 'unVerified.json', { merchant_id: MERCHANT });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(dataOf(env).code).toBe(100);
    });

    it('commits a verify whose answer never arrives', async () => {
      const authority = await create(sim);
      sim.pay(authority);
      sim.addFault({ endpoint: 'verify', type: 'commit-then-timeout', times: 1 });
      const lost = post(
        sim,
        'verify.json',
        { merchant_id: MERCHANT, amount: 50_000, authority },
        AbortSignal.timeout(100),
      );
      await expect(lost).rejects.toThrow();
      expect(sim.getPayment(authority)?.status).toBe('verified');
      const again = await post(sim, 'verify.json', { merchant_id: MERCHANT, amount: 50_000, authority });
      expect(dataOf(again).code).toBe(101);
    });

    it('drops the connection', async () => {
      sim.addFault({ type: 'drop', times: 1 });
      await expect(post(sim, 'inquiry.json', {})).rejects.toThrow(/fetch failed/);
    });

    it('closes promptly while requests hang', async () => {
      const hanging = await startZarinpalSim();
      hanging.addFault({ type: 'hang' });
      const pending = post(hanging, 'request.json', {}).then(
        () => 'answered',
        () => 'failed',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await hanging.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await pending).toBe('failed');
    });
  });
});
