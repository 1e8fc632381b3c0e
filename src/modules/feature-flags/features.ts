/**
 * Every per-tenant feature switch the product acts on, its default, and what it controls. A key is
 * listed only once code reads it (test/modules/feature-flags/every-switch-is-read.test.ts): whatever is here is
 * offered to the operator, and a switch nothing reads would be a promise nobody keeps. Switches of
 * features not built yet (autopay, promo codes, tickets, server status, ...) arrive with those
 * features; rows stored under other keys are ignored.
 */
export const FEATURES = {
  card_to_card: { default: true, description: 'Card-to-card payments with receipt review' },
  zarinpal: { default: false, description: 'Zarinpal payment gateway' },
  telegram_stars: { default: false, description: 'Telegram Stars payments' },
  trial_subscription: { default: true, description: 'One free trial per customer' },
  referral_program: {
    default: false,
    description:
      "Each customer's invite link, who joined and paid, and rewards: the invited customer's first top-up bonus, the inviter's bonus and commission (referral_* settings)",
  },
  support_contact: { default: true, description: 'Show the support contact' },
  promo_codes: {
    default: false,
    description:
      'Promo codes: entered from the main menu or a /start promo_<CODE> link (admin menu: Promo codes)',
  },
  support_tickets: {
    default: false,
    description: 'Support tickets from the support menu (with support_mode tickets or both)',
  },
  autopay: {
    default: true,
    description:
      "Autopay on a subscription's card: renewal from the balance before expiry (autopay_* settings)",
  },
  mini_app: {
    default: false,
    description:
      "The shop's Mini App at PUBLIC_BASE_URL/app/<bot id>: its API, a main-menu button and the chat menu button (https)",
  },
  // on by default: the button shows only once the shop has an active pack of that kind
  traffic_packs: {
    default: true,
    description: "Extra traffic packs on a subscription's card (when the shop sells one)",
  },
  day_packs: {
    default: true,
    description: "Extra day packs on a subscription's card (when the shop sells one)",
  },
  subscription_devices: {
    default: true,
    description: "A subscription's devices listed on its card, removed one by one or all at once",
  },
  broadcasts: {
    default: true,
    description: "Broadcasts from the admin menu and the API to a segment of the shop's customers",
  },
  subscription_new_link: {
    default: true,
    description: 'A new subscription link on request (the old one stops working)',
  },
  help_pages: {
    default: true,
    description: "Main-menu Help: the shop's FAQ and connection guides (edited in the admin menu)",
  },
} as const satisfies Record<string, { default: boolean; description: string }>;

export type FeatureKey = keyof typeof FEATURES;
export const FEATURE_KEYS = Object.keys(FEATURES) as FeatureKey[];

export const isFeatureKey = (key: string): key is FeatureKey => Object.hasOwn(FEATURES, key);
