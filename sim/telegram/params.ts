// Readers for method parameters. The Bot API accepts every parameter as JSON, as a form field or as
// a query string value, so numbers and booleans may arrive as strings and objects as JSON text.
import { type ApiError, badRequest, requiredParam } from './api-error.js';

export type Params = Record<string, unknown>;

export interface Upload {
  readonly field: string;
  readonly fileName: string;
  readonly contentType: string | undefined;
  readonly bytes: Buffer;
}

/** Fields whose values are JSON objects/arrays; decoded once so handlers and the call log see objects. */
const JSON_FIELDS = new Set([
  'reply_markup',
  'reply_parameters',
  'entities',
  'caption_entities',
  'allowed_updates',
  'prices',
  'link_preview_options',
  'commands',
  'scope',
  'media',
  'message_ids',
  'suggested_tip_amounts',
  'menu_button',
  'reaction',
  'rights',
]);

export function decodeJsonFields(params: Params): void {
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (typeof value !== 'string' || !JSON_FIELDS.has(key)) continue;
    const trimmed = value.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) continue;
    try {
      params[key] = JSON.parse(trimmed);
    } catch {
      // Left as a string: the handler reports the parse error in the Bot API's words.
    }
  }
}

export function optString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`field "${name}" must be of type String`);
}

export function reqString(params: Params, name: string, missing?: () => ApiError): string {
  const value = optString(params, name);
  if (value === undefined || value === '') throw missing ? missing() : requiredParam(name);
  return value;
}

export function optInt(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(number)) throw badRequest(`invalid ${name} specified`);
  return number;
}

export function reqInt(params: Params, name: string, missing?: () => ApiError): number {
  const value = optInt(params, name);
  if (value === undefined) throw missing ? missing() : requiredParam(name);
  return value;
}

export function optBool(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  throw badRequest(`field "${name}" must be of type Boolean`);
}

/** An object/array parameter; `parseError` is the Bot API's description for malformed JSON. */
export function optJson(params: Params, name: string, parseError: string): unknown {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object') return value;
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(parseError);
    }
  }
  throw badRequest(parseError);
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
