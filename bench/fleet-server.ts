/**
 * The product side of `npm run bench:fleet`, in its own process so its memory is measured alone:
 * the platform in webhook mode on PostgreSQL against the simulator the parent runs.
 */
import { createApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { startPlatform } from '../src/platform.js';
import { createSecretBox } from '../src/shared/crypto.js';
import { createLogger } from '../src/shared/logger.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const started = performance.now();
const logger = createLogger({ level: 'error' });
const secretKey = Buffer.from(env('BENCH_SECRET_KEY'), 'hex');
const database = await openDatabase({ url: env('BENCH_DATABASE_URL'), logger, poolMax: 20 });
const app = createApp({ database, secrets: createSecretBox(secretKey), logger });
await app.start();
const port = Number(env('BENCH_PORT'));
const platform = await startPlatform(app, logger, {
  apiRoot: env('BENCH_API_ROOT'),
  mode: 'webhook',
  publicBaseUrl: `http://127.0.0.1:${port}`,
  secretKey,
  http: { host: '127.0.0.1', port },
});
const startupMs = performance.now() - started;

const rss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};

process.on('message', (message: { type: string }) => {
  if (message.type === 'rss') process.send?.({ type: 'rss', rss: rss() });
  if (message.type === 'stop') {
    void (async () => {
      await platform.stop();
      await app.stop();
      await database.close();
      process.exit(0);
    })();
  }
});
process.send?.({ type: 'ready', startupMs, bots: platform.fleet.status().length, rss: rss() });
