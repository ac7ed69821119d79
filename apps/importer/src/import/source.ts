import { createReadStream, type ReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { TMigrationType } from "@tally/schemas";
import { parse } from "csv-parse";
import { checkCsvHeader, csvKeyColumn, itemFromCsvRows } from "./csv.ts";
import { rejected, type TSourceItem, validateItem } from "./validate.ts";

/** What the reader yields: an item, or a run of data lines skipped because a checkpoint covers them. */
export type TSourceEvent = { kind: "item"; value: TSourceItem } | { kind: "skip"; lines: number };

export interface ReadItemsOptions {
  file: string;
  format: "ndjson" | "csv";
  type: TMigrationType;
  /** Lines up to and including this one are counted and skipped unparsed. */
  skipThrough?: number;
  /** Told how many bytes of the file have been read so far. */
  onBytes?: (bytes: number) => void;
}

/** Streams the customer items of an NDJSON or CSV file in constant memory, validated. */
export function readItems(opts: ReadItemsOptions): AsyncGenerator<TSourceEvent> {
  const stream = createReadStream(opts.file, { highWaterMark: 256 * 1024 });
  // Bytes of the lines handed out so far (the stream itself reads ahead).
  let consumed = 0;
  const tick = (bytes?: number) => {
    if (bytes !== undefined) consumed = bytes;
    opts.onBytes?.(consumed);
  };
  const count = (bytes: number) => {
    consumed += bytes;
  };
  return opts.format === "csv"
    ? readCsv(opts, stream, tick)
    : readNdjson(opts, stream, tick, count);
}

async function* readNdjson(
  opts: ReadItemsOptions,
  stream: ReadStream,
  tick: () => void,
  count: (bytes: number) => void,
): AsyncGenerator<TSourceEvent> {
  const skipThrough = opts.skipThrough ?? 0;
  let line = 0;
  let skipped = 0;
  for await (const text of createInterface({
    input: stream,
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    line += 1;
    count(Buffer.byteLength(text) + 1);
    if (line % 100 === 0) tick();
    if (text.trim() === "") continue;
    if (line <= skipThrough) {
      skipped += 1;
      continue;
    }
    if (skipped > 0) yield { kind: "skip", lines: skipped };
    skipped = 0;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      const reason = `invalid JSON: ${(error as Error).message}`;
      yield { kind: "item", value: rejected(line, [line], null, [{ line, reason }]) };
      continue;
    }
    yield { kind: "item", value: validateItem({ type: opts.type, raw, lines: [line] }) };
  }
  tick();
  if (skipped > 0) yield { kind: "skip", lines: skipped };
}

async function* readCsv(
  opts: ReadItemsOptions,
  stream: ReadStream,
  tick: (bytes?: number) => void,
): AsyncGenerator<TSourceEvent> {
  const skipThrough = opts.skipThrough ?? 0;
  const key = csvKeyColumn(opts.type);
  const parser = stream.pipe(
    parse({
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        checkCsvHeader(opts.type, names);
        return names;
      },
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }),
  );
  stream.on("error", (error) => parser.destroy(error));
  let group: { rows: Record<string, string>[]; lines: number[] } = { rows: [], lines: [] };
  let skipped = 0;
  const flush = () => {
    const { rows, lines } = group;
    group = { rows: [], lines: [] };
    const { item, recordRows } = itemFromCsvRows(opts.type, rows);
    return validateItem({ type: opts.type, raw: item, lines, recordRows });
  };
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number; bytes: number };
  }>) {
    const line = info.lines;
    if (line % 100 === 0) tick(info.bytes);
    if (line <= skipThrough) {
      skipped += 1;
      continue;
    }
    if (skipped > 0) yield { kind: "skip", lines: skipped };
    skipped = 0;
    if (group.rows.length > 0 && group.rows[0]![key] !== record[key])
      yield { kind: "item", value: flush() };
    group.rows.push(record);
    group.lines.push(line);
  }
  tick(stream.bytesRead);
  if (skipped > 0) yield { kind: "skip", lines: skipped };
  if (group.rows.length > 0) yield { kind: "item", value: flush() };
}
