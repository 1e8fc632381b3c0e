import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { asCustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

let nextTelegramId = 5_000_000_000;
const telegramId = () => nextTelegramId++;

describe.each(BACKENDS)('customers on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const freshShop = async (): Promise<TenantServices> =>
    t.app.forTenant((await createTenant(t.app)).tenant.id);

  describe('register', () => {
    it('creates a customer the first time and refreshes the profile afterwards', async () => {
      const { customers } = await freshShop();
      const id = telegramId();
      const first = await customers.register(
        { telegramId: id, username: 'ali', firstName: 'Ali', lastName: 'Rezaei' },
        'fa',
      );
      expect(first.isNew).toBe(true);
      expect(first.customer).toMatchObject({
        telegramId: id,
        username: 'ali',
        firstName: 'Ali',
        lastName: 'Rezaei',
        language: 'fa',
        hasChosenLanguage: false,
        balance: 0,
        referredBy: null,
        isBlocked: false,
      });
      expect(first.customer.referralCode).toMatch(/^[a-z0-9]{10}$/);
      expect(Object.keys(first.customer)).not.toContain('isNew');

      const second = await customers.register(
        { telegramId: id, username: 'ali_new', firstName: 'Ali R.' },
        'fa',
      );
      expect(second.isNew).toBe(false);
      expect(second.customer).toMatchObject({
        id: first.customer.id,
        username: 'ali_new',
        firstName: 'Ali R.',
        lastName: null,
        referralCode: first.customer.referralCode,
      });
      expect(await customers.get(first.customer.id)).toEqual(second.customer);
      expect(await customers.getByTelegramId(id)).toEqual(second.customer);
      expect(await customers.findAll()).toHaveLength(1);
    });

    it('reports isNew for exactly one of several concurrent registrations of one user', async () => {
      const { customers } = await freshShop();
      const id = telegramId();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          customers.register({ telegramId: id, firstName: `n${index}` }, 'fa'),
        ),
      );
      expect(results.filter((result) => result.isNew)).toHaveLength(1);
      expect(new Set(results.map((result) => result.customer.id)).size).toBe(1);
      expect(await customers.findAll()).toHaveLength(1);
    });

    it('follows the given language until the customer chooses one, then keeps the choice', async () => {
      const { customers } = await freshShop();
      const id = telegramId();
      const { customer } = await customers.register({ telegramId: id }, 'en');
      expect(customer.language).toBe('en');
      expect((await customers.register({ telegramId: id }, 'ru')).customer.language).toBe('ru');

      await customers.setLanguage(customer.id, 'fa');
      expect(await customers.get(customer.id)).toMatchObject({ language: 'fa', hasChosenLanguage: true });
      const again = await customers.register({ telegramId: id, username: 'still_me' }, 'en');
      expect(again.customer).toMatchObject({ language: 'fa', hasChosenLanguage: true, username: 'still_me' });
      await customers.setLanguage(customer.id, 'ru');
      expect((await customers.register({ telegramId: id }, 'en')).customer.language).toBe('ru');
    });

    it('makes the same Telegram user two separate customers in two tenants', async () => {
      const a = await freshShop();
      const b = await freshShop();
      const id = telegramId();
      const inA = await a.customers.register({ telegramId: id, firstName: 'Reza' }, 'fa');
      const inB = await b.customers.register({ telegramId: id, firstName: 'Reza' }, 'en');
      expect(inA.isNew).toBe(true);
      expect(inB.isNew).toBe(true);
      expect(inA.customer.id).not.toBe(inB.customer.id);
      expect(inA.customer.botId).toBe(a.botId);
      expect(inB.customer.botId).toBe(b.botId);

      await a.customers.setLanguage(inA.customer.id, 'ru');
      expect((await b.customers.getByTelegramId(id))?.language).toBe('en');
      expect((await a.customers.getByTelegramId(id))?.id).toBe(inA.customer.id);
      expect(await a.customers.get(inB.customer.id)).toBeUndefined();
      expect(await b.customers.get(inA.customer.id)).toBeUndefined();
    });

    it('finds a customer by referral code; unknown ids and codes give undefined', async () => {
      const { customers } = await freshShop();
      const { customer } = await customers.register({ telegramId: telegramId() }, 'fa');
      expect((await customers.getByReferralCode(customer.referralCode))?.id).toBe(customer.id);
      expect(await customers.getByReferralCode('nosuchcode')).toBeUndefined();
      expect(await customers.get(asCustomerId(987_654_321))).toBeUndefined();
      expect(await customers.getByTelegramId(1)).toBeUndefined();
    });

    it('records acceptance of the rules', async () => {
      const { customers } = await freshShop();
      const { customer } = await customers.register({ telegramId: telegramId() }, 'fa');
      expect(customer.rulesAcceptedAt).toBeNull();
      await customers.acceptRules(customer.id);
      expect((await customers.get(customer.id))?.rulesAcceptedAt).toBeInstanceOf(Date);
    });
  });

  describe('setReferrer', () => {
    it('records the inviter of the same tenant once and never overwrites it', async () => {
      const { customers } = await freshShop();
      const inviter = (await customers.register({ telegramId: telegramId() }, 'fa')).customer;
      const other = (await customers.register({ telegramId: telegramId() }, 'fa')).customer;
      const invited = (await customers.register({ telegramId: telegramId() }, 'fa')).customer;

      expect(await customers.setReferrer(invited.id, inviter.referralCode)).toBe(true);
      expect((await customers.get(invited.id))?.referredBy).toBe(inviter.id);
      expect(await customers.setReferrer(invited.id, other.referralCode)).toBe(false);
      expect(await customers.setReferrer(invited.id, inviter.referralCode)).toBe(false);
      expect((await customers.get(invited.id))?.referredBy).toBe(inviter.id);
    });

    it('ignores self-referral, unknown codes and codes of another tenant', async () => {
      const a = await freshShop();
      const b = await freshShop();
      const me = (await a.customers.register({ telegramId: telegramId() }, 'fa')).customer;
      const foreigner = (await b.customers.register({ telegramId: telegramId() }, 'fa')).customer;

      expect(await a.customers.setReferrer(me.id, me.referralCode)).toBe(false);
      expect(await a.customers.setReferrer(me.id, 'unknowncode')).toBe(false);
      expect(await a.customers.setReferrer(me.id, foreigner.referralCode)).toBe(false);
      expect((await a.customers.get(me.id))?.referredBy).toBeNull();
      // the same person registered in tenant A too: only then is a code of tenant A usable
      const friend = (await a.customers.register({ telegramId: foreigner.telegramId }, 'fa')).customer;
      expect(await a.customers.setReferrer(me.id, friend.referralCode)).toBe(true);
      expect((await a.customers.get(me.id))?.referredBy).toBe(friend.id);
    });

    it('answers false for a customer of another tenant', async () => {
      const a = await freshShop();
      const b = await freshShop();
      const inviter = (await a.customers.register({ telegramId: telegramId() }, 'fa')).customer;
      const stranger = (await b.customers.register({ telegramId: telegramId() }, 'fa')).customer;
      expect(await a.customers.setReferrer(stranger.id, inviter.referralCode)).toBe(false);
      expect((await b.customers.get(stranger.id))?.referredBy).toBeNull();
    });
  });

  describe('search', () => {
    it('finds by Telegram id, customer id, @username and name fragment', async () => {
      const { customers } = await freshShop();
      const ali = (
        await customers.register(
          { telegramId: telegramId(), username: 'Ali_Shop', firstName: 'Ali', lastName: 'Karimi' },
          'fa',
        )
      ).customer;
      const sara = (
        await customers.register(
          { telegramId: telegramId(), username: 'sara99', firstName: 'Sara', lastName: 'Ahmadi' },
          'fa',
        )
      ).customer;
      const ids = async (query: string) => (await customers.search(query)).map((customer) => customer.id);

      expect(await ids(String(ali.telegramId))).toEqual([ali.id]);
      expect(await ids(String(sara.id))).toContain(sara.id);
      expect(await ids('@ali_shop')).toEqual([ali.id]);
      expect(await ids('ALI_SHOP')).toEqual([ali.id]);
      expect(await ids('  @sara99 ')).toEqual([sara.id]);
      expect(await ids('kar')).toEqual([ali.id]);
      expect(await ids('ahmad')).toEqual([sara.id]);
      expect(await ids('a')).toEqual([ali.id, sara.id]);
      expect(await ids('nobody')).toEqual([]);
    });

    it('takes % and _ in the query literally', async () => {
      const { customers } = await freshShop();
      const plain = (await customers.register({ telegramId: telegramId(), firstName: 'Reza' }, 'fa'))
        .customer;
      const percent = (await customers.register({ telegramId: telegramId(), firstName: '100%' }, 'fa'))
        .customer;
      const underscore = (await customers.register({ telegramId: telegramId(), username: 'a_b_c' }, 'fa'))
        .customer;
      const ids = async (query: string) => (await customers.search(query)).map((customer) => customer.id);
      expect(await ids('%')).toEqual([percent.id]);
      expect(await ids('0%')).toEqual([percent.id]);
      expect(await ids('_')).toEqual([underscore.id]);
      expect(await ids('R%a')).toEqual([]);
      expect(await ids('Reza')).toEqual([plain.id]);
      expect(await ids('\\')).toEqual([]);
    });

    it("pages results and never returns another tenant's customers", async () => {
      const a = await freshShop();
      const b = await freshShop();
      const made = [];
      for (let index = 0; index < 5; index += 1) {
        made.push(
          (await a.customers.register({ telegramId: telegramId(), firstName: `Mina ${index}` }, 'fa'))
            .customer,
        );
      }
      const foreign = (await b.customers.register({ telegramId: telegramId(), firstName: 'Mina' }, 'fa'))
        .customer;
      expect((await a.customers.search('mina', { limit: 2 })).map((c) => c.id)).toEqual([
        made[0]!.id,
        made[1]!.id,
      ]);
      expect((await a.customers.search('mina', { limit: 2, offset: 4 })).map((c) => c.id)).toEqual([
        made[4]!.id,
      ]);
      expect((await a.customers.search('mina')).map((c) => c.botId)).toEqual(Array(5).fill(a.botId));
      expect(await a.customers.search(String(foreign.telegramId))).toEqual([]);
      expect(await a.customers.search(String(foreign.id))).toEqual([]);
    });
  });
});
