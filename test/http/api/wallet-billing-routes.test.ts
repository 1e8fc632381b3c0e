import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bots } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { walletBillingView } from '../../../src/http/api/wallet-billing-routes.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

const GIB = 1024 ** 3;

describe.each(BACKENDS)('wallet billing API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('lets the operator bill a bot by consumption with a grace; the bot reads its charges', async () => {
    const { id, apiToken } = await h.tenant();
    const op = { token: OPERATOR_TOKEN };
    const mode = await h.call('PUT', `/api/v1/bots/${id}/config/wallet_billing_mode`, {
      ...op,
      body: { value: 'consumption' },
    });
    expect(mode.status).toBe(200);
    expect(mode.body).toMatchObject({ key: 'wallet_billing_mode', value: 'consumption', source: 'tenant' });
    const grace = await h.call('PUT', `/api/v1/bots/${id}/config/wallet_consumption_grace`, {
      ...op,
      body: { value: 5_000 },
    });
    expect(grace.status).toBe(200);
    expectErrorBody(
      await h.call('PUT', `/api/v1/bots/${id}/config/wallet_consumption_grace`, {
        ...op,
        body: { value: -1 },
      }),
      400,
      'invalid_request',
    );
    expectErrorBody(
      await h.call('PUT', `/api/v1/bots/${id}/config/wallet_billing_mode`, {
        ...op,
        body: { value: 'monthly' },
      }),
      400,
      'invalid_request',
    );

    const services = h.app.forTenant(id);
    await services.wallet.setWholesalePrice(1024);
    await services.wallet.topUp({ amount: 1_000 });
    const setConsumed = (bytes: number) =>
      inTenant(h.t.database.handle.db, id, (tx) =>
        tx.update(bots).set({ trafficConsumedBytes: bytes }).where(eq(bots.id, id)),
      );
    await setConsumed(GIB);
    await services.walletBilling.chargeDay('2026-02-01');
    await setConsumed(3 * GIB);
    await services.walletBilling.chargeDay('2026-02-02');

    const read = await h.call('GET', `/api/v1/bots/${id}/wallet/consumption`, { token: apiToken });
    expect(read.status).toBe(200);
    const view = walletBillingView.strict().parse(read.body);
    expect(view).toMatchObject({
      mode: 'consumption',
      grace: 5_000,
      balance: 1_000 - 2 * 1024,
      pricePerGb: 1024,
      consumedBytes: 3 * GIB,
    });
    expect(view.charges.map((charge) => [charge.day, charge.kind, charge.amount])).toEqual([
      ['2026-02-02', 'charge', 2048],
      ['2026-02-01', 'opening', 0],
    ]);
    const one = await h.call('GET', `/api/v1/bots/${id}/wallet/consumption?limit=1`, op);
    expect(one.body.charges).toHaveLength(1);
    expectErrorBody(
      await h.call('GET', `/api/v1/bots/${id}/wallet/consumption?limit=0`, op),
      400,
      'invalid_request',
    );
  });

  it('keeps the billing settings the operator’s and each bot’s charges its own', async () => {
    const mine = await h.tenant();
    const other = await h.tenant();
    for (const key of ['wallet_billing_mode', 'wallet_consumption_grace']) {
      const refused = await h.call('PUT', `/api/v1/bots/${mine.id}/config/${key}`, {
        token: mine.apiToken,
        body: { value: key === 'wallet_billing_mode' ? 'consumption' : 10 },
      });
      expectErrorBody(refused, 403, 'forbidden');
    }
    expect(await h.app.forTenant(mine.id).walletBilling.billing()).toEqual({ mode: 'per_sale', grace: 0 });

    await h.app.forTenant(other.id).settings.set('wallet_billing_mode', 'consumption', 'operator');
    await h.app.forTenant(other.id).walletBilling.chargeDay('2026-02-01');
    expectErrorBody(
      await h.call('GET', `/api/v1/bots/${other.id}/wallet/consumption`, { token: mine.apiToken }),
      404,
      'not_found',
    );
    const own = await h.call('GET', `/api/v1/bots/${mine.id}/wallet/consumption`, { token: mine.apiToken });
    expect(own.body).toMatchObject({ mode: 'per_sale', charges: [] });
  });
});
