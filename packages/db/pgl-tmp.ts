import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect } from "kysely";
import { migrateToLatest } from "/work/wt-14t/packages/db/src/migrate.ts";
let t = performance.now();
const lap = (l: string) => { const n = performance.now(); console.log(l, Math.round(n - t)); t = n; };
const p = new PGlite(); await p.waitReady; lap("new pglite");
const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite: p }) });
await migrateToLatest(db); lap("migrate");
const blob = await p.dumpDataDir("none"); lap(`dump ${blob.size}`);
const blobz = await p.dumpDataDir("gzip"); lap(`dumpz ${blobz.size}`);
for (const b of [blob, blobz, blob]) {
  const q = new PGlite({ loadDataDir: b }); await q.waitReady; lap("load");
  console.log((await q.query("select count(*) from kysely_migration")).rows);lap("q");
  await q.close(); lap("close");
}
const c = await p.clone(); lap("clone");
console.log((await c.query("select count(*) from kysely_migration")).rows);
const p2 = new PGlite(); await p2.waitReady; lap("new pglite 2");
