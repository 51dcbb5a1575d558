import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.BARBERPRO_API_URL ?? 'http://localhost:3000';

// `npm run dev:web`: hot reload on :5173, the API (npm start) behind the proxy.
// `npm run build:web`: the bundle the API process serves at `/`.
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: { '/api': api, '/healthz': api, '/readyz': api, '/openapi.json': api },
  },
});
