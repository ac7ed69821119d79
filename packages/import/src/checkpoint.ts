import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Db } from "@tally/db";
import type { TMigrationType } from "@tally/schemas";

/**
 * Identifies a file by content, not path: sha256 of its type and every byte (streamed, constant
 * memory). The whole file, so that a corrected file — even one of the same size — is a new
 * file and imported, never taken for the old one and skipped.
 */
export async function fingerprintFile(file: string, type: TMigrationType): Promise<string> {
  const hash = createHash("sha256").update(`${type}\n`);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The committed progress of a file, if an earlier run recorded any. */
export async function loadCheckpoint(db: Db, accountId: string, fingerprint: string) {
  return db
    .selectFrom("import_checkpoints")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("fingerprint", "=", fingerprint)
    .executeTakeFirst();
}

/** What a checkpoint records: every line up to `line` is committed, and this batch's counts. */
export interface TCheckpoint {
  accountId: string;
  fingerprint: string;
  path: string;
  size: number;
  type: TMigrationType;
  line: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  completed: boolean;
  now: Date;
}

/** The statement that records a checkpoint, adding this batch's counts (compiled: the COPY path runs it on its own connection). */
export function checkpointQuery(db: Db, c: TCheckpoint) {
  const completedAt = c.completed ? c.now : null;
  return db
    .insertInto("import_checkpoints")
    .values({
      account_id: c.accountId,
      fingerprint: c.fingerprint,
      path: c.path,
      size: c.size,
      type: c.type,
      line: c.line,
      accepted: c.accepted,
      rejected: c.rejected,
      duplicates: c.duplicates,
      completed_at: completedAt,
      updated_at: c.now,
    })
    .onConflict((oc) =>
      oc.columns(["account_id", "fingerprint"]).doUpdateSet((eb) => ({
        path: c.path,
        line: c.line,
        accepted: eb("import_checkpoints.accepted", "+", c.accepted),
        rejected: eb("import_checkpoints.rejected", "+", c.rejected),
        duplicates: eb("import_checkpoints.duplicates", "+", c.duplicates),
        completed_at: completedAt,
        updated_at: c.now,
      })),
    )
    .compile();
}

/** Records that every line up to `line` is committed, adding this batch's counts. */
export async function saveCheckpoint(db: Db, c: TCheckpoint) {
  await db.executeQuery(checkpointQuery(db, c));
}
