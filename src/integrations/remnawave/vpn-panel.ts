import type {
  DesiredAccount,
  PanelAccount,
  PanelDevice,
  PanelLink,
  VpnPanel,
} from '../../modules/subscriptions/vpn-panel.js';
import type { RemnawaveClient } from './client.js';
import { isDeviceNotFound, isNotFound, isOutcomeUnknown, isUsernameTaken } from './errors.js';
import type { PanelDeviceList, PanelUser } from './schemas.js';

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
  // the customer's devices and a new subscription link
  'hwid-user-devices:delete',
  'hwid-user-devices:delete-all',
  'users:revoke-subscription',
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
  changedAt: user.updatedAt,
});

const toDevices = (list: PanelDeviceList): PanelDevice[] =>
  list.devices.map((device) => ({
    hwid: device.hwid,
    platform: device.platform,
    osVersion: device.osVersion,
    model: device.deviceModel,
    addedAt: device.createdAt,
  }));

const toLink = (user: PanelUser): PanelLink => ({
  shortUuid: user.shortUuid,
  subscriptionUrl: user.subscriptionUrl,
  changedAt: user.updatedAt ?? user.subRevokedAt,
});

const desiredFields = (desired: DesiredAccount) => ({
  expireAt: desired.expireAt,
  trafficLimitBytes: desired.trafficLimitBytes,
  trafficLimitStrategy: desired.trafficLimitStrategy,
  hwidDeviceLimit: desired.deviceLimit,
  activeInternalSquads: desired.squads,
  tag: desired.tag,
});

/** The call's answer, or null when the panel answers 404. */
export const nullOn404 = async <T>(work: Promise<T>): Promise<T | null> => {
  try {
    return await work;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
};

/** The Remnawave panel as the selling code sees it. */
export function createRemnawavePanel(client: RemnawaveClient): VpnPanel {
  const listDevices = async (id: number): Promise<PanelDevice[] | null> => {
    const list = await nullOn404(client.getDevices(id));
    return list && toDevices(list);
  };
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
    async updateAccount(id, desired, options) {
      if (options?.ended) {
        const { expireAt: _past, ...limits } = desiredFields(desired);
        return toAccount(await client.updateUser({ id, ...limits }));
      }
      return toAccount(await client.updateUser({ id, status: 'ACTIVE', ...desiredFields(desired) }));
    },
    async resetTraffic(id) {
      return toAccount(await client.resetTraffic(id));
    },
    async countDevices(id) {
      return (await client.getDevices(id)).total;
    },
    listDevices,
    async deleteDevice(id, hwid) {
      try {
        return toDevices(await client.deleteDevice(id, hwid));
      } catch (error) {
        // removed meanwhile (another press, the panel's admin): what is left is what was asked for
        if (isDeviceNotFound(error)) return listDevices(id);
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async deleteAllDevices(id) {
      return (await nullOn404(client.deleteAllDevices(id))) !== null;
    },
    async revokeLink(id) {
      const user = await nullOn404(client.revokeSubscription(id));
      return user && toLink(user);
    },
    isOutcomeUnknown,
    isUsernameTaken,
    async listSquads() {
      return (await client.getInternalSquads()).map(({ uuid, name }) => ({ uuid, name }));
    },
  };
}
