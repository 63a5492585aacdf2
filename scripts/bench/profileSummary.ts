// `npx tsx scripts/bench/profileSummary.ts <file.cpuprofile>`: where a process's CPU went,
// from a V8 CPU profile (BENCH_CPU_PROFILE=<dir> npm run bench writes one for the
// worker+API process): self time by package or by our own layer, and the top functions.
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(__dirname, '..', '..');

/** What a frame belongs to: a package, a layer of ours, Node itself, or V8's own buckets. */
export function category(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (/workflow-bundle|webpack|\/workflows\//.test(url)) return 'workflow sandbox (bundle)';
  const file = url.replace(/^file:\/\//, '');
  if (file.startsWith(ROOT)) return `ours: ${path.relative(ROOT, file).split(path.sep)[0]}/`;
  return url;
}

function summarize(file: string): void {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += us;
    const c = category(frame);
    cats.set(c, (cats.get(c) ?? 0) + us);
    const name = `${frame.functionName || '(anonymous)'} ${path.basename(frame.url)}:${frame.lineNumber + 1} [${c}]`;
    fns.set(name, (fns.get(name) ?? 0) + us);
  }
  const table = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(1).padStart(6)} s  ${k}`)
      .join('\n');
  console.log(`${path.basename(file)}: ${(busy / 1e6).toFixed(1)} CPU-s on the main thread (idle left out)`);
  console.log(`by package / layer:\n${table(cats, 20)}`);
  console.log(`top functions (self time):\n${table(fns, 20)}`);
}

for (const f of process.argv.slice(2)) summarize(f);
