import type { TenantDb } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import type { SecretBox } from '../../shared/crypto.js';
import type { BotId } from '../../shared/ids.js';
import type { FeatureFlagsService } from '../feature-flags/feature-flags-service.js';
import type { TenantRegistry } from '../tenants/tenant-registry.js';
import { createResellerPlansService } from './reseller-plans.js';
import { createSignupService } from './signups.js';
import { startShop } from './start-shop.js';
import { createWalletTopUpService } from './wallet-topups.js';

export interface ResellersDeps {
  /** The master shop (its plans, signups and top-ups are its rows). */
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly tenants: Pick<TenantRegistry, 'create' | 'getByTelegramBotId'>;
  /** A reseller's shop: its own tenant-bound handle and switches. */
  readonly shop: (botId: BotId) => { readonly tenant: TenantDb; readonly flags: FeatureFlagsService };
}

/**
 * The master shop selling shops: reseller plans, signups (paid from the master-shop balance, then
 * approved where asked and started) and reseller wallet top-ups paid to the operator.
 */
export function createResellersService(deps: ResellersDeps) {
  const signups = createSignupService(deps);
  const topUps = createWalletTopUpService({
    tenant: deps.tenant,
    clock: deps.clock,
    shopDb: (botId) => deps.shop(botId).tenant,
  });
  return {
    plans: createResellerPlansService({ tenant: deps.tenant }),
    signups,
    topUps,
    /** The start job's work (reseller-start-shop). */
    startShop: (signupId: number) => startShop(deps, signupId),
    /** The credit job's work (reseller-wallet-credit). */
    creditWalletTopUp: (topUpId: number) => topUps.credit(topUpId),
  };
}

export type ResellersService = ReturnType<typeof createResellersService>;
