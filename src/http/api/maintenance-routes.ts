import { z } from 'zod';
import type { TenantServices } from '../../app.js';
import type { MaintenanceState } from '../../modules/maintenance/maintenance-service.js';
import type { ApiContext, Router } from './route.js';
import { isoOrNull } from './schemas.js';

const stateView = z.object({
  enabled: z.boolean(),
  since: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'When it was switched on (kept while on); null when off' }),
});

const toStateView = (state: MaintenanceState): z.infer<typeof stateView> => ({
  enabled: state.on,
  since: isoOrNull(state.since),
});

const platformView = z.object({
  platform: stateView,
  shopsInMaintenance: z.number().int().meta({ description: 'Bots in maintenance of their own' }),
});

const botView = z.object({
  shop: stateView.meta({ description: "The bot's own switch" }),
  platform: stateView.meta({ description: "The operators' switch for every bot" }),
  effective: z.boolean().meta({
    description: 'Either is on: customers get the "back soon" line and jobs that message them wait',
  }),
});

const switchBody = z.strictObject({ enabled: z.boolean() });

/**
 * Maintenance mode (src/modules/maintenance/): one bot's switch (its tenant token or the operator)
 * and the whole platform's (operator only).
 */
export function registerMaintenanceRoutes({ route, botRoute }: Router, { app }: ApiContext) {
  const tag = 'maintenance';
  const maintenance = app.platform.maintenance;

  const platformAnswer = async () => ({
    platform: toStateView(await maintenance.get()),
    shopsInMaintenance: await maintenance.shopsInMaintenance(),
  });

  route(
    {
      method: 'GET',
      url: '/maintenance',
      tag,
      summary: 'Platform maintenance',
      operatorOnly: true,
      responses: { 200: { description: 'The platform switch', schema: platformView } },
    },
    platformAnswer,
  );

  route(
    {
      method: 'PUT',
      url: '/maintenance',
      tag,
      summary: 'Switch platform maintenance',
      description:
        'While on, every bot\'s customers get a short "back soon" line and nothing else; admins and ' +
        'operators work as usual; jobs that message customers wait and run once it is off. Switching ' +
        'it on while on keeps the first moment.',
      operatorOnly: true,
      body: switchBody,
      responses: { 200: { description: 'The platform switch now', schema: platformView } },
    },
    async ({ body, request }) => {
      await maintenance.set(body.enabled);
      request.log.warn({ enabled: body.enabled }, 'platform maintenance switched through the API');
      return platformAnswer();
    },
  );

  const botAnswer = async (services: Pick<TenantServices, 'maintenance'>) => {
    const state = await services.maintenance.state();
    return { shop: toStateView(state.shop), platform: toStateView(state.platform), effective: state.on };
  };

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/maintenance',
      tag,
      summary: "A bot's maintenance",
      responses: { 200: { description: 'Its switch and the platform one', schema: botView } },
    },
    ({ services }) => botAnswer(services),
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/maintenance',
      tag,
      summary: "Switch a bot's maintenance",
      description:
        'While on, its customers get a short "back soon" line (the setting `maintenance_message`, ' +
        'else the built-in one) and nothing else; its admins work as usual; jobs that message its ' +
        'customers wait and run once it is off.',
      body: switchBody,
      responses: { 200: { description: 'Its switch and the platform one now', schema: botView } },
    },
    async ({ services, bot, body, principal, request }) => {
      await services.maintenance.set(body.enabled);
      request.log.info(
        { botId: bot.id, enabled: body.enabled, by: principal.role },
        'bot maintenance switched through the API',
      );
      return botAnswer(services);
    },
  );
}
