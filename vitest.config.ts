import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{core,gateway,sensors,dashboard,firmware,test}/**/*.test.ts"],
    testTimeout: 30_000,
    // Hooks boot emulated boards, brokers and gateways: allow for both cores being busy.
    hookTimeout: 120_000,
    pool: "forks",
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
