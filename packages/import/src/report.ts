import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { rm } from "node:fs/promises";

/** One line of the rejected-rows report. */
export interface TRejectedRow {
  line: number;
  customer_id: string | null;
  code: string;
  reason: string;
}

/**
 * The rejected-rows report (NDJSON), opened on its first row: a fresh run replaces an old
 * report, a resumed run appends to the one its interrupted run began.
 */
export async function openReport(opts: { file: string; append: boolean }) {
  if (!opts.append) await rm(opts.file, { force: true });
  let out: WriteStream | undefined;
  return {
    async write(rows: TRejectedRow[]) {
      if (rows.length === 0) return;
      out ??= createWriteStream(opts.file, { flags: "a" });
      const text = rows.map((r) => JSON.stringify(r)).join("\n");
      if (!out.write(`${text}\n`)) await once(out, "drain");
    },
    async close() {
      if (!out) return;
      out.end();
      await once(out, "finish");
    },
  };
}
