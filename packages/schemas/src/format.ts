import type { z } from "zod";

/**
 * Turns zod issues into one sentence that names every offending field path; an issue of the
 * value itself (no path) is named `root` (a body, or a call's input).
 */
export function formatIssues(error: z.ZodError, prefix = "", root = "body"): string {
  return error.issues
    .slice(0, 20)
    .map((issue) => {
      const path = [
        prefix,
        ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))),
      ]
        .filter(Boolean)
        .join(".")
        .replace(/\.\[/g, "[");
      // zod reports the input only when asked to, so a missing field is told by its message.
      const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
      return `${path || root}: ${missing ? "is required" : issue.message}`;
    })
    .join("; ");
}
