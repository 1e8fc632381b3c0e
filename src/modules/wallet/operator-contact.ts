import type { BotId } from '../../shared/ids.js';

/** How a shop's admins reach the operator, who sells them the wallet's traffic. */
export interface OperatorContact {
  /** The master bot's username (the operators' bot), when it has one and runs. */
  readonly masterUsername: string | null;
  /** The master shop's support username, when set. */
  readonly supportUsername: string | null;
}

export interface OperatorContactDeps {
  readonly getMaster: () => Promise<
    { readonly id: BotId; readonly username: string | null; readonly isActive: boolean } | undefined
  >;
  readonly supportUsernameOf: (masterId: BotId) => Promise<string | null>;
}

/**
 * The operator's contact for a shop's wallet screen: the only thing a shop learns of the master
 * tenant, its public usernames. Until resellers can pay the operator from the master bot, a top-up
 * is arranged with the operator there.
 */
export async function findOperatorContact(deps: OperatorContactDeps): Promise<OperatorContact> {
  const master = await deps.getMaster();
  if (!master) return { masterUsername: null, supportUsername: null };
  return {
    masterUsername: master.isActive ? master.username : null,
    supportUsername: await deps.supportUsernameOf(master.id),
  };
}
