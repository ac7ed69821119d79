export { CSV_COLUMNS } from "./csv.ts";
export {
  defaultReportFile,
  type ImportFileOptions,
  importFile,
  resolveImportType,
  type TImportProgress,
  type TImportResult,
} from "./import-file.ts";
export { processInbox, type TInboxOutcome } from "./inbox.ts";
