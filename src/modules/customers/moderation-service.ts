import type { CustomerId } from '../../shared/ids.js';
import {
  type BlockOutcome,
  blockCustomer,
  type ModerationDeps,
  type Moderator,
  type UnblockOutcome,
  unblockCustomer,
} from './block-customer.js';
import { type MessageOutcome, messageCustomer } from './message-customer.js';

/** Ban, unban and write to one customer: the admin menu and the REST API both call these. */
export function createModerationService(deps: ModerationDeps) {
  return {
    block: (customerId: CustomerId, moderator: Moderator): Promise<BlockOutcome> =>
      blockCustomer(deps, customerId, moderator),
    unblock: (customerId: CustomerId): Promise<UnblockOutcome> => unblockCustomer(deps, customerId),
    message: (customerId: CustomerId, text: string, key?: string): Promise<MessageOutcome> =>
      messageCustomer(deps.tenant, customerId, text, key),
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
