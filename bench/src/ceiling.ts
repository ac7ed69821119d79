import { fileURLToPath } from "node:url";
import pg from "pg";
import { runPgbench } from "./pg.ts";

const TEMPLATES = 200;

/**
 * The database alone doing what the run's events wrote: copies the newest `TEMPLATES` events
 * matching `events` (a condition on `e`) with their lots and transactions into numbered template
 * tables, then runs `sql/<script>.sql` with pgbench (a C client, no app) on the same scratch
 * database for `seconds`, each transaction copying a random template for a random one of the
 * `customers` bench customers. Returns its tps, the most events/s this schema allows on this
 * server however fast the app, to set beside pgbench's TPC-B-like tps, and what it measured.
 * `BENCH_CEILING_MINIMAL=1` first drops what the write does not need (below).
 */
export async function ceilingTps(
  url: string,
  opts: {
    script: "purchase" | "redemption";
    events: string;
    customers: number;
    clients: number;
    seconds: number;
  },
): Promise<{ tps: number; what: string }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`create table ceiling_events as
      select row_number() over (order by e.created_at desc)::int as n, e.* from (
        select * from events e where ${opts.events} order by e.created_at desc limit ${TEMPLATES}) e`);
    const { rows } = await c.query<{ n: number }>("select count(*)::int as n from ceiling_events");
    if (rows[0]?.n !== TEMPLATES) throw new Error(`ceiling: only ${rows[0]?.n} template events`);
    await c.query(`create table ceiling_lines as select t.n, l.* from wallet_lines l
      join ceiling_events t on l.account_id = t.account_id and l.event_id = t.id`);
    await c.query(`create table ceiling_transactions as select t.n, x.* from transactions x
      join ceiling_events t on x.account_id = t.account_id and x.event_id = t.id`);
    // A UUIDv7-shaped id: the transaction's start in ms, then bits of md5(seed), so a copied
    // lot's id can be derived again for the transactions naming it.
    await c.query(`create function ceiling_id(seed text) returns uuid language sql stable as $$
      select (lpad(to_hex((extract(epoch from now()) * 1000)::bigint), 12, '0') || '7' ||
        substr(md5(seed), 1, 3) || '8' || substr(md5(seed), 4, 15))::uuid $$`);
    for (const t of ["ceiling_events", "ceiling_lines", "ceiling_transactions"]) {
      await c.query(`create index on ${t} (n)`);
    }
    if (process.env.BENCH_CEILING_MINIMAL) {
      // The leanest ledger: no foreign keys, no indexes but the primary keys, the open-lots
      // index and the purchase-id key (what the write itself needs).
      const { rows: keys } = await c.query<{ t: string; name: string }>(`select
        conrelid::regclass::text as t, conname as name from pg_constraint where contype = 'f'
        and conrelid::regclass::text in ('wallet_lines', 'transactions', 'events')`);
      for (const k of keys) await c.query(`alter table ${k.t} drop constraint ${k.name}`);
      const { rows: indexes } = await c.query<{ name: string }>(`select indexname as name
        from pg_indexes where tablename in ('wallet_lines', 'transactions', 'events')
        and indexname not in ('wallet_lines_open', 'events_purchase')
        and indexname not like '%_pkey'`);
      for (const i of indexes) await c.query(`drop index ${i.name}`);
    }
    await c.query("analyze");
  } finally {
    await c.end();
  }
  const script = fileURLToPath(new URL(`../sql/${opts.script}.sql`, import.meta.url));
  const tps = runPgbench([
    ...["-M", "prepared", "-c", String(opts.clients), "-T", String(opts.seconds)],
    ...["-D", `customers=${opts.customers}`, "-D", `templates=${TEMPLATES}`, "-f", script, url],
  ]);
  const schema = process.env.BENCH_CEILING_MINIMAL ? "the leanest ledger" : "this schema";
  return { tps, what: `the database alone writing the same events (${schema}, no app)` };
}
