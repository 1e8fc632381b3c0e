export {
  type SimCall,
  type SimCurrency,
  type SimEndpoint,
  type SimFault,
  type SimFaultAction,
  type SimOutcome,
  type SimPayment,
  type SimPaymentStatus,
  startZarinpalSim,
  type ZarinpalSim,
  type ZarinpalSimOptions,
} from './zarinpal-sim.js';
