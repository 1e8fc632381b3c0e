/**
 * Summarises a V8 CPU profile (`.cpuprofile`, e.g. from `BENCH_PROFILE=1 npm run bench:fleet`):
 * self time by function and by file or package, and inclusive time for a few hot-path markers.
 * A sampled allocation profile (`.heapprofile`, BENCH_PROFILE_ALLOC=1) reads the same way, in bytes
 * allocated instead of time.
 *
 *   npx tsx bench/profile-summary.ts /tmp/prof/fleet-100-….cpuprofile [top=30] [--cpu]
 *
 * The profile samples wall time: a thread descheduled inside a socket write (the kernel runs the
 * woken PostgreSQL backend first on a busy machine) shows up as `writeBuffer`/`writev` time it did
 * not spend on the CPU. `--cpu` drops samples whose leaf is such a write or `(idle)`, and those of
 * the profiler's own inspector session, which is closer to where the product's CPU goes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: profile-summary.ts FILE.cpuprofile [top]\n');
  process.exit(2);
}
const top = Number(process.argv.slice(3).find((arg) => /^\d+$/.test(arg)) ?? 30);
const cpuOnly = process.argv.includes('--cpu');
interface HeapNode {
  id: number;
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}
/** An allocation profile as a CPU profile whose samples weigh bytes: one per allocating node. */
function fromHeapProfile(head: HeapNode): Profile {
  const flat: ProfileNode[] = [];
  const samples: number[] = [];
  const sizes: number[] = [];
  const visit = (node: HeapNode) => {
    flat.push({ id: node.id, callFrame: node.callFrame, children: node.children.map((child) => child.id) });
    if (node.selfSize > 0) {
      samples.push(node.id);
      sizes.push(node.selfSize);
    }
    for (const child of node.children) visit(child);
  };
  visit(head);
  return { nodes: flat, samples, timeDeltas: sizes, startTime: 0, endTime: 0 };
}
const heap = file.endsWith('.heapprofile');
const raw = JSON.parse(readFileSync(file, 'utf8')) as Profile | { head: HeapNode };
const profile = 'head' in raw ? fromHeapProfile(raw.head) : raw;
const BLOCKING = new Set(['(idle)', 'writeBuffer', 'writev', 'writeUtf8String', 'writeLatin1String']);

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
/** The profiler's own work: the bench server asking the inspector for the profile (`dispatch`). */
const inInspector = (id: number): boolean => {
  for (let node: number | undefined = id; node !== undefined; node = parent.get(node))
    if (nodes.get(node)!.callFrame.url === 'node:inspector') return true;
  return false;
};
if (cpuOnly) {
  const keep = profile.samples.map((id) => {
    const frame = nodes.get(id)!.callFrame;
    return !(frame.url === '' && BLOCKING.has(frame.functionName)) && !inInspector(id);
  });
  profile.samples = profile.samples.filter((_, index) => keep[index]);
  profile.timeDeltas = profile.timeDeltas.filter((_, index) => keep[index]);
}

// Self time per node: each sample's delta belongs to the node sampled.
const self = new Map<number, number>();
profile.samples.forEach((id, index) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

// Paths relative to the repository (this checkout, or any directory named main), so src/… and
// dist/… read alike; the server file BENCH_FROM=dist runs is shown as its source.
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SERVER_CACHE = 'node_modules/.cache/remnafleet-bench/fleet-server.mjs';
const inRepo = (url: string): string | undefined => {
  if (url.endsWith(SERVER_CACHE)) return 'bench/fleet-server.ts (transpiled)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.startsWith(ROOT)) return path.slice(ROOT.length);
  const repo = path.indexOf('/main/');
  return repo >= 0 ? path.slice(repo + '/main/'.length) : undefined;
};

/** node_modules/<pkg> (scoped too), src/… or dist/…, or the special V8 names. */
const area = (url: string): string => {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return url;
  const own = inRepo(url);
  if (own !== undefined && !own.startsWith('node_modules/')) return own;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  return url;
};
const fileOf = (url: string): string => {
  if (!url) return '(native/V8)';
  const own = inRepo(url);
  if (own !== undefined && !own.startsWith('node_modules/')) return own;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  return url;
};

const add = (map: Map<string, number>, key: string, value: number) =>
  map.set(key, (map.get(key) ?? 0) + value);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
const byArea = new Map<string, number>();
for (const [id, time] of self) {
  const frame = nodes.get(id)!.callFrame;
  const name = frame.functionName || '(anonymous)';
  add(byFunction, `${name}  ${fileOf(frame.url)}:${frame.lineNumber + 1}`, time);
  add(byFile, fileOf(frame.url), time);
  add(byArea, area(frame.url), time);
}

// Inclusive time: a sample counts once for every distinct area/file on its stack.
const inclusiveArea = new Map<string, number>();
profile.samples.forEach((id, index) => {
  const seen = new Set<string>();
  for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
    seen.add(area(nodes.get(node)!.callFrame.url));
  }
  for (const key of seen) add(inclusiveArea, key, profile.timeDeltas[index] ?? 0);
});

// Inclusive time by function: a sample counts once for every distinct function on its stack.
const inclusiveFunction = new Map<string, number>();
profile.samples.forEach((id, index) => {
  const seen = new Set<string>();
  for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
    const frame = nodes.get(node)!.callFrame;
    if (!frame.url) continue;
    seen.add(`${frame.functionName || '(anonymous)'}  ${fileOf(frame.url)}:${frame.lineNumber + 1}`);
  }
  for (const key of seen) add(inclusiveFunction, key, profile.timeDeltas[index] ?? 0);
});

const pct = (value: number) => `${((value / total) * 100).toFixed(1).padStart(5)}%`;
const ms = (value: number) =>
  heap ? `${(value / 1024 / 1024).toFixed(1).padStart(7)} MB` : `${(value / 1000).toFixed(0).padStart(7)} ms`;
const show = (title: string, map: Map<string, number>, count = top) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, value] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count))
    process.stdout.write(`${pct(value)} ${ms(value)}  ${key}\n`);
};

const what = heap ? 'bytes allocated' : 'time';
process.stdout.write(
  heap
    ? `${file}: ${ms(total).trim()} allocated (sampled)\n`
    : `${file}: ${(total / 1000).toFixed(0)} ms sampled over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s\n`,
);
show(`self ${what} by package / source file`, byArea, top);
show(`inclusive ${what} by package / source file (on the stack)`, inclusiveArea, top);
show(`self ${what} by file`, byFile, top);
show(`self ${what} by function`, byFunction, top);
show(`inclusive ${what} by function (JavaScript frames)`, inclusiveFunction, top);
