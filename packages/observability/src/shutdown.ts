import type { Server } from "node:http";
import type { Logger } from "./logger.ts";

export interface ShutdownOptions {
  server: Server;
  logger: Logger;
  /** Longest the whole shutdown may take before the process is forced out (exit 1). */
  timeoutMs: number;
  /** What runs beside the server's draining (the worker hands back its job); then `close`. */
  stop?: () => Promise<void>;
  /** Last, once no request is in flight and `stop` is done (the database). */
  close?: () => Promise<void>;
  /** Stands in for process.exit (tests). */
  exit?: (code: number) => void;
}

/**
 * Shuts down on SIGTERM or SIGINT: the server stops accepting and idle keep-alive connections
 * are closed, in-flight requests finish, `stop` runs meanwhile, then `close`, then exit 0. At
 * `timeoutMs` whatever is still running is abandoned: exit 1. Answers `draining()`, true from
 * the signal on (so /readyz turns 503 and a balancer stops sending), and the shutdown itself.
 */
export function handleShutdown(opts: ShutdownOptions) {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let draining = false;
  const shutdown = (signal: string) => {
    if (draining) return;
    draining = true;
    opts.logger.info({ signal, timeoutMs: opts.timeoutMs }, "shutting down");
    const deadline = setTimeout(() => {
      opts.logger.error(
        { timeoutMs: opts.timeoutMs },
        "shutdown deadline passed with work still running: forced exit",
      );
      exit(1);
    }, opts.timeoutMs);
    const served = new Promise<void>((resolve) => opts.server.close(() => resolve()));
    // A keep-alive connection whose request has just been answered is idle too: close it.
    const sweep = setInterval(() => opts.server.closeIdleConnections(), 50);
    opts.server.closeIdleConnections();
    Promise.all([served, opts.stop?.()])
      .finally(() => clearInterval(sweep))
      .then(() => opts.close?.())
      .then(
        () => {
          clearTimeout(deadline);
          opts.logger.info("shut down");
          exit(0);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          opts.logger.error({ err: error }, "shutdown failed");
          exit(1);
        },
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  return { draining: () => draining, shutdown };
}
