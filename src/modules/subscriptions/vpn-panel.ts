/**
 * What selling needs from a VPN panel, owned by the business code. The Remnawave adapter
 * (src/integrations/remnawave/vpn-panel.ts) implements it; tests may fake it.
 */
export type PanelAccountStatus = 'ACTIVE' | 'DISABLED' | 'LIMITED' | 'EXPIRED';

export interface PanelAccount {
  readonly id: number;
  readonly username: string;
  readonly shortUuid: string;
  readonly status: PanelAccountStatus;
  readonly expireAt: Date;
  /** 0 = unlimited */
  readonly trafficLimitBytes: number;
  readonly usedTrafficBytes: number;
  /** Never reset: what the tenant's customers consumed on the panel in all. */
  readonly lifetimeUsedTrafficBytes: number;
  /** 0 = unlimited, null = the panel's default */
  readonly deviceLimit: number | null;
  readonly subscriptionUrl: string;
  readonly onlineAt: Date | null;
  /**
   * The panel's updatedAt for the user as answered (after the call's change): the panel events it
   * sent before are older, and describe a state this answer has replaced.
   */
  readonly changedAt: Date | null;
}

export interface DesiredAccount {
  readonly expireAt: Date;
  readonly trafficLimitBytes: number;
  readonly trafficLimitStrategy: 'NO_RESET' | 'DAY' | 'WEEK' | 'MONTH' | 'MONTH_ROLLING';
  readonly deviceLimit: number;
  readonly squads: readonly string[];
  /** Marks the tenant's users on a panel shared by many shops. */
  readonly tag: string;
}

export interface NewAccount extends DesiredAccount {
  readonly username: string;
  readonly telegramId: number;
  readonly description: string;
}

/** A device (VPN app) that fetched the subscription, as the panel counts it against the limit. */
export interface PanelDevice {
  /** The app's hardware id: how the panel names the device; unbounded text. */
  readonly hwid: string;
  readonly platform: string | null;
  readonly osVersion: string | null;
  readonly model: string | null;
  /** When it first fetched the subscription. */
  readonly addedAt: Date | null;
}

/** A subscription link the panel has just issued. */
export interface PanelLink {
  readonly shortUuid: string;
  readonly subscriptionUrl: string;
  /** The panel's updatedAt for the user after the change, to order it among panel events. */
  readonly changedAt: Date | null;
}

/** A squad of the panel (a set of inbounds) a shop's customers can be put in. */
export interface PanelSquad {
  readonly uuid: string;
  readonly name: string;
}

export interface VpnPanel {
  /** null when the panel has no such user. */
  findAccountByUsername(username: string): Promise<PanelAccount | null>;
  /** null when the panel has no such user (deleted behind our back). */
  findAccountById(id: number): Promise<PanelAccount | null>;
  /**
   * Never retried by the caller blindly: when it throws, `isOutcomeUnknown(error)` or
   * `isUsernameTaken(error)` say the account may exist; look it up by username.
   */
  createAccount(input: NewAccount): Promise<PanelAccount>;
  /**
   * Absolute values: safe to repeat. The account is re-enabled. The status answered is the one
   * the panel set, not necessarily the one it keeps: see `settledStatus`. `ended`: the entitlement
   * has run out (a traffic pack on an expired subscription): the panel refuses an expiry in the
   * past, so the expiry and the status are left as the panel has them and only the limits change.
   */
  updateAccount(id: number, desired: DesiredAccount, options?: { ended?: boolean }): Promise<PanelAccount>;
  /** Zeroes the used traffic; resolves with the account as it is afterwards. */
  resetTraffic(id: number): Promise<PanelAccount>;
  countDevices(id: number): Promise<number>;
  /** The account's devices, first added first; null when the panel has no such user. */
  listDevices(id: number): Promise<PanelDevice[] | null>;
  /**
   * Frees the device's place: it has to fetch the subscription again to connect. A device already
   * gone is not an error. Resolves with the devices left; null when the panel has no such user.
   */
  deleteDevice(id: number, hwid: string): Promise<PanelDevice[] | null>;
  /** Frees every place; false when the panel has no such user. Safe to repeat. */
  deleteAllDevices(id: number): Promise<boolean>;
  /**
   * A new subscription link (new short uuid and credentials): the old link stops working at once
   * and every app has to import the new one. Devices stay. Null when the panel has no such user.
   */
  revokeLink(id: number): Promise<PanelLink | null>;
  isOutcomeUnknown(error: unknown): boolean;
  isUsernameTaken(error: unknown): boolean;
  /** The panel's internal squads, for the operator to choose a shop's from (optional: fakes may lack it). */
  listSquads?(): Promise<PanelSquad[]>;
}

export const GIB = 1024 ** 3;

/**
 * The status the panel will hold the account at. A panel answers an update with the status the
 * update set (ACTIVE even for a user still over its traffic limit) and marks users EXPIRED or
 * LIMITED only in periodic sweeps (Remnawave: every 30 s and 45 s), so a status read right after a
 * change, or just before a sweep, is not final. Only the sweeps' verdicts are anticipated: a
 * DISABLED, LIMITED or EXPIRED account stays so until the panel itself lifts it.
 */
export function settledStatus(account: PanelAccount, now: Date): PanelAccountStatus {
  const { status } = account;
  if ((status === 'ACTIVE' || status === 'LIMITED') && account.expireAt.getTime() < now.getTime()) {
    return 'EXPIRED';
  }
  if (
    status === 'ACTIVE' &&
    account.trafficLimitBytes > 0 &&
    account.usedTrafficBytes >= account.trafficLimitBytes
  ) {
    return 'LIMITED';
  }
  return status;
}
