export { CSV_COLUMNS } from "./csv.ts";
export {
  defaultReportFile,
  type ImportFileOptions,
  importFile,
  resolveImportType,
  type TImportProgress,
  type TImportResult,
} from "./import-file.ts";
export {
  DEFAULT_QUIET_MS,
  type ProcessInboxOptions,
  processInbox,
  type TInboxOutcome,
} from "./inbox.ts";
export { createProgressReporter } from "./progress.ts";
