import { createHash } from 'node:crypto';
import { and, eq, isNull, lte, or } from 'drizzle-orm';
import { subscriptions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import type { CustomerId, SubscriptionId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { Subscription } from './subscriptions-service.js';
import type { PanelDevice, PanelLink, VpnPanel } from './vpn-panel.js';

/*
 * A customer's devices and subscription link: what the panel holds for one subscription they own.
 * Everything here is read from the panel at the moment it is asked (devices are not stored), and
 * every request names the subscription and the customer, so a press can only reach the customer's
 * own subscription in this shop.
 */

/** Why a devices or link request was not done; each has its message for the customer. */
export interface DevicesError {
  readonly code: /** No such subscription of this customer in this shop. */
    | 'not_found'
    /** No panel user yet: the subscription is still being activated. */
    | 'not_provisioned'
    /** The panel has no user for it (deleted there); support restores it. */
    | 'panel_lost'
    /** The panel did not answer, or none is configured. */
    | 'panel_unavailable';
}

export type DevicesResult<T> = Result<T, DevicesError>;

/** A device as a customer sees it. The hwid stays here: a press names the device by `key`. */
export interface Device {
  readonly key: string;
  readonly platform: string | null;
  readonly osVersion: string | null;
  readonly model: string | null;
  readonly addedAt: Date | null;
}

export interface DeviceList {
  readonly subscription: Subscription;
  readonly devices: readonly Device[];
}

/** What a device's or a link's key looks like: 8 characters of base64url (48 bits of SHA-256). */
export const KEY_PATTERN = /[A-Za-z0-9_-]{8}/;

const shortHash = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 8);

/**
 * Names a device in a button press. A hwid is any text an app sends, often longer than Telegram's
 * 64 bytes of callback data; a short hash fits, and the press finds the device again by it in a
 * list read afresh. Two of one customer's devices sharing one (one chance in 2^48) would make a
 * press remove the first of them.
 */
export const deviceKey = (hwid: string): string => shortHash(hwid);

/**
 * Names the link a confirmation was shown for, so a second press of it (a double tap, Telegram
 * delivering it again) finds the link already replaced instead of replacing the new one. A hash,
 * because the short uuid is the secret part of the link and callback data is not the place for it.
 */
export const linkKey = (subscription: Pick<Subscription, 'panelShortUuid'>): string | null =>
  subscription.panelShortUuid === null ? null : shortHash(subscription.panelShortUuid);

const toDevice = (device: PanelDevice): Device => ({
  key: deviceKey(device.hwid),
  platform: device.platform,
  osVersion: device.osVersion,
  model: device.model,
  addedAt: device.addedAt,
});

export interface DevicesDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  /** Absent when no panel is configured: every request answers `panel_unavailable`. */
  readonly panel: VpnPanel | undefined;
  readonly logger: Logger;
}

