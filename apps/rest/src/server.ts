import { createServer, type RequestListener, type Server } from "node:http";

export interface ServerOptions {
  port: number;
  /** Longest a client may take to send a whole request, headers and body: then 408, closed. */
  requestTimeoutMs: number;
  /** Longest a client may take to send a request's headers (≤ requestTimeoutMs). */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
}

/**
 * Serves `handler` on `port` once listening. Node's own limit would let a client that sends its
 * headers and then trickles or stops its body hold the socket for five minutes; these timeouts
 * close it sooner. They bound receiving the request only: a handler that runs long (a wait on
 * a lock) still answers.
 */
export function startServer(handler: RequestListener, opts: ServerOptions): Promise<Server> {
  const server = createServer(
    {
      requestTimeout: opts.requestTimeoutMs,
      headersTimeout: opts.headersTimeoutMs,
      keepAliveTimeout: opts.keepAliveTimeoutMs,
      // How often Node checks the two timeouts (its default, 30 s, could double a 30 s timeout).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(opts.headersTimeoutMs / 4)),
    },
    handler,
  );
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
