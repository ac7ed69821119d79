import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processInbox } from "../src/index.ts";
import { balances, newAccount, useTestDatabase } from "./helpers.ts";
import { tempDir, writeNdjson } from "./import-helpers.ts";

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

    const outcomes = await processInbox({ db: t.db, now, dir });
    expect(outcomes.map((o) => [o.status, o.result?.accepted, o.result?.rejected])).toEqual([
      ["done", 1, 0],
      ["failed", 1, 1],
    ]);
    expect((await readdir(inbox)).sort()).toEqual(["done", "failed", "notes.txt"]);
    expect(await readdir(join(inbox, "done"))).toEqual(["1-customers.ndjson"]);
    expect((await readdir(join(inbox, "failed"))).sort()).toEqual([
      "2-customers.ndjson",
      "2-customers.ndjson.rejected.ndjson",
    ]);
    expect(await balances(t.db, accountId)).toEqual({ i1: "4" });
    expect(await processInbox({ db: t.db, now, dir, accountId })).toEqual([]);
  });

  it("moves a file that cannot be imported at all to failed/", async () => {
    const dir = await tempDir();
    const accountId = "00000000-0000-4000-8000-0000000000aa";
    await mkdir(join(dir, accountId));
    await writeNdjson(join(dir, accountId, "x-customers.ndjson"), [{ id: "a" }]);
    const [outcome] = await processInbox({ db: t.db, now, dir, accountId });
    expect(outcome).toMatchObject({ status: "failed", error: expect.stringMatching(/account/) });
    expect(await readdir(join(dir, accountId, "failed"))).toEqual(["x-customers.ndjson"]);
  });
});
