import { fileURLToPath } from "node:url";
import pg from "pg";
import { runPgbench } from "./pg.ts";

const TEMPLATES = 200;

/**
 * The database alone doing what the run's events wrote: copies the newest `TEMPLATES` events
 * matching `events` (a condition on `e`) with their lots and transactions into numbered template
 * tables, then runs `sql/<script>.sql` with pgbench (a C client, no app) on the same scratch
 * database for `seconds`, each transaction copying a random template for a random one of the
 * `customers` bench customers. Returns its tps: the most events/s this schema allows on this
 * server however fast the app, to set beside pgbench's TPC-B-like tps.
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
): Promise<number> {
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
    for (const t of ["ceiling_events", "ceiling_lines", "ceiling_transactions"]) {
      await c.query(`create index on ${t} (n)`);
    }
    await c.query("analyze");
  } finally {
    await c.end();
  }
  const script = fileURLToPath(new URL(`../sql/${opts.script}.sql`, import.meta.url));
  return runPgbench([
    ...["-M", "prepared", "-c", String(opts.clients), "-T", String(opts.seconds)],
    ...["-D", `customers=${opts.customers}`, "-D", `templates=${TEMPLATES}`, "-f", script, url],
  ]);
}
