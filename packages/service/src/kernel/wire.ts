/** An instant as the wire shows it: ISO 8601, or null. */
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** A stored JSON object (or anything else, as `{}`). */
export const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
