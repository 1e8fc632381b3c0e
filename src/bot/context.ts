import type { Context } from 'grammy';
import type { TenantServices } from '../app.js';
import type { Language } from '../db/schema.js';
import type { Customer } from '../modules/customers/customers-service.js';
import type { Tenant } from '../modules/tenants/tenant-registry.js';
import type { Logger } from '../shared/logger.js';
import type { Translate, Translator } from './i18n.js';

/** What the fleet attaches to every update before the shared middleware runs. */
export interface TenantBinding {
  readonly tenant: Tenant;
  readonly services: TenantServices;
}

export interface SessionData {
  /** What the customer was asked to type next, if anything (set by multi-step flows). */
  awaiting?: string | undefined;
  [key: string]: unknown;
}

export interface BotContextFlavor {
  shop: TenantBinding;
  logger: Logger;
  session: SessionData;
  /** The customer of this tenant who sent the update; undefined until /start registered them. */
  customer: Customer | undefined;
  /** 1 the first time this update is handled; more when it is handled again after a failure. */
  attempt: number;
  language: Language;
  t: Translate;
  readonly translator: Translator;
}

export type BotContext = Context & BotContextFlavor;
