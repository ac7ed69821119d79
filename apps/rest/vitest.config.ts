import { defineTallyConfig } from "@tally/vitest-preset";
import { mergeConfig } from "vitest/config";

// test/setup.ts holds every answer of every test to the OpenAPI document.
export default mergeConfig(defineTallyConfig("rest"), {
  test: { setupFiles: ["test/setup.ts"] },
});
