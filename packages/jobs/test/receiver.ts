import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got, and what it answered. */
export interface Received {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; event: string; created_at: string; data: Record<string, unknown> };
  answered: number | "timeout";
}

/** What the receiver does with a request: answer a status, or never answer. */
export type Behaviour = (r: Omit<Received, "answered">) => number | "timeout";

/** A webhook receiver on a loopback port; `behave` may be swapped while it runs. */
export async function startReceiver(port = 0) {
  const received: Received[] = [];
  const state = { behave: (() => 200) as Behaviour, delayMs: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const r = {
        id: String(req.headers["webhook-id"]),
        headers: req.headers,
        body,
        json: JSON.parse(body),
      };
      const answer = state.behave(r);
      received.push({ ...r, answered: answer });
      if (answer === "timeout") return; // never answers: the sender's timeout ends it
      const reply = () =>
        res.writeHead(answer, { "content-type": "text/plain" }).end(`answer ${answer}`);
      if (state.delayMs > 0) setTimeout(reply, state.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/hooks`,
    port: address.port,
    received,
    state,
    /** 2xx answers only: what the receiver accepted. */
    accepted: () => received.filter((r) => typeof r.answered === "number" && r.answered < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
