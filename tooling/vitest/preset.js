import { defineConfig } from "vitest/config";

/**
 * Shared vitest settings. Every package writes a JSON report next to the
 * default reporter so that `.ci/run` can add up one total for the whole repo.
 */
/** @param {string} name */
export function defineTallyConfig(name) {
  const reportDir = process.env.TEST_REPORT_DIR;
  return defineConfig({
    test: {
      name,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      reporters: reportDir ? ["default", "json"] : ["default"],
      outputFile: reportDir ? { json: `${reportDir}/${name}.report.json` } : undefined,
      pool: "forks",
    },
  });
}
