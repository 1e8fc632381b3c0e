export { SIM_ERRORS, SimHttpError } from './errors.js';
export type { SimFaultAction, SimFaultHandle, SimFaultSpec, SimRequestMatch } from './faults.js';
export {
  type RemnawaveSim,
  type RemnawaveSimOptions,
  type SimDownMode,
  type SimRequestLogEntry,
  type SimRequestOutcome,
  startRemnawaveSim,
  type UserJsonHook,
} from './server.js';
export type {
  AddDeviceResult,
  SimDevice,
  SimDeviceInfo,
  SimNode,
  SimSquad,
  SimTrafficStrategy,
  SimUser,
  SimUserPatch,
  SimUserRef,
  SimUserStatus,
} from './store.js';
export {
  type SimWebhookAttempt,
  type SimWebhookDelivery,
  type SimWebhookOptions,
  type SimWebhookScope,
  signWebhookBody,
} from './webhooks.js';
