import { z } from 'zod';
import type { App } from '../../app.js';
import { ZARINPAL_RECONCILE_JOB } from '../../modules/payments/zarinpal-payments.js';
import { defineJob } from '../define.js';

/**
 * Scheduled for every active tenant: verifies its pending Zarinpal payments that are due for a
 * check and sweeps the gateway's unverified list, so a payment whose callback never came is still
 * credited once. Cheap for a tenant with nothing pending: one query, no gateway call.
 */
export const createZarinpalReconcileJob = (app: App) =>
  defineJob({
    name: ZARINPAL_RECONCILE_JOB,
    payload: z.object({}),
    timeoutMs: 120_000,
    handler: async ({ botId }) => {
      await app.forTenant(botId).zarinpal.reconcile();
    },
  });
