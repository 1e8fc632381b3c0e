import { remnawaveEndpoints as ep } from './endpoints.js';
import { isAlreadyDisabled, isAlreadyEnabled, isDeviceNotFound, isNotFound } from './errors.js';
import type {
  CreateUserInput,
  InternalSquad,
  PanelDeviceList,
  PanelNode,
  PanelSystemMetadata,
  PanelSystemStats,
  PanelUser,
  PanelUserPage,
  PanelUserUsage,
  ResolvedUser,
  UpdateUserInput,
  UserRef,
} from './schemas.js';
import { type CallOptions, createTransport, type RemnawaveLogger } from './transport.js';

export interface RemnawaveClientOptions {
  /** Panel root, e.g. `https://panel.example.com`; paths starting with `/api` are appended. */
  baseUrl: string;
  apiToken: string;
  /** For proxies that want their own header or cookie (e.g. `X-Api-Key`). Cannot replace the token. */
  extraHeaders?: Record<string, string> | undefined;
  /** Per attempt. Default 10 000. */
  timeoutMs?: number | undefined;
  /** Extra attempts for retry-safe calls. Default 3. */
  retries?: number | undefined;
  /** First backoff step; doubles per attempt, with jitter. Default 250. */
  retryBaseMs?: number | undefined;
  /** Cap on one backoff wait, including a server's Retry-After. Default 5 000. */
  retryMaxDelayMs?: number | undefined;
  logger?: RemnawaveLogger | undefined;
  fetch?: typeof fetch | undefined;
}

export interface FindUsersOptions extends CallOptions {
  /** Page size asked of the stream endpoint; the panel may ignore it. */
  pageSize?: number | undefined;
  /** Stops following cursors after this many pages. Default 100. */
  maxPages?: number | undefined;
}

export const REMNAWAVE_CLIENT_DEFAULTS = {
  timeoutMs: 10_000,
  retries: 3,
  retryBaseMs: 250,
  retryMaxDelayMs: 5_000,
} as const;

