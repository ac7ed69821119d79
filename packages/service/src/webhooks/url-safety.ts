import { BlockList, isIP } from "node:net";
import { DomainError } from "@tally/core";

/** Loopback, private, link-local, shared, multicast and reserved ranges (v4 and v6). */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv6");

/** Whether an IP address is one a webhook must not reach without the private-URL flag. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, "ipv4");
  if (family !== 6) return true;
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is checked as the IPv4 one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, "ipv4");
  return PRIVATE.check(address, "ipv6");
}

const invalid = (details: string) => new DomainError("VALIDATION_FAILED", `url: ${details}`);

/**
 * A subscription's URL as stored (docs/webhooks.md#url-safety): https:// only, with no
 * credentials, and neither localhost nor an address in a private range — unless
 * `allowPrivate`, which also allows http://. Names are resolved again at every delivery.
 */
export function checkWebhookUrl(text: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid("is not a URL");
  }
  const schemes = allowPrivate ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol))
    throw invalid(allowPrivate ? "must be http:// or https://" : "must be https://");
  if (url.username || url.password) throw invalid("must not carry credentials");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const local = host === "localhost" || host.endsWith(".localhost");
  if (!allowPrivate && (local || (isIP(host) !== 0 && isPrivateAddress(host))))
    throw invalid("must not point to a loopback or private address");
  return url.toString();
}
