/** Expected failures are values: the caller must look at `ok` before it can reach the value. */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });

/** The failure every validating use case returns: a code the edges map, and a message a person can act on. */
export interface Invalid {
  readonly code: 'invalid';
  readonly message: string;
  readonly field?: string;
}

export const invalid = (message: string, field?: string): { readonly ok: false; readonly error: Invalid } =>
  err(field === undefined ? { code: 'invalid', message } : { code: 'invalid', message, field });
