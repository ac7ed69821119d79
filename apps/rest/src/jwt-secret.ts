import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";

/**
 * The token-signing secret kept at `path` for the embedded database (JWT_SECRET unset), made
 * on the first start (32 random bytes as hex, mode 0600), so tokens outlive a restart.
 */
export async function keptJwtSecret(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT")
      throw new Error(`cannot read the token secret ${path}: ${(error as Error).message}`);
    const secret = randomBytes(32);
    await writeFile(path, `${secret.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(
      `the token secret ${path} is not 64 hex digits: delete it to have a new one made (tokens issued with it stop working)`,
    );
  return Buffer.from(hex, "hex");
}
