import { mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newAccount, useTestDatabase } from "@tally/service/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { importFile, processInbox } from "../src/index.ts";
import { readReport, tempDir, writeNdjson } from "../testing/index.ts";

const t = useTestDatabase();
let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
const now = () => new Date();
const onPostgres = Boolean(process.env.DATABASE_URL);

/** Imports `file` but dies right after its first batch committed (as a kill -9 would leave it). */
async function crashAfterFirstBatch(accountId: string, file: string) {
  let batches = 0;
  await expect(
    importFile({
      db: t.db,
      now,
      accountId,
      file,
      batchSize: 1,
      onBatch: () => {
        batches += 1;
      },
      onProgress: () => {
        if (batches >= 1) throw new Error("killed");
      },
    }),
  ).rejects.toThrow("killed");
}

/** A stale claim: a sweeper died while importing `name` (first batch, with a rejected row, committed). */
async function staleClaim(name: string) {
  const { accountId, rewardId } = await newAccount(t.db, now);
  const root = await tempDir();
  const processing = join(root, accountId, "processing");
  await mkdir(processing, { recursive: true });
  const file = await writeNdjson(join(processing, name), [
    { id: "" }, // line 1: rejected (VALIDATION)
    { id: "ok1", balance: [{ reward_id: rewardId, amount: 1 }] },
    { id: "ok2", balance: [{ reward_id: rewardId, amount: 2 }] },
  ]);
  await crashAfterFirstBatch(accountId, file);
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const f of await readdir(processing)) await utimes(join(processing, f), hourAgo, hourAgo);
  return { accountId, root, inbox: join(root, accountId), processing };
}

describe.skipIf(!onPostgres)("items whose order decides the outcome, with concurrency 8", () => {
  it("applies them in file order: an email handover, a customer named twice", async () => {
    for (let round = 0; round < 5; round++) {
      const { accountId } = await newAccount(t.db, now);
      const file = (name: string, lines: unknown[]) =>
        writeNdjson(join(dir, `order-${round}-${name}-customers.ndjson`), lines);
      await importFile({
        db: t.db,
        now,
        accountId,
        file: await file("a", [{ id: "x", email: `e${round}@example.com` }]),
      });
      // x gives its email up before y takes it; z ends with its last line.
      const r = await importFile({
        db: t.db,
        now,
        accountId,
        concurrency: 8,
        file: await file("b", [
          { id: "x", email: `f${round}@example.com` },
          { id: "y", email: `e${round}@example.com` },
          { id: "z", name: "First" },
          { id: "z", name: "Second" },
        ]),
      });
      expect(r).toMatchObject({ accepted: 4, rejected: 0 });
      const z = await t.db
        .selectFrom("customers")
        .select("name")
        .where("account_id", "=", accountId)
        .where("id", "=", "z")
        .executeTakeFirstOrThrow();
      expect(z.name).toBe("Second");
    }
  });
});

