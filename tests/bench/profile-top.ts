/**
 * `tsx tests/bench/profile-top.ts <file.cpuprofile> [n]`: the functions with the most self time
 * in a V8 CPU profile (`node --cpu-prof`), as the hall-load suite's profile is summarised in
 * docs/BENCHMARKS.md. Same-named functions of one file and line are added together.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, n = '25'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: tsx tests/bench/profile-top.ts <file.cpuprofile> [n]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const f = byId.get(id)?.callFrame;
  if (f === undefined) return;
  const where = f.url.replace(/^.*\/(node_modules|queue-server|shared)\//, '$1/');
  const key = `${f.functionName || '(anonymous)'}  ${where}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
const idle = self.get('(idle)  ') ?? 0;
process.stdout.write(
  `total ${(total / 1000).toFixed(0)} ms sampled, busy ${((total - idle) / 1000).toFixed(0)} ms\n`,
);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n)))
  process.stdout.write(
    `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / (total - idle)).toFixed(1).padStart(5)} %  ${key}\n`,
  );
