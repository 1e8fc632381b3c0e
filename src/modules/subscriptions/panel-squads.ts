import type { PanelSquad, VpnPanel } from './vpn-panel.js';

export type PanelSquadsAnswer =
  | { readonly status: 'listed'; readonly squads: readonly PanelSquad[] }
  /** No panel is configured (no REMNAWAVE_URL), or its adapter cannot list squads. */
  | { readonly status: 'no_panel' }
  | { readonly status: 'unreachable'; readonly error: unknown };

/** The panel's internal squads, for the operator choosing a shop's (setting `panel_squads`). */
export function createPanelSquads(panel: VpnPanel | undefined) {
  return {
    async list(): Promise<PanelSquadsAnswer> {
      if (!panel?.listSquads) return { status: 'no_panel' };
      try {
        return { status: 'listed', squads: await panel.listSquads() };
      } catch (error) {
        return { status: 'unreachable', error };
      }
    },
  };
}
