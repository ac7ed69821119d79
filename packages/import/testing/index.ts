import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh temporary directory for one test's files. */
export const tempDir = () => mkdtemp(join(tmpdir(), "tally-import-"));

/** Writes NDJSON lines (objects, or raw strings written as they are). */
export async function writeNdjson(path: string, lines: unknown[]) {
  await writeFile(
    path,
    `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n`,
  );
  return path;
}

/** Reads a rejected-rows report (empty when absent). */
export async function readReport(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
