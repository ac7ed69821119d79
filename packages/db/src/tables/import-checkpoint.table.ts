import type { CreatedAt, Timestamp } from "./types.ts";

/** How far the importer CLI got through one file: every line up to `line` is committed. */
export interface ImportCheckpointTable {
  account_id: string;
  /** sha256 of the import type, the file size and its first 64 KiB: the same file at any path. */
  fingerprint: string;
  path: string;
  size: string | number;
  type: string;
  line: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  completed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
