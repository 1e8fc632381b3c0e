import type { PanelDirectory, PanelUserFound } from '../../modules/importer/panel-directory.js';
import type { RemnawaveClient } from './client.js';
import type { PanelUser } from './schemas.js';
import { nullOn404 } from './vpn-panel.js';

const found = (user: PanelUser): PanelUserFound => ({
  id: user.id,
  username: user.username,
  shortUuid: user.shortUuid,
  subscriptionUrl: user.subscriptionUrl,
  usedTrafficBytes: user.usedTrafficBytes,
  lifetimeUsedTrafficBytes: user.lifetimeUsedTrafficBytes,
});

/** Read-only panel lookups over the Remnawave client (scopes users:resolve, users:by-id, users:by-username). */
export function panelDirectory(client: RemnawaveClient): PanelDirectory {
  return {
    async findById(id) {
      const user = await nullOn404(client.getUserById(id));
      return user && found(user);
    },
    async findByShortUuid(shortUuid) {
      const resolved = await nullOn404(client.resolveUser({ shortUuid }));
      if (!resolved) return null;
      const user = await nullOn404(client.getUserById(resolved.id));
      return user && found(user);
    },
    async findByUsername(username) {
      const user = await client.findUserByUsername(username);
      return user && found(user);
    },
  };
}
