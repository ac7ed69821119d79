import { createReadStream, type ReadStream } from "node:fs";
import type { TMigrationType } from "@tally/schemas";
import { parse as parseCsv } from "csv-parse/sync";
import { checkCsvHeader, csvKeyColumn, inexactNumber, itemFromCsvRows } from "./csv.ts";
import { MAX_LINE_BYTES, readLines } from "./lines.ts";
import { rejected, type TLineProblem, type TSourceItem, validateItem } from "./validate.ts";

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
    ? readCsv(opts, stream, tick, count)
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
  for await (const { text, bytes, tooLong } of readLines(stream)) {
    line += 1;
    count(bytes);
    if (line % 100 === 0) tick();
    if (!tooLong && text.trim() === "") continue;
    if (line <= skipThrough) {
      skipped += 1;
      continue;
    }
    if (skipped > 0) yield { kind: "skip", lines: skipped };
    skipped = 0;
    if (tooLong) {
      const reason = TOO_LONG;
      yield { kind: "item", value: rejected(line, [line], null, [{ line, reason }]) };
      continue;
    }
    let raw: unknown;
    try {
      // A byte-order mark before the first line is not part of the JSON.
      raw = JSON.parse(line === 1 && text.startsWith("\uFEFF") ? text.slice(1) : text);
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

const TOO_LONG = `line longer than ${MAX_LINE_BYTES / (1 << 20)} MB (not read)`;

/** A quoted field may span lines, but a record of more lines than this is a quote left open. */
const MAX_RECORD_LINES = 64;

type CsvRecord = { text: string; first: number; line: number; open?: boolean; tooLong?: boolean };
type CsvLine = { text: string; line: number; eol: string };

/**
 * Physical lines joined into CSV records (a quoted field may hold line breaks, kept as written;
 * a record runs from line `first` to line `line`). A record spanning lines that `readable`
 * refuses was a stray quote, not a line break in a field: its first line is given alone and the
 * others are read again. A line over the length cap ends the record before it and is a record
 * of its own, `tooLong`.
 */
async function* csvRecords(
  stream: ReadStream,
  count: (bytes: number) => void,
  readable: (r: CsvRecord) => boolean,
): AsyncGenerator<CsvRecord> {
  let parts: CsvLine[] = [];
  let quotes = 0;
  const quotesIn = (text: string) => {
    let n = 0;
    for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n += 1;
    return n;
  };
  /** Adds a line; answers the records it completes. */
  const take = (part: CsvLine): CsvRecord[] => {
    if (parts.length === 0 && part.text.trim() === "") return [];
    parts.push(part);
    quotes += quotesIn(part.text);
    if (quotes % 2 === 1 && parts.length < MAX_RECORD_LINES) return [];
    return settle(quotes % 2 === 1);
  };
  const settle = (open: boolean): CsvRecord[] => {
    const lines = parts;
    parts = [];
    quotes = 0;
    const record = {
      text: lines.map((p, i) => (i === lines.length - 1 ? p.text : p.text + p.eol)).join(""),
      first: lines[0]!.line,
      line: lines[lines.length - 1]!.line,
      open,
    };
    if (lines.length === 1 || (!open && readable(record))) return [record];
    const head = lines[0]!;
    const out: CsvRecord[] = [
      { text: head.text, first: head.line, line: head.line, open: quotesIn(head.text) % 2 === 1 },
    ];
    for (const p of lines.slice(1)) out.push(...take(p));
    return out;
  };
  let line = 0;
  for await (const { text, eol, bytes, tooLong } of readLines(stream)) {
    line += 1;
    count(bytes);
    if (tooLong) {
      if (parts.length > 0) yield* settle(quotes % 2 === 1);
      yield { text: "", first: line, line, tooLong };
      continue;
    }
    yield* take({ text, line, eol });
  }
  while (parts.length > 0) yield* settle(true);
}

/** The cells of one CSV record, or why it cannot be read (bad quoting, wrong column count). */
function csvCells(record: CsvRecord, width: number): { cells: string[] } | { reason: string } {
  const where = record.first === record.line ? "" : ` (lines ${record.first}–${record.line})`;
  if (record.tooLong) return { reason: TOO_LONG };
  if (record.open) return { reason: `malformed CSV: a quoted field is never closed${where}` };
  let rows: string[][];
  try {
    rows = parseCsv(record.text, { relax_column_count: true });
  } catch (error) {
    return {
      reason: `malformed CSV: ${(error as Error).message.replace(/ at line \d+.*$/s, "")}${where}`,
    };
  }
  const cells = rows[0] ?? [];
  if (rows.length !== 1 || cells.length !== width)
    return {
      reason: `malformed CSV: ${cells.length} column(s) where the header has ${width}${where}`,
    };
  return { cells };
}

/** The header's column names; throws (a usage error) when it cannot be read. */
function csvHeader(type: TMigrationType, record: CsvRecord): string[] {
  let rows: string[][] = [];
  try {
    if (!record.open && !record.tooLong) rows = parseCsv(record.text.replace(/^\uFEFF/, ""));
  } catch {}
  if (rows.length !== 1) throw new Error("the CSV header row cannot be read");
  const names = rows[0]!.map((h) => h.trim());
  checkCsvHeader(type, names);
  return names;
}

/**
 * One customer's rows: each row's line is where its record starts (what the report names), `end`
 * the last physical line of its last record (what a checkpoint covers).
 */
type CsvGroup = {
  rows: Record<string, string>[];
  lines: number[];
  end: number;
  bad: TLineProblem[];
};
/** An unreadable record: the problem on its first line, `end` its last. */
type Unreadable = TLineProblem & { end: number };

async function* readCsv(
  opts: ReadItemsOptions,
  stream: ReadStream,
  tick: () => void,
  count: (bytes: number) => void,
): AsyncGenerator<TSourceEvent> {
  const skipThrough = opts.skipThrough ?? 0;
  const key = csvKeyColumn(opts.type);
  let header: string[] | undefined;
  let group: CsvGroup = { rows: [], lines: [], end: 0, bad: [] };
  /** Unreadable records since the last row: the group's if its customer goes on, else their own. */
  let pending: Unreadable[] = [];
  let skipped = 0;
  const flush = function* (): Generator<TSourceEvent> {
    const { rows, lines, end, bad } = group;
    group = { rows: [], lines: [], end: 0, bad: [] };
    if (rows.length > 0)
      yield { kind: "item", value: { ...groupItem(opts.type, rows, lines, bad), last: end } };
  };
  const unreadable = function* (): Generator<TSourceEvent> {
    for (const { end, ...p } of pending)
      yield { kind: "item", value: { ...rejected(p.line, [p.line], null, [p]), last: end } };
    pending = [];
  };
  const readable = (r: CsvRecord) =>
    header === undefined || !("reason" in csvCells(r, header.length));
  for await (const record of csvRecords(stream, count, readable)) {
    if (record.line % 100 === 0) tick();
    if (!header) {
      header = csvHeader(opts.type, record);
      continue;
    }
    if (record.line <= skipThrough) {
      skipped += 1;
      continue;
    }
    if (skipped > 0) yield { kind: "skip", lines: skipped };
    skipped = 0;
    const parsed = csvCells(record, header.length);
    if ("reason" in parsed) {
      pending.push({ line: record.first, reason: parsed.reason, end: record.line });
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, parsed.cells[i]!]));
    if (group.rows.length > 0 && group.rows[0]![key] !== row[key]) yield* flush();
    if (group.rows.length > 0) group.bad.push(...pending.map(({ end: _, ...p }) => p));
    else yield* unreadable();
    pending = [];
    group.rows.push(row);
    group.lines.push(record.first);
    group.end = record.line;
    const inexact = inexactNumber(row);
    if (inexact) group.bad.push({ line: record.first, reason: inexact });
  }
  tick();
  if (skipped > 0) yield { kind: "skip", lines: skipped };
  yield* flush();
  yield* unreadable();
}

/**
 * A customer's rows as one item; with unreadable rows among them (or a row of its own that
 * cannot be carried, such as an inexact number), all rejected together.
 */
function groupItem(
  type: TMigrationType,
  rows: Record<string, string>[],
  lines: number[],
  bad: TLineProblem[],
): TSourceItem {
  const { item, recordRows } = itemFromCsvRows(type, rows);
  const validated = validateItem({ type, raw: item, lines, recordRows });
  if (bad.length === 0) return validated;
  const customerId = validated.customerId;
  const others = validated.problems ?? [];
  const problems = [
    ...bad,
    ...lines
      .filter((line) => !bad.some((b) => b.line === line))
      .map(
        (line) =>
          others.find((p) => p.line === line && !p.reason.startsWith("rejected with")) ?? {
            line,
            reason: `rejected with the other rows of customer ${customerId ?? "?"}`,
          },
      ),
  ].sort((a, b) => a.line - b.line);
  return rejected(
    problems[0]!.line,
    problems.map((p) => p.line),
    customerId,
    problems,
  );
}
