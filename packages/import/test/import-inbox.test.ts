import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, utimes } from "node:fs/promises";
import { join } from "node:path";
import { balances, ledgerOf, newAccount, useTestDatabase } from "@tally/service/testing";
import { describe, expect, it } from "vitest";
import { processInbox } from "../src/index.ts";
import { readReport, tempDir, writeNdjson } from "../testing/index.ts";

const t = useTestDatabase();

const now = () => new Date();

describe("processInbox", () => {
  it("imports dropped files, moving them to done/ or, with their report, to failed/", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const dir = await tempDir();
    const inbox = join(dir, accountId);
    await mkdir(inbox);
    await writeNdjson(join(inbox, "1-customers.ndjson"), [
      { id: "i1", balance: [{ reward_id: rewardId, amount: 4 }] },
    ]);
    await writeNdjson(join(inbox, "2-customers.ndjson"), [{ id: "" }, { id: "i2" }]);
    await writeNdjson(join(inbox, "notes.txt"), ["ignored"]);

    const outcomes = await processInbox({ db: t.db, now, dir, quietMs: 0 });
    expect(outcomes.map((o) => [o.status, o.result?.accepted, o.result?.rejected])).toEqual([
      ["done", 1, 0],
      ["failed", 1, 1],
    ]);
    expect((await readdir(inbox)).sort()).toEqual(["done", "failed", "notes.txt", "processing"]);
    expect(await readdir(join(inbox, "processing"))).toEqual([]);
    expect(await readdir(join(inbox, "done"))).toEqual(["1-customers.ndjson"]);
    expect((await readdir(join(inbox, "failed"))).sort()).toEqual([
      "2-customers.ndjson",
      "2-customers.ndjson.rejected.ndjson",
    ]);
    expect(await balances(t.db, accountId)).toEqual({ i1: "4" });
    expect(await processInbox({ db: t.db, now, dir, accountId, quietMs: 0 })).toEqual([]);
  });

  it("moves a file that cannot be imported at all to failed/", async () => {
    const dir = await tempDir();
    const accountId = "00000000-0000-4000-8000-0000000000aa";
    await mkdir(join(dir, accountId));
    await writeNdjson(join(dir, accountId, "x-customers.ndjson"), [{ id: "a" }]);
    const [outcome] = await processInbox({ db: t.db, now, dir, accountId, quietMs: 0 });
    expect(outcome).toMatchObject({ status: "failed", error: expect.stringMatching(/account/) });
    expect(await readdir(join(dir, accountId, "failed"))).toEqual(["x-customers.ndjson"]);
  });

  it("two sweeps at once import each file exactly once (claimed by atomic rename)", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const dir = await tempDir();
    const inbox = join(dir, accountId);
    await mkdir(inbox);
    const names = Array.from({ length: 6 }, (_, i) => `${i}-customers.ndjson`);
    for (const [i, name] of names.entries())
      await writeNdjson(
        join(inbox, name),
        Array.from({ length: 20 }, (_, j) => ({
          id: `s${i}-${j}`,
          balance: [{ reward_id: rewardId, amount: j + 1 }],
        })),
      );
    const [a, b] = await Promise.all([
      processInbox({ db: t.db, now, dir, batchSize: 5, quietMs: 0 }),
      processInbox({ db: t.db, now, dir, batchSize: 5, quietMs: 0 }),
    ]);
    const all = [...a!, ...b!];
    expect(all.map((o) => o.file.split("/").pop()).sort()).toEqual(names);
    expect(all.every((o) => o.status === "done" && o.result?.duplicates === 0)).toBe(true);
    expect(all.reduce((n, o) => n + (o.result?.accepted ?? 0), 0)).toBe(120);
    expect((await readdir(join(inbox, "done"))).sort()).toEqual(names);
    expect(await ledgerOf(t.db, accountId)).toEqual({ MIGRATION: 120 });
  });

  it("puts back a file whose sweeper died in processing/, and leaves a live one alone", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const dir = await tempDir();
    const processing = join(dir, accountId, "processing");
    await mkdir(processing, { recursive: true });
    await writeNdjson(join(processing, "dead-customers.ndjson"), [
      { id: "z1", balance: [{ reward_id: rewardId, amount: 3 }] },
    ]);
    await writeNdjson(join(processing, "live-customers.ndjson"), [{ id: "z2" }]);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(processing, "dead-customers.ndjson"), hourAgo, hourAgo);
    const outcomes = await processInbox({ db: t.db, now, dir, quietMs: 0 });
    expect(outcomes.map((o) => [o.file.split("/").pop(), o.status])).toEqual([
      ["dead-customers.ndjson", "done"],
    ]);
    expect(await readdir(processing)).toEqual(["live-customers.ndjson"]);
    expect(await balances(t.db, accountId)).toEqual({ z1: "3" });
  });
});

describe("processInbox: files arriving", () => {
  it("leaves a file alone while it is still being written, and imports it whole once it is quiet", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const dir = await tempDir();
    const inbox = join(dir, accountId);
    await mkdir(inbox);
    const line = (i: number) =>
      `${JSON.stringify({ id: `w${i}`, balance: [{ reward_id: rewardId, amount: i + 1 }] })}\n`;
    // A producer copying a file in: half of it is on disk when the sweeps run.
    const out = createWriteStream(join(inbox, "upload-customers.ndjson"));
    for (let i = 0; i < 5; i++) out.write(line(i));
    await new Promise((r) => out.write("", r));
    const sweep = () => processInbox({ db: t.db, now, dir, quietMs: 300 });
    expect(await sweep()).toEqual([]);
    for (let i = 5; i < 10; i++) out.write(line(i));
    out.end();
    await once(out, "finish");
    expect(await sweep()).toEqual([]); // just written: not quiet yet
    expect(await readdir(inbox)).toContain("upload-customers.ndjson");
    await new Promise((r) => setTimeout(r, 400));
    expect((await sweep()).map((o) => [o.status, o.result?.accepted])).toEqual([["done", 10]]);
    expect(Object.keys(await balances(t.db, accountId))).toHaveLength(10);
  });

  it("the same file dropped again after its first copy had a rejected row lands in failed/ with a report", async () => {
    const { accountId } = await newAccount(t.db, now);
    const dir = await tempDir();
    const inbox = join(dir, accountId);
    await mkdir(inbox);
    const rows = [{ id: "ok1" }, { id: "" }];
    const sweep = () => processInbox({ db: t.db, now, dir, quietMs: 0 });
    await writeNdjson(join(inbox, "daily-customers.ndjson"), rows);
    expect((await sweep()).map((o) => o.status)).toEqual(["failed"]);
    await writeNdjson(join(inbox, "daily-customers.ndjson"), rows);
    const [again] = await sweep();
    expect(again!.status).toBe("failed");
    expect(again!.result).toMatchObject({ accepted: 0, rejected: 0, skippedByCheckpoint: 2 });
    const failed = await readdir(join(inbox, "failed"));
    const reports = failed.filter((n) => n.endsWith(".rejected.ndjson"));
    expect(reports).toHaveLength(2);
    const second = reports.find((n) => n !== "daily-customers.ndjson.rejected.ndjson")!;
    const [row] = await readReport(join(inbox, "failed", second));
    expect(row).toMatchObject({ line: 0, code: "ALREADY_IMPORTED" });
    expect(row!.reason).toMatch(/1 line\(s\) were rejected then/);
  });
});
