export {
  createZarinpalClient,
  maskCardPan,
  type ZarinpalClient,
  type ZarinpalClientOptions,
  type ZarinpalPaymentRequest,
  type ZarinpalRequestPaymentInput,
  type ZarinpalUnverifiedPayment,
  type ZarinpalVerifyInput,
  type ZarinpalVerifyResult,
} from './client.js';
export {
  describeZarinpalCode,
  ZARINPAL_ERRORS,
  ZARINPAL_VERIFY_FAILURE_CODES,
  ZarinpalError,
  type ZarinpalErrorCode,
  type ZarinpalErrorInfo,
  type ZarinpalOperation,
  ZarinpalRetryableError,
  type ZarinpalTransportCode,
  type ZarinpalValidation,
} from './errors.js';
export {
  toRial,
  ZARINPAL_MAX_AMOUNT_RIAL,
  ZARINPAL_MIN_AMOUNT_RIAL,
  type ZarinpalCurrency,
  zarinpalAmountLimits,
} from './money.js';
export {
  isZarinpalAuthority,
  ZARINPAL_AUTHORITY_PATTERN,
  ZARINPAL_INQUIRY_STATUSES,
  type ZarinpalInquiryStatus,
} from './schemas.js';
