// The house's architecture, checked on every `pnpm test`: the dependency-cruiser rules of
// dependency-cruiser.mjs over apps/, packages/, bench/ and tooling/.
import { fileURLToPath } from "node:url";
import { cruise, type IViolation } from "dependency-cruiser";
import { describe, expect, it } from "vitest";
import rules, { SERVICE_LAYERS } from "../dependency-cruiser.mjs";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

async function violations(): Promise<IViolation[]> {
  const cwd = process.cwd();
  process.chdir(ROOT); // dependency-cruiser reports and matches paths relative to the cwd
  try {
    const result = await cruise(["apps", "packages", "bench", "tooling"], {
      ...rules.options,
      ruleSet: { forbidden: rules.forbidden },
      validate: true,
    });
    if (typeof result.output === "string") throw new Error("expected a cruise result");
    return result.output.summary.violations;
  } finally {
    process.chdir(cwd);
  }
}

const shown = (v: IViolation) =>
  `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(" → ")})` : ""}`;

describe("architecture", () => {
  it("has no import circle, no app importing another, a pure core, and service modules that import only lower modules through their faces", async () => {
    expect((await violations()).map(shown)).toEqual([]);
  }, 60_000);

  it("lists every service module folder in the layer order", async () => {
    const { readdir } = await import("node:fs/promises");
    const folders = (
      await readdir(new URL("../../../packages/service/src", import.meta.url), {
        withFileTypes: true,
      })
    )
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(SERVICE_LAYERS.flat().sort()).toEqual(folders);
  });
});
