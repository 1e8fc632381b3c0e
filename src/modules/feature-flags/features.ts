/** Every per-tenant feature switch, its default, and what it controls. */
export const FEATURES = {
  card_to_card: { default: true, description: 'Card-to-card payments with receipt review' },
  zarinpal: { default: false, description: 'Zarinpal payment gateway' },
  telegram_stars: { default: false, description: 'Telegram Stars payments' },
  trial_subscription: { default: true, description: 'One free trial per customer' },
  auto_renewal: { default: false, description: 'Renew from balance before expiry' },
  simple_purchase: { default: false, description: 'One-tap purchase of the default plan' },
  referral_program: { default: false, description: 'Referral links and rewards' },
  promo_codes: { default: false, description: 'Promo codes' },
  support_tickets: { default: false, description: 'Support tickets inside the bot' },
  support_contact: { default: true, description: 'Show the support contact' },
  mini_app: { default: false, description: 'Telegram mini app' },
  server_status: { default: false, description: 'Server status page' },
  monitoring: { default: false, description: 'Monitoring reports to the admins' },
  polls: { default: false, description: 'Polls' },
  campaigns: { default: false, description: 'Campaign links' },
} as const satisfies Record<string, { default: boolean; description: string }>;

export type FeatureKey = keyof typeof FEATURES;
export const FEATURE_KEYS = Object.keys(FEATURES) as FeatureKey[];

export const isFeatureKey = (key: string): key is FeatureKey => Object.hasOwn(FEATURES, key);
