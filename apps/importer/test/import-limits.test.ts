import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@tally/db";
import { seedPgliteDataDir } from "@tally/db/testing";
import { readReport } from "@tally/import/testing";
import { createAccount } from "@tally/service";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const CWD = fileURLToPath(new URL("..", import.meta.url));

describe("import CLI: line length", () => {
  it("a 200 MB line (beyond the CLI's 160 MB heap) is rejected in the report and the other lines imported, exit 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tally-huge-"));
    try {
      const dataDir = join(dir, "pglite");
      await seedPgliteDataDir(dataDir);
      const { db } = createDb({ dataDir });
      const { id: accountId } = await createAccount(db, { name: "huge-line" });
      await db.destroy();

      const file = join(dir, "big-customers.ndjson");
      const out = createWriteStream(file);
      out.write('{"id":"h1"}\n{"id":"h2","name":"');
      const mb = "x".repeat(1 << 20);
      for (let i = 0; i < 200; i++) if (!out.write(mb)) await once(out, "drain");
      out.end('"}\n{"id":"h3"}\n');
      await once(out, "finish");

      // As `pnpm run import` runs it (apps/importer/package.json "import" script).
      const { DATABASE_URL: _, ...env } = process.env;
      const child = spawn(
        process.execPath,
        [
          "--max-old-space-size=160",
          "--max-semi-space-size=8",
          "--import",
          "tsx",
          CLI,
          file,
          "--account",
          accountId,
        ],
        {
          cwd: CWD,
          env: { ...env, TALLY_DATA_DIR: dataDir, INIT_CWD: CWD },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const [code, signal] = await once(child, "exit");
      expect({ code, signal }, stderr.slice(-300)).toEqual({ code: 1, signal: null });
      const report = await readReport(`${file}.rejected.ndjson`);
      expect(report.map((r) => r.line)).toEqual([2]);
      const check = createDb({ dataDir });
      const ids = await check.db
        .selectFrom("customers")
        .select("id")
        .where("account_id", "=", accountId)
        .orderBy("id")
        .execute();
      await check.db.destroy();
      expect(ids.map((r) => r.id)).toEqual(["h1", "h3"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
