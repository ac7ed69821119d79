import { readFile, writeFile } from "node:fs/promises";
import type { Db } from "@tally/db";
import { createServiceToken, verifyServiceToken } from "@tally/service";

/**
 * The operator-wide service token of the zero-setup start, kept at `path` (mode 0600) so the
 * same token works after a restart and `pnpm admin` can use it while the start holds the
 * embedded database. Made on the first start, and again if the kept one was revoked.
 */
export async function keptOperatorToken(db: Db, path: string): Promise<string> {
  let kept: string | null = null;
  try {
    kept = (await readFile(path, "utf8")).trim();
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT")
      throw new Error(`cannot read the operator token ${path}: ${(error as Error).message}`);
  }
  if (kept) {
    const live = await verifyServiceToken(db, `Bearer ${kept}`).then(
      () => true,
      () => false,
    );
    if (live) return kept;
  }
  const { token } = await createServiceToken(db, { accountId: null, name: "pnpm start" });
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}
