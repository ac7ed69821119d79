// DEMO_API_KEY must measure like a generated key: keys made the ways docs/configuration.md suggests always
// pass, keys chosen by hand with few characters or in sequence do not.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyBits, MIN_CHOSEN_KEY_BITS, MIN_CHOSEN_KEY_LENGTH } from "../src/accounts/accounts.ts";

describe("keyBits", () => {
  it.each([
    ["a random UUID (uuidgen, a generated key)", () => randomUUID()],
    ["openssl rand -hex 32", () => randomBytes(32).toString("hex")],
    ["openssl rand -base64 32", () => randomBytes(32).toString("base64")],
  ])("passes every %s", (_what, generate) => {
    for (let i = 0; i < 50_000; i++) {
      const key = generate();
      expect(key.length).toBeGreaterThanOrEqual(MIN_CHOSEN_KEY_LENGTH);
      if (keyBits(key) < MIN_CHOSEN_KEY_BITS) expect.fail(`${key} measures ${keyBits(key)}`);
    }
  });

  it.each([
    "a".repeat(40),
    "passwordpasswordpasswordpassword",
    "demo-demo-demo-demo-demo-demo-demo",
    "11111111-2222-4333-8444-555555555555",
    "0123456789abcdef0123456789abcdef",
    "abcdefghijklmnopqrstuvwxyz0123456789",
    "0123456789012345678901234567890123456789",
    "abcabcabcabcabcabcabcabcabcabcabcabc",
  ])("refuses %s", (key) => {
    expect(keyBits(key)).toBeLessThan(MIN_CHOSEN_KEY_BITS);
  });
});
