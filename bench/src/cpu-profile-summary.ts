/**
 * Reads V8 .cpuprofile files (one per thread, as `node --cpu-prof` writes them) and says where
 * the time went: the functions with the most self time, and the same grouped by module.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileEntry {
  name: string;
  /** Share of the thread's samples (0..1). */
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Share of the profile's wall time the thread was not idle. */
  busyShare: number;
  topFunctions: ProfileEntry[];
  topModules: ProfileEntry[];
}

export function summarizeCpuProfiles(dir: string, files: string[], top = 12): ProfileSummary[] {
  return files
    .map((file) => summarize(file, JSON.parse(readFileSync(join(dir, file), 'utf8')), top))
    .sort((a, b) => b.busyShare - a.busyShare);
}

function summarize(file: string, profile: CpuProfile, top: number): ProfileSummary {
  const hits = new Map<number, number>();
  if (profile.samples) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  }
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    total += count;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += count;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + count);
    const module = moduleOf(functionName, url);
    byModule.set(module, (byModule.get(module) ?? 0) + count);
  }
  const ranked = (map: Map<string, number>) =>
    [...map]
      .filter(([name]) => !name.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, share: total ? count / total : 0 }));
  return {
    file,
    busyShare: total ? (total - idle) / total : 0,
    topFunctions: ranked(byFunction),
    topModules: ranked(byModule),
  };
}

function shortUrl(url: string): string {
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return url.slice(nodeModules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** node_modules package, server folder (otlp, spans, ingest, store…), node internals, or V8. */
function moduleOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) {
    const parts = url.slice(nodeModules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = url.indexOf('/packages/server/dist/');
  if (dist >= 0) {
    const rest = url.slice(dist + '/packages/server/dist/'.length).split('/');
    return `server/${rest.length > 1 ? rest[0] : rest[0]!.replace(/\.js$/, '')}`;
  }
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}
