import { rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { createInternalHandler, INTERNAL_PATH } from "@tally/api";
import type { Db } from "@tally/db";
import { keptOperatorToken } from "./operator-token.ts";
import { type ServerOptions, startServer } from "./server.ts";

/**
 * The internal API served by the REST app's process, on its own port: on the embedded
 * database no other process may open the data, so `pnpm start` hosts both. With `keptAt`
 * (the embedded data folder's path) it keeps an operator token at `<keptAt>.operator-token`
 * and the API's address at `<keptAt>.internal-url`, where `pnpm admin` finds them.
 */
export async function serveInternal(opts: {
  db: Db;
  server: ServerOptions;
  logger: { error(message: string, error?: unknown): void };
  keptAt?: string | undefined;
}): Promise<{ server: Server; url: string; operatorToken: string | null; stop(): Promise<void> }> {
  const handler = createInternalHandler({
    db: opts.db,
    now: () => new Date(),
    logger: opts.logger,
  });
  const server = await startServer(handler, opts.server);
  const url = `http://localhost:${(server.address() as { port: number }).port}${INTERNAL_PATH}`;
  let operatorToken: string | null = null;
  if (opts.keptAt) {
    operatorToken = await keptOperatorToken(opts.db, `${opts.keptAt}.operator-token`);
    await writeFile(`${opts.keptAt}.internal-url`, `${url}\n`);
  }
  return {
    server,
    url,
    operatorToken,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      if (opts.keptAt) await rm(`${opts.keptAt}.internal-url`, { force: true });
    },
  };
}
