import { z } from 'zod';
import type { ZarinpalValidation } from './errors.js';

/**
 * Response schemas. They are lenient on purpose: unknown fields are dropped, integers may arrive as
 * numeric strings, and fields we can live without are nullable, because a strict schema turning a
 * real, paid verify into "bad response" would leave a customer's money in limbo.
 */

export const ZARINPAL_AUTHORITY_PATTERN = /^[AS][0-9a-zA-Z]{35}$/;

export function isZarinpalAuthority(value: string): boolean {
  return ZARINPAL_AUTHORITY_PATTERN.test(value);
}

const integer = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const optionalString = z.string().nullish().catch(null);
const optionalInteger = integer.nullish().catch(null);

/** `{"data":[],"errors":{"code","message","validations"}}`, whatever the HTTP status. */
export const errorEnvelopeSchema = z.object({
  errors: z.object({
    code: integer,
    message: optionalString,
    validations: z.unknown().optional(),
  }),
});

/** `{"data":{"code",...},"errors":[]}`; the per-call schemas below read `data`. */
export const successEnvelopeSchema = z.object({
  data: z.object({ code: integer, message: optionalString }).loose(),
});

export const requestDataSchema = z.object({
  code: integer,
  authority: z.string().regex(ZARINPAL_AUTHORITY_PATTERN),
  fee_type: optionalString,
  fee: optionalInteger,
});

export const verifyDataSchema = z.object({
  code: integer,
  ref_id: z
    .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)])
    .nullish()
    .catch(null),
  card_pan: optionalString,
  card_hash: optionalString,
  fee_type: optionalString,
  fee: optionalInteger,
});

export const ZARINPAL_INQUIRY_STATUSES = ['VERIFIED', 'PAID', 'IN_BANK', 'FAILED', 'REVERSED'] as const;
export type ZarinpalInquiryStatus = (typeof ZARINPAL_INQUIRY_STATUSES)[number];

export const inquiryDataSchema = z.object({
  code: integer,
  status: z.enum(ZARINPAL_INQUIRY_STATUSES),
});

export const unverifiedDataSchema = z.object({
  code: integer,
  authorities: z
    .array(
      z.object({
        authority: z.string().min(1),
        amount: integer,
        callback_url: z.string(),
        referer: optionalString,
        date: z.string(),
      }),
    )
    .nullish(),
});

export const reverseDataSchema = z.object({ code: integer });

/**
 * The gateway reports validation problems as `[{field: message}]`, sometimes as `{field: [messages]}`;
 * both become a flat list.
 */
export function normalizeValidations(raw: unknown): ZarinpalValidation[] {
  const out: ZarinpalValidation[] = [];
  const addEntries = (value: unknown): void => {
    if (typeof value === 'string') {
      out.push({ field: '', message: value });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [field, message] of Object.entries(value)) {
      const messages = Array.isArray(message) ? message : [message];
      for (const m of messages) out.push({ field, message: typeof m === 'string' ? m : JSON.stringify(m) });
    }
  };
  if (Array.isArray(raw)) for (const item of raw) addEntries(item);
  else addEntries(raw);
  return out;
}
