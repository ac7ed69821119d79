import type { z } from "zod";

/** Turns zod issues into one sentence that names every offending field path. */
export function formatIssues(error: z.ZodError, prefix = ""): string {
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
      const message =
        issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
      return `${path || "body"}: ${message}`;
    })
    .join("; ");
}
