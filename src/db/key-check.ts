import { keyCheckMatches, keyCheckValue, type SecretBox } from '../shared/crypto.js';
import { StartupError } from '../shared/errors.js';
import type { DatabaseHandle } from './database.js';
import { bots } from './schema.js';
import { inPlatform } from './tenant-tx.js';

const WRONG_KEY =
  'ENCRYPTION_KEY: is not the key the secrets in this database were sealed with (the bot tokens of the tenants cannot be opened); start with the original key';

/**
 * Refuses to go on when `key` is not the key the database's secrets are sealed with. The first
 * start records the key's check value (migrations/0008); an installation that already has tenants
 * then must be able to open at least one of their tokens, so a key changed before this check
 * existed is caught too.
 */
export async function checkEncryptionKey(
  database: DatabaseHandle,
  key: Buffer,
  secrets: SecretBox,
): Promise<void> {
  const stored = await recorded(database);
  if (stored !== undefined) {
    if (!keyCheckMatches(stored, key)) throw new StartupError(WRONG_KEY);
    return;
  }
  const sealed = await inPlatform(database.db, (tx) =>
    tx.select({ token: bots.tokenCiphertext }).from(bots).limit(50),
  );
  if (sealed.length > 0 && !sealed.some(({ token }) => opens(secrets, token))) {
    throw new StartupError(WRONG_KEY);
  }
  await database.query(
    'INSERT INTO encryption_key_check (check_value) VALUES ($1) ON CONFLICT (singleton) DO NOTHING',
    [keyCheckValue(key)],
  );
  // another process starting at the same moment may have recorded its key first
  const winner = await recorded(database);
  if (winner === undefined || !keyCheckMatches(winner, key)) throw new StartupError(WRONG_KEY);
}

async function recorded(database: DatabaseHandle): Promise<string | undefined> {
  const [row] = await database.query<{ check_value: string }>('SELECT check_value FROM encryption_key_check');
  return row?.check_value;
}

function opens(secrets: SecretBox, sealed: string): boolean {
  try {
    secrets.open(sealed);
    return true;
  } catch {
    return false;
  }
}
