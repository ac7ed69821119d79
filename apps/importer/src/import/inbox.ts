import { mkdir, readdir, rename, stat, utimes } from "node:fs/promises";
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

export interface ProcessInboxOptions {
  db: Db;
  now: () => Date;
  dir: string;
  accountId?: string;
  batchSize?: number;
  concurrency?: number;
  /**
   * A file in `processing/` untouched this long was left by a sweeper that died: it is put
   * back in the inbox and claimed again (its checkpoint resumes it). Default 15 minutes.
   */
  staleMs?: number;
}

const IMPORTABLE = /\.(ndjson|jsonl|csv)$/i;
const REPORT = ".rejected.ndjson";
const DEFAULT_STALE_MS = 15 * 60_000;

const isDir = async (path: string) => (await stat(path).catch(() => undefined))?.isDirectory();
const gone = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";

/** Renames, answering false when the source is gone (another sweeper moved it first). */
async function move(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (gone(error)) return false;
    throw error;
  }
}

/**
 * Imports every file dropped in `<dir>/<accountId>/` (*.ndjson, *.jsonl, *.csv; type from the
 * file name), oldest name first. A file is claimed by renaming it into `processing/` — atomic,
 * so of several sweepers (schedulers, workers, machines sharing the directory) exactly one
 * imports it — then moved to `done/`, or to `failed/` with its rejected-rows report when a row
 * was rejected or it could not be imported.
 */
export async function processInbox(opts: ProcessInboxOptions): Promise<TInboxOutcome[]> {
  const accounts = opts.accountId
    ? [opts.accountId]
    : (await readdir(opts.dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
  const outcomes: TInboxOutcome[] = [];
  for (const accountId of accounts.sort()) {
    const folder = join(opts.dir, accountId);
    if (!(await isDir(folder))) continue;
    await mkdir(join(folder, "processing"), { recursive: true });
    await reclaimStale(folder, opts.now().getTime() - (opts.staleMs ?? DEFAULT_STALE_MS));
    const names = (await readdir(folder, { withFileTypes: true }))
      .filter((e) => e.isFile() && IMPORTABLE.test(e.name))
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      if (!(await move(join(folder, name), join(folder, "processing", name)))) continue;
      outcomes.push(await importOne(opts, folder, accountId, name));
    }
  }
  return outcomes;
}

/** Puts back in the inbox the claimed files whose sweeper stopped touching them before `before`. */
async function reclaimStale(folder: string, before: number) {
  const processing = join(folder, "processing");
  for (const name of await readdir(processing)) {
    if (!IMPORTABLE.test(name)) continue;
    const at = await stat(join(processing, name)).catch(() => undefined);
    if (at && at.mtimeMs < before) await move(join(processing, name), join(folder, name));
  }
}

async function importOne(
  opts: ProcessInboxOptions,
  folder: string,
  accountId: string,
  name: string,
): Promise<TInboxOutcome> {
  const file = join(folder, "processing", name);
  const reportFile = `${file}${REPORT}`;
  // The claimed file's mtime is the sweeper's heartbeat (see staleMs).
  let beat = Date.now();
  const heartbeat = () => {
    if (Date.now() - beat < 10_000) return;
    beat = Date.now();
    void utimes(file, new Date(), new Date()).catch(() => {});
  };
  await utimes(file, new Date(), new Date());
  let outcome: TInboxOutcome;
  try {
    const result = await importFile({
      db: opts.db,
      now: opts.now,
      batchSize: opts.batchSize,
      concurrency: opts.concurrency,
      accountId,
      file,
      reportFile,
      onProgress: heartbeat,
    });
    outcome = { accountId, file, status: result.rejected > 0 ? "failed" : "done", result };
  } catch (error) {
    outcome = { accountId, file, status: "failed", error: (error as Error).message };
  }
  const target = join(folder, outcome.status);
  await mkdir(target, { recursive: true });
  await move(file, join(target, name));
  await move(reportFile, join(target, `${name}${REPORT}`));
  return { ...outcome, file: join(target, name) };
}
