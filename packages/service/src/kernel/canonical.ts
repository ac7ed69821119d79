import { hash } from "node:crypto";

/** SHA-256 of a text as hex, one-shot (several times faster than createHash for short texts). */
export const sha256Hex = (text: string): string => hash("sha256", text, "hex");

/** SHA-256 of a value's canonical JSON: what tells a replay from another request. */
export const canonicalHash = (value: unknown): string => sha256Hex(canonical(value));

/** JSON with object keys sorted, so values compare equal whatever order jsonb stored them in. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
