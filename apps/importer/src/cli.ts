import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createDb, migrateToLatest, orExit } from "@tally/db";
import {
  createProgressReporter,
  defaultReportFile,
  importFile,
  type TImportProgress,
} from "@tally/import";
import { readEnv } from "./env.ts";

const USAGE = `usage: pnpm run import <file> --account <id> [--type customers|events|transactions]
       [--format ndjson|csv] [--dry-run] [--report <path>] [--batch-size N] [--concurrency N]
       [--per-item]
exit code: 0 nothing rejected, 1 some row rejected (see the report), 2 usage or IO error`;

/** Parses the command line; throws with the usage on a mistake. */
function readArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      account: { type: "string" },
      type: { type: "string" },
      format: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "per-item": { type: "boolean", default: false },
      report: { type: "string" },
      "batch-size": { type: "string", default: "1000" },
      concurrency: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const batchSize = Number(values["batch-size"]);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (positionals.length !== 1) throw new Error("give exactly one file");
  if (!values.account) throw new Error("--account is required");
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error("--batch-size: a positive integer");
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new Error("--concurrency: a positive integer");
  if (values.format && values.format !== "csv" && values.format !== "ndjson")
    throw new Error("--format: ndjson or csv");
  return { ...values, file: positionals[0]!, batchSize, concurrency };
}

/**
 * The importer's sessions commit asynchronously: WAL order is kept, so after a server crash the
 * checkpoint is never ahead of the items it covers, and items are idempotent besides.
 */
function withAsyncCommit(url: string | undefined) {
  if (!url) return undefined;
  const u = new URL(url);
  if (!u.searchParams.has("options")) u.searchParams.set("options", "-c synchronous_commit=off");
  return u.toString();
}

async function main(): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  try {
    args = readArgs(process.argv.slice(2));
  } catch (error) {
    const message = (error as Error).message;
    console.error(message === USAGE ? USAGE : `${message}\n${USAGE}`);
    return 2;
  }
  const env = orExit(() => readEnv(), 2);
  // pnpm runs the script inside apps/importer; paths are meant from where the user typed them.
  const base = env.INIT_CWD ?? process.cwd();
  const file = resolve(base, args.file);
  const reportFile = args.report ? resolve(base, args.report) : undefined;
  if (!(await stat(file).catch(() => undefined))?.isFile()) {
    console.error(`cannot read ${file}`);
    return 2;
  }
  const concurrency = args.concurrency ?? (env.DATABASE_URL ? 8 : 1);
  const { db } = orExit(
    () =>
      createDb({
        databaseUrl: withAsyncCommit(env.DATABASE_URL),
        dataDir: env.TALLY_DATA_DIR,
        poolSize: Math.max(env.DB_POOL_SIZE, concurrency + 1),
        preparedStatements: env.DB_PREPARED_STATEMENTS === "on",
      }),
    2,
  );
  const progress = createProgressReporter({ tty: Boolean(process.stdout.isTTY) });
  let last: TImportProgress | undefined;
  try {
    await migrateToLatest(db);
    const result = await importFile({
      db,
      now: () => new Date(),
      accountId: args.account!,
      file,
      type: args.type as "customers" | undefined,
      format: args.format as "csv" | undefined,
      dryRun: args["dry-run"],
      reportFile,
      batchSize: args.batchSize,
      concurrency,
      bulk: !args["per-item"],
      onStatisticsError: (error) =>
        console.error(`refreshing planner statistics failed: ${(error as Error).message}`),
      onBulkError: (error) =>
        console.error(
          `a batch failed set-wise and was redone item by item: ${(error as Error).message}`,
        ),
      onProgress: (p) => {
        last = p;
        progress.update(p);
      },
    });
    if (last) progress.finish({ ...last, ...result });
    console.log(JSON.stringify({ ...result, dryRun: args["dry-run"] }));
    if (result.fileRejected > 0)
      console.error(
        `${result.fileRejected} row(s) of the file rejected, see ${reportFile ?? defaultReportFile(file, args["dry-run"])}`,
      );
    return result.fileRejected > 0 ? 1 : 0;
  } catch (error) {
    console.error(`import failed: ${(error as Error).message}`);
    return 2;
  } finally {
    if (env.IMPORT_PRINT_USAGE === "1") {
      const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
      console.error(`maxRSS_kb=${maxRSS} cpu_us=${userCPUTime + systemCPUTime}`);
    }
    await db.destroy();
  }
}

process.exitCode = await main();
