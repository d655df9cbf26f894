import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the UI on :5173 and forwards API calls to a `heron serve` on :6006.
export default defineConfig({
  plugins: [react()],
  // The app chunk holds React, the router, TanStack and the tables (~165 kB gzipped); charts
  // and the trace page are split off and loaded when first opened.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 700 },
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:6006',
      '/readyz': 'http://127.0.0.1:6006',
    },
  },
});
