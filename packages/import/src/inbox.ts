import { randomBytes } from "node:crypto";
import { link, mkdir, readdir, rename, stat, unlink, utimes } from "node:fs/promises";
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
  /**
   * A dropped file is claimed only once it has not changed for this long (by its mtime, real
   * time), so a file still being copied in is not imported half-way. Default 10 s.
   */
  quietMs?: number;
}

const IMPORTABLE = /\.(ndjson|jsonl|csv)$/i;
const REPORT = ".rejected.ndjson";
const DEFAULT_STALE_MS = 15 * 60_000;
export const DEFAULT_QUIET_MS = 10_000;
/** A claim's name in processing/: `<claim id>~<dropped name>`; the id is time-ordered. */
const CLAIM = /^\d{8}T\d{6}Z-[0-9a-f]{8}~/;

const isDir = async (path: string) => (await stat(path).catch(() => undefined))?.isDirectory();
const code = (error: unknown) => (error as NodeJS.ErrnoException).code;
/** A dropped or claimed data file (never a report, which ends in .ndjson too). */
const isInput = (name: string) => IMPORTABLE.test(name) && !name.endsWith(REPORT);
const droppedName = (claim: string) => claim.replace(CLAIM, "");
const claimName = (name: string) =>
  `${new Date().toISOString().replace(/[-:]|\.\d+/g, "")}-${randomBytes(4).toString("hex")}~${name}`;

/** Renames, answering false when the source is gone (another sweeper moved it first). */
async function move(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (code(error) === "ENOENT") return false;
    throw error;
  }
}

/**
 * Moves a file to `dir/name` unless a file of that name is there (link fails rather than
 * overwrite), else to `dir/alt` — a claim name, unique.
 */
async function archive(from: string, dir: string, name: string, alt: string): Promise<string> {
  try {
    await link(from, join(dir, name));
    await unlink(from);
    return join(dir, name);
  } catch (error) {
    if (code(error) !== "EEXIST") throw error;
  }
  await rename(from, join(dir, alt));
  return join(dir, alt);
}

/**
 * Imports every file dropped in `<dir>/<accountId>/` (*.ndjson, *.jsonl, *.csv; type from the
 * file name), oldest name first, once it has stopped changing (`quietMs`; a producer should still
 * write under another name, `*.part` say, and rename). A file is claimed by renaming it into `processing/` under a
 * unique claim name — atomic, so of several sweepers (schedulers, workers, machines sharing the
 * directory) exactly one imports it, and a file dropped later under the same name never
 * replaces it — then moved to `done/`, or to `failed/` with its rejected-rows report when a
 * row of the file was rejected (in this run or an interrupted earlier one) or it could not be
 * imported. Archived files keep their dropped name unless one of that name is archived
 * already (then the claim name). A claim whose sweeper died is claimed again and resumed.
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
    const processing = join(folder, "processing");
    await mkdir(processing, { recursive: true });
    const before = opts.now().getTime() - (opts.staleMs ?? DEFAULT_STALE_MS);
    for (const claim of await staleClaims(processing, before)) {
      outcomes.push(await importOne(opts, folder, accountId, claim));
    }
    const names = (await readdir(folder, { withFileTypes: true }))
      .filter((e) => e.isFile() && isInput(e.name))
      .map((e) => e.name)
      .sort();
    const settled = Date.now() - (opts.quietMs ?? DEFAULT_QUIET_MS);
    for (const name of names) {
      const at = await stat(join(folder, name)).catch(() => undefined);
      // mtime has sub-millisecond precision, Date.now() not: a file written this millisecond is 0 ms old.
      if (!at || Math.floor(at.mtimeMs) > settled) continue; // gone, or still being written
      const claim = claimName(name);
      if (!(await move(join(folder, name), join(processing, claim)))) continue;
      outcomes.push(await importOne(opts, folder, accountId, claim));
    }
  }
  return outcomes;
}

/**
 * Claims again the files in processing/ whose sweeper stopped touching them before `before`:
 * each is renamed to a new claim (atomic: one sweeper wins), its report with it, so the resumed
 * import appends to the report of the interrupted one.
 */
async function staleClaims(processing: string, before: number): Promise<string[]> {
  const claims: string[] = [];
  for (const old of (await readdir(processing)).filter(isInput).sort()) {
    const at = await stat(join(processing, old)).catch(() => undefined);
    if (!at || at.mtimeMs >= before) continue;
    const claim = claimName(droppedName(old));
    if (!(await move(join(processing, old), join(processing, claim)))) continue;
    await move(join(processing, `${old}${REPORT}`), join(processing, `${claim}${REPORT}`));
    claims.push(claim);
  }
  return claims;
}

async function importOne(
  opts: ProcessInboxOptions,
  folder: string,
  accountId: string,
  claim: string,
): Promise<TInboxOutcome> {
  const file = join(folder, "processing", claim);
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
    outcome = { accountId, file, status: result.fileRejected > 0 ? "failed" : "done", result };
  } catch (error) {
    outcome = { accountId, file, status: "failed", error: (error as Error).message };
  }
  const target = join(folder, outcome.status);
  await mkdir(target, { recursive: true });
  const name = droppedName(claim);
  const archived = await archive(file, target, name, claim);
  if (await stat(reportFile).catch(() => undefined)) {
    const base = archived.slice(target.length + 1);
    await archive(reportFile, target, `${base}${REPORT}`, `${claim}${REPORT}`);
  }
  return { ...outcome, file: archived };
}
