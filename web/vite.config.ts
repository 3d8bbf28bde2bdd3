import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress } from "./scripts/precompress.ts";
import { preloadApp } from "./scripts/preload-app.ts";

// `pnpm --filter @guestcard/web dev` serves the Mini App with hot reload and hands the API and the
// demo launcher to the real server (`pnpm dev`, port 3000), so /demo opens this dev build.
const apiServer = "http://localhost:3000";

export default defineConfig({
  plugins: [react(), preloadApp("/src/start-app.tsx"), precompress()],
  server: { proxy: { "/api": apiServer, "/demo": apiServer } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Read by scripts/size.mjs to tell the guest's first download from the lazy chunks.
    manifest: true,
  },
});
