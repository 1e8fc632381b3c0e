import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';

/** Encrypts secrets at rest (bot tokens). The key is 32 bytes from the environment. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv(ALGORITHM, key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        VERSION,
        iv.toString('base64'),
        cipher.getAuthTag().toString('base64'),
        body.toString('base64'),
      ].join(':');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined)
        throw new Error('unrecognised ciphertext');
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

/** Parses a 32-byte key given as 64 hex characters or as base64; returns undefined when it is neither. */
export function parseEncryptionKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const decoded = Buffer.from(text, 'base64');
  return decoded.length === 32 ? decoded : undefined;
}

/**
 * Why a 32-byte key is too trivial to be a real key, or undefined when it looks random. A key from
 * `openssl rand -hex 32` passes with certainty (a random key has about 30 distinct byte values; the
 * chance that it is all printable text is about 1e-14); what is refused is a placeholder (all zeros,
 * a repeated character or pattern), a counting sequence, or a password spelled out as the key.
 */
export function weakKeyProblem(key: Buffer): string | undefined {
  if (new Set(key).size < 12) return 'repeats a few byte values (all zeros, a repeated character or pattern)';
  const step = ((key[1] ?? 0) - (key[0] ?? 0) + 256) % 256;
  if (key.every((byte, i) => i === 0 || (byte - (key[i - 1] ?? 0) + 256) % 256 === step)) {
    return 'is a counting sequence';
  }
  if (key.every((byte) => byte >= 0x20 && byte < 0x7f)) return 'is printable text, not random bytes';
  return undefined;
}

const KEY_CHECK_VERSION = 'v1';

/**
 * A value that tells whether two keys are the same without revealing the key: an HMAC of a fixed
 * text under it. Stored at first start so a later start with another key is refused.
 */
export function keyCheckValue(key: Buffer): string {
  const mac = createHmac('sha256', key).update('remnafleet encryption key check').digest('base64url');
  return `${KEY_CHECK_VERSION}:${mac}`;
}

/** Whether `stored` (from keyCheckValue) was made with `key`. */
export function keyCheckMatches(stored: string, key: Buffer): boolean {
  const expected = Buffer.from(keyCheckValue(key));
  const actual = Buffer.from(stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** API tokens are stored only as this hash; a lookup hashes the presented token the same way. */
export const hashApiToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const generateApiToken = (): string => `rf_${randomBytes(32).toString('base64url')}`;
