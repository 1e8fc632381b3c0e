import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where `npm run build` puts the Mini App (vite, web/miniapp): dist/miniapp beside dist/main.js. */
export const MINI_APP_DIST = fileURLToPath(new URL('../../../dist/miniapp/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

export interface StaticFile {
  readonly type: string;
  readonly body: Buffer;
  /** Gzip of the body, sent to clients that accept it (a slow connection pays for bytes). */
  readonly gzip: Buffer;
  readonly etag: string;
  /** Hashed asset names never change: cached for a year; the index is revalidated. */
  readonly immutable: boolean;
}

/**
 * The built Mini App, read once into memory (a few files, tens of kilobytes), gzipped once.
 * Undefined when it was never built: the routes then answer 503 saying so.
 */
export function loadMiniAppFiles(dir = MINI_APP_DIST): Map<string, StaticFile> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const files = new Map<string, StaticFile>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(path);
      const key = relative(dir, path).split(sep).join('/');
      files.set(key, {
        type,
        body,
        gzip: gzipSync(body, { level: 9 }),
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
        immutable: key.startsWith('assets/'),
      });
    }
  };
  walk(dir);
  return files;
}
