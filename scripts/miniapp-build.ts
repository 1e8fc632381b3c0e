/**
 * Builds the Mini App's front end (web/miniapp → dist/miniapp, as `npm run build` does) when it was
 * never built or its sources changed since: the demo and the browser tests run from the sources
 * after a bare `npm install`, and the service answers 503 for a Mini App that was never built.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MINI_APP_DIST } from '../src/http/miniapp/static-files.js';

const newest = (dir: string): number =>
  Math.max(
    ...readdirSync(dir).map((name) => {
      const path = join(dir, name);
      const stat = statSync(path);
      return stat.isDirectory() ? newest(path) : stat.mtimeMs;
    }),
  );

export function ensureMiniAppBuilt(): void {
  const index = join(MINI_APP_DIST, 'index.html');
  const sources = join(process.cwd(), 'web', 'miniapp');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(sources)) return;
  // a production build, as npm run build makes it (vitest sets NODE_ENV=test)
  execFileSync('npm', ['run', '--silent', 'build:miniapp'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
