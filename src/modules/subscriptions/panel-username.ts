import { asBotId, asCustomerId, type BotId, type CustomerId } from '../../shared/ids.js';

/**
 * The deterministic panel username of a customer's n-th subscription in a shop: a retried create
 * finds the user instead of duplicating it, and a panel event names its shop and subscription. The
 * first keeps the name every subscription had before customers could own several. At most
 * 2+10+1+10+1+4 = 28 characters of [a-z0-9], within the panel's 3 to 36 of [A-Za-z0-9_-].
 */
export const panelUsername = (botId: BotId, customerId: CustomerId, ordinal = 1): string =>
  ordinal === 1 ? `rf${botId}c${customerId}` : `rf${botId}c${customerId}s${ordinal}`;

export interface PanelUsernameParts {
  readonly botId: BotId;
  readonly customerId: CustomerId;
  readonly ordinal: number;
}

const PATTERN = /^rf([1-9]\d{0,9})c([1-9]\d{0,9})(?:s([2-9]|[1-9]\d{1,3}))?$/;

/** The shop, customer and ordinal a panel username names; undefined for anyone else's user. */
export function parsePanelUsername(username: string): PanelUsernameParts | undefined {
  const match = PATTERN.exec(username);
  if (!match) return undefined;
  const ordinal = match[3] === undefined ? 1 : Number(match[3]);
  if (ordinal > 1000) return undefined;
  return { botId: asBotId(Number(match[1])), customerId: asCustomerId(Number(match[2])), ordinal };
}
