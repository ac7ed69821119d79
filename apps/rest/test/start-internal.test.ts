// README: `pnpm start` serves the internal API beside the REST app, in the same process (the
// embedded database is one process's), prints an operator token kept beside the data folder and
// a call to paste, and notes the API's address for `pnpm admin`.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMain } from "./main-process.ts";

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tally-internal-"));
});
afterAll(async () => {
  for (const suffix of ["", ".jwt-secret", ".lock", ".operator-token", ".internal-url"])
    await rm(`${dataDir}${suffix}`, { recursive: true, force: true });
});

const TOKEN = /operator token \(kept in (\S+)\): (tly_\S+)/;
const URL_LINE = /Tally internal API \(tRPC\) on (http:\/\/localhost:\d+\/trpc)/;

/** Runs a printed line in a shell, as a user pasting it would. */
async function paste(line: string): Promise<string> {
  const shell = spawn("bash", ["-c", line], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  shell.stdout!.on("data", (d) => (out += d));
  shell.stderr!.on("data", (d) => (out += d));
  await new Promise((r) => shell.on("exit", r));
  return out;
}

describe("the internal API of pnpm start", () => {
  it("prints a kept operator token and a call that answers; the token outlives a restart", async () => {
    const first = await startMain({ TALLY_DATA_DIR: dataDir });
    let token: string;
    try {
      const out = first.out();
      const url = URL_LINE.exec(out)?.[1];
      expect(url, out).toBeDefined();
      const [, keptAt, printed] = TOKEN.exec(out)!;
      token = printed!;
      expect(keptAt).toBe(`${dataDir}.operator-token`);
      expect((await readFile(`${dataDir}.operator-token`, "utf8")).trim()).toBe(token);
      expect((await stat(`${dataDir}.operator-token`)).mode & 0o777).toBe(0o600);
      expect((await readFile(`${dataDir}.internal-url`, "utf8")).trim()).toBe(url);
      // The printed call lists the demo account's brands.
      const curl = out.split("\n").find((l) => l.trim().startsWith("curl") && l.includes("/trpc/"));
      const answer = JSON.parse(await paste(curl!));
      expect(answer.result.data.items).toEqual([
        expect.objectContaining({ id: "0001", name: expect.any(String) }),
      ]);
    } finally {
      await first.stop();
    }
    // A stopped start leaves no address behind.
    await expect(stat(`${dataDir}.internal-url`)).rejects.toMatchObject({ code: "ENOENT" });
    const second = await startMain({ TALLY_DATA_DIR: dataDir, DEMO: "off" });
    try {
      expect(TOKEN.exec(second.out())?.[2]).toBe(token);
      expect(second.out()).toMatch(/operatorTokens\.list\?input=%7B%7D/);
    } finally {
      await second.stop();
    }
  }, 180_000);
});
