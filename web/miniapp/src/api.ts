/** The shop's Mini App API, beside the page: /app/<bot id>/api/... Every call carries the initData. */

export type Language = 'fa' | 'en' | 'ru';
export type Currency = 'IRT' | 'USD' | 'RUB';
export type Method = 'card' | 'zarinpal' | 'stars';

export interface Me {
  shop: { name: string; username: string | null; currency: Currency };
  customer: { firstName: string | null; language: Language; balance: number };
  topUp: { methods: Method[]; presets: number[]; min: number; max: number };
  features: {
    devices: boolean;
    newLink: boolean;
    trafficPacks: boolean;
    dayPacks: boolean;
    help: boolean;
    tickets: boolean;
  };
}

export interface Subscription {
  id: number;
  ordinal: number;
  isTrial: boolean;
  status: 'pending' | 'active' | 'expired' | 'limited' | 'disabled';
  expiresAt: string | null;
  usedBytes: number;
  limitBytes: number;
  deviceLimit: number;
  link: string | null;
  linkKey: string | null;
  qrSvg: string | null;
}

export interface Plan {
  id: number;
  name: string;
  price: number;
  periodDays: number;
  trafficGb: number;
  deviceLimit: number;
}

export interface Pack {
  id: number;
  kind: 'traffic' | 'days';
  amount: number;
  price: number;
}

export interface Device {
  key: string;
  platform: string | null;
  osVersion: string | null;
  model: string | null;
  addedAt: string | null;
}

export type OrderAnswer =
  | { status: 'paid'; orderId: number; price: number }
  | { status: 'in_progress'; orderId: number }
  | { status: 'insufficient'; orderId: number; balance: number; missing: number }
  | { status: 'refused'; reason: string };

export interface HelpPage {
  key: string;
  title: string;
  body: string;
}

export interface Ticket {
  id: number;
  subject: string;
  status: 'open' | 'answered' | 'closed';
  lastMessageAt: string;
}

export interface CardOffer {
  amount: number;
  orderId: number | null;
  card: { id: number; number: string; holder: string; bank: string | null };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

export function createApi(initData: string) {
  const call = async <T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> => {
    const headers: Record<string, string> = { authorization: `tma ${initData}` };
    let payload: BodyInit | undefined;
    if (body instanceof Blob) {
      payload = body;
      headers['content-type'] = contentType ?? body.type;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`api/${path}`, { method, headers, ...(payload ? { body: payload } : {}) });
    const json = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
    if (!response.ok) throw new ApiError(response.status, json.error?.code ?? 'error');
    return json as T;
  };
  return {
    me: () => call<Me>('GET', 'me'),
    subscriptions: () => call<{ subscriptions: Subscription[] }>('GET', 'subscriptions'),
    plans: () => call<{ plans: Plan[] }>('GET', 'plans'),
    packs: () => call<{ packs: Pack[] }>('GET', 'packs'),
    buyPlan: (planId: number, subscriptionId: number | null, key: string) =>
      call<OrderAnswer>('POST', 'orders', { planId, subscriptionId, key }),
    buyPack: (packId: number, subscriptionId: number, key: string) =>
      call<OrderAnswer>('POST', 'orders/pack', { packId, subscriptionId, key }),
    devices: (subscriptionId: number) =>
      call<{ devices: Device[] }>('GET', `subscriptions/${subscriptionId}/devices`),
    removeDevice: (subscriptionId: number, key: string) =>
      call<{ removed: boolean; devices: Device[] }>(
        'DELETE',
        `subscriptions/${subscriptionId}/devices/${key}`,
      ),
    newLink: (subscriptionId: number, linkKey: string) =>
      call<{ renewed: boolean; link: string | null }>('POST', `subscriptions/${subscriptionId}/link`, {
        linkKey,
      }),
    cardOffer: (amount: number, orderId: number | null) =>
      call<CardOffer>('POST', 'topup/card', { amount, orderId }),
    uploadReceipt: (offer: CardOffer, file: Blob) => {
      const query = new URLSearchParams({ amount: String(offer.amount), cardId: String(offer.card.id) });
      if (offer.orderId !== null) query.set('orderId', String(offer.orderId));
      return call<{ trackingNumber: string; amount: number }>('POST', `topup/card/receipt?${query}`, file);
    },
    zarinpal: (amount: number, orderId: number | null, key: string) =>
      call<{ url: string; amount: number }>('POST', 'topup/zarinpal', { amount, orderId, key }),
    stars: (amount: number, orderId: number | null) =>
      call<{ invoiceLink: string; stars: number }>('POST', 'topup/stars', { amount, orderId }),
    help: () => call<{ pages: HelpPage[] }>('GET', 'help'),
    tickets: () => call<{ tickets: Ticket[] }>('GET', 'tickets'),
    openTicket: (text: string) => call<{ status: string; id?: number }>('POST', 'tickets', { text }),
    setLanguage: (language: Language) => call<{ language: Language }>('PUT', 'language', { language }),
  };
}

export type Api = ReturnType<typeof createApi>;

/** A key for one confirmation screen: pressing twice, or a retried request, orders once. */
export const newKey = (): string => {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
};
