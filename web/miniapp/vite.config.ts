import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The Mini App is served by the service itself at /app/<bot id>/, so every URL in the page is
// relative ("./assets/..."), and the build lands in dist/miniapp beside the compiled server.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/miniapp', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    // one small script and one stylesheet: fewer round trips on a slow connection
    modulePreload: false,
    reportCompressedSize: false,
  },
});
