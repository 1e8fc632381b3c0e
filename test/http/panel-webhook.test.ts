import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../sim/telegram/index.js';
import type { App, TenantServices } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { subscriptions } from '../../src/db/schema.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import {
  PANEL_WEBHOOK_PATH,
  panelWebhookRoutes,
  parseWebhookTimestamp,
} from '../../src/http/panel-webhook.js';
import { createServer, type HttpServer } from '../../src/http/server.js';
import { panelUsername } from '../../src/modules/subscriptions/panel-username.js';
import type { Subscription } from '../../src/modules/subscriptions/subscriptions-service.js';
import { ConfigError } from '../../src/shared/errors.js';
import { asCustomerId, asSubscriptionId, type CustomerId } from '../../src/shared/ids.js';
import { BACKENDS } from '../support/database.js';
import { eventually, type FleetHarness, type ShopUnderTest, startFleetHarness } from '../support/fleet.js';
import { rememberSecret, testLogs } from '../support/log-capture.js';
import { withServices } from '../support/services.js';
import {
  createMonthlyPlan,
  forgePress,
  newCustomer,
  openTestShop,
  pressForAnswer,
  pressForEdit,
} from '../support/shop.js';

const SECRET = 'PanelWebhookSecret0123456789abcdefABCDEF0123456789abcdef01234567';
const MINUTE = 60_000;

const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

describe('the panel webhook configuration', () => {
  const KEY = '5be0c3a91f7d48e26ac4b0f3d9172e85c6a30f4b1d8e97c2a5f06b3e4d1c89a7';
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ENCRYPTION_KEY: KEY, ...env });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return [...error.problems];
      throw error;
    }
  };

  it('has no route without REMNAWAVE_WEBHOOK_SECRET, and a 5-minute window by default', () => {
    expect(loadConfig({ ENCRYPTION_KEY: KEY }).remnawaveWebhook).toBeUndefined();
    expect(loadConfig({ ENCRYPTION_KEY: KEY, REMNAWAVE_WEBHOOK_SECRET: SECRET }).remnawaveWebhook).toEqual({
      secret: SECRET,
      maxAgeSeconds: 300,
    });
    expect(
      loadConfig({
        ENCRYPTION_KEY: KEY,
        REMNAWAVE_WEBHOOK_SECRET: SECRET,
        REMNAWAVE_WEBHOOK_MAX_AGE_SECONDS: '60',
      }).remnawaveWebhook?.maxAgeSeconds,
    ).toBe(60);
  });

  it('refuses a short secret, one of spaces only, and a window out of range', () => {
    expect(problems({ REMNAWAVE_WEBHOOK_SECRET: 'short' })).toEqual([
      'REMNAWAVE_WEBHOOK_SECRET: must be at least 32 characters (the panel signs with it)',
    ]);
    expect(problems({ REMNAWAVE_WEBHOOK_SECRET: '   ' })).toHaveLength(1);
    expect(problems({ REMNAWAVE_WEBHOOK_MAX_AGE_SECONDS: '0' })).toHaveLength(1);
    expect(problems({ REMNAWAVE_WEBHOOK_MAX_AGE_SECONDS: 'soon' })).toHaveLength(1);
  });
});

/**
 * POST /panel/webhook as the Remnawave panel calls it: the simulator sends its own signed events
 * over HTTP as it changes users (concurrently, retrying failures), and the tests post deliveries
 * of their own (replayed, reordered, forged, stale). The route is served by `createServer`, next to
 * the fleet of the harness, whose job runner sends the alerts through the Telegram simulator.
 */