describe("--concurrency", () => {
  it("applies independent items of an events file at once (the bulk path declines events)", async () => {
    const { accountId } = await newAccount(t.db, now);
    const ids = Array.from({ length: 8 }, (_, i) => `ev${i}`);
    await importFile({
      db: t.db,
      now,
      accountId,
      file: await writeNdjson(
        join(dir, "conc-customers.ndjson"),
        ids.map((id) => ({ id })),
      ),
    });
    // Counts the transactions the import has open at once.
    const stats = { open: 0, max: 0 };
    const counting = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === "transaction") {
          return () => {
            const builder = target.transaction();
            return {
              execute: async (work: Parameters<typeof builder.execute>[0]) => {
                stats.max = Math.max(stats.max, ++stats.open);
                try {
                  return await builder.execute(async (trx) => {
                    await new Promise((r) => setTimeout(r, 20));
                    return work(trx);
                  });
                } finally {
                  stats.open--;
                }
              },
            };
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const r = await importFile({
      db: counting,
      now,
      accountId,
      concurrency: 8,
      file: await writeNdjson(
        join(dir, "conc-events.ndjson"),
        ids.map((id, i) => ({
          id,
          events: [
            {
              type: "PURCHASE",
              order: { purchase_id: `p-${i}`, value: 10 },
              issued_at: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
            },
          ],
        })),
      ),
    });
    expect(r).toMatchObject({ accepted: 8, rejected: 0 });
    expect(stats.max).toBeGreaterThan(1);
  });
});

describe("files: claims, resumes, re-drops, encodings and exact amounts", () => {
  it("stale-claim recovery imports the claimed file only, never its report", async () => {
    const { root, processing } = await staleClaim("r1-customers.ndjson");
    expect(await readdir(processing)).toContain("r1-customers.ndjson.rejected.ndjson");
    const outcomes = await processInbox({ db: t.db, now, dir: root, quietMs: 0 });
    // Only the dropped data file should be imported; its report is not an input.
    expect(outcomes.map((o) => o.file.split("/").pop())).toEqual(["r1-customers.ndjson"]);
  });

  it("a resumed import remembers the rows its interrupted run rejected: the file goes to failed/", async () => {
    const { accountId, root, inbox } = await staleClaim("r2-customers.ndjson");
    const outcomes = await processInbox({ db: t.db, now, dir: root, accountId, quietMs: 0 });
    const mine = outcomes.find((o) => o.file.endsWith("/r2-customers.ndjson"));
    expect(mine?.result).toMatchObject({ skippedByCheckpoint: 1 });
    // Line 1 was rejected (it is in the checkpoint's counts): the file did not import cleanly.
    const ckpt = await t.db
      .selectFrom("import_checkpoints")
      .select("rejected")
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    expect(ckpt.rejected).toBe(1);
    expect(mine?.status).toBe("failed");
    expect(await readdir(join(inbox, "failed"))).toContain("r2-customers.ndjson");
  });

  it("a corrected file of the same size is a new file and imported, not skipped by the old checkpoint", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const missing = "00000000-0000-4000-8000-00000000dead";
    expect(missing.length).toBe(rewardId.length);
    const filler = Array.from({ length: 800 }, (_, i) => ({
      id: `f${String(i).padStart(5, "0")}`,
      name: "x".repeat(60),
    }));
    const path = join(dir, "r3-customers.ndjson");
    await writeNdjson(path, [
      ...filler,
      { id: "last", balance: [{ reward_id: missing, amount: 7 }] },
    ]);
    const first = await importFile({ db: t.db, now, accountId, file: path });
    expect(first).toMatchObject({ rejected: 1 });
    // The user fixes the reward id of the rejected row (same length) and imports again.
    await writeNdjson(path, [
      ...filler,
      { id: "last", balance: [{ reward_id: rewardId, amount: 7 }] },
    ]);
    const second = await importFile({ db: t.db, now, accountId, file: path });
    expect(second).toMatchObject({ accepted: 801, rejected: 0 });
    const lots = await t.db
      .selectFrom("wallet_lines")
      .select("amount")
      .where("account_id", "=", accountId)
      .execute();
    expect(lots.map((l) => Number(l.amount))).toEqual([7]);
  });

  it("a CSV amount is stored exactly as written or the row is rejected, never rounded", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const path = join(dir, "r4-customers.csv");
    await writeFile(path, `id,reward_id,amount\np1,${rewardId},123456789012.12345678\n`);
    const r = await importFile({ db: t.db, now, accountId, file: path });
    const lots = await t.db
      .selectFrom("wallet_lines")
      .select("amount")
      .where("account_id", "=", accountId)
      .execute();
    // Either stored exactly as written, or rejected — never another amount.
    if (r.accepted === 1)
      expect(lots.map((l) => String(l.amount))).toEqual(["123456789012.12345678"]);
    else expect(r.rejected).toBe(1);
  });

  it("bulk and per-item paths agree when an email changes hands within a batch", async () => {
    const outcome = async (bulk: boolean) => {
      const { accountId } = await newAccount(t.db, now);
      await importFile({
        db: t.db,
        now,
        accountId,
        file: await writeNdjson(join(dir, `r5-${bulk}-a-customers.ndjson`), [
          { id: "x", email: "e@example.com" },
        ]),
      });
      const file = await writeNdjson(join(dir, `r5-${bulk}-b-customers.ndjson`), [
        { id: "x", email: "f@example.com" }, // x moves to another email
        { id: "y", email: "e@example.com" }, // y takes the freed one
      ]);
      const report = join(dir, `r5-${bulk}.rejected.ndjson`);
      const r = await importFile({ db: t.db, now, accountId, file, bulk, reportFile: report });
      return { accepted: r.accepted, rejected: r.rejected, report: await readReport(report) };
    };
    const perItem = await outcome(false);
    expect(perItem).toMatchObject({ accepted: 2, rejected: 0 });
    expect(await outcome(true)).toEqual(perItem);
  });

  it("a customer's history longer than a REST batch (1,001 transactions) imports as one item and reconciles", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    await importFile({
      db: t.db,
      now,
      accountId,
      file: await writeNdjson(join(dir, "long-history-customers.ndjson"), [
        { id: "heavy", balance: [{ reward_id: rewardId, amount: 1001 }] },
      ]),
    });
    const transactions = Array.from({ length: 1001 }, (_, i) => ({
      reward_id: rewardId,
      type: "ACCUMULATION",
      amount: 1,
      issued_at: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
    }));
    const report = join(dir, "long-history.rejected.ndjson");
    const r = await importFile({
      db: t.db,
      now,
      accountId,
      reportFile: report,
      file: await writeNdjson(join(dir, "long-history-transactions.ndjson"), [
        { id: "heavy", transactions },
      ]),
    });
    expect(await readReport(report)).toEqual([]);
    expect(r).toMatchObject({ accepted: 1, rejected: 0 });
    const rows = await t.db
      .selectFrom("transactions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", accountId)
      .where("type", "=", "ACCUMULATION")
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(1001);
  });

  it("an NDJSON file with a UTF-8 byte-order mark keeps its first row", async () => {
    const { accountId } = await newAccount(t.db, now);
    const path = join(dir, "r6-customers.ndjson");
    await writeFile(
      path,
      `\uFEFF${JSON.stringify({ id: "b1" })}\n${JSON.stringify({ id: "b2" })}\n`,
    );
    const r = await importFile({ db: t.db, now, accountId, file: path });
    expect(r).toMatchObject({ accepted: 2, rejected: 0 });
  });

  it("a file dropped under the name of one being imported never replaces the claimed file", async () => {
    const { accountId } = await newAccount(t.db, now);
    const root = await tempDir();
    const inbox = join(root, accountId);
    const processing = join(inbox, "processing");
    await mkdir(processing, { recursive: true });
    // A live sweeper holds today's export (fresh mtime); tomorrow's arrives under the same name.
    const claimed = await writeNdjson(join(processing, "daily-customers.ndjson"), [{ id: "d1" }]);
    const claimedText = await readFile(claimed, "utf8");
    await writeNdjson(join(inbox, "daily-customers.ndjson"), [{ id: "d2" }]);
    await processInbox({ db: t.db, now, dir: root, accountId, quietMs: 0 });
    // The live sweeper's file must still be there for it to finish and archive.
    expect(await readFile(claimed, "utf8").catch(() => "(gone)")).toBe(claimedText);
  });

  it("a file dropped again under a name already in done/ is archived beside it, not over it", async () => {
    const { accountId } = await newAccount(t.db, now);
    const root = await tempDir();
    const inbox = join(root, accountId);
    await mkdir(inbox, { recursive: true });
    await writeNdjson(join(inbox, "daily-customers.ndjson"), [{ id: "e1" }]);
    await processInbox({ db: t.db, now, dir: root, accountId, quietMs: 0 });
    await writeNdjson(join(inbox, "daily-customers.ndjson"), [{ id: "e2" }]);
    await processInbox({ db: t.db, now, dir: root, accountId, quietMs: 0 });
    const done = (await readdir(join(inbox, "done"))).sort();
    expect(done).toHaveLength(2);
    expect(done).toContain("daily-customers.ndjson");
    const texts = await Promise.all(done.map((f) => readFile(join(inbox, "done", f), "utf8")));
    expect(texts.join("")).toMatch(/e1[\s\S]*e2|e2[\s\S]*e1/);
  });
});
