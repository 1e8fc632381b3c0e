import type { VpnPanel } from '../subscriptions/vpn-panel.js';
import type { PanelUsageSource } from './traffic-sync.js';

class PanelUserMissing extends Error {
  override name = 'PanelUserMissing';
}

/** The traffic sync's view of the selling panel: a user the panel lost reads as "missing". */
export function panelUsage(panel: VpnPanel): {
  source: PanelUsageSource;
  isMissing: (error: unknown) => boolean;
} {
  return {
    source: {
      async getUserById(id) {
        const account = await panel.findAccountById(id);
        if (!account) throw new PanelUserMissing(`panel user ${id} not found`);
        return account;
      },
    },
    isMissing: (error) => error instanceof PanelUserMissing,
  };
}
