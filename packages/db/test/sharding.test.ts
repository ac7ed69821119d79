import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

/**
 * The tables that are not distributed by account (docs/scaling.md), and why. Every other table
 * is a tenant table: Citus distributes it by `account_id`, which it accepts only when every
 * primary key, unique index and foreign key of the table leads with that column.
 */
const NOT_TENANT: Record<string, string> = {
  accounts: "the tenants themselves: a reference table, copied to every node",
  api_keys:
    "a storefront key is looked up by its hash before its account is known (the key names the account): a reference table, a few rows per account",
  service_tokens:
    "an internal API token is found by its hash before its account is known, and operator-wide tokens have none: a reference table, a few rows per account",
  request_counters:
    "requests per minute per storefront key, keyed by the key (found before the account): a local table of the coordinator, where every REST process counts",
  kysely_migration: "migration bookkeeping of each database",
  kysely_migration_lock: "migration bookkeeping of each database",
};

/** What breaks the rule in `schema`, one sentence per thing; empty when it can be distributed. */
async function shardingViolations(db: Kysely<any>, schema: string): Promise<string[]> {
  const { rows: tables } = await sql<{ name: string; tenant: boolean; nullable: boolean }>`
    select c.relname as name, a.attname is not null as tenant, not coalesce(a.attnotnull, true) as nullable
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    left join pg_attribute a on a.attrelid = c.oid and a.attname = 'account_id' and not a.attisdropped
    where n.nspname = ${schema} and c.relkind in ('r', 'p') order by 1`.execute(db);
  const tenant = new Set(tables.filter((t) => !(t.name in NOT_TENANT)).map((t) => t.name));
  const out: string[] = [];
  for (const t of tables) {
    if (t.name in NOT_TENANT) continue;
    if (!t.tenant) out.push(`${t.name}: no account_id and not listed as a non-tenant table`);
    else if (t.nullable) out.push(`${t.name}: account_id may be null`);
  }
  // Unique indexes (primary keys and unique constraints among them): the first key column.
  const { rows: indexes } = await sql<{
    table: string;
    index: string;
    first: string | null;
    primary: boolean;
  }>`
    select c.relname as table, i.relname as index, a.attname as first, x.indisprimary as primary
    from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attribute a on a.attrelid = c.oid and a.attnum = x.indkey[0]
    where n.nspname = ${schema} and x.indisunique order by 1, 2`.execute(db);
  for (const t of tenant) {
    if (!indexes.some((i) => i.table === t && i.primary)) out.push(`${t}: no primary key`);
  }
  for (const i of indexes) {
    if (tenant.has(i.table) && i.first !== "account_id")
      out.push(`${i.table}: unique index ${i.index} leads with ${i.first ?? "an expression"}`);
  }
  // Foreign keys: a tenant table's lead with account_id, and name account_id of the table they
  // reference when it is a tenant table too; a non-tenant table references none.
  const { rows: fks } = await sql<{
    table: string;
    name: string;
    target: string;
    from: string;
    to: string;
  }>`
    select c.relname as table, x.conname as name, r.relname as target,
      (select attname from pg_attribute where attrelid = x.conrelid and attnum = x.conkey[1]) as from,
      (select attname from pg_attribute where attrelid = x.confrelid and attnum = x.confkey[1]) as to
    from pg_constraint x join pg_class c on c.oid = x.conrelid join pg_class r on r.oid = x.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and x.contype = 'f' order by 1, 2`.execute(db);
  for (const f of fks) {
    const what = `${f.table}: foreign key ${f.name} to ${f.target}`;
    if (!tenant.has(f.table)) {
      if (tenant.has(f.target)) out.push(`${what}: a reference table cannot point into a tenant's`);
    } else if (f.from !== "account_id") out.push(`${what} leads with ${f.from}`);
    else if (tenant.has(f.target) && f.to !== "account_id")
      out.push(`${what} matches account_id with ${f.to}`);
  }
  return out;
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe("sharding by account stays possible", () => {
  it("every key, unique index and foreign key of a tenant table leads with account_id", async () => {
    expect(await shardingViolations(t.db, "public")).toEqual([]);
  });

  it("the non-tenant tables are exactly the listed ones", async () => {
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_attribute a on a.attrelid = c.oid and a.attname = 'account_id'
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and (a.attname is null or c.relname = any(${Object.keys(NOT_TENANT)}))
      order by 1`.execute(t.db);
    expect(rows.map((r) => r.name)).toEqual(Object.keys(NOT_TENANT).sort());
  });

  it("names what breaks the rule", async () => {
    // The check itself, on tables made to break it (in a schema of their own, then dropped).
    await sql`create schema sharding_probe`.execute(t.db);
    try {
      for (const statement of [
        "create table sharding_probe.api_keys (id uuid primary key, shop_account uuid, shop_id uuid)",
        `create table sharding_probe.accounts (id uuid primary key)`,
        `create table sharding_probe.shops (account_id uuid not null, id uuid, primary key (account_id, id))`,
        `create table sharding_probe.loose (id uuid primary key, account_id uuid)`,
        `create table sharding_probe.tags ( account_id uuid not null, id uuid not null, shop_id uuid, code text, primary key (account_id, id), foreign key (account_id, shop_id) references sharding_probe.shops (account_id, id), foreign key (shop_id, account_id) references sharding_probe.shops (id, account_id) )`,
        `create unique index tags_code on sharding_probe.tags (lower(code))`,
        `create unique index tags_shop on sharding_probe.tags (shop_id, account_id)`,
        `create table sharding_probe.keyless (account_id uuid not null)`,
        `create table sharding_probe.orphan (id uuid primary key)`,
      ])
        await sql.raw(statement).execute(t.db);
      await sql`alter table sharding_probe.api_keys add foreign key (shop_account, shop_id)
        references sharding_probe.shops (account_id, id)`.execute(t.db);
      expect(await shardingViolations(t.db, "sharding_probe")).toEqual([
        "loose: account_id may be null",
        "orphan: no account_id and not listed as a non-tenant table",
        "keyless: no primary key",
        "loose: unique index loose_pkey leads with id",
        "orphan: unique index orphan_pkey leads with id",
        "tags: unique index tags_code leads with an expression",
        "tags: unique index tags_shop leads with shop_id",
        "api_keys: foreign key api_keys_shop_account_shop_id_fkey to shops: a reference table cannot point into a tenant's",
        "tags: foreign key tags_shop_id_account_id_fkey to shops leads with shop_id",
      ]);
    } finally {
      await sql`drop schema sharding_probe cascade`.execute(t.db);
    }
  });
});
