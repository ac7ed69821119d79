import { DomainError } from "@tally/core";
import {
  type CursorPage,
  cursorPageOf,
  type Executor,
  iso,
  type ServiceDeps,
  transact,
} from "../kernel/index.ts";

/**
 * Brands, stores and channels: ids an account chooses ("0001") with a name, which events and
 * requests name. Each kind has Masivo's cap per account.
 */
export const DIRECTORY = {
  brands: { noun: "brand", cap: 200 },
  stores: { noun: "store", cap: 1000 },
  channels: { noun: "channel", cap: 50 },
} as const;
export type DirectoryKind = keyof typeof DIRECTORY;

/** A brand, store or channel as the internal API shows it. */
export interface TDirectoryEntry {
  id: string;
  name: string;
  created_at: string;
}

/** Where an entry's id may be named: deleting it is refused while any of these rows do. */
const USES: Record<
  DirectoryKind,
  {
    table: "rewards" | "campaigns" | "events" | "transactions" | "wallet_lines";
    column: "brand_id" | "store_id" | "channel_id";
  }[]
> = {
  brands: [
    { table: "rewards", column: "brand_id" },
    { table: "campaigns", column: "brand_id" },
    { table: "events", column: "brand_id" },
    { table: "transactions", column: "brand_id" },
    { table: "wallet_lines", column: "brand_id" },
  ],
  stores: [
    { table: "transactions", column: "store_id" },
    { table: "wallet_lines", column: "store_id" },
  ],
  channels: [
    { table: "transactions", column: "channel_id" },
    { table: "wallet_lines", column: "channel_id" },
  ],
};

const quote = (id: string) => JSON.stringify(id);

async function find(trx: Executor, kind: DirectoryKind, accountId: string, id: string) {
  return trx
    .selectFrom(kind)
    .select(["id", "name", "created_at"])
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirst();
}

const view = (row: { id: string; name: string; created_at: Date }): TDirectoryEntry => ({
  id: row.id,
  name: row.name,
  created_at: iso(row.created_at)!,
});

/**
 * Creates a brand, store or channel. Its id is the client's, so a retry is safe: the entry of
 * that id and name is answered as it stands, another name is a CONFLICT. Past the kind's cap
 * LIMIT_REACHED; the account row is locked, so concurrent creates never pass the cap.
 */
export async function createDirectoryEntry(
  deps: ServiceDeps,
  kind: DirectoryKind,
  opts: { accountId: string; id: string; name: string },
): Promise<TDirectoryEntry> {
  const { noun, cap } = DIRECTORY[kind];
  return transact(deps, async (trx) => {
    await trx
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", opts.accountId)
      .forUpdate()
      .execute();
    const existing = await find(trx, kind, opts.accountId, opts.id);
    if (existing) {
      if (existing.name !== opts.name)
        throw new DomainError(
          "CONFLICT",
          `id: ${noun} ${quote(opts.id)} already exists with another name`,
        );
      return view(existing);
    }
    const { n } = await trx
      .selectFrom(kind)
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("account_id", "=", opts.accountId)
      .executeTakeFirstOrThrow();
    if (Number(n) >= cap)
      throw new DomainError("LIMIT_REACHED", `an account has at most ${cap} ${kind}`);
    const row = await trx
      .insertInto(kind)
      .values({ account_id: opts.accountId, id: opts.id, name: opts.name })
      .returning(["id", "name", "created_at"])
      .executeTakeFirstOrThrow();
    return view(row);
  });
}

/** Renames an entry (a retry renames it to the same name); a 404 when there is none. */
export async function updateDirectoryEntry(
  deps: ServiceDeps,
  kind: DirectoryKind,
  opts: { accountId: string; id: string; name: string },
): Promise<TDirectoryEntry> {
  const row = await deps.db
    .updateTable(kind)
    .set({ name: opts.name, updated_at: deps.now() })
    .where("account_id", "=", opts.accountId)
    .where("id", "=", opts.id)
    .returning(["id", "name", "created_at"])
    .executeTakeFirst();
  if (!row)
    throw new DomainError("NOT_FOUND", `${DIRECTORY[kind].noun} ${quote(opts.id)} not found`);
  return view(row);
}

/** The account's entries of a kind, by id. */
export function listDirectoryEntries(
  deps: ServiceDeps,
  kind: DirectoryKind,
  opts: { accountId: string } & CursorPage,
) {
  return cursorPageOf(opts, async ({ after, take }) => {
    let q = deps.db
      .selectFrom(kind)
      .select(["id", "name", "created_at"])
      .where("account_id", "=", opts.accountId)
      .orderBy("id")
      .limit(take);
    if (after) q = q.where("id", ">", after);
    return (await q.execute()).map(view);
  });
}

/**
 * Deletes an entry nothing names: a reward, campaign, event or ledger row that names it makes
 * it a CONFLICT (they keep their history). A 404 when there is none, so a retry of a delete
 * that succeeded answers NOT_FOUND. The ledger check reads the account's rows: deletes are rare.
 */
export async function deleteDirectoryEntry(
  deps: ServiceDeps,
  kind: DirectoryKind,
  opts: { accountId: string; id: string },
): Promise<{ id: string; deleted: true }> {
  const { noun } = DIRECTORY[kind];
  return transact(deps, async (trx) => {
    const existing = await trx
      .selectFrom(kind)
      .select("id")
      .where("account_id", "=", opts.accountId)
      .where("id", "=", opts.id)
      .forUpdate()
      .executeTakeFirst();
    if (!existing) throw new DomainError("NOT_FOUND", `${noun} ${quote(opts.id)} not found`);
    for (const use of USES[kind]) {
      const used = await trx
        .selectFrom(use.table)
        .select("account_id")
        .where("account_id", "=", opts.accountId)
        .where(use.column, "=", opts.id)
        .limit(1)
        .executeTakeFirst();
      if (used)
        throw new DomainError(
          "CONFLICT",
          `${noun} ${quote(opts.id)} is in use (${use.table.replace("_", " ")} name it) and cannot be deleted`,
        );
    }
    await trx
      .deleteFrom(kind)
      .where("account_id", "=", opts.accountId)
      .where("id", "=", opts.id)
      .execute();
    return { id: opts.id, deleted: true as const };
  });
}
