import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  balances,
  ledgerOf,
  lifetimeOf,
  newAccount,
  useTestDatabase,
} from "@tally/service/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { importFile } from "../src/index.ts";
import { readReport, tempDir } from "../testing/index.ts";

const t = useTestDatabase();
let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

const now = () => new Date();
const csv = async (name: string, lines: string[]) => {
  const path = join(dir, name);
  await writeFile(path, `${lines.join("\r\n")}\r\n`);
  return path;
};

describe("importFile (CSV)", () => {
  it("imports each type; consecutive rows of one customer form one item", async () => {
    const { accountId, rewardId: r } = await newAccount(t.db, now);
    const customers = await csv("customers.csv", [
      "id,name,email,registration_date,reward_id,amount,brand_id,issued_at",
      `k1,"Kim, K.",kim@example.com,2023-01-01,${r},10,0001,2023-02-01`,
      `k1,,,,${r},2.75,,2023-03-01`,
      "k2,Lee,,,,,,",
    ]);
    expect(await importFile({ db: t.db, now, accountId, file: customers })).toMatchObject({
      lines: 3,
      accepted: 3,
      rejected: 0,
    });
    expect(await balances(t.db, accountId)).toEqual({ k1: "12.75" });

    const events = await csv("history-events.csv", [
      "customer_id,type,issued_at,purchase_id,value,order",
      'k2,PURCHASE,2024-01-01,p1,30,"{""payment_method"":""CASH""}"',
      "k2,PURCHASE,2024-01-05,p2,12.5,",
    ]);
    expect(await importFile({ db: t.db, now, accountId, file: events })).toMatchObject({
      accepted: 2,
      rejected: 0,
    });
    expect(await lifetimeOf(t.db, accountId, "k2")).toMatchObject({ number_of_purchases: 2 });

    const txns = await csv("ledger.csv", [
      "customer_id,reward_id,type,amount,issued_at,brand_id,details",
      `k1,${r},ACCUMULATION,15,2023-02-01,0001,earned`,
      `k1,${r},REDEMPTION,-2.25,2023-05-01,,spent`,
    ]);
    expect(
      await importFile({ db: t.db, now, accountId, file: txns, type: "transactions" }),
    ).toMatchObject({ accepted: 2, rejected: 0 });
    expect(await ledgerOf(t.db, accountId)).toEqual({
      ACCUMULATION: 1,
      MIGRATION: 4,
      REDEMPTION: 1,
    });
    expect(await balances(t.db, accountId)).toEqual({ k1: "12.75" });
  });

  it("reports the bad row's own line; the customer's other rows are rejected with it", async () => {
    const { accountId, rewardId: r } = await newAccount(t.db, now);
    const file = await csv("bad-customers.csv", [
      "id,reward_id,amount",
      `m1,${r},5`,
      `m1,${r},abc`,
      `m2,${r},1`,
    ]);
    const result = await importFile({ db: t.db, now, accountId, file });
    expect(result).toMatchObject({ lines: 3, accepted: 1, rejected: 2 });
    const rows = await readReport(`${file}.rejected.ndjson`);
    expect(rows.map((x) => x.line)).toEqual([2, 3]);
    expect(rows[1]!.reason).toMatch(/balance\[1\]\.amount/);
    expect(rows[0]!.reason).toMatch(/other rows of customer m1/);
    expect(await balances(t.db, accountId)).toEqual({ m2: "1" });
  });

  it("rejects malformed rows with their line and reason instead of failing the import", async () => {
    const { accountId, rewardId: r } = await newAccount(t.db, now);
    const file = await csv("malformed-customers.csv", [
      "id,reward_id,amount,issued_at",
      `n1,${r},5,2024-01-01`,
      `n2,${r},1,2024-01-01,extra`,
      `n3,${r},"2"x,2024-01-01`,
      `n4,${r},3,2024-01-01`,
      `n5,${r},4,2024-02-30`,
      `n6,${r},1e,2024-01-01`,
      `n7,${r},2,2024-01-01`,
      `n7,${r},2,"2024`,
      `n7,${r},6,2024-01-03`,
      `n8,${r},7,2024-01-01`,
      `n9,${r},"8,2024-01-01`,
    ]);
    const result = await importFile({ db: t.db, now, accountId, file });
    expect(result).toMatchObject({ lines: 11, accepted: 3, rejected: 8 });
    const rows = await readReport(`${file}.rejected.ndjson`);
    const byLine = Object.fromEntries(rows.map((x) => [x.line, x]));
    expect(Object.keys(byLine).map(Number)).toEqual([3, 4, 6, 7, 8, 9, 10, 12]);
    expect(byLine[3]).toMatchObject({ code: "VALIDATION", customer_id: null });
    expect(byLine[3]!.reason).toMatch(/5 column\(s\) where the header has 4/);
    expect(byLine[4]!.reason).toMatch(/malformed CSV: Invalid Closing Quote/);
    expect(byLine[6]).toMatchObject({ customer_id: "n5" });
    expect(byLine[6]!.reason).toMatch(/issued_at/);
    expect(byLine[7]!.reason).toMatch(/amount/);
    // An unreadable row between rows of one customer rejects that customer whole.
    expect(byLine[9]).toMatchObject({ customer_id: "n7" });
    expect(byLine[9]!.reason).toMatch(/quoted field is never closed/);
    expect(byLine[8]).toMatchObject({ customer_id: "n7" });
    expect(byLine[10]!.reason).toMatch(/other rows of customer n7/);
    expect(byLine[12]!.reason).toMatch(/quoted field is never closed/);
    expect(await balances(t.db, accountId)).toEqual({ n1: "5", n4: "3", n8: "7" });
  });

  it("refuses a header with unknown columns", async () => {
    const { accountId } = await newAccount(t.db, now);
    const file = await csv("typo-customers.csv", ["id,nmae", "z1,Zed"]);
    await expect(importFile({ db: t.db, now, accountId, file })).rejects.toThrow(/nmae/);
  });
});

