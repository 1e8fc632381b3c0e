/**
 * How the importer finds the panel users a single-tenant shop's subscriptions already have: read
 * only, it never creates one. Implemented over the Remnawave client by the CLI
 * (src/cli/import-commands.ts); tests use the panel simulator through the same adapter.
 */
export interface PanelUserFound {
  readonly id: number;
  readonly username: string;
  readonly shortUuid: string;
  readonly subscriptionUrl: string;
  readonly usedTrafficBytes: number;
  readonly lifetimeUsedTrafficBytes: number;
}

export interface PanelDirectory {
  /** null when the panel has no such user; throws when the panel cannot be asked. */
  findById(id: number): Promise<PanelUserFound | null>;
  findByShortUuid(shortUuid: string): Promise<PanelUserFound | null>;
  findByUsername(username: string): Promise<PanelUserFound | null>;
}

export class PanelUnavailableError extends Error {
  override readonly name = 'PanelUnavailableError';
}
