import type { SimUser } from '../../../sim/telegram/index.js';
import type { TenantServices } from '../../../src/app.js';
import type { Language } from '../../../src/db/schema.js';
import { signInitData } from '../../../src/http/miniapp/init-data.js';
import type { Backend } from '../../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../support/fleet.js';
import { createMonthlyPlan, newCustomer, openTestShop } from '../../support/shop.js';

/** A PNG of 1×1 pixel: what a phone's file input would hand the page, only smaller. */
export const RECEIPT_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** `initData` as Telegram would sign it for `user` opening `shop`'s Mini App, `ageSeconds` ago. */
export function initDataFor(
  shop: ShopUnderTest,
  user: { id: number; firstName?: string; languageCode?: string },
  options: { ageSeconds?: number; token?: string } = {},
): string {
  const authDate = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 5);
  return signInitData(
    {
      query_id: 'AAHdF6IQAAAAAN0XohDhrOrc',
      user: JSON.stringify({
        id: user.id,
        first_name: user.firstName ?? 'Customer',
        language_code: user.languageCode ?? 'en',
      }),
      auth_date: String(authDate),
    },
    options.token ?? shop.bot.token,
  );
}

/** A shop selling on the panel with its Mini App on, card-to-card (one card), Stars and packs. */
export async function openMiniAppShop(
  h: FleetHarness,
  name: string,
  options: { language?: Language; admins?: number[] } = {},
): Promise<{ shop: ShopUnderTest; services: TenantServices; planId: number }> {
  const squad = h.panel.addSquad(`${name} squad`);
  const { shop, services } = await openTestShop(h, name, {
    squad,
    language: options.language ?? 'en',
    ...(options.admins ? { admins: options.admins } : {}),
  });
  await services.flags.set('mini_app', true);
  await services.flags.set('card_to_card', true);
  await services.flags.set('telegram_stars', true);
  await services.flags.set('subscription_devices', true);
  await services.flags.set('subscription_new_link', true);
  const card = await services.cards.create({
    cardNumber: '6037991234567893',
    holderName: 'Sara Ahmadi',
    bankName: 'Melli',
  });
  if (!card.ok) throw new Error(card.error.message);
  const plan = await createMonthlyPlan(services, name, { deviceLimit: 2 });
  return { shop, services, planId: plan.id };
}

/** A Telegram user who started the shop's bot (a customer), with their initData for the Mini App. */
export async function miniAppCustomer(
  h: FleetHarness,
  shop: ShopUnderTest,
  firstName: string,
  languageCode = 'en',
): Promise<{ user: SimUser; customerId: number; initData: string }> {
  const { user, customerId } = await newCustomer(h, shop, firstName, { languageCode });
  return { user, customerId, initData: initDataFor(shop, { id: user.id, firstName, languageCode }) };
}

/** Calls the Mini App API of `shop` as the page does. */
export async function callMiniApp(
  h: FleetHarness,
  shop: { id: number },
  initData: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the JSON answers freely
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (initData !== undefined) headers.authorization = `tma ${initData}`;
  let payload: string | Buffer | undefined;
  if (Buffer.isBuffer(body)) {
    payload = body;
    headers['content-type'] = 'image/png';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${h.platform.url}/app/${shop.id}/api/${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export const startMiniAppHarness = (backend: Backend) => startFleetHarness(backend, 'polling');
