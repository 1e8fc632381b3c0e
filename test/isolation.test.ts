import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Transaction } from '../src/db/database.js';
import {
  botConfigurations,
  botFeatureFlags,
  botPlans,
  customers,
  subscriptions,
  tenantPaymentCards,
} from '../src/db/schema.js';
import { inTenant } from '../src/db/tenant-tx.js';
import type { BotId, CardId, CustomerId, PlanId } from '../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from './support/database.js';
import { rejection } from './support/errors.js';

const TENANT_TABLES = [
  'bot_feature_flags',
  'bot_configurations',
  'tenant_payment_cards',
  'bot_plans',
  'customers',
  'subscriptions',
  'ledger_transactions',
  'card_to_card_payments',
  'zarinpal_payments',
  'processed_updates',
  'bot_sessions',
  'orders',
  'customer_groups',
  'promo_codes',
  'promo_redemptions',
  'support_tickets',
  'ticket_messages',
  'ticket_deliveries',
  'jobs',
  'bots',
];

describe.each(BACKENDS)('tenant isolation on %s', (backend) => {
  let t: TestApp;
  let a: BotId;
  let b: BotId;
  let bPlan: PlanId;
  let bCard: CardId;
  let bCustomer: CustomerId;

  beforeAll(async () => {
    t = await createTestApp(backend);
    a = (await createTenant(t.app, 'A')).tenant.id;
    b = (await createTenant(t.app, 'B')).tenant.id;
    for (const id of [a, b]) {
      const shop = t.app.forTenant(id);
      await shop.flags.set('zarinpal', id === b);
      await shop.flags.set('referral_program', true);
      await shop.settings.set('trial_days', id === b ? 7 : 5, 'tenant');
      await shop.settings.set('timezone', 'Europe/Moscow', 'tenant');
      const plan = await shop.plans.create({ name: `plan-${id}`, periodDays: 30, price: 100_000 });
      const card = await shop.cards.create({
        cardNumber: id === b ? '6037991234567893' : '6219861034529007',
        holderName: 'X',
      });
      const { customer } = await shop.customers.register({ telegramId: 42, firstName: `c-${id}` }, 'fa');
      await shop.ledger.credit({ customerId: customer.id, amount: 1000, kind: 'admin_credit' });
      // a ticket each, so the ticket tables have rows for row-level security to hide
      await shop.tickets.open(customer.id, { text: `help-${id}` });
      if (id === b) {
        if (!plan.ok || !card.ok) throw new Error('fixture');
        bPlan = plan.value.id;
        bCard = card.value.id;
        bCustomer = customer.id;
      }
    }
  });
  afterAll(() => t.close());

  it("tenant A's services cannot read or change tenant B's rows", async () => {
    const shopA = t.app.forTenant(a);
    const shopB = t.app.forTenant(b);

    expect(await shopA.plans.get(bPlan)).toBeUndefined();
    expect(await shopA.plans.update(bPlan, { price: 1 })).toEqual({ ok: true, value: undefined });
    expect(await shopA.plans.deactivate(bPlan)).toBeUndefined();
    expect(await shopA.plans.delete(bPlan)).toBe(false);
    expect(await shopB.plans.get(bPlan)).toMatchObject({ price: 100_000, isActive: true });
    expect((await shopA.plans.findAll()).map((p) => p.botId)).toEqual([a]);

    expect(await shopA.cards.get(bCard)).toBeUndefined();
    expect(await shopA.cards.deactivate(bCard)).toBeUndefined();
    await shopA.cards.recordSuccess(bCard);
    expect(await shopA.cards.delete(bCard)).toBe(false);
    expect(await shopB.cards.get(bCard)).toMatchObject({ isActive: true, successCount: 0 });
    expect((await shopA.cards.findAll()).map((c) => c.botId)).toEqual([a]);

    expect(await shopA.customers.get(bCustomer)).toBeUndefined();
    await shopA.customers.setLanguage(bCustomer, 'ru');
    expect(await shopA.ledger.credit({ customerId: bCustomer, amount: 5, kind: 'admin_credit' })).toEqual({
      status: 'no_customer',
    });
    expect(await shopB.customers.get(bCustomer)).toMatchObject({ language: 'fa', balance: 1000 });
    expect((await shopA.customers.search('c-')).map((c) => c.botId)).toEqual([a]);

    expect(await shopA.flags.isEnabled('zarinpal')).toBe(false);
    expect(await shopB.flags.isEnabled('zarinpal')).toBe(true);
    await shopA.flags.delete('zarinpal');
    expect(await shopB.flags.get('zarinpal')).toMatchObject({ enabled: true, source: 'tenant' });

    expect(await shopA.settings.get('trial_days')).toBe(5);
    expect(await shopB.settings.get('trial_days')).toBe(7);
    await shopA.settings.reset('trial_days', 'operator');
    expect(await shopB.settings.get('trial_days')).toBe(7);
  });

  it("sessions and processed updates of one tenant never affect another's", async () => {
    const shopA = t.app.forTenant(a);
    const shopB = t.app.forTenant(b);
    await shopB.sessions.write('42', { awaiting: 'receipt' });
    expect(await shopA.sessions.read('42')).toBeUndefined();
    await shopA.sessions.write('42', { awaiting: 'amount' });
    expect(await shopB.sessions.read('42')).toEqual({ awaiting: 'receipt' });

    const admit = { update: { update_id: 7 }, sessionKey: '42', telegramId: 42 };
    expect(await shopA.updates.admit(admit)).toMatchObject({
      duplicate: false,
      session: { awaiting: 'amount' },
      customer: { botId: a },
    });
    expect(await shopB.updates.admit(admit)).toMatchObject({
      duplicate: false,
      session: { awaiting: 'receipt' },
      customer: { botId: b },
    });
    expect(await shopA.updates.admit(admit)).toEqual({ duplicate: true });
    await shopA.sessions.delete('42');
    expect(await shopB.sessions.read('42')).toEqual({ awaiting: 'receipt' });
  });

  it("tenant A's services cannot see, pay, cancel or provision tenant B's orders", async () => {
    const shopA = t.app.forTenant(a);
    const shopB = t.app.forTenant(b);
    const bought = await shopB.orders.purchasePlan({ customerId: bCustomer, planId: bPlan });
    if (bought.status !== 'insufficient') throw new Error(`fixture: ${bought.status}`);
    const bOrder = bought.order.id;
    expect(await shopA.orders.get(bOrder)).toBeUndefined();
    expect(await shopA.orders.payAwaiting(bOrder)).toEqual({ status: 'not_found' });
    expect(await shopA.orders.cancel(bOrder)).toBe(false);
    expect(await shopA.subscriptions.provision(bOrder)).toEqual({ status: 'skipped', order: undefined });
    expect(await shopA.orders.findByCustomer(bCustomer)).toEqual([]);
    expect(await shopA.orders.purchasePlan({ customerId: bCustomer, planId: bPlan })).toEqual({
      status: 'no_customer',
    });
    expect(await shopA.orders.startTrial(bCustomer)).toEqual({ status: 'no_customer' });
    expect(await shopA.subscriptions.getForCustomer(bCustomer)).toBeUndefined();
    expect(await shopB.orders.get(bOrder)).toMatchObject({ status: 'created', botId: b });
  });

  it('row-level security shows a tenant transaction only its own rows, even without a bot_id filter', async () => {
    const seen = await inTenant(t.database.handle.db, a, async (tx) => ({
      flags: await tx.select().from(botFeatureFlags),
      settings: await tx.select().from(botConfigurations),
      plans: await tx.select().from(botPlans),
      cards: await tx.select().from(tenantPaymentCards),
      customers: await tx.select().from(customers),
    }));
    for (const [table, rows] of Object.entries(seen)) {
      expect(rows.length, table).toBeGreaterThan(0);
      expect(new Set(rows.map((row) => row.botId)), table).toEqual(new Set([a]));
    }
  });

  it('a tenant transaction cannot write a row for another tenant', async () => {
    expect(
      await rejection(
        inTenant(t.database.handle.db, a, (tx) =>
          tx.insert(botPlans).values({ botId: b, name: 'smuggled', periodDays: 1, price: 1 }),
        ),
      ),
    ).toMatch(/row-level security/);
    expect(
      await rejection(
        inTenant(t.database.handle.db, a, (tx) => tx.update(botPlans).set({ botId: b }).where(sql`true`)),
      ),
    ).toMatch(/row-level security/);
  });

  it('a raw query as the service role with no tenant set reads nothing and cannot insert', async () => {
    const [role] = await t.database.handle.query<{ user: string }>('SELECT current_user AS user');
    expect(role?.user).toBe('remnafleet_app');
    for (const table of TENANT_TABLES) {
      const rows = await t.database.handle.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      expect(rows[0]?.n, table).toBe(0);
    }
    expect(
      await rejection(
        t.database.handle.query(
          `INSERT INTO bot_plans (bot_id, name, period_days, price) VALUES ($1, 'x', 1, 1)`,
          [a],
        ),
      ),
    ).toMatch(/row-level security/);
    expect(
      await rejection(
        t.database.handle.query(
          `INSERT INTO bots (name, token_ciphertext, telegram_bot_id, api_token_hash) VALUES ('x', 'x', 1, 'x')`,
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it('the database refuses a reference from one tenant row to another tenant row', async () => {
    const db = t.database.handle.db;
    // A subscription of tenant A pointing at tenant B's customer and plan
    expect(
      await rejection(
        inTenant(db, a, (tx) =>
          tx.insert(subscriptions).values({ botId: a, customerId: bCustomer, panelUsername: 'smuggled' }),
        ),
      ),
    ).toMatch(/foreign key/);
    const [aCustomer] = await inTenant(db, a, (tx) => tx.select().from(customers));
    expect(
      await rejection(
        inTenant(db, a, (tx) =>
          tx
            .insert(subscriptions)
            .values({ botId: a, customerId: aCustomer!.id, planId: bPlan, panelUsername: 'p2' }),
        ),
      ),
    ).toMatch(/foreign key/);
    expect(
      await rejection(
        inTenant(db, a, (tx) =>
          tx.execute(sql`insert into card_to_card_payments (bot_id, customer_id, card_id, amount, tracking_number, receipt_type)
                       values (${a}, ${aCustomer!.id}, ${bCard}, 1000, 'T1', 'text')`),
        ),
      ),
    ).toMatch(/foreign key/);
    expect(
      await rejection(
        inTenant(db, a, (tx) =>
          tx.execute(sql`update customers set referred_by = ${bCustomer} where id = ${aCustomer!.id}`),
        ),
      ),
    ).toMatch(/foreign key/);
  });

  it("a card payment can point at neither another tenant's order nor its payment", async () => {
    const db = t.database.handle.db;
    const shopB = t.app.forTenant(b);
    const bought = await shopB.orders.purchasePlan({ customerId: bCustomer, planId: bPlan });
    const submitted = await shopB.cardPayments.submit({
      customerId: bCustomer,
      amount: 1000,
      cardId: bCard,
      receipt: { text: 'b' },
    });
    if (bought.status !== 'insufficient' || submitted.status !== 'submitted') throw new Error('fixture');
    const [aCustomer] = await inTenant(db, a, (tx) => tx.select().from(customers));
    for (const [column, id] of [
      ['order_id', bought.order.id],
      ['duplicate_of', submitted.payment.id],
    ] as const) {
      expect(
        await rejection(
          inTenant(db, a, (tx) =>
            tx.execute(sql`insert into card_to_card_payments (bot_id, customer_id, amount, tracking_number, receipt_type, receipt_text, ${sql.raw(column)})
                         values (${a}, ${aCustomer!.id}, 1000, ${`X-${column}`}, 'text', 'x', ${id})`),
          ),
        ),
        column,
      ).toMatch(/foreign key/);
    }
  });

  it("promo codes and customer groups: no code, group or membership of one tenant reaches another's", async () => {
    const db = t.database.handle.db;
    const shopA = t.app.forTenant(a);
    const shopB = t.app.forTenant(b);
    await shopB.flags.set('promo_codes', true);
    const bGroup = await shopB.groups.create({ name: 'iso-b' });
    const bCode = await shopB.promo.create({ code: 'ISO-B', kind: 'balance', amount: 10 });
    if (!bGroup.ok || !bCode.ok) throw new Error('fixture');
    const [aCustomer] = await inTenant(db, a, (tx) => tx.select().from(customers));
    // through the services: another tenant's code is unknown, its group cannot be joined
    expect(await shopA.promo.redeem(aCustomer!.id as CustomerId, 'iso-b')).toMatchObject({
      status: 'disabled',
    });
    await shopA.flags.set('promo_codes', true);
    expect(await shopA.promo.redeem(aCustomer!.id as CustomerId, 'iso-b')).toEqual({ status: 'unknown' });
    expect(await shopA.groups.assign(aCustomer!.id as CustomerId, bGroup.value.id)).toBe(false);
    // and the database refuses the cross-tenant references themselves
    for (const statement of [
      sql`update customers set group_id = ${bGroup.value.id} where id = ${aCustomer!.id}`,
      sql`insert into promo_codes (bot_id, code, kind, group_id) values (${a}, 'ISO-A', 'group', ${bGroup.value.id})`,
      sql`insert into customer_group_prices (bot_id, group_id, plan_id, price) values (${a}, ${bGroup.value.id}, ${bPlan}, 1)`,
      sql`insert into promo_redemptions (bot_id, promo_code_id, customer_id, status) values (${a}, ${bCode.value.id}, ${aCustomer!.id}, 'used')`,
    ]) {
      expect(await rejection(inTenant(db, a, (tx) => tx.execute(statement)))).toMatch(/foreign key/);
    }
    expect(await shopB.promo.get(bCode.value.id)).toMatchObject({ uses: 0, isActive: true });
  });

  // PGlite is one embedded superuser that switched to the service role (docs/ARCHITECTURE.md): it
  // has no login role to escape from, so these hold on PostgreSQL only.
  it.skipIf(backend !== 'postgres')(
    'the service connection cannot become the owner: no SET ROLE, no RESET ROLE into it, no NO FORCE',
    async () => {
      const db = t.database.handle.db;
      const [{ owner } = { owner: '' }] = await t.database.handle.query<{ owner: string }>(
        `SELECT tableowner AS owner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'bots'`,
      );
      expect(owner).not.toBe('');
      expect(await rejection(inTenant(db, a, (tx) => tx.execute(sql.raw(`SET ROLE ${owner}`))))).toMatch(
        /permission denied to set role/,
      );
      expect(
        await rejection(inTenant(db, a, (tx) => tx.execute(sql.raw(`SET SESSION AUTHORIZATION ${owner}`)))),
      ).toMatch(/permission denied/);
      // RESET ROLE (back to the connection's default) and SET ROLE NONE (back to the login role)
      // lead to roles as powerless as the service role, never to the owner
      for (const back of ['RESET ROLE', 'SET ROLE NONE']) {
        const reached = await rolledBack(db, async (tx) => {
          await tx.execute(sql.raw(back));
          const [who] = await rowsOf<{ session: string; current: string }>(
            tx.execute(sql`select session_user::text as session, current_user::text as current`),
          );
          const [visible] = await rowsOf<{ n: number }>(
            tx.execute(sql`select count(*)::int as n from customers`),
          );
          return { session: who?.session, current: who?.current, visible: visible?.n };
        });
        expect([reached.session, 'remnafleet_app'], back).toContain(reached.current);
        expect(reached.current, back).not.toBe(owner);
        expect(reached.session, back).not.toBe(owner);
        expect(reached.visible, back).toBe(0);
      }
      for (const statement of [
        'ALTER TABLE customers NO FORCE ROW LEVEL SECURITY',
        'ALTER TABLE customers DISABLE ROW LEVEL SECURITY',
        'DROP POLICY tenant_isolation ON customers',
      ]) {
        expect(
          await rejection(
            rolledBack(db, async (tx) => {
              await tx.execute(sql`SET ROLE NONE`);
              await tx.execute(sql.raw(statement));
            }),
          ),
          statement,
        ).toMatch(/must be owner/);
      }
      expect(
        await rejection(inTenant(db, a, (tx) => tx.execute(sql.raw(`GRANT ${owner} TO CURRENT_USER`)))),
      ).toMatch(/permission denied|must have admin option|must be superuser/);
    },
  );
});

/** The rows of a raw statement's result (node-postgres shape; this test runs it on PostgreSQL). */
const rowsOf = async <Row>(result: Promise<unknown>): Promise<Row[]> =>
  ((await result) as { rows: Row[] }).rows;

const ROLLBACK = new Error('rolled back on purpose');

/** Runs `work` in a transaction that is then rolled back, so session changes do not outlive it. */
async function rolledBack<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  let result: T | undefined;
  try {
    await db.transaction(async (tx) => {
      result = await work(tx);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return result as T;
}
