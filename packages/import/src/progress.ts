import cliProgress from "cli-progress";
import type { TImportProgress } from "./import-file.ts";

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/**
 * Progress of a CLI run: a bar with rate and ETA on a TTY, else a plain line at most every
 * `everyMs` (and one at the end) — so logs of a piped run stay readable.
 */
export function createProgressReporter(opts: { tty: boolean; everyMs?: number }) {
  const started = Date.now();
  const everyMs = opts.everyMs ?? 2000;
  let lastLog = 0;
  let printed = "";
  const print = (text: string) => {
    if (text !== printed) console.log(text);
    printed = text;
  };
  let bar: cliProgress.SingleBar | undefined;
  const rate = (p: TImportProgress) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    return Math.round((p.lines - p.skippedByCheckpoint) / seconds);
  };
  const line = (p: TImportProgress) =>
    `import: ${p.lines} lines (${mb(p.bytes)}/${mb(p.totalBytes)} MB), accepted ${p.accepted}, rejected ${p.rejected}, duplicates ${p.duplicates}, skipped ${p.skippedByCheckpoint}, ${rate(p)} lines/s`;
  return {
    update(p: TImportProgress) {
      if (opts.tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format:
                "{bar} {percentage}% | {lines} lines | {rate} lines/s | ETA {eta_formatted} | rejected {rejected}",
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.totalBytes, 0, { lines: 0, rate: 0, rejected: 0 });
        }
        bar.update(p.bytes, { lines: p.lines, rate: rate(p), rejected: p.rejected });
        return;
      }
      if (Date.now() - lastLog < everyMs) return;
      lastLog = Date.now();
      print(line(p));
    },
    finish(p: TImportProgress) {
      if (bar) {
        bar.update(p.totalBytes, { lines: p.lines, rate: rate(p), rejected: p.rejected });
        bar.stop();
      } else print(line(p));
    },
  };
}
