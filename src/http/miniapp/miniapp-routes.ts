import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InputFile } from 'grammy';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { App, TenantServices } from '../../app.js';
import type { Fleet } from '../../bot/fleet.js';
import { formatMoney, formatNumber } from '../../bot/format.js';
import { createTranslator, type Translator } from '../../bot/i18n.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import { defaultTextsFrom } from '../../modules/help/default-pages.js';
import { pageText } from '../../modules/help/help-service.js';
import type { PaymentMethod } from '../../modules/miniapp/miniapp-service.js';
import type { PurchaseOutcome } from '../../modules/orders/orders-service.js';
import { linkKey } from '../../modules/subscriptions/devices.js';
import type { Subscription } from '../../modules/subscriptions/subscriptions-service.js';
import type { Tenant } from '../../modules/tenants/tenant-registry.js';
import { asBotId, asCardId, asOrderId, asPackId, asPlanId, asSubscriptionId } from '../../shared/ids.js';
import type { Language } from '../../shared/language.js';
import { checkInitData } from './init-data.js';
import { loadMiniAppFiles, type StaticFile } from './static-files.js';

export interface MiniAppOptions {
  readonly app: App;
  readonly fleet: Fleet;
  readonly translator?: Translator;
  /** How old an `initData` may be (Telegram signs it when the Mini App opens); default a day. */
  readonly maxAgeSeconds?: number;
  /** The built front end (default dist/miniapp). */
  readonly assetsDir?: string;
  /** API requests per shop and client address a minute (default 600: a page makes a few per screen). */
  readonly rateLimitPerMinute?: number;
}

const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

export const DEFAULT_INIT_DATA_MAX_AGE_SECONDS = 24 * 3600;
/** A receipt photo from a phone camera; Telegram takes photos up to 10 MB. */
const MAX_RECEIPT_BYTES = 10 * 1024 * 1024;