export function createDevicesService({ tenant, clock, panel, logger }: DevicesDeps) {
  const { botId } = tenant;

  const loadOwned = async (
    customerId: CustomerId,
    subscriptionId: SubscriptionId,
  ): Promise<Subscription | undefined> => {
    const [row] = await tenant.transaction((tx) =>
      tx
        .select()
        .from(subscriptions)
        .where(
          and(
            eq(subscriptions.botId, botId),
            eq(subscriptions.id, subscriptionId),
            eq(subscriptions.customerId, customerId),
          ),
        ),
    );
    return row as Subscription | undefined;
  };

  /**
   * Runs `work` against the panel user of the customer's subscription (`loadOwned`). `work` only
   * talks to the panel (null: the panel has no such user); whatever it throws is the panel not
   * answering, which the customer is told, never a failed update.
   */
  const onPanel = async <T>(
    subscription: Subscription | undefined,
    work: (vpn: VpnPanel, panelUserId: number) => Promise<T | null>,
  ): Promise<DevicesResult<{ subscription: Subscription; value: T }>> => {
    if (!subscription) return err({ code: 'not_found' });
    const { id: subscriptionId, panelUserId } = subscription;
    if (panelUserId === null) return err({ code: 'not_provisioned' });
    if (!panel) return err({ code: 'panel_unavailable' });
    let value: T | null;
    try {
      value = await work(panel, panelUserId);
    } catch (error) {
      logger.warn({ err: error, subscriptionId }, 'the panel did not answer a devices or link request');
      return err({ code: 'panel_unavailable' });
    }
    if (value === null) {
      logger.warn({ subscriptionId, panelUserId }, 'the panel has no user for this subscription');
      return err({ code: 'panel_lost' });
    }
    return ok({ subscription, value });
  };

  /**
   * Stores the link the panel issued, unless a newer panel event was applied meanwhile (a later
   * revoke's webhook): the row then holds the newer link already. Returns the row as it is now.
   */
  const storeLink = async (subscription: Subscription, link: PanelLink): Promise<Subscription> => {
    const now = clock.now();
    const { changedAt } = link;
    return tenant.transaction(async (tx) => {
      const [updated] = await tx
        .update(subscriptions)
        .set({
          subscriptionUrl: link.subscriptionUrl,
          panelShortUuid: link.shortUuid,
          ...(changedAt && { panelEventAt: changedAt }),
          syncedAt: now,
          updatedAt: now,
        })
        .where(
          and(
            eq(subscriptions.botId, botId),
            eq(subscriptions.id, subscription.id),
            changedAt
              ? or(isNull(subscriptions.panelEventAt), lte(subscriptions.panelEventAt, changedAt))
              : undefined,
          ),
        )
        .returning();
      if (updated) return updated as Subscription;
      const [current] = await tx
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, subscription.id)));
      return (current ?? subscription) as Subscription;
    });
  };

  return {
    /** The subscription's devices as the panel counts them, first added first. */
    async listDevices(
      customerId: CustomerId,
      subscriptionId: SubscriptionId,
    ): Promise<DevicesResult<DeviceList>> {
      const owned = await loadOwned(customerId, subscriptionId);
      const result = await onPanel(owned, (vpn, id) => vpn.listDevices(id));
      if (!result.ok) return result;
      return ok({ subscription: result.value.subscription, devices: result.value.value.map(toDevice) });
    },

    /**
     * Removes the device named by `key` from a list read afresh, so a press on an old list cannot
     * remove another device. `removed` is false when it was gone already (a second press): the
     * devices left are what the customer asked for either way.
     */
    async removeDevice(
      customerId: CustomerId,
      subscriptionId: SubscriptionId,
      key: string,
    ): Promise<DevicesResult<DeviceList & { removed: boolean }>> {
      const owned = await loadOwned(customerId, subscriptionId);
      const result = await onPanel(owned, async (vpn, id) => {
        const devices = await vpn.listDevices(id);
        if (!devices) return null;
        const target = devices.find((device) => deviceKey(device.hwid) === key);
        if (!target) return { removed: false, left: devices };
        const left = await vpn.deleteDevice(id, target.hwid);
        return left && { removed: true, left };
      });
      if (!result.ok) return result;
      const { subscription, value } = result.value;
      return ok({ subscription, removed: value.removed, devices: value.left.map(toDevice) });
    },

    /** Frees every device's place; each has to fetch the subscription again. Safe to repeat. */
    async removeAllDevices(
      customerId: CustomerId,
      subscriptionId: SubscriptionId,
    ): Promise<DevicesResult<{ subscription: Subscription }>> {
      const owned = await loadOwned(customerId, subscriptionId);
      const result = await onPanel(owned, async (vpn, id) =>
        (await vpn.deleteAllDevices(id)) ? true : null,
      );
      return result.ok ? ok({ subscription: result.value.subscription }) : result;
    },

    /**
     * A new subscription link, stored on the subscription; the old one stops working. Done only
     * while the subscription still has the link `expectedLinkKey` names (`linkKey`, shown with the
     * confirmation): a repeated confirmation answers the link already made (`renewed` false).
     */
    async newLink(
      customerId: CustomerId,
      subscriptionId: SubscriptionId,
      expectedLinkKey: string,
    ): Promise<DevicesResult<{ subscription: Subscription; renewed: boolean }>> {
      const owned = await loadOwned(customerId, subscriptionId);
      if (owned && owned.panelUserId !== null && linkKey(owned) !== expectedLinkKey) {
        return ok({ subscription: owned, renewed: false });
      }
      const result = await onPanel(owned, async (vpn, id) => {
        const link = await vpn.revokeLink(id);
        // the old link is dead and no new one came: the customer is told the panel failed and tries again
        if (link && !link.subscriptionUrl) throw new Error('the panel answered a revoke without a link');
        return link;
      });
      if (!result.ok) return result;
      const stored = await storeLink(result.value.subscription, result.value.value);
      logger.info({ subscriptionId }, 'subscription link renewed');
      return ok({ subscription: stored, renewed: true });
    },
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;
