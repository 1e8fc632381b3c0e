import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TEST_ENCRYPTION_KEY } from './database.js';

/**
 * Service instances as operators run them: `src/main.ts` in processes of their own, configured by
 * the environment only, on one PostgreSQL, talking to the simulators over HTTP. They can be stopped
 * (SIGTERM, a clean shutdown) or killed (SIGKILL: no goodbye, its leases simply stop being renewed).
 */
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Opens GET /health/bots and GET /metrics of every instance. */
export const INSTANCE_METRICS_TOKEN = 'instances-metrics-token-0123456789abcdef';

export interface InstanceBot {
  readonly botId: number;
  readonly state: string;
  readonly health: string;
  readonly polling: boolean;
}

export interface ServiceInstance {
  readonly id: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** Whether the process has exited (killed, stopped or crashed). */
  readonly exited: boolean;
  /** GET /health/bots: the bots this instance runs, and which it polls. */
  bots(): Promise<InstanceBot[]>;
  /** SIGTERM and wait for the exit: the clean shutdown. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies on the spot. */
  kill(): Promise<void>;
  /** The last lines it printed (for failure messages). */
  output(): string;
}

export async function startInstance(options: {
  readonly id: string;
  readonly ownerUrl: string;
  readonly appUrl: string;
  readonly apiRoot: string;
  readonly port: number;
  readonly mode: 'polling' | 'webhook';
  /** Webhook mode: where Telegram posts (a load balancer in front of the instances). */
  readonly publicBaseUrl?: string;
  readonly env?: Record<string, string>;
  /** How long to wait for "remnafleet started" (a loaded machine compiles slowly). */
  readonly startTimeoutMs?: number;
}): Promise<ServiceInstance> {
  const cwd = await mkdtemp(join(tmpdir(), `rf-instance-${options.id}-`));
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY.toString('hex'),
      DATABASE_URL: options.ownerUrl,
      DATABASE_APP_URL: options.appUrl,
      DATABASE_POOL_MAX: '4',
      TELEGRAM_API_ROOT: options.apiRoot,
      BOT_MODE: options.mode,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(options.port),
      METRICS_TOKEN: INSTANCE_METRICS_TOKEN,
      INSTANCE_ID: options.id,
      ...(options.publicBaseUrl ? { PUBLIC_BASE_URL: options.publicBaseUrl } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let exited = false;
  let started = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const onStarted: (() => void)[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 400) lines.shift();
      if (!started && line.includes('"remnafleet started"')) {
        started = true;
        for (const resolve of onStarted) resolve();
      }
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const output = () => `--- instance ${options.id} ---\n${lines.slice(-60).join('\n')}`;
  const url = `http://127.0.0.1:${options.port}`;
  const instance: ServiceInstance = {
    id: options.id,
    url,
    process: child,
    get exited() {
      return exited;
    },
    async bots() {
      const response = await fetch(`${url}/health/bots`, {
        headers: { authorization: `Bearer ${INSTANCE_METRICS_TOKEN}` },
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new Error(`instance ${options.id}: /health/bots answered ${response.status}`);
      return ((await response.json()) as { bots: InstanceBot[] }).bots;
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
      await rm(cwd, { recursive: true, force: true });
    },
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await exit;
      await rm(cwd, { recursive: true, force: true });
    },
    output,
  };
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`instance ${options.id} did not start in time`)),
        timeoutMs,
      );
      onStarted.push(() => {
        clearTimeout(timer);
        resolve();
      });
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`instance ${options.id} exited while starting`));
      });
    });
  } catch (error) {
    await instance.kill();
    throw new Error(`${(error as Error).message}\n${output()}`);
  }
  return instance;
}
