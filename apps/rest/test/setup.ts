import { afterAll, afterEach, vi } from "vitest";
import { takeViolations } from "./openapi-check.ts";

/**
 * Every app a REST test builds checks its answers against the OpenAPI document (see
 * openapi-check.ts): `createApp` is wrapped here once, for every test file, so no test can
 * build an unchecked app. A test whose requests got an answer the document does not describe
 * fails.
 */
vi.mock("../src/app.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/app.ts")>();
  const { checkResponses } = await import("./openapi-check.ts");
  return {
    ...original,
    createApp: (...args: Parameters<typeof original.createApp>) =>
      checkResponses(original.createApp(...args)),
  };
});

const fail = () => {
  const found = takeViolations();
  if (found.length > 0) {
    throw new Error(`answers the OpenAPI document does not describe:\n- ${found.join("\n- ")}`);
  }
};
afterEach(fail);
afterAll(fail);
