/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The build goes to ../dist, which is committed and embedded by ui.go, so it
// must be deterministic: content hashes only, no timestamps, no source maps
// (they would carry absolute paths).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // The app is a few hundred kilobytes and GraphiQL about a megabyte; a
    // chunk per page keeps the embedded file list short and stable.
    chunkSizeWarningLimit: 1000,
    // Two pages: the app (index.html) and the GraphQL playground
    // (playground.html, served at /playground), sharing React.
    rollupOptions: {
      input: { main: 'index.html', playground: 'playground.html' },
    },
  },
  server: {
    // `npm run dev` against a running `lineage serve` on :8080.
    proxy: { '/graphql': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
    // The component tests read the server's schema (src/test/graphql.ts).
    fs: { allow: ['.', '../../gql/schema'] },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // The CI machine may be shared and loaded: generous limits (nothing
    // asserts on time; a test that hangs still fails).
    testTimeout: 30000,
  },
});
