import type { DesiredAccount, PanelAccount, VpnPanel } from '../../modules/subscriptions/vpn-panel.js';
import type { RemnawaveClient } from './client.js';
import { isNotFound, isOutcomeUnknown, isUsernameTaken } from './errors.js';
import type { PanelUser } from './schemas.js';

/**
 * The API token scopes selling needs (README, "Remnawave panel token"): every call below, and the
 * traffic sync's read by id. A token lacking one gets 403 from the panel for that call.
 */
export const REMNAWAVE_SELLING_SCOPES = [
  'users:create',
  'users:by-id',
  'users:by-username',
  'users:update',
  'users:reset-traffic',
  'hwid-user-devices:list-by-user',
] as const;

const toAccount = (user: PanelUser): PanelAccount => ({
  id: user.id,
  username: user.username,
  shortUuid: user.shortUuid,
  status: user.status,
  expireAt: user.expireAt,
  trafficLimitBytes: user.trafficLimitBytes,
  usedTrafficBytes: user.usedTrafficBytes,
  lifetimeUsedTrafficBytes: user.lifetimeUsedTrafficBytes,
  deviceLimit: user.hwidDeviceLimit,
  subscriptionUrl: user.subscriptionUrl,
  onlineAt: user.onlineAt,
});

const desiredFields = (desired: DesiredAccount) => ({
  expireAt: desired.expireAt,
  trafficLimitBytes: desired.trafficLimitBytes,
  trafficLimitStrategy: desired.trafficLimitStrategy,
  hwidDeviceLimit: desired.deviceLimit,
  activeInternalSquads: desired.squads,
  tag: desired.tag,
});

const nullOn404 = async <T>(work: Promise<T>): Promise<T | null> => {
  try {
    return await work;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
};

/** The Remnawave panel as the selling code sees it. */
export function createRemnawavePanel(client: RemnawaveClient): VpnPanel {
  return {
    async findAccountByUsername(username) {
      const user = await client.findUserByUsername(username);
      return user ? toAccount(user) : null;
    },
    async findAccountById(id) {
      const user = await nullOn404(client.getUserById(id));
      return user ? toAccount(user) : null;
    },
    async createAccount(input) {
      return toAccount(
        await client.createUser({
          username: input.username,
          telegramId: input.telegramId,
          description: input.description,
          status: 'ACTIVE',
          ...desiredFields(input),
        }),
      );
    },
    async updateAccount(id, desired) {
      return toAccount(await client.updateUser({ id, status: 'ACTIVE', ...desiredFields(desired) }));
    },
    async resetTraffic(id) {
      return toAccount(await client.resetTraffic(id));
    },
    async countDevices(id) {
      return (await client.getDevices(id)).total;
    },
    isOutcomeUnknown,
    isUsernameTaken,
  };
}
