import { z } from 'zod';
import { type Tenant, telegramBotIdOfToken } from '../../modules/tenants/tenant-registry.js';
import { ApiError, errorBody, fromServiceError, notFound } from './errors.js';
import type { ApiContext, Router } from './route.js';
import { activeFilter, iso, isoOrNull, paged, pageQuery, timestamp, toPage } from './schemas.js';

/** A bot as the API shows it: a whitelist, so a column added later never leaks by accident. */
export const botView = z.object({
  id: z.number().int(),
  name: z.string(),
  username: z.string().nullable(),
  telegramBotId: z.number().int(),
  isMaster: z.boolean(),
  isActive: z.boolean(),
  adminTelegramIds: z.array(z.number().int()),
  currency: z.enum(['IRT', 'USD', 'RUB']),
  zarinpalMerchantId: z.string().nullable(),
  zarinpalSandbox: z.boolean(),
  walletBalance: z.number().int(),
  wholesalePricePerGb: z.number().int(),
  trafficConsumedBytes: z.number().int(),
  trafficSoldBytes: z.number().int(),
  health: z.object({
    status: z.enum(['unknown', 'healthy', 'unauthorized', 'failing']),
    error: z.string().nullable(),
    changedAt: timestamp.nullable(),
  }),
  createdBy: z.number().int().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type BotView = z.infer<typeof botView>;

export const toBotView = (tenant: Tenant): BotView => ({
  id: tenant.id,
  name: tenant.name,
  username: tenant.username,
  telegramBotId: tenant.telegramBotId,
  isMaster: tenant.isMaster,
  isActive: tenant.isActive,
  adminTelegramIds: tenant.adminTelegramIds,
  currency: tenant.currency,
  zarinpalMerchantId: tenant.zarinpalMerchantId,
  zarinpalSandbox: tenant.zarinpalSandbox,
  walletBalance: tenant.walletBalance,
  wholesalePricePerGb: tenant.wholesalePricePerGb,
  trafficConsumedBytes: tenant.trafficConsumedBytes,
  trafficSoldBytes: tenant.trafficSoldBytes,
  health: {
    status: tenant.healthStatus,
    error: tenant.healthError,
    changedAt: isoOrNull(tenant.healthChangedAt),
  },
  createdBy: tenant.createdBy,
  createdAt: iso(tenant.createdAt),
  updatedAt: iso(tenant.updatedAt),
});

const telegramToken = z
  .string()
  .trim()
  .refine(
    (value) => telegramBotIdOfToken(value) !== undefined,
    'is not a Telegram bot token (123456789:ABC…, as @BotFather gives it)',
  )
  .meta({ description: 'Telegram bot token from @BotFather; stored encrypted, never returned' });
const name = z.string().trim().min(1).max(128);
const adminTelegramIds = z
  .array(z.number().int().positive())
  .max(50)
  .meta({ description: 'Telegram user ids of the tenant admins' });

const createBody = z.strictObject({
  name,
  token: telegramToken,
  adminTelegramIds: adminTelegramIds.optional(),
});

/** Fields only the operator may change; the rest a tenant may change on its own bot. */
const OPERATOR_FIELDS = ['wholesalePricePerGb'] as const;
const updateBody = z
  .strictObject({
    name,
    adminTelegramIds,
    token: telegramToken,
    zarinpalMerchantId: z.uuid('must be a Zarinpal merchant id (UUID)').nullable(),
    zarinpalSandbox: z.boolean(),
    wholesalePricePerGb: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .meta({ description: 'Operator only: wallet price per GB sold' }),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');

const created = z.object({
  bot: botView,
  apiToken: z
    .string()
    .meta({ description: 'The tenant API token: shown this once, only its hash is stored' }),
});

const masterRefusal = (what: string) =>
  new ApiError('conflict', `the master bot cannot be ${what} through the API (it follows MASTER_BOT_TOKEN)`);

export function registerBotRoutes({ route, botRoute }: Router, { app }: ApiContext) {
  const tenants = app.platform.tenants;
  const tag = 'bots';

  route(
    {
      method: 'GET',
      url: '/me',
      tag,
      summary: 'Who the token belongs to',
      description:
        'The operator token answers `{ role: "operator", bot: null }`; a tenant token its own bot.',
      responses: {
        200: {
          description: 'The caller',
          schema: z.object({ role: z.enum(['operator', 'tenant']), bot: botView.nullable() }),
        },
      },
    },
    async ({ principal }) =>
      principal.role === 'operator'
        ? { role: 'operator', bot: null }
        : { role: 'tenant', bot: toBotView(principal.tenant) },
  );

  route(
    {
      method: 'POST',
      url: '/bots',
      tag,
      summary: 'Add a tenant bot',
      description:
        'Registers a tenant by its Telegram token; the running fleet starts it within a moment. ' +
        'The answer carries the tenant API token once.',
      operatorOnly: true,
      body: createBody,
      responses: {
        201: { description: 'Created', schema: created },
        409: { description: 'This Telegram bot is already a tenant', schema: errorBody },
      },
    },
    async ({ body, reply }) => {
      const result = await tenants.create({
        name: body.name,
        token: body.token,
        ...(body.adminTelegramIds ? { adminTelegramIds: body.adminTelegramIds } : {}),
      });
      if (!result.ok) throw fromServiceError(result.error);
      reply.code(201);
      return { bot: toBotView(result.value.tenant), apiToken: result.value.apiToken };
    },
  );

  route(
    {
      method: 'GET',
      url: '/bots',
      tag,
      summary: 'List tenant bots',
      operatorOnly: true,
      query: pageQuery.extend({ active: activeFilter.optional() }),
      responses: { 200: { description: 'One page of bots, by id', schema: paged(botView) } },
    },
    async ({ query }) =>
      toPage(
        await tenants.findPage({ limit: query.limit, offset: query.offset, isActive: query.active }),
        query.offset,
        toBotView,
      ),
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id',
      tag,
      summary: 'Get a bot',
      responses: { 200: { description: 'The bot', schema: botView } },
    },
    async ({ bot }) => toBotView(bot),
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id',
      tag,
      summary: 'Change a bot',
      description:
        'Fields left out keep their value. `token` replaces the Telegram token (the fleet restarts the bot ' +
        'with it). `wholesalePricePerGb` is operator only; a tenant token sending it gets 403.',
      body: updateBody,
      responses: {
        200: { description: 'The changed bot', schema: botView },
        409: {
          description: 'The token belongs to another tenant, or the bot is the master',
          schema: errorBody,
        },
      },
    },
    async ({ bot, body, principal }) => {
      const operatorFields = OPERATOR_FIELDS.filter((field) => body[field] !== undefined);
      if (principal.role !== 'operator' && operatorFields.length > 0) {
        throw new ApiError('forbidden', `only the operator may change ${operatorFields.join(', ')}`);
      }
      const { token, ...fields } = body;
      let current: Tenant | undefined = bot;
      // The body was checked whole above, so the token (which can only conflict) goes first and a
      // refusal leaves the bot untouched.
      if (token !== undefined) {
        if (bot.isMaster) throw masterRefusal('given a new token');
        const changed = await tenants.changeToken(bot.id, token);
        if (!changed.ok) throw fromServiceError(changed.error);
        current = changed.value;
      }
      if (Object.keys(fields).length > 0) {
        const updated = await tenants.update(bot.id, fields);
        if (!updated.ok) throw fromServiceError(updated.error);
        current = updated.value;
      }
      if (!current) throw notFound(`bot ${bot.id}`);
      return toBotView(current);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id',
      tag,
      summary: 'Delete a bot and all of its data',
      description:
        'Irreversible: customers, plans, cards, payments of the tenant go with it. The fleet stops it at once.',
      operatorOnly: true,
      responses: {
        204: { description: 'Deleted' },
        409: { description: 'The master bot cannot be deleted', schema: errorBody },
      },
    },
    async ({ bot, reply }) => {
      if (bot.isMaster) throw masterRefusal('deleted');
      if (!(await tenants.delete(bot.id))) throw notFound(`bot ${bot.id}`);
      return reply.code(204).send();
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/activate',
      tag,
      summary: 'Activate a bot',
      description: 'The running fleet starts it within a moment.',
      operatorOnly: true,
      responses: { 200: { description: 'The bot', schema: botView } },
    },
    async ({ bot }) => {
      const changed = await tenants.activate(bot.id);
      if (!changed) throw notFound(`bot ${bot.id}`);
      return toBotView(changed);
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/deactivate',
      tag,
      summary: 'Suspend a bot',
      description: 'The running fleet stops it within a moment; its data stays.',
      operatorOnly: true,
      responses: {
        200: { description: 'The bot', schema: botView },
        409: { description: 'The master bot cannot be suspended', schema: errorBody },
      },
    },
    async ({ bot }) => {
      if (bot.isMaster) throw masterRefusal('suspended');
      const changed = await tenants.deactivate(bot.id);
      if (!changed) throw notFound(`bot ${bot.id}`);
      return toBotView(changed);
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/api-token',
      tag,
      summary: 'Issue a new API token for the bot',
      description: 'The old token stops working at once; the new one is shown this once.',
      responses: { 200: { description: 'The new token', schema: z.object({ apiToken: z.string() }) } },
    },
    async ({ bot }) => {
      const apiToken = await tenants.rotateApiToken(bot.id);
      if (!apiToken) throw notFound(`bot ${bot.id}`);
      return { apiToken };
    },
  );
}
