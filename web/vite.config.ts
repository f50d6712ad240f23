// In development vite serves the client and forwards the API to a running `anwang serve`;
// in production the server itself serves web/dist on the same port.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.ANWANG_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': api, '/open311': api, '/healthz': api },
  },
  build: {
    outDir: 'dist',
    // maplibre-gl alone is ~800 kB minified; it sits in its own lazily loaded chunk
    chunkSizeWarningLimit: 1600,
  },
});
