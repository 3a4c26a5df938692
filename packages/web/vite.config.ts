import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server (packages/server) serves `dist/` with a strict CSP (script-src 'self'): everything, the DSFR
// stylesheets, fonts and icons included, must come from the build, never from a CDN or an inline script.
export default defineConfig({
  plugins: [react()],
  publicDir: 'public',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
