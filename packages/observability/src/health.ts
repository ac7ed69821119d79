import type { IncomingMessage, ServerResponse } from "node:http";
import { type Db, migrationStatus } from "@tally/db";
import { sql } from "kysely";

/** Whether this process should get traffic, and why not. */
export interface Readiness {
  ready: boolean;
  checks: {
    database: "ok" | string;
    migrations: "current" | string;
    shutdown?: "in progress";
  };
  /** Applied migrations newer than this code (a newer version is rolling out): still ready. */
  unknown_migrations?: string[];
}

/**
 * Ready when the database answers and every migration this code has is applied. Migrations
 * applied by a newer version do not make it unready, so a rolling upgrade keeps the old
 * processes serving until they are replaced (docs/operations.md#health).
 */
export async function checkReadiness(db: Db, opts: { draining?: () => boolean } = {}) {
  const checks: Readiness["checks"] = { database: "ok", migrations: "current" };
  let unknown: string[] = [];
  try {
    await sql`select 1`.execute(db);
    const status = await migrationStatus(db);
    if (status.pending.length > 0)
      checks.migrations = `pending: ${status.pending.join(", ")} (run pnpm migrate)`;
    unknown = status.unknown;
  } catch (error) {
    checks.database = `unreachable: ${(error as Error).message}`;
    checks.migrations = "unknown";
  }
  if (opts.draining?.()) checks.shutdown = "in progress";
  const ready = checks.database === "ok" && checks.migrations === "current" && !checks.shutdown;
  const readiness: Readiness = { ready, checks };
  if (unknown.length > 0) readiness.unknown_migrations = unknown;
  return readiness;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
};

/** GET /healthz: the process is alive and serving (no dependency is looked at). */
export function healthzHandler(_req: IncomingMessage, res: ServerResponse): void {
  json(res, 200, { data: "ok" });
}

/** GET /readyz: 200 `{data: readiness}` when ready, else 503 `{error, details, checks}`. */
export function readyzHandler(db: Db, opts: { draining?: () => boolean } = {}) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    const readiness = await checkReadiness(db, opts);
    if (readiness.ready) return json(res, 200, { data: readiness });
    const failing = Object.entries(readiness.checks)
      .filter(([, v]) => v !== "ok" && v !== "current")
      .map(([k, v]) => `${k}: ${v}`);
    json(res, 503, { error: "UNAVAILABLE", details: failing.join("; "), checks: readiness.checks });
  };
}
