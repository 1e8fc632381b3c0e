import { and, eq, getTableColumns } from 'drizzle-orm';
import { customers, resellerPlans, resellerSignups, resellerSubscriptions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import { resellerSignupNotice } from '../../jobs/definitions/reseller-signups.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import type { SecretBox } from '../../shared/crypto.js';
import { asBotId, type BotId } from '../../shared/ids.js';
import type { FeatureFlagsService } from '../feature-flags/feature-flags-service.js';
import { FEATURE_KEYS } from '../feature-flags/features.js';
import type { TenantRegistry } from '../tenants/tenant-registry.js';
import { lockWallet, postWalletEntry } from '../wallet/wallet-posting.js';
import { type ResellerSignup, refundSignup, signupToken } from './signups.js';

/** A reseller plan is paid a month at a time. */
export const RESELLER_PERIOD_MS = 30 * 24 * 60 * 60_000;

export const includedCreditRef = (masterId: number, signupId: number) =>
  `reseller-credit:${masterId}:${signupId}`;

export interface StartShopDeps {
  /** The master shop, whose signup it is. */
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly tenants: Pick<TenantRegistry, 'create' | 'getByTelegramBotId'>;
  /** The new shop's own tenant-bound handle and switches. */
  readonly shop: (botId: BotId) => { readonly tenant: TenantDb; readonly flags: FeatureFlagsService };
}

export type StartShopOutcome =
  | { readonly status: 'started'; readonly shopId: BotId }
  /** Not paid (or approved) yet, or refused: nothing to do. */
  | { readonly status: 'not_ready' }
  /** The bot became another tenant meanwhile: refunded. */
  | { readonly status: 'failed'; readonly reason: string };

const { tokenCiphertext: _token, ...columns } = getTableColumns(resellerSignups);

/**
 * Creates the shop of an approved signup. Each step recognises its earlier run: the registry's row
 * carries the signup's id (`bots.reseller_signup_id`), the reseller subscription is one row per
 * shop, the included credit is a wallet entry with its own reference, switches are set to values,
 * and the signup turns `started` with its notice in one conditional update. So a job that died
 * anywhere and runs again makes one shop and credits once.
 */
export async function startShop(deps: StartShopDeps, signupId: number): Promise<StartShopOutcome> {
  const masterId = deps.tenant.botId;
  const found = await deps.tenant.transaction(async (tx) => {
    const [row] = await tx
      .select({ ...columns, telegramId: customers.telegramId, planName: resellerPlans.name })
      .from(resellerSignups)
      .innerJoin(
        customers,
        and(eq(customers.botId, resellerSignups.botId), eq(customers.id, resellerSignups.customerId)),
      )
      .innerJoin(
        resellerPlans,
        and(eq(resellerPlans.botId, resellerSignups.botId), eq(resellerPlans.id, resellerSignups.planId)),
      )
      .where(and(eq(resellerSignups.botId, masterId), eq(resellerSignups.id, signupId)));
    if (!row) return undefined;
    return { row, token: await signupToken(tx, deps.secrets, signupId) };
  });
  if (!found?.token) return { status: 'not_ready' };
  const { row, token } = found;
  if (row.status === 'started' && row.shopBotId !== null)
    return { status: 'started', shopId: asBotId(row.shopBotId) };
  if (row.status !== 'approved') return { status: 'not_ready' };

  let shopId = row.shopBotId === null ? undefined : asBotId(row.shopBotId);
  if (shopId === undefined) {
    const created = await deps.tenants.create({
      name: row.botName,
      token,
      adminTelegramIds: [row.telegramId],
      createdBy: row.telegramId,
      username: row.botUsername,
      resellerSignupId: signupId,
    });
    if (created.ok) shopId = created.value.tenant.id;
    else {
      // a run that died after creating the shop finds it by its mark; anything else is a refusal
      const existing = await deps.tenants.getByTelegramBotId(row.telegramBotId);
      if (existing?.resellerSignupId === signupId) shopId = existing.id;
      else return fail(deps, signupId, created.error.message);
    }
    await deps.tenant.transaction((tx) =>
      tx
        .update(resellerSignups)
        .set({ shopBotId: shopId, updatedAt: deps.clock.now() })
        .where(and(eq(resellerSignups.botId, masterId), eq(resellerSignups.id, signupId))),
    );
  }
  const shop = deps.shop(shopId!);
  const now = deps.clock.now();
  await shop.tenant.transaction(async (tx) => {
    await tx
      .insert(resellerSubscriptions)
      .values({
        botId: tx.botId,
        masterBotId: masterId,
        signupId,
        planId: row.planId,
        planName: row.planName,
        monthlyFee: row.price,
        customerCap: row.customerCap,
        featureKeys: row.featureKeys,
        periodEnd: new Date(now.getTime() + RESELLER_PERIOD_MS),
      })
      .onConflictDoNothing();
    if (row.includedCredit > 0) {
      const posted = await postWalletEntry(tx, await lockWallet(tx), {
        amount: row.includedCredit,
        kind: 'topup',
        externalRef: includedCreditRef(masterId, signupId),
        reason: 'reseller plan credit',
      });
      if (posted.status !== 'posted' && posted.status !== 'duplicate')
        throw new Error(`included credit of signup ${signupId}: ${posted.status}`);
    }
  });
  const allowed = new Set<string>(row.featureKeys);
  for (const key of FEATURE_KEYS) if (!allowed.has(key)) await shop.flags.set(key, false);
  await deps.tenant.transaction(async (tx) => {
    const started = await tx
      .update(resellerSignups)
      .set({ status: 'started', updatedAt: deps.clock.now() })
      .where(
        and(
          eq(resellerSignups.botId, masterId),
          eq(resellerSignups.id, signupId),
          eq(resellerSignups.status, 'approved'),
        ),
      )
      .returning({ id: resellerSignups.id });
    if (started.length > 0) await enqueue(tx, resellerSignupNotice, { signupId, event: 'started' });
  });
  return { status: 'started', shopId: shopId! };
}

/** The shop cannot be made: the signup fails and its price goes back to the balance, once. */
async function fail(deps: StartShopDeps, signupId: number, reason: string): Promise<StartShopOutcome> {
  await deps.tenant.transaction(async (tx) => {
    const [row] = await tx
      .update(resellerSignups)
      .set({ status: 'failed', failure: reason.slice(0, 500), updatedAt: deps.clock.now() })
      .where(
        and(
          eq(resellerSignups.botId, tx.botId),
          eq(resellerSignups.id, signupId),
          eq(resellerSignups.status, 'approved'),
        ),
      )
      .returning(columns);
    if (!row) return;
    await refundSignup(tx, row as unknown as ResellerSignup);
    await enqueue(tx, resellerSignupNotice, { signupId, event: 'failed' });
  });
  return { status: 'failed', reason };
}
