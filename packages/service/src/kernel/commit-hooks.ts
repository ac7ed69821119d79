import type { Database, Db } from "@tally/db";
import type { Transaction } from "kysely";

type Trx = Transaction<Database>;
type Hook = () => Promise<void>;

const hooks = new WeakMap<Trx, Hook[]>();

/**
 * Runs `hook` at the end of `trx`'s work, inside it, just before it commits (the webhook outbox
 * writes its rows there, once the change is complete). Only transactions opened by `transact`
 * or `inTransaction` run their hooks; a retried transaction is a new `trx` with none.
 */
export function beforeCommit(trx: Trx, hook: Hook): void {
  const list = hooks.get(trx);
  if (list) list.push(hook);
  else hooks.set(trx, [hook]);
}

/** One database transaction whose beforeCommit hooks run after `work`, in the order added. */
export function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const result = await work(trx);
    // A hook may add another (one that records while flushing): run until none is left.
    for (let list = hooks.get(trx); list?.length; list = hooks.get(trx)) {
      hooks.delete(trx);
      for (const hook of list) await hook();
    }
    return result;
  });
}
