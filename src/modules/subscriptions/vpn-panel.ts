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
}

export interface DesiredAccount {
  readonly expireAt: Date;
  readonly trafficLimitBytes: number;
  readonly trafficLimitStrategy: 'NO_RESET' | 'DAY' | 'WEEK' | 'MONTH' | 'MONTH_ROLLING';
  readonly deviceLimit: number;
  readonly squads: readonly string[];
  readonly tag: string | null;
}

export interface NewAccount extends DesiredAccount {
  readonly username: string;
  readonly telegramId: number;
  readonly description: string;
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
  /** Absolute values: safe to repeat. The account is re-enabled. */
  updateAccount(id: number, desired: DesiredAccount): Promise<PanelAccount>;
  resetTraffic(id: number): Promise<void>;
  countDevices(id: number): Promise<number>;
  isOutcomeUnknown(error: unknown): boolean;
  isUsernameTaken(error: unknown): boolean;
}

export const GIB = 1024 ** 3;
