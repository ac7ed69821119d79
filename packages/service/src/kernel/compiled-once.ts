import { type Compilable, CompiledQuery } from "kysely";
import type { Executor } from "./deps.ts";

/** What stands for the n-th argument while the query is compiled (no caller's value has a NUL). */
const slot = (n: number) => `\u0000compiled-once:${n}`;

/**
 * A hot query of fixed shape whose every varying value is a string argument, built and
 * compiled by Kysely once: its query builder builds and compiles the same tree on every call,
 * a measurable share of an event's CPU. Later calls bind their arguments to the same SQL text
 * (which also keeps one prepared plan per connection). `build` must use each argument only as
 * a bound value, never in the query's shape.
 */
export function compiledOnce<A extends string[], R>(
  build: (db: Executor, ...args: A) => Compilable<R>,
): (db: Executor, ...args: A) => Promise<R[]> {
  let text: string | null = null;
  let bind: ((args: A) => readonly unknown[]) | null = null;
  return async (db, ...args) => {
    if (text === null || bind === null) {
      const compiled = build(db, ...(args.map((_, i) => slot(i)) as A)).compile();
      const positions = compiled.parameters.map((p) => {
        const at = args.findIndex((_, i) => p === slot(i));
        return at >= 0 ? at : { value: p };
      });
      text = compiled.sql;
      bind = (a) => positions.map((p) => (typeof p === "number" ? a[p] : p.value));
    }
    const { rows } = await db.executeQuery<R>(CompiledQuery.raw(text, [...bind(args)]));
    return rows;
  };
}
