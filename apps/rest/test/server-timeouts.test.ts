// A client that sends its headers and then trickles or stops its body must not hold a socket
// for Node's default five minutes: the server closes it once REQUEST_TIMEOUT_SECONDS (here a
// second) have passed, on a real port with raw sockets.
import type { Server } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../src/server.ts";
import { API_PREFIX, newTenant, type Tenant, useTestApp } from "./helpers.ts";

const ctx = useTestApp();
const TIMEOUTS = { requestTimeoutMs: 1000, headersTimeoutMs: 500, keepAliveTimeoutMs: 500 };
let server: Server;
let tenant: Tenant;

beforeAll(async () => {
  server = await startServer(ctx.app, { port: 0, ...TIMEOUTS });
  tenant = await newTenant(ctx);
});
afterAll(() => new Promise((r) => server.close(r)));

const portOf = (s: Server) => (s.address() as { port: number }).port;

/**
 * Opens a raw connection, lets `talk` write to it, and answers how long after connecting the
 * server closed it and what it sent; gives up (Infinity) after 10 s.
 */
async function whenClosed(
  port: number,
  talk: (socket: Socket) => void,
): Promise<{ ms: number; answer: string }> {
  const socket = connect(port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  const started = Date.now();
  let answer = "";
  socket.on("data", (d) => (answer += d));
  socket.on("error", () => {}); // writes after the server closed
  const ms = await new Promise<number>((resolve) => {
    const giveUp = setTimeout(() => resolve(Number.POSITIVE_INFINITY), 10_000);
    socket.once("close", () => {
      clearTimeout(giveUp);
      resolve(Date.now() - started);
    });
    talk(socket);
  });
  socket.destroy();
  return { ms, answer };
}

/** Writes one byte every 100 ms until the socket closes. */
function trickle(socket: Socket, byte: string) {
  const timer = setInterval(() => socket.writable && socket.write(byte), 100);
  socket.once("close", () => clearInterval(timer));
}

const headers = (token: string) =>
  `POST ${API_PREFIX}/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
  "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n";

describe("request timeouts on a real port", () => {
  it("an authenticated request whose body stops is answered 408 and closed within the request timeout", async () => {
    const { ms, answer } = await whenClosed(portOf(server), (s) =>
      s.write(`${headers(tenant.server.token)}{"id":`),
    );
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(2500);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("an authenticated request whose body trickles a byte every 100 ms is closed within the request timeout", async () => {
    const { ms, answer } = await whenClosed(portOf(server), (s) => {
      s.write(`${headers(tenant.server.token)}{"id":"`);
      trickle(s, "x");
    });
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(2500);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("headers that trickle are closed within the headers timeout", async () => {
    const { ms, answer } = await whenClosed(portOf(server), (s) => {
      s.write(`GET ${API_PREFIX}/tiers HTTP/1.1\r\nHost: localhost\r\n`);
      trickle(s, "X"); // a header name that never ends
    });
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(2000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("an idle keep-alive connection is closed after the keep-alive timeout", async () => {
    const { ms, answer } = await whenClosed(portOf(server), (s) =>
      s.write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n"),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(ms).toBeGreaterThanOrEqual(400);
    // Node keeps the socket up to a second past the advertised timeout (its own margin).
    expect(ms).toBeLessThan(3000);
  });

  it("a whole request whose handler runs longer than the request timeout is still answered", async () => {
    const slow = await startServer(
      (_req, res) => {
        setTimeout(() => res.end("late but whole"), 1800);
      },
      { port: 0, ...TIMEOUTS },
    );
    try {
      const res = await fetch(`http://127.0.0.1:${portOf(slow)}/`, {
        method: "POST",
        body: JSON.stringify({ id: "x" }),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("late but whole");
    } finally {
      await new Promise((r) => slow.close(r));
    }
  });
});
