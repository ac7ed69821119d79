// A bad environment value stops the server with one line naming the variable (not an uncaught
// Error with its stack).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REST = fileURLToPath(new URL("..", import.meta.url));
const MAIN = join(REST, "src/main.ts");

describe("bad environment values", () => {
  it.each([
    ["PORT", "abc"],
    ["JWT_SECRET", "short"],
    ["DB_POOL_SIZE", "0"],
    ["SCHEDULE_EXPIRE_LINES", "bogus"],
  ])(
    "%s=%s: exit 1 with one line naming the variable",
    (name, value) => {
      const { DATABASE_URL: _, ...inherited } = process.env;
      const r = spawnSync(process.execPath, ["--import", "tsx", MAIN], {
        cwd: REST,
        env: { ...inherited, TALLY_DATA_DIR: "/nonexistent/never-opened", [name]: value },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toContain(name);
      expect(lines).toHaveLength(1);
    },
    60_000,
  );
});
