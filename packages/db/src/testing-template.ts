import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect } from "kysely";
import pg from "pg";
import { createDb } from "./create-db.ts";
import { migrateToLatest } from "./migrate.ts";

/*
 * Test databases start from a copy of one migrated database instead of migrating each time:
 * a PGlite `initdb` plus the migrations cost seconds per test file, a copy a fraction of it.
 * The copy is made once per schema (the fingerprint below) and reused by every later run.
 */

const MIGRATIONS = fileURLToPath(new URL("./migrations/", import.meta.url));

let fingerprint: string | undefined;

/**
 * What the migrated schema depends on: every migration file's name and text, and PGlite's
 * version (its data directory's format). A changed migration makes a new template.
 */
export function schemaFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS).sort()) {
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(MIGRATIONS, file)))
      .update("\0");
  }
  // The list of migrations that run, too: a file present but not registered (a merge in
  // progress) must not make a template that a later, registered state would reuse.
  hash.update(readFileSync(fileURLToPath(new URL("./migrate.ts", import.meta.url)))).update("\0");
  const pglite = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  hash.update(JSON.parse(readFileSync(join(pglite, "../package.json"), "utf8")).version);
  fingerprint = hash.digest("hex").slice(0, 16);
  return fingerprint;
}

let tarball: Promise<Blob> | undefined;

/**
 * A migrated PGlite data directory as a tarball, for `new PGlite({ loadDataDir })`. Built once
 * per fingerprint into the OS temp folder (written aside, then renamed: concurrent builders
 * each publish a whole file) and read from there by every test process after.
 */
export function migratedPgliteTarball(): Promise<Blob> {
  tarball ??= (async () => {
    const path = join(tmpdir(), `tally-pglite-template-${schemaFingerprint()}.tar`);
    if (existsSync(path)) return new Blob([await readFile(path)]);
    const pglite = new PGlite();
    await migrateToLatest(new Kysely<any>({ dialect: new PGliteDialect({ pglite }) }));
    const blob = await pglite.dumpDataDir("none");
    await pglite.close();
    const aside = `${path}.${process.pid}-${randomBytes(4).toString("hex")}`;
    await writeFile(aside, new Uint8Array(await blob.arrayBuffer()));
    await rename(aside, path);
    return blob;
  })();
  return tarball;
}

let dataDir: Promise<string> | undefined;

/**
 * The migrated PGlite data directory unpacked on disk (beside the tarball, built the same way),
 * so that a test can give a child process a migrated embedded database by copying files.
 */
export function migratedPgliteDataDir(): Promise<string> {
  dataDir ??= (async () => {
    const path = join(tmpdir(), `tally-pglite-template-${schemaFingerprint()}.d`);
    if (existsSync(path)) return path;
    const aside = `${path}.${process.pid}-${randomBytes(4).toString("hex")}`;
    const pglite = new PGlite({ dataDir: aside, loadDataDir: await migratedPgliteTarball() });
    await pglite.close();
    await rename(aside, path).catch(async (error: NodeJS.ErrnoException) => {
      // Another process published it first: theirs is as good.
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
      await rm(aside, { recursive: true, force: true });
    });
    return path;
  })();
  return dataDir;
}

/**
 * Fills `target` (absent or empty) with a migrated embedded database, as a first start would
 * leave it, for tests whose subject is a later start or a command, not the first migration.
 */
export async function seedPgliteDataDir(target: string): Promise<void> {
  await cp(await migratedPgliteDataDir(), target, { recursive: true });
}

/** Any fixed number: the advisory lock that serialises template builds on one server. */
const TEMPLATE_LOCK = 7_260_014;

const templates = new Map<string, Promise<string>>();

/**
 * The name of a migrated template database on the server `baseUrl` points at, created once per
 * fingerprint: migrated under a temporary name, then renamed, so a template that exists is
 * complete. Builders queue on an advisory lock; one that finds the template built is done.
 */
export function migratedPostgresTemplate(baseUrl: string): Promise<string> {
  let made = templates.get(baseUrl);
  if (!made) {
    made = buildPostgresTemplate(baseUrl);
    templates.set(baseUrl, made);
  }
  return made;
}

async function buildPostgresTemplate(baseUrl: string): Promise<string> {
  const name = `tally_template_${schemaFingerprint()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    const exists = async () =>
      (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount! > 0;
    if (await exists()) return name;
    await admin.query("select pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    if (await exists()) return name;
    // Half-built templates of builders that died: nobody else builds while we hold the lock.
    const { rows } = await admin.query<{ datname: string }>(
      "select datname from pg_database where datname like 'tally_template_building_%'",
    );
    for (const row of rows) await admin.query(`drop database ${row.datname} with (force)`);
    const building = `tally_template_building_${randomBytes(6).toString("hex")}`;
    await admin.query(`create database ${building}`);
    const url = new URL(baseUrl);
    url.pathname = `/${building}`;
    const { db } = createDb({ databaseUrl: url.toString(), poolSize: 1 });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    await admin.query(`alter database ${building} rename to ${name}`);
    return name;
  } finally {
    await admin.end(); // also releases the advisory lock
  }
}
