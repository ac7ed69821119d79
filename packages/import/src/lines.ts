import type { Readable } from "node:stream";

/** The longest line the importer reads (a migrate item; REST takes 1 MB per request too). */
export const MAX_LINE_BYTES = 1 << 20;

/** One physical line: its text without the line break, the break itself, its size in bytes. */
export interface TLine {
  text: string;
  eol: "\r\n" | "\n" | "";
  bytes: number;
  /** The line was longer than the cap: `text` is empty, its bytes were skipped unread. */
  tooLong?: boolean;
}

/**
 * The lines of a byte stream, each at most `maxBytes` long: a longer line is skipped up to its
 * line break (never held in memory) and given as `tooLong`, so one huge line cannot exhaust the
 * heap. Unlike readline, each line says how it ended, so a CSV field spanning lines keeps its
 * CRLF.
 */
export async function* readLines(
  input: Readable,
  maxBytes = MAX_LINE_BYTES,
): AsyncGenerator<TLine> {
  let parts: Buffer[] = []; // the current line's bytes so far (none while skipping)
  let held = 0; // its length in bytes
  let skipping = false;
  /** The line ending with `end` (the bytes before its break in this chunk). */
  const finish = (end: Buffer, eol: "\n" | ""): TLine => {
    const size = held + end.length;
    const tooLong = skipping || size > maxBytes;
    const all = tooLong || parts.length === 0 ? end : Buffer.concat([...parts, end]);
    parts = [];
    held = 0;
    skipping = false;
    if (tooLong) return { text: "", eol, bytes: size + eol.length, tooLong };
    const cr = eol === "\n" && all.length > 0 && all[all.length - 1] === 13;
    const text = all.toString("utf8", 0, cr ? all.length - 1 : all.length);
    return { text, eol: cr ? "\r\n" : eol, bytes: size + eol.length };
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      yield finish(chunk.subarray(start, nl), "\n");
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    held += rest.length;
    if (skipping || held > maxBytes) {
      skipping = true;
      parts = [];
    } else if (rest.length > 0) parts.push(rest);
  }
  if (held > 0 || skipping) yield finish(Buffer.alloc(0), "");
}
