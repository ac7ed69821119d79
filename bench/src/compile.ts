import { performance } from "node:perf_hooks";
import type { Database } from "@tally/db";
import { buildLockQuery } from "@tally/service";
import { CompiledQuery, Kysely, PostgresDialect } from "kysely";
import { fmt, machineLoad } from "./stats.ts";

/**
 * What compiling a hot query once saves (packages/service compiledOnce): the customer lock's
 * query built and compiled by Kysely's query builder, as every call did, against binding new
 * values to its SQL text. No database: only the app's CPU per call.
 */
export function benchCompile(iterations = 20_000) {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: {} as never }) });
  const build = (accountId: string, id: string) => buildLockQuery(db, "c.id", accountId, id);
  const text = build("a", "b").compile().sql;
  const time = (f: (i: number) => unknown) => {
    for (let i = 0; i < iterations; i++) f(i); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) f(i);
    return ((performance.now() - t0) / iterations) * 1000;
  };
  const built = time((i) => build("account", `c${i}`).compile());
  const once = time((i) => CompiledQuery.raw(text, ["account", `c${i}`]));
  console.log(`customer lock query, ${iterations} calls (${machineLoad()}):`);
  console.log(
    `  built and compiled per call ${fmt(built, 1)} µs, compiled once ${fmt(once, 1)} µs`,
  );
  return { built, once };
}

if (import.meta.url === `file://${process.argv[1]}`) benchCompile();