describe.each(BACKENDS)('the panel webhook on %s', (backend) => {
  let h: FleetHarness;
  let server: HttpServer;
  let url: string;
  let nextAdminId = 910_001;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    rememberSecret('panel token', SECRET);
    server = createServer({
      fleet: h.platform.fleet,
      app: h.testApp.app,
      logger: testLogs.logger,
      api: { operatorToken: undefined },
      panelWebhook: { secret: SECRET, maxAgeSeconds: 300 },
    });
    url = `${await server.listen({ host: '127.0.0.1', port: 0 })}${PANEL_WEBHOOK_PATH}`;
    h.panel.setWebhook({ url, secret: SECRET, retryDelayMs: 50 });
  }, 60_000);
  afterAll(async () => {
    await h?.panel.webhooksIdle();
    await server?.close();
    await h?.close();
  });

  const post = (body: string, headers: Record<string, string>, to = url) =>
    fetch(to, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  /** A delivery as the panel makes it: signed, with the body's timestamp in the header. */
  const delivery = (envelope: Record<string, unknown>, at = new Date()) => {
    const body = JSON.stringify({ ...envelope, timestamp: at.toISOString() });
    return {
      body,
      headers: { 'x-remnawave-signature': sign(body), 'x-remnawave-timestamp': at.toISOString() },
    };
  };

  const send = (envelope: Record<string, unknown>, at?: Date) => {
    const d = delivery(envelope, at);
    return post(d.body, d.headers);
  };

  /** A shop selling one plan on the panel, with one admin (who has started its bot). */
  async function openShop(name: string) {
    const adminId = nextAdminId++;
    const squad = h.panel.addSquad(`${name}-Squad`);
    const { shop, services } = await openTestShop(h, name, { squad, admins: [adminId] });
    const plan = await createMonthlyPlan(services, name);
    const admin = h.sim.user({ id: adminId, firstName: 'Ava', username: `ava_${adminId}` });
    admin.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, admin, (m) => m.fromBot);
    return { shop, services, plan, admin };
  }

  /** A customer who bought the plan: their subscription once provisioned, and its panel user. */
  async function subscribedCustomer(opened: Awaited<ReturnType<typeof openShop>>, name: string) {
    const { shop, services, plan } = opened;
    const { user, customerId } = await newCustomer(h, shop, name);
    await services.ledger.credit({ customerId, amount: plan.price, kind: 'admin_credit' });
    const bought = await services.orders.purchasePlan({ customerId, planId: plan.id });
    expect(bought.status).toBe('paid');
    let subscription: Subscription | undefined;
    await eventually(async () => {
      subscription = await services.subscriptions.getForCustomer(customerId);
      return subscription?.status === 'active';
    }, 'the subscription is provisioned');
    const panelUser = h.panel.getUser(subscription!.panelUsername)!;
    for (const secret of [panelUser.vlessUuid, panelUser.trojanPassword, panelUser.ssPassword]) {
      rememberSecret('panel token', secret);
    }
    await h.panel.webhooksIdle();
    return { user, customerId, subscription: subscription!, panelUser };
  }

  /** The user object the panel last sent for `username`, to build deliveries of our own from. */
  const lastUserJson = (username: string): Record<string, unknown> => {
    const last = h.panel
      .webhookDeliveries()
      .filter((d) => d.username === username && d.scope === 'user')
      .at(-1);
    if (!last) throw new Error(`no delivery for ${username}`);
    return (JSON.parse(last.body) as { data: Record<string, unknown> }).data;
  };

  const deliveriesOf = (username: string, event: string) =>
    h.panel.webhookDeliveries().filter((d) => d.username === username && d.event === event);

  const panelApi = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.panel.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${h.panel.apiToken}`,
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'https',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status).toBeLessThan(300);
  };

  /** A panel change one second after the last, so each has its own updatedAt. */
  const change = async (method: string, path: string, body?: unknown) => {
    h.panel.advanceTime(1000);
    await panelApi(method, path, body);
    await h.panel.webhooksIdle();
  };

  const status = async (opened: { services: TenantServices }, id: number) =>
    (await opened.services.subscriptions.get(asSubscriptionId(id)))?.status;

  it('does not exist without a secret: 404, no unauthenticated door', async () => {
    const bare = createServer({
      fleet: h.platform.fleet,
      app: h.testApp.app,
      logger: testLogs.logger,
      api: { operatorToken: undefined },
    });
    const base = await bare.listen({ host: '127.0.0.1', port: 0 });
    try {
      const d = delivery({ scope: 'service', event: 'service.panel_started', data: {} });
      expect((await post(d.body, d.headers, `${base}${PANEL_WEBHOOK_PATH}`)).status).toBe(404);
    } finally {
      await bare.close();
    }
  });

  it('refuses a forged, tampered or missing signature with 401 and changes nothing', async () => {
    const opened = await openShop('Forged');
    const { subscription } = await subscribedCustomer(opened, 'Farid');
    const data = {
      ...lastUserJson(subscription.panelUsername),
      status: 'DISABLED',
      updatedAt: h.panel.now(),
    };
    const forged = delivery({ scope: 'user', event: 'user.disabled', data });
    const byAnotherSecret = { ...forged.headers, 'x-remnawave-signature': sign(forged.body, 'x'.repeat(64)) };
    const tampered = forged.body.replace('"DISABLED"', '"ACTIVE"');
    for (const [body, headers] of [
      [forged.body, byAnotherSecret],
      [tampered, forged.headers],
      [forged.body, { 'x-remnawave-timestamp': forged.headers['x-remnawave-timestamp'] }],
      [forged.body, { ...forged.headers, 'x-remnawave-signature': 'zz' }],
    ] as const) {
      const response = await post(body, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ ok: false });
    }
    expect(await status(opened, subscription.id)).toBe('active');
    // the same delivery, signed with the secret: applied
    expect((await post(forged.body, forged.headers)).status).toBe(200);
    expect(await status(opened, subscription.id)).toBe('disabled');
  });

  it('refuses a stale, missing or unreadable timestamp with 400; takes ISO and epoch seconds or ms', async () => {
    const node = { scope: 'node', event: 'node.connection_lost', data: { uuid: 'n-1', name: 'de-1' } };
    const old = new Date(Date.now() - 10 * MINUTE);
    expect((await send(node, old)).status).toBe(400);
    expect((await send(node, new Date(Date.now() + 10 * MINUTE))).status).toBe(400);
    const fresh = delivery(node);
    expect(
      (await post(fresh.body, { 'x-remnawave-signature': fresh.headers['x-remnawave-signature'] })).status,
    ).toBe(400);
    expect((await post(fresh.body, { ...fresh.headers, 'x-remnawave-timestamp': 'yesterday' })).status).toBe(
      400,
    );
    // a captured body replayed later under a new header: its own signed timestamp gives it away
    const captured = delivery(node, old);
    const refreshed = { ...captured.headers, 'x-remnawave-timestamp': new Date().toISOString() };
    expect((await post(captured.body, refreshed)).status).toBe(400);

    const seconds = String(Math.floor(Date.now() / 1000));
    expect((await post(fresh.body, { ...fresh.headers, 'x-remnawave-timestamp': seconds })).status).toBe(200);
    expect(
      (await post(fresh.body, { ...fresh.headers, 'x-remnawave-timestamp': String(Date.now()) })).status,
    ).toBe(200);
    expect(parseWebhookTimestamp('2026-01-07T11:57:29.426Z')?.toISOString()).toBe('2026-01-07T11:57:29.426Z');
    expect(parseWebhookTimestamp('1767787049')?.toISOString()).toBe('2026-01-07T11:57:29.000Z');
    expect(parseWebhookTimestamp('1767787049426')?.toISOString()).toBe('2026-01-07T11:57:29.426Z');
  });

  it('refuses a malformed delivery with 400, accepts and ignores what is not ours with 200', async () => {
    const opened = await openShop('Strangers');
    const notJson = 'not json';
    const at = new Date().toISOString();
    const headers = { 'x-remnawave-signature': sign(notJson), 'x-remnawave-timestamp': at };
    expect((await post(notJson, headers)).status).toBe(400);
    expect((await send({ scope: 'user', data: {} })).status).toBe(400);
    expect(
      (await send({ scope: 'user', event: 'user.disabled', data: { id: 1, status: 'DISABLED' } })).status,
    ).toBe(400);

    const { subscription } = await subscribedCustomer(opened, 'Sima');
    const data = lastUserJson(subscription.panelUsername);
    for (const username of [panelUsername(opened.shop.id, asCustomerId(999_999)), 'someone_else', 'rf0c1']) {
      const response = await send({ scope: 'user', event: 'user.disabled', data: { ...data, username } });
      expect(response.status).toBe(200);
    }
    expect(
      (await send({ scope: 'crm', event: 'crm.infra_billing_node_payment_in_7_days', data: {} })).status,
    ).toBe(200);
    expect((await send({ scope: 'user', event: 'user.subscription_request', data: {} })).status).toBe(200);
    expect(await status(opened, subscription.id)).toBe('active');
  });

  it('follows the panel: each change applied, a replay changes nothing, an older event after a newer one neither', async () => {
    const opened = await openShop('Follow');
    const { subscription, panelUser } = await subscribedCustomer(opened, 'Mina');
    await change('POST', `/api/users/${panelUser.id}/actions/disable`);
    expect(await status(opened, subscription.id)).toBe('disabled');
    const [disabled] = deliveriesOf(subscription.panelUsername, 'user.disabled');
    expect(disabled?.delivered).toBe(true);

    // the same delivery again (the panel retrying one whose answer it lost)
    expect((await post(disabled!.body, disabled!.headers)).status).toBe(200);
    expect(await status(opened, subscription.id)).toBe('disabled');

    await change('POST', `/api/users/${panelUser.id}/actions/enable`);
    await change('POST', `/api/users/${panelUser.id}/actions/revoke`, {});
    const revoked = h.panel.getUser(panelUser.id)!;
    const row = await opened.services.subscriptions.get(asSubscriptionId(subscription.id));
    expect(row).toMatchObject({ status: 'active', subscriptionUrl: revoked.subscriptionUrl });
    expect(row?.subscriptionUrl).not.toBe(subscription.subscriptionUrl);
    // the old disable arriving late: 200, and nothing moves back
    expect((await post(disabled!.body, disabled!.headers)).status).toBe(200);
    expect(await opened.services.subscriptions.get(asSubscriptionId(subscription.id))).toMatchObject({
      status: 'active',
      subscriptionUrl: revoked.subscriptionUrl,
    });
  });

  it('takes 20 concurrent deliveries, and a notice the panel sent twice reaches the customer once', async () => {
    const opened = await openShop('Busy');
    const first = await subscribedCustomer(opened, 'Nima');
    const second = await subscribedCustomer(opened, 'Leila');
    for (const { panelUser } of [first, second]) {
      for (let round = 0; round < 5; round++) {
        await change('POST', `/api/users/${panelUser.id}/actions/disable`);
        await change('POST', `/api/users/${panelUser.id}/actions/enable`);
      }
    }
    const made = h.panel
      .webhookDeliveries()
      .filter(
        (d) =>
          (d.username === first.subscription.panelUsername ||
            d.username === second.subscription.panelUsername) &&
          (d.event === 'user.disabled' || d.event === 'user.enabled'),
      );
    expect(made).toHaveLength(20);
    expect(made.every((d) => d.delivered)).toBe(true);
    // all 20 again at once, newest first
    const answers = await Promise.all([...made].reverse().map((d) => post(d.body, d.headers)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await status(opened, first.subscription.id)).toBe('active');
    expect(await status(opened, second.subscription.id)).toBe('active');

    // the panel's usage threshold, delivered twice at once (a retry racing the first try)
    const limit = first.subscription.trafficLimitBytes;
    const data = lastUserJson(first.subscription.panelUsername);
    const threshold = delivery({
      scope: 'user',
      event: 'user.bandwidth_usage_threshold_reached',
      data: {
        ...data,
        lastTriggeredThreshold: 80,
        userTraffic: { ...(data.userTraffic as object), usedTrafficBytes: String(Math.ceil(limit * 0.85)) },
      },
    });
    const twice = await Promise.all([
      post(threshold.body, threshold.headers),
      post(threshold.body, threshold.headers),
    ]);
    expect(twice.map((a) => a.status)).toEqual([200, 200]);
    await h.sim.waitForMessage(opened.shop.bot, first.user, (m) =>
      (m.text ?? '').includes('80% of the traffic'),
    );
    // give a second notice every chance to arrive, then count
    await new Promise((resolve) => setTimeout(resolve, 500));
    const warnings = h.sim
      .chat(opened.shop.bot, first.user)
      .messages.filter((m) => m.fromBot && (m.text ?? '').includes('% of the traffic'));
    expect(warnings).toHaveLength(1);
  });

  it('marks a user the panel deleted, alerts the admins and the operators; the admin restores it', async () => {
    const operatorId = nextAdminId++;
    const master = await h.addTenant('Master', { isMaster: true, adminTelegramIds: [operatorId] });
    await h.testApp.app.forTenant(master.id).settings.set('default_language', 'en', 'operator');
    const operator = h.sim.user({ id: operatorId, firstName: 'Omid' });
    operator.start(master.bot);
    await h.sim.waitForMessage(master.bot, operator, (m) => m.fromBot);

    const opened = await openShop('Deleted');
    const { subscription, panelUser, customerId, user } = await subscribedCustomer(opened, 'Reza');
    h.panel.deleteUser(panelUser.id);
    await h.panel.webhooksIdle();
    expect(deliveriesOf(subscription.panelUsername, 'user.deleted')[0]?.delivered).toBe(true);
    const lost = await opened.services.subscriptions.get(asSubscriptionId(subscription.id));
    expect(lost?.lostAt).not.toBeNull();

    const adminAlert = await h.sim.waitForMessage(opened.shop.bot, opened.admin, (m) =>
      (m.text ?? '').includes('The panel deleted the VPN user of Reza'),
    );
    expect(adminAlert.text).toContain(`Telegram id ${user.id}`);
    const operatorAlert = await h.sim.waitForMessage(master.bot, operator, (m) =>
      (m.text ?? '').includes(`Panel user ${subscription.panelUsername} of the shop Deleted`),
    );
    expect(operatorAlert.text).toContain(`(#${opened.shop.id})`);

    // the customer card shows it and offers to restore it
    await restoreFromCard(opened.shop, opened.admin, customerId, subscription.id, user.id);
    const restored = h.panel.getUser(subscription.panelUsername)!;
    expect(restored.id).not.toBe(panelUser.id);
    expect(restored.expireAt.getTime()).toBe(subscription.expiresAt!.getTime());
    expect(restored.trafficLimitBytes).toBe(subscription.trafficLimitBytes);
    const row = await opened.services.subscriptions.get(asSubscriptionId(subscription.id));
    expect(row).toMatchObject({ lostAt: null, panelUserId: restored.id, status: 'active' });

    // the old user's deletion delivered again changes nothing, and alerts nobody again
    const [deleted] = deliveriesOf(subscription.panelUsername, 'user.deleted');
    expect((await post(deleted!.body, deleted!.headers)).status).toBe(200);
    expect((await opened.services.subscriptions.get(asSubscriptionId(subscription.id)))?.lostAt).toBeNull();
  });

  /** Admin menu → Customers → the customer's Telegram id → "Restore" → the card again, restored. */
  async function restoreFromCard(
    shop: ShopUnderTest,
    admin: SimUser,
    customerId: CustomerId,
    subscriptionId: number,
    telegramId: number,
  ) {
    admin.sendCommand(shop.bot, 'admin');
    await h.sim.waitForMessage(shop.bot, admin, (m) =>
      m.buttons.flat().some((b) => b.callbackData === 'adm:customers'),
    );
    await pressForEdit(h, shop, admin, 'adm:customers', (text) => text.includes('Send a Telegram id'));
    admin.sendText(shop.bot, String(telegramId));
    const button = `adm:cust:${customerId}:rp:${subscriptionId}`;
    const card = await h.sim.waitForMessage(shop.bot, admin, (m) =>
      m.buttons.flat().some((b) => b.callbackData === button),
    );
    expect(card.text).toContain('Subscription 1: the panel deleted its user.');
    const answer = await pressForAnswer(h, shop, admin, button);
    expect(answer.text).toBe('✅ Subscription 1 is on the panel again.');
    const after = await h.sim.waitForMessage(shop.bot, admin, (m) =>
      (m.text ?? '').startsWith('✅ Subscription 1'),
    );
    expect(after.buttons.flat().some((b) => b.callbackData === button)).toBe(false);
  }

  it("restores only the admin's own shop's subscriptions, whatever a forged press names", async () => {
    const a = await openShop('Gamma');
    const b = await openShop('Delta');
    const mine = await newCustomer(h, a.shop, 'Arash');
    const theirs = await subscribedCustomer(b, 'Dina');
    h.panel.deleteUser(theirs.panelUser.id);
    await h.panel.webhooksIdle();
    expect(
      (await b.services.subscriptions.get(asSubscriptionId(theirs.subscription.id)))?.lostAt,
    ).not.toBeNull();
    for (const data of [
      `adm:cust:${mine.customerId}:rp:${theirs.subscription.id}`,
      `adm:cust:${theirs.customerId}:rp:${theirs.subscription.id}`,
    ]) {
      const { answer } = await forgePress(h, a.shop, a.admin, data);
      expect(answer.show_alert).not.toBe(true);
      await h.sim.waitForMessage(a.shop.bot, a.admin, (m) =>
        (m.text ?? '').includes('This customer does not exist in this shop.'),
      );
    }
    expect(
      (await b.services.subscriptions.get(asSubscriptionId(theirs.subscription.id)))?.lostAt,
    ).not.toBeNull();
    expect(h.panel.getUser(theirs.subscription.panelUsername)).toBeUndefined();
  });

  it("never touches another shop's subscription, whatever the username claims", async () => {
    const a = await openShop('Alpha');
    const b = await openShop('Beta');
    const theirs = await subscribedCustomer(b, 'Bita');
    const data = lastUserJson(theirs.subscription.panelUsername);
    // B's customer id under A's shop id: A has no such user; B is not looked at
    const crafted = {
      ...data,
      username: panelUsername(a.shop.id, asCustomerId(theirs.customerId)),
      status: 'DISABLED',
      updatedAt: h.panel.now(),
    };
    expect((await send({ scope: 'user', event: 'user.disabled', data: crafted })).status).toBe(200);
    expect(await status(b, theirs.subscription.id)).toBe('active');
    expect(await a.services.subscriptions.get(asSubscriptionId(theirs.subscription.id))).toBeUndefined();
    expect(await a.services.subscriptions.listForCustomer(asCustomerId(theirs.customerId))).toEqual([]);
  });

  it("routes a user named outside this fleet (an imported shop's) to the one shop that has it", async () => {
    const a = await openShop('Imported');
    const b = await openShop('Other');
    const ours = await subscribedCustomer(a, 'Parsa');
    const data = lastUserJson(ours.subscription.panelUsername);
    // an imported subscription keeps the old installation's panel name
    const renamed = `user_${ours.customerId}_imported`;
    await inTenant(h.testApp.database.handle.db, a.shop.id, (tx) =>
      tx
        .update(subscriptions)
        .set({ panelUsername: renamed })
        .where(eq(subscriptions.id, ours.subscription.id)),
    );
    const event = (username: string) => ({
      scope: 'user',
      event: 'user.disabled',
      data: { ...data, username, status: 'DISABLED', updatedAt: h.panel.now() },
    });
    expect((await send(event(renamed))).status).toBe(200);
    expect(await status(a, ours.subscription.id)).toBe('disabled');
    // a name no shop has is not ours: 200 and nothing changes
    expect((await send(event('someone_else_entirely'))).status).toBe(200);
    // a name two shops have (two imports of one installation) is routed to neither
    const theirs = await subscribedCustomer(b, 'Bardia');
    await inTenant(h.testApp.database.handle.db, b.shop.id, (tx) =>
      tx
        .update(subscriptions)
        .set({ panelUsername: renamed })
        .where(eq(subscriptions.id, theirs.subscription.id)),
    );
    h.panel.advanceTime(1000);
    expect(
      (
        await send({
          ...event(renamed),
          event: 'user.enabled',
          data: { ...event(renamed).data, status: 'ACTIVE' },
        })
      ).status,
    ).toBe(200);
    expect(await status(a, ours.subscription.id)).toBe('disabled');
    expect(await status(b, theirs.subscription.id)).toBe('active');
  });

  it('answers 5xx when applying fails, so the panel delivers it again (4 tries in all)', async () => {
    const failing: App = {
      ...h.testApp.app,
      forTenant: (id) =>
        withServices(h.testApp.app.forTenant(id), {
          panelEvents: {
            apply: async () => {
              throw new Error('storage refused');
            },
          },
        }),
    };
    const broken = Fastify({ loggerInstance: testLogs.logger });
    await broken.register(panelWebhookRoutes, { app: failing, secret: SECRET, maxAgeSeconds: 300 });
    const brokenUrl = `${await broken.listen({ host: '127.0.0.1', port: 0 })}${PANEL_WEBHOOK_PATH}`;
    const opened = await openShop('Broken');
    const { subscription, panelUser } = await subscribedCustomer(opened, 'Babak');
    h.panel.setWebhook({ url: brokenUrl, secret: SECRET, retryDelayMs: 20 });
    try {
      await change('POST', `/api/users/${panelUser.id}/actions/disable`);
    } finally {
      h.panel.setWebhook({ url, secret: SECRET, retryDelayMs: 50 });
      await broken.close();
    }
    const [attempted] = deliveriesOf(subscription.panelUsername, 'user.disabled');
    expect(attempted?.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500]);
    expect(attempted?.delivered).toBe(false);
    // what the panel gave up on is still applied by its next delivery of the same change
    expect((await post(attempted!.body, attempted!.headers)).status).toBe(200);
    expect(await status(opened, subscription.id)).toBe('disabled');
  });
});
