import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the UI on :5173 and forwards API calls to a `heron serve` on :6006.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:6006',
      '/readyz': 'http://127.0.0.1:6006',
    },
  },
});