const botParam = z.object({ botId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const positiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const amount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A key the page makes once per confirmation screen: pressing twice (or a retried request) orders once. */
const clientKey = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

const schemas = {
  buyPlan: z.object({
    planId: positiveId,
    subscriptionId: positiveId.nullable().default(null),
    key: clientKey,
  }),
  buyPack: z.object({ packId: positiveId, subscriptionId: positiveId, key: clientKey }),
  payment: z.object({ amount, orderId: positiveId.nullable().default(null) }),
  zarinpal: z.object({ amount, orderId: positiveId.nullable().default(null), key: clientKey }),
  receipt: z.object({
    amount: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    cardId: positiveId,
    orderId: positiveId.optional(),
  }),
  subscription: z.object({ botId: positiveId, subscriptionId: positiveId }),
  device: z.object({
    botId: positiveId,
    subscriptionId: positiveId,
    key: z.string().regex(/^[A-Za-z0-9_-]{8}$/),
  }),
  newLink: z.object({ linkKey: z.string().max(64) }),
  language: z.object({ language: z.enum(['fa', 'en', 'ru']) }),
  ticket: z.object({ text: z.string().trim().min(1).max(4000) }),
};

class MiniAppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Who is asking: the customer of this shop the request's `initData` names. */
interface Caller {
  readonly tenant: Tenant;
  readonly services: TenantServices;
  readonly customer: Customer;
  readonly language: Language;
}

declare module 'fastify' {
  interface FastifyRequest {
    miniAppCaller?: Caller;
  }
}

const callerOf = (request: FastifyRequest): Caller => {
  if (!request.miniAppCaller) throw new MiniAppError(401, 'unauthorized', 'initData required');
  return request.miniAppCaller;
};

const parse = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new MiniAppError(400, 'invalid', parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
};

/** A subscription's status as its customer reads it: an active one past its expiry is expired. */
const shownStatus = (subscription: Subscription, now: Date) =>
  (subscription.expiresAt ?? now) <= now && subscription.status === 'active'
    ? 'expired'
    : subscription.status;

/**
 * Each shop's Telegram Mini App: the page at /app/<bot id>/ and its JSON API under
 * /app/<bot id>/api/. Every API request carries the `initData` Telegram gave the page
 * (`Authorization: tma <initData>`), checked with that shop's own bot token; the customer is the
 * Telegram user it names, in that shop only. Every action calls the same services as the bot.
 */
export async function miniAppRoutes(server: FastifyInstance, options: MiniAppOptions): Promise<void> {
  const { app, fleet } = options;
  const translator = options.translator ?? createTranslator();
  const maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_INIT_DATA_MAX_AGE_SECONDS;
  let files: Map<string, StaticFile> | undefined;

  const sendFile = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    files ??= loadMiniAppFiles(options.assetsDir);
    if (!files)
      return reply.code(503).type('text/plain').send('The Mini App is not built: run npm run build');
    const file = files.get(name);
    if (!file) return reply.code(404).type('text/plain').send('not found');
    reply
      .header('content-type', file.type)
      .header('etag', file.etag)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')))
      return reply.header('content-encoding', 'gzip').send(file.gzip);
    return reply.send(file.body);
  };

  server.get('/app/:botId', async (request, reply) => {
    const { botId } = parse(botParam, request.params);
    return reply.redirect(`/app/${botId}/`);
  });
  server.get('/app/:botId/', async (request, reply) => {
    parse(botParam, request.params);
    return sendFile(request, reply, 'index.html');
  });
  server.get('/app/:botId/assets/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    if (!/^[\w.-]+$/.test(file)) return reply.code(404).send();
    return sendFile(request, reply, `assets/${file}`);
  });

  await server.register(
    async (api) => {
      api.setErrorHandler(async (error, request, reply) => {
        if (error instanceof MiniAppError)
          return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
        const status = (error as { statusCode?: number }).statusCode;
        if (status && status >= 400 && status < 500)
          return reply.code(status).send({ error: { code: 'invalid', message: (error as Error).message } });
        request.log.error({ err: error }, 'mini app request failed');
        return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
      });
      // before the signature check (an HMAC and a token decryption): per shop and client address
      await api.register(rateLimit, {
        max: options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
        timeWindow: 60_000,
        keyGenerator: (request) => `${(request.params as { botId?: string }).botId}:${request.ip}`,
        errorResponseBuilder: (_request, context) =>
          new MiniAppError(429, 'rate_limited', `too many requests, retry in ${context.after}`),
      });
      // a receipt photo is the request body itself, as the phone's file input gives it
      api.addContentTypeParser(
        /^image\/(jpeg|png|webp|heic|heif)$/,
        { parseAs: 'buffer', bodyLimit: MAX_RECEIPT_BYTES },
        (_request, body, done) => done(null, body),
      );

      api.addHook('onRequest', async (request) => {
        const { botId } = parse(botParam, request.params);
        const header = request.headers.authorization ?? '';
        const raw = header.startsWith('tma ') ? header.slice(4) : '';
        // the same refusal for a shop that does not exist and a signature that does not match
        const refuse = () => new MiniAppError(401, 'unauthorized', 'initData is missing, forged or expired');
        if (!raw) throw refuse();
        const id = asBotId(botId);
        const [tenant, token] = await Promise.all([
          app.platform.tenants.get(id),
          app.platform.tenants.revealToken(id),
        ]);
        if (!tenant?.isActive || !token) throw refuse();
        const check = checkInitData(raw, token, { maxAgeSeconds, now: new Date() });
        if (!check.ok) {
          request.log.info({ botId, reason: check.reason }, 'mini app initData refused');
          throw refuse();
        }
        const services = app.forTenant(id);
        if (!(await services.flags.isEnabled('mini_app')))
          throw new MiniAppError(403, 'disabled', 'this shop has no Mini App');
        const customer = await services.customers.getByTelegramId(check.user.id);
        if (!customer) throw new MiniAppError(403, 'not_customer', 'start the bot first');
        if (customer.isBlocked) throw new MiniAppError(403, 'banned', 'not available');
        request.miniAppCaller = {
          tenant,
          services,
          customer,
          language: customer.language,
        };
      });

      api.get('/me', async (request) => {
        const { tenant, services, customer, language } = callerOf(request);
        const [balance, methods, limits, flags] = await Promise.all([
          services.ledger.balance(customer.id),
          services.miniApp.enabledMethods(),
          services.topUp.limits(),
          services.flags.getAll(),
        ]);
        return {
          shop: { name: tenant.name, username: tenant.username, currency: tenant.currency },
          customer: { firstName: customer.firstName, language, balance: balance ?? 0 },
          topUp: { methods, presets: limits.presets, min: limits.min, max: limits.max },
          features: {
            devices: flags.subscription_devices.enabled,
            newLink: flags.subscription_new_link.enabled,
            trafficPacks: flags.traffic_packs.enabled,
            dayPacks: flags.day_packs.enabled,
            help: flags.help_pages.enabled,
            tickets: flags.support_tickets.enabled,
          },
        };
      });

      api.get('/subscriptions', async (request) => {
        const { services, customer } = callerOf(request);
        const now = new Date();
        const subscriptions = await services.subscriptions.listForCustomer(customer.id);
        return {
          subscriptions: await Promise.all(
            subscriptions.map(async (s) => ({
              id: s.id,
              ordinal: s.ordinal,
              isTrial: s.isTrial,
              status: shownStatus(s, now),
              expiresAt: s.expiresAt?.toISOString() ?? null,
              usedBytes: s.usedTrafficBytes,
              limitBytes: s.trafficLimitBytes,
              deviceLimit: s.deviceLimit,
              link: s.subscriptionUrl,
              linkKey: linkKey(s),
              qrSvg: s.subscriptionUrl
                ? await QRCode.toString(s.subscriptionUrl, { type: 'svg', margin: 1 })
                : null,
            })),
          ),
        };
      });

      api.get('/plans', async (request) => {
        const { services, customer } = callerOf(request);
        const plans = await services.plans.findActive();
        const quotes = await services.promo.quote(customer.id, plans);
        return {
          plans: plans.map((plan) => ({
            id: plan.id,
            name: plan.name,
            price: quotes.get(plan.id)?.price ?? plan.price,
            periodDays: plan.periodDays,
            trafficGb: plan.trafficGb,
            deviceLimit: plan.deviceLimit,
          })),
        };
      });

      api.get('/packs', async (request) => {
        const { services } = callerOf(request);
        const [flags, packs] = await Promise.all([services.flags.getAll(), services.packs.findActive()]);
        return {
          packs: packs
            .filter((pack) =>
              pack.kind === 'traffic' ? flags.traffic_packs.enabled : flags.day_packs.enabled,
            )
            .map((pack) => ({ id: pack.id, kind: pack.kind, amount: pack.amount, price: pack.price })),
        };
      });

      const orderAnswer = (outcome: PurchaseOutcome) => {
        switch (outcome.status) {
          case 'paid':
            return { status: 'paid', orderId: outcome.order.id, price: outcome.order.price };
          case 'duplicate':
          case 'already':
            return { status: 'in_progress', orderId: outcome.order.id };
          case 'insufficient':
            return {
              status: 'insufficient',
              orderId: outcome.order.id,
              balance: outcome.balance,
              missing: outcome.missing,
            };
          default:
            return { status: 'refused', reason: outcome.status };
        }
      };

      api.post('/orders', async (request) => {
        const { services, customer } = callerOf(request);
        const body = parse(schemas.buyPlan, request.body);
        const outcome = await services.orders.purchasePlan({
          customerId: customer.id,
          planId: asPlanId(body.planId),
          ...(body.subscriptionId === null ? {} : { subscriptionId: asSubscriptionId(body.subscriptionId) }),
          idempotencyKey: `app:${customer.id}:${body.key}`,
        });
        return orderAnswer(outcome);
      });

      api.post('/orders/pack', async (request) => {
        const { services, customer } = callerOf(request);
        const body = parse(schemas.buyPack, request.body);
        const [packs, pack] = await Promise.all([
          services.flags.getAll(),
          services.packs.get(asPackId(body.packId)),
        ]);
        const on = pack && (pack.kind === 'traffic' ? packs.traffic_packs.enabled : packs.day_packs.enabled);
        if (!on) return { status: 'refused', reason: 'pack_unavailable' };
        const outcome = await services.orders.purchasePack({
          customerId: customer.id,
          packId: asPackId(body.packId),
          subscriptionId: asSubscriptionId(body.subscriptionId),
          idempotencyKey: `app:${customer.id}:${body.key}`,
        });
        return orderAnswer(outcome);
      });

      const devicesOn = async (
        services: TenantServices,
        flag: 'subscription_devices' | 'subscription_new_link',
      ) => {
        if (!(await services.flags.isEnabled(flag)))
          throw new MiniAppError(403, 'disabled', 'this shop has it switched off');
      };
      const devicesAnswer = <T>(
        result: { ok: true; value: T } | { ok: false; error: { code: string } },
      ): T => {
        if (result.ok) return result.value;
        throw new MiniAppError(
          result.error.code === 'not_found' ? 404 : 409,
          result.error.code,
          result.error.code,
        );
      };

      api.get('/subscriptions/:subscriptionId/devices', async (request) => {
        const { services, customer } = callerOf(request);
        const { subscriptionId } = parse(schemas.subscription, request.params);
        await devicesOn(services, 'subscription_devices');
        const list = devicesAnswer(
          await services.devices.listDevices(customer.id, asSubscriptionId(subscriptionId)),
        );
        return { devices: list.devices.map((d) => ({ ...d, addedAt: d.addedAt?.toISOString() ?? null })) };
      });

      api.delete('/subscriptions/:subscriptionId/devices/:key', async (request) => {
        const { services, customer } = callerOf(request);
        const { subscriptionId, key } = parse(schemas.device, request.params);
        await devicesOn(services, 'subscription_devices');
        const list = devicesAnswer(
          await services.devices.removeDevice(customer.id, asSubscriptionId(subscriptionId), key),
        );
        return {
          removed: list.removed,
          devices: list.devices.map((d) => ({ ...d, addedAt: d.addedAt?.toISOString() ?? null })),
        };
      });

      api.post('/subscriptions/:subscriptionId/link', async (request) => {
        const { services, customer } = callerOf(request);
        const { subscriptionId } = parse(schemas.subscription, request.params);
        const { linkKey } = parse(schemas.newLink, request.body);
        await devicesOn(services, 'subscription_new_link');
        const done = devicesAnswer(
          await services.devices.newLink(customer.id, asSubscriptionId(subscriptionId), linkKey),
        );
        return { renewed: done.renewed, link: done.subscription.subscriptionUrl };
      });

      /** The payment as it may be now, or a refusal the page explains; a covered order is paid now. */
      const paymentFor = async (
        caller: Caller,
        method: PaymentMethod,
        amount: number,
        orderId: number | null,
      ) => {
        const request = await caller.services.miniApp.paymentRequest({
          customerId: caller.customer.id,
          method,
          amount,
          orderId: orderId === null ? null : asOrderId(orderId),
        });
        if (request.status === 'covered') {
          const paid = await caller.services.orders.payAwaiting(request.orderId);
          throw new MiniAppError(
            409,
            paid.status === 'paid' ? 'order_paid' : 'order_unavailable',
            paid.status,
          );
        }
        if (request.status === 'method_unavailable')
          throw new MiniAppError(403, 'disabled', 'method unavailable');
        if (request.status === 'order_unavailable') throw new MiniAppError(409, 'order_unavailable', 'order');
        if (request.status === 'amount_out_of_range')
          throw new MiniAppError(400, 'amount_out_of_range', 'amount');
        return request;
      };

      api.post('/topup/card', async (request) => {
        const caller = callerOf(request);
        const body = parse(schemas.payment, request.body);
        const payment = await paymentFor(caller, 'card', body.amount, body.orderId);
        const card = await caller.services.cards.pickNext();
        if (!card) throw new MiniAppError(403, 'disabled', 'no card');
        return {
          amount: payment.amount,
          orderId: payment.orderId,
          card: { id: card.id, number: card.cardNumber, holder: card.holderName, bank: card.bankName },
        };
      });

      api.post('/topup/card/receipt', async (request) => {
        const caller = callerOf(request);
        const { services, customer, tenant, language } = caller;
        const query = parse(schemas.receipt, request.query);
        if (!Buffer.isBuffer(request.body) || request.body.length === 0)
          throw new MiniAppError(
            415,
            'invalid',
            'send the receipt image as the body (image/jpeg, image/png)',
          );
        const payment = await paymentFor(caller, 'card', query.amount, query.orderId ?? null);
        const api = fleet.api(tenant.id);
        if (!api) throw new MiniAppError(503, 'unavailable', 'the shop bot is not running here; try again');
        const t = translator.forLanguage(language);
        // The photo goes through the shop's bot into the customer's own chat with it: the customer
        // keeps a copy, and the receipt gets a file_id of this bot, so the admins are shown it exactly
        // like a photo sent in the chat (same job, same review buttons, same reuse check).
        const sent = await api.sendPhoto(customer.telegramId, new InputFile(request.body, 'receipt.jpg'), {
          caption: t('miniapp-receipt-caption', {
            amount: formatMoney(payment.amount, tenant.currency, language, t),
          }),
        });
        const photo = sent.photo?.at(-1);
        if (!photo) throw new MiniAppError(400, 'invalid', 'not an image Telegram takes');
        const outcome = await services.cardPayments.submit({
          customerId: customer.id,
          amount: payment.amount,
          cardId: asCardId(query.cardId),
          orderId: payment.orderId,
          receipt: {
            text: undefined,
            file: { kind: 'photo', fileId: photo.file_id, fileUniqueId: photo.file_unique_id },
          },
        });
        if (outcome.status !== 'submitted') throw new MiniAppError(400, 'invalid', outcome.status);
        return { trackingNumber: outcome.payment.trackingNumber, amount: outcome.payment.amount };
      });

      api.post('/topup/zarinpal', async (request) => {
        const caller = callerOf(request);
        const { services, customer, tenant, language } = caller;
        const body = parse(schemas.zarinpal, request.body);
        const payment = await paymentFor(caller, 'zarinpal', body.amount, body.orderId);
        const t = translator.forLanguage(language);
        const outcome = await services.zarinpal.start({
          customerId: customer.id,
          amount: payment.amount,
          orderId: payment.orderId,
          description: t('zarinpal-description', {
            amount: formatMoney(payment.amount, tenant.currency, language, t),
            shop: tenant.name,
          }),
          idempotencyKey: `app:${customer.id}:${body.key}`,
        });
        if (outcome.status === 'created') return { url: outcome.payUrl, amount: outcome.payment.amount };
        throw new MiniAppError(409, `zarinpal_${outcome.status}`, outcome.status);
      });

      api.post('/topup/stars', async (request) => {
        const caller = callerOf(request);
        const { services, customer, tenant, language } = caller;
        const body = parse(schemas.payment, request.body);
        const payment = await paymentFor(caller, 'stars', body.amount, body.orderId);
        const outcome = await services.stars.createInvoice({
          customerId: customer.id,
          amount: payment.amount,
          orderId: payment.orderId,
        });
        if (outcome.status !== 'created')
          throw new MiniAppError(409, `stars_${outcome.status}`, outcome.status);
        const api = fleet.api(tenant.id);
        if (!api) throw new MiniAppError(503, 'unavailable', 'the shop bot is not running here; try again');
        const t = translator.forLanguage(language);
        const money = (value: number) => formatMoney(value, tenant.currency, language, t);
        const invoice = outcome.payment;
        // the same invoice the bot sends, as a link the page opens with Telegram.WebApp.openInvoice
        const link = await api.createInvoiceLink(
          t('stars-invoice-title'),
          t('stars-invoice-description', {
            amount: money(invoice.creditAmount),
            stars: formatNumber(invoice.xtrAmount, language),
            rate: formatNumber(invoice.starsPerUnitPrice, language),
            per: money(1000),
          }),
          invoice.payload,
          '',
          'XTR',
          [
            {
              label: t('stars-invoice-label', { amount: money(invoice.creditAmount) }),
              amount: invoice.xtrAmount,
            },
          ],
        );
        return { invoiceLink: link, stars: invoice.xtrAmount };
      });

      api.get('/help', async (request) => {
        const { services, language } = callerOf(request);
        if (!(await services.flags.isEnabled('help_pages')))
          throw new MiniAppError(403, 'disabled', 'this shop has no help pages');
        const [pages, shopLanguage] = await Promise.all([
          services.help.findShown(),
          services.settings.get('default_language'),
        ]);
        const defaults = defaultTextsFrom(translator.t);
        return {
          pages: pages.map((page) => ({
            key: page.key,
            kind: page.kind,
            ...pageText(page, language, shopLanguage, defaults),
          })),
        };
      });

      const ticketsOn = async (services: TenantServices) => {
        if (!(await services.flags.isEnabled('support_tickets')))
          throw new MiniAppError(403, 'disabled', 'this shop takes no tickets');
      };

      api.get('/tickets', async (request) => {
        const { services, customer } = callerOf(request);
        await ticketsOn(services);
        const page = await services.tickets.findPage({ limit: 20, offset: 0, customerId: customer.id });
        return {
          tickets: page.items.map((ticket) => ({
            id: ticket.id,
            subject: ticket.subject,
            status: ticket.status,
            lastMessageAt: ticket.lastMessageAt.toISOString(),
          })),
        };
      });

      api.post('/tickets', async (request) => {
        const { services, customer } = callerOf(request);
        await ticketsOn(services);
        const { text } = parse(schemas.ticket, request.body);
        // the same ticket as one written in the bot: the admins get it there, replies come back in the chat
        const outcome = await services.tickets.open(customer.id, { text });
        if (outcome.status === 'opened') return { status: 'opened', id: outcome.ticket.id };
        return { status: outcome.status, ...('limit' in outcome ? { limit: outcome.limit } : {}) };
      });

      api.put('/language', async (request) => {
        const { services, customer } = callerOf(request);
        const { language } = parse(schemas.language, request.body);
        await services.customers.setLanguage(customer.id, language);
        return { language };
      });
    },
    { prefix: '/app/:botId/api' },
  );
}
