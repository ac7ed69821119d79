import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Summarises the .cpuprofile files a run with BENCH_CPU_PROF=<dir> left in <dir> (one per app
// process and thread): self time by package and by function, and total time (self and callees)
// by function, as shares of the busy samples after the first request was routed (start-up
// left out), so the costliest places show whatever the machine's speed.
// `pnpm bench:profile <dir> [top]`.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a workspace package, a dependency, or Node itself. */
function packageOf(url: string): string {
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1]!;
  const own = /\/(apps|packages|bench)\/([^/]+)\//.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith("node:")) return "node";
  return url === "" ? "(native/vm)" : url;
}

function summarise(dir: string, top: number) {
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parents = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
    const stackOf = (id: number) => {
      const stack: ProfileNode[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at))
        stack.push(nodes.get(at)!);
      return stack;
    };
    const routed = (id: number) => stackOf(id).some((n) => n.callFrame.url.includes("/router/"));
    const first = profile.samples.findIndex(routed);
    if (first < 0) continue;
    profile.samples.forEach((id, i) => {
      if (i < first) return;
      const node = nodes.get(id)!;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === "(idle)" || functionName === "(program)") return;
      const us = profile.timeDeltas[i] ?? 0;
      total += us;
      const where = url.replace(/^.*\/(node_modules|apps|packages)\//, "$1/");
      const name = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
      const pkg = functionName === "(garbage collector)" ? "(gc)" : packageOf(url);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
      const seen = new Set<string>();
      for (const n of stackOf(id)) {
        const { functionName: f, url: u, lineNumber: l } = n.callFrame;
        const key = `${f || "(anonymous)"} ${u.replace(/^.*\/(node_modules|apps|packages)\//, "$1/")}:${l + 1}`;
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      }
    });
  }
  const show = (title: string, m: Map<string, number>) => {
    console.log(title);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
    }
  };
  console.log(`${(total / 1e6).toFixed(2)} s of busy samples in ${dir}`);
  show("self time by package:", byPackage);
  show("self time by function:", byFunction);
  show("total time (self and callees) by function:", inclusive);
}

const [dir, top] = process.argv.slice(2);
if (!dir) throw new Error("usage: profile-summary <dir with .cpuprofile files> [top]");
summarise(dir, Number(top ?? 30));
