import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The gateway serves dashboard/dist at "/" (or under a prefix), so every asset URL is relative.
const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    // `npx vite --config dashboard/vite.config.ts` during development: proxy the API to a running gateway.
    proxy: {
      "/api": { target: process.env.VITALS_GATEWAY ?? "http://127.0.0.1:8080", ws: true },
      "/healthz": { target: process.env.VITALS_GATEWAY ?? "http://127.0.0.1:8080" },
    },
  },
});
