import { mkdir, readdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Db } from "@tally/db";
import { importFile, type TImportResult } from "./import-file.ts";

/** What happened to one inbox file. */
export interface TInboxOutcome {
  accountId: string;
  file: string;
  status: "done" | "failed";
  result?: TImportResult;
  error?: string;
}

const IMPORTABLE = /\.(ndjson|jsonl|csv)$/i;

const isDir = async (path: string) => (await stat(path).catch(() => undefined))?.isDirectory();

/**
 * Imports every file dropped in `<dir>/<accountId>/` (*.ndjson, *.jsonl, *.csv; type from the
 * file name), oldest name first, then moves it to `done/` — or to `failed/` with its
 * rejected-rows report when a row was rejected or the file could not be imported.
 */
export async function processInbox(opts: {
  db: Db;
  now: () => Date;
  dir: string;
  accountId?: string;
  batchSize?: number;
  concurrency?: number;
}): Promise<TInboxOutcome[]> {
  const accounts = opts.accountId
    ? [opts.accountId]
    : (await readdir(opts.dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
  const outcomes: TInboxOutcome[] = [];
  for (const accountId of accounts.sort()) {
    const folder = join(opts.dir, accountId);
    if (!(await isDir(folder))) continue;
    const names = (await readdir(folder, { withFileTypes: true }))
      .filter((e) => e.isFile() && IMPORTABLE.test(e.name))
      .map((e) => e.name)
      .sort();
    for (const name of names) outcomes.push(await importOne(opts, folder, accountId, name));
  }
  return outcomes;
}

async function importOne(
  opts: { db: Db; now: () => Date; batchSize?: number; concurrency?: number },
  folder: string,
  accountId: string,
  name: string,
): Promise<TInboxOutcome> {
  const file = join(folder, name);
  const reportFile = join(folder, `${name}.rejected.ndjson`);
  let outcome: TInboxOutcome;
  try {
    const result = await importFile({ ...opts, accountId, file, reportFile });
    outcome = { accountId, file, status: result.rejected > 0 ? "failed" : "done", result };
  } catch (error) {
    outcome = { accountId, file, status: "failed", error: (error as Error).message };
  }
  const target = join(folder, outcome.status);
  await mkdir(target, { recursive: true });
  await rename(file, join(target, name));
  if (await stat(reportFile).catch(() => undefined))
    await rename(reportFile, join(target, `${name}.rejected.ndjson`));
  return { ...outcome, file: join(target, name) };
}
