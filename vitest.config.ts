import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The components' `@/` imports, as tsconfig.json maps them.
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: [
      "lib/**/*.test.ts",
      "components/**/*.test.tsx",
      "scripts/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    environment: "node",
    // Postgres and Redis answer before any test runs, or the run stops with one line naming each missing one.
    globalSetup: ["lib/server/testing/vitest-global-setup.ts"],
    // A rejection nobody awaited or a throw in a listener fails the test it escaped from.
    setupFiles: ["lib/server/testing/vitest-escaped-errors.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    restoreMocks: true,
  },
});
