import {
  GatewayError,
  type ZarinpalGateway,
  type ZarinpalGateways,
} from '../../modules/payments/zarinpal-gateway.js';
import { createZarinpalClient, type ZarinpalClient, type ZarinpalClientOptions } from './client.js';
import { ZarinpalError } from './errors.js';

/** The client's errors, as the payments module knows them: code, retryable, and our wording. */
const asGatewayError = (error: unknown): unknown =>
  error instanceof ZarinpalError
    ? new GatewayError(error.message, error.code, error.retryable, { cause: error })
    : error;

const translated = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw asGatewayError(error);
  }
};

/** Zarinpal as the payments module sees it, over one client (one host). */
export function createZarinpalGateway(client: ZarinpalClient): ZarinpalGateway {
  return {
    requestPayment: (input) =>
      translated(() =>
        client.requestPayment({
          merchantId: input.merchantId,
          amount: input.amount,
          currency: input.currency,
          description: input.description,
          callbackUrl: input.callbackUrl,
          ...(input.orderId === undefined ? {} : { metadata: { orderId: input.orderId } }),
        }),
      ),
    startPayUrl: (authority) => client.startPayUrl(authority),
    verifyPayment: (input) =>
      translated(async () => {
        const result = await client.verifyPayment(input);
        if (result.kind === 'failed') return { kind: 'failed', code: result.code };
        return {
          kind: 'verified',
          refId: result.refId,
          cardPan: result.cardPan,
          alreadyVerified: result.alreadyVerified,
        };
      }),
    unverified: (merchantId) =>
      translated(async () =>
        (await client.unverified({ merchantId })).map((entry) => ({
          authority: entry.authority,
          amount: entry.amount,
        })),
      ),
  };
}

/** Production and sandbox hosts (ZARINPAL_BASE_URL, ZARINPAL_SANDBOX_BASE_URL), one client each. */
export function createZarinpalGateways(
  options: { baseUrl: string; sandboxBaseUrl: string } & Omit<ZarinpalClientOptions, 'baseUrl'>,
): ZarinpalGateways {
  const { baseUrl, sandboxBaseUrl, ...rest } = options;
  const production = createZarinpalGateway(createZarinpalClient({ ...rest, baseUrl }));
  const sandbox = createZarinpalGateway(createZarinpalClient({ ...rest, baseUrl: sandboxBaseUrl }));
  return { forMode: (isSandbox) => (isSandbox ? sandbox : production) };
}