describe("importFile (CSV): records and headers", () => {
  const customer = (accountId: string, id: string) =>
    t.db
      .selectFrom("customers")
      .select(["id", "name"])
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirst();

  it("reports a bad field of a multi-line record on the line where the record starts", async () => {
    const { accountId } = await newAccount(t.db, now);
    const file = join(dir, "ml-customers.csv");
    // Line 1 the header; lines 2–3 one record (a quoted name with a line break), its date bad.
    await writeFile(file, 'id,registration_date,name\nk1,not-a-date,"Ann\nSmith"\nk2,,Bo\n');
    const result = await importFile({ db: t.db, now, accountId, file });
    expect(result).toMatchObject({ accepted: 1, rejected: 1 });
    const report = await readReport(`${file}.rejected.ndjson`);
    expect(report.map((r) => [r.line, r.customer_id])).toEqual([[2, "k1"]]);
    expect(report[0]!.reason).toMatch(/registration_date/);
  });

  it("keeps a CRLF line break inside a quoted field as written", async () => {
    const { accountId } = await newAccount(t.db, now);
    const file = join(dir, "crlf-customers.csv");
    await writeFile(file, 'id,name\r\nk1,"Ann\r\nSmith"\r\n');
    expect(await importFile({ db: t.db, now, accountId, file })).toMatchObject({ accepted: 1 });
    expect((await customer(accountId, "k1"))?.name).toBe("Ann\r\nSmith");
  });

  it("refuses a header naming a column twice (the first column's data would be lost)", async () => {
    const { accountId } = await newAccount(t.db, now);
    const file = join(dir, "dup-customers.csv");
    await writeFile(file, "id,name,email,name\nk1,Ann,ann@example.com,\n");
    await expect(importFile({ db: t.db, now, accountId, file })).rejects.toThrow(
      /name named more than once/,
    );
    expect(await customer(accountId, "k1")).toBeUndefined();
  });

  it("rejects a line over 1 MB unread, on its line, and imports the others", async () => {
    const { accountId } = await newAccount(t.db, now);
    const file = join(dir, "long-customers.csv");
    await writeFile(file, `id,name\nk1,Ann\nk2,${"x".repeat(2 << 20)}\nk3,Bo\n`);
    expect(await importFile({ db: t.db, now, accountId, file })).toMatchObject({
      accepted: 2,
      rejected: 1,
    });
    const report = await readReport(`${file}.rejected.ndjson`);
    expect(report.map((r) => [r.line, r.reason])).toEqual([
      [3, "line longer than 1 MB (not read)"],
    ]);
    expect((await customer(accountId, "k3"))?.name).toBe("Bo");
  });
});