export function createRemnawaveClient(opts: RemnawaveClientOptions) {
  const { call } = createTransport({
    baseUrl: opts.baseUrl,
    apiToken: opts.apiToken,
    extraHeaders: opts.extraHeaders ?? {},
    timeoutMs: opts.timeoutMs ?? REMNAWAVE_CLIENT_DEFAULTS.timeoutMs,
    retries: opts.retries ?? REMNAWAVE_CLIENT_DEFAULTS.retries,
    retryBaseMs: opts.retryBaseMs ?? REMNAWAVE_CLIENT_DEFAULTS.retryBaseMs,
    retryMaxDelayMs: opts.retryMaxDelayMs ?? REMNAWAVE_CLIENT_DEFAULTS.retryMaxDelayMs,
    logger: opts.logger ?? null,
    fetch: opts.fetch ?? globalThis.fetch,
  });

  const getUserById = (id: number, o?: CallOptions): Promise<PanelUser> => call(ep.getUserById, { id }, o);

  const getUserByUsername = (username: string, o?: CallOptions): Promise<PanelUser> =>
    call(ep.getUserByUsername, { username }, o);

  const getSystemMetadata = (o?: CallOptions): Promise<PanelSystemMetadata> =>
    call(ep.getSystemMetadata, undefined, o);

  return {
    /** Escape hatch for endpoints described elsewhere with `defineEndpoint`. */
    call,

    /**
     * Never retried. After a timeout, network error or bare 5xx (`isOutcomeUnknown`) or an A019
     * (`isUsernameTaken`), look the user up with `findUserByUsername` and reconcile.
     */
    createUser: (input: CreateUserInput, o?: CallOptions): Promise<PanelUser> =>
      call(ep.createUser, input, o),

    getUserById,
    getUserByUsername,

    /** Like `getUserByUsername` but resolves null when the panel has no such user. */
    async findUserByUsername(username: string, o?: CallOptions): Promise<PanelUser | null> {
      try {
        return await getUserByUsername(username, o);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },

    /** All users carrying this Telegram id, following the stream cursor (3.x has no direct route). */
    async findUsersByTelegramId(telegramId: number, o: FindUsersOptions = {}): Promise<PanelUser[]> {
      const { pageSize, maxPages = 100, ...callOpts } = o;
      const users = new Map<number, PanelUser>();
      const seenCursors = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < maxPages; page++) {
        const result: PanelUserPage = await call(
          ep.streamUsers,
          {
            telegramId,
            ...(cursor === undefined ? {} : { cursor }),
            ...(pageSize ? { size: pageSize } : {}),
          },
          callOpts,
        );
        for (const user of result.users) users.set(user.id, user);
        // A cursor seen before would loop forever on a buggy panel; stop instead.
        if (!result.hasMore || result.nextCursor === null || seenCursors.has(result.nextCursor)) break;
        seenCursors.add(result.nextCursor);
        cursor = result.nextCursor;
      }
      return [...users.values()];
    },

    /** Cheap lookup of a user's ids by exactly one of id, username or shortUuid. */
    resolveUser: (ref: UserRef, o?: CallOptions): Promise<ResolvedUser> => call(ep.resolveUser, ref, o),

    /** PATCH by id with absolute values; retried. `activeInternalSquads` replaces the set. */
    updateUser: (input: UpdateUserInput, o?: CallOptions): Promise<PanelUser> =>
      call(ep.updateUser, input, o),

    /**
     * A retry after a lost answer meets A030 "already enabled" when the first try worked; that case
     * resolves with the current user. A030 on a clean first try still throws (`isAlreadyEnabled`).
     */
    async enableUser(id: number, o?: CallOptions): Promise<PanelUser> {
      try {
        return await call(ep.enableUser, { id }, o);
      } catch (err) {
        if (isAlreadyEnabled(err) && err.afterAmbiguousAttempt) return getUserById(id, o);
        throw err;
      }
    },

    /** Mirror of `enableUser` for A029 "already disabled". */
    async disableUser(id: number, o?: CallOptions): Promise<PanelUser> {
      try {
        return await call(ep.disableUser, { id }, o);
      } catch (err) {
        if (isAlreadyDisabled(err) && err.afterAmbiguousAttempt) return getUserById(id, o);
        throw err;
      }
    },

    resetTraffic: (id: number, o?: CallOptions): Promise<PanelUser> => call(ep.resetTraffic, { id }, o),

    /** Issues a new short uuid: the old subscription URL stops working, the returned user has the new one. */
    revokeSubscription: (id: number, o?: CallOptions): Promise<PanelUser> =>
      call(ep.revokeSubscription, { id }, o),

    /**
     * A retry that finds the user gone after a lost answer counts as success. A missing user on a
     * clean first try throws (A025, `isNotFound`).
     */
    async deleteUser(id: number, o?: CallOptions): Promise<void> {
      try {
        await call(ep.deleteUser, { id }, o);
      } catch (err) {
        if (isNotFound(err) && err.afterAmbiguousAttempt) return;
        throw err;
      }
    },

    getDevices: (userId: number, o?: CallOptions): Promise<PanelDeviceList> =>
      call(ep.getDevices, { id: userId }, o),

    /**
     * Resolves with the devices left. A retry that finds the device gone after a lost answer counts
     * as success; a device missing on a clean first try throws (A204, `isDeviceNotFound`).
     */
    async deleteDevice(userId: number, hwid: string, o?: CallOptions): Promise<PanelDeviceList> {
      try {
        return await call(ep.deleteDevice, { userId, hwid }, o);
      } catch (err) {
        if (isDeviceNotFound(err) && err.afterAmbiguousAttempt) return call(ep.getDevices, { id: userId }, o);
        throw err;
      }
    },

    deleteAllDevices: (userId: number, o?: CallOptions): Promise<PanelDeviceList> =>
      call(ep.deleteAllDevices, { userId }, o),

    /** Per-day usage between two dates (inclusive; a Date is taken as its UTC day). */
    getUsage: (
      id: number,
      start: Date | string,
      end: Date | string,
      o?: CallOptions,
    ): Promise<PanelUserUsage> => call(ep.getUserUsage, { id, start, end }, o),

    getInternalSquads: (o?: CallOptions): Promise<InternalSquad[]> =>
      call(ep.getInternalSquads, undefined, o),

    getNodes: (o?: CallOptions): Promise<PanelNode[]> => call(ep.getNodes, undefined, o),

    getSystemStats: (o?: CallOptions): Promise<PanelSystemStats> => call(ep.getSystemStats, undefined, o),

    getSystemMetadata,

    /** Panel backend version, e.g. `3.3.2` (needs the `system:metadata` scope). */
    async getVersion(o?: CallOptions): Promise<string> {
      return (await getSystemMetadata(o)).version;
    },
  };
}

export type RemnawaveClient = ReturnType<typeof createRemnawaveClient>;
