import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  appRouter,
  createCaller,
  errorDataOf,
  operatorContext,
  type TTallyErrorData,
} from "@tally/api";
import { tallyErrorOf } from "@tally/client";
import { createDb, type Db, migrateToLatest } from "@tally/db";
import { createTRPCUntypedClient, httpLink } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import type { TEnv } from "./env.ts";

/** The internal API as `pnpm admin` calls it: `api.accounts.create({ name })`. */
export type AdminApi = ReturnType<typeof createCaller>;

/** A running start holds the embedded database: its message, as createDb throws it. */
const IN_USE = / is in use by process \d+/;

/**
 * The internal API for one `pnpm admin` run, with an operator's rights: in-process on the
 * database when it is free (or on PostgreSQL), else over HTTP to the `pnpm start` that holds
 * the embedded database, found through the address and operator token it keeps beside the
 * data folder. `db` is set in-process only (for what the API does not offer, e.g. the audit).
 */
export async function connectAdminApi(
  env: TEnv,
): Promise<{ api: AdminApi; db: Db | null; close(): Promise<void> }> {
  let opened: ReturnType<typeof createDb>;
  try {
    opened = createDb({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.TALLY_DATA_DIR,
      poolSize: env.DB_POOL_SIZE,
      preparedStatements: env.DB_PREPARED_STATEMENTS === "on",
    });
  } catch (error) {
    if (env.DATABASE_URL || !IN_USE.test((error as Error).message)) throw error;
    const kept = resolve(env.TALLY_DATA_DIR);
    const [url, token] = await Promise.all(
      [`${kept}.internal-url`, `${kept}.operator-token`].map((path) =>
        readFile(path, "utf8").then(
          (text) => text.trim(),
          () => null,
        ),
      ),
    );
    // An older start, or one that kept no address: the lock's own message says what to do.
    if (!url || !token) throw error;
    return { api: remoteApi(url, token), db: null, close: async () => {} };
  }
  const { db } = opened;
  await migrateToLatest(db);
  const api = createCaller(operatorContext({ db, now: () => new Date() }));
  return { api, db, close: () => db.destroy() };
}

/** The same calls over HTTP: each path is a query or a mutation as the router defines it. */
function remoteApi(url: string, token: string): AdminApi {
  const client = createTRPCUntypedClient({
    links: [httpLink({ url, headers: { authorization: `Bearer ${token}` } })],
  });
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: string } }
  >;
  const at = (path: string[]): unknown =>
    new Proxy(() => {}, {
      get: (_target, key) => at([...path, String(key)]),
      apply: (_target, _this, [input]) => {
        const name = path.join(".");
        return procedures[name]?._def.type === "query"
          ? client.query(name, input)
          : client.mutation(name, input);
      },
    });
  return at([]) as AdminApi;
}

/** `{error, details}` of a refused call, in-process or over HTTP; undefined for anything else. */
export function refusalOf(error: unknown): TTallyErrorData | undefined {
  if (error instanceof TRPCError) return errorDataOf(error);
  return tallyErrorOf(error);
}
