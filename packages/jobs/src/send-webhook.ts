import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { ClaimedDelivery, DeliveryOutcome } from "@tally/service";
import { isPrivateAddress } from "@tally/service";
import { Webhook } from "standardwebhooks";

/** A receiver has this long to answer (connection, headers and body) before it counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of an answer is read (and kept as its excerpt). */
const MAX_READ = 4096;

const refused = (address: string) =>
  Object.assign(new Error(`refused to connect to private address ${address}`), {
    code: "EPRIVATE",
  });

/** A DNS lookup that fails for loopback or private answers: a name may not lead inside. */
const publicLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(refused(bad.address), "", 0);
    if (options.all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};

/** The Standard Webhooks headers of a delivery: one `v1,` signature per secret. */
export function signDelivery(d: Pick<ClaimedDelivery, "id" | "body" | "secrets">, at: Date) {
  const signature = d.secrets.map((s) => new Webhook(s).sign(d.id, at, d.body)).join(" ");
  return {
    "webhook-id": d.id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

/**
 * POSTs one delivery, signed, and answers what came back. Redirects are not followed (a 3xx
 * is a failure); the whole exchange is bounded by `timeoutMs`; without `allowPrivate` the
 * address the URL resolves to must be public (checked at connection, so DNS cannot swap it).
 */
export function sendWebhook(
  d: ClaimedDelivery,
  opts: { allowPrivate: boolean; now: Date; timeoutMs?: number },
): Promise<DeliveryOutcome> {
  const url = new URL(d.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!opts.allowPrivate && (url.protocol !== "https:" || (isIP(host) && isPrivateAddress(host))))
    return Promise.resolve({
      statusCode: null,
      response: null,
      error: `refused: ${url.protocol === "https:" ? `private address ${host}` : "not https://"}`,
    });
  const client = url.protocol === "https:" ? https : http;
  const headers = {
    "content-type": "application/json",
    "user-agent": "Tally-Webhooks/1",
    ...signDelivery(d, opts.now),
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(outcome);
    };
    const request = client.request(
      url,
      {
        method: "POST",
        headers,
        agent: false,
        ...(opts.allowPrivate ? {} : { lookup: publicLookup }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            statusCode: response.statusCode ?? null,
            response: Buffer.concat(chunks).toString("utf8"),
            error: null,
          });
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_READ) done();
        });
        response.on("end", done);
        response.on("error", done);
      },
    );
    const timer = setTimeout(
      () => finish({ statusCode: null, response: null, error: "timed out" }),
      opts.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    );
    request.on("error", (error) =>
      finish({ statusCode: null, response: null, error: error.message }),
    );
    request.end(d.body);
  });
}
