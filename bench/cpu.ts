// CPU time per request for `npm run bench`: the server process's own CPU time (user + system, every thread: the main
// thread, the zlib and libuv pools, the garbage collector), read from /proc/<pid>/stat before and after a fixed number
// of sequential requests on one keep-alive connection. On a machine shared with other work, requests per second move
// with the neighbours; the CPU a request costs the server barely does. Linux only (elsewhere the table is skipped).
import fs from 'node:fs';
import http from 'node:http';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime: 100 on every Linux build that matters here. */
const CLOCK_TICKS = 100;

export const cpuMeasurable = () => fs.existsSync('/proc/self/stat');

/** The process's user + system CPU time so far, in milliseconds (10 ms resolution). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

type CpuSample = { requests: number; cpuMsPerRequest: number; latencies: number[] };

/** `requests` sequential GETs of `url`; the server's CPU time divided by the count, and each response's latency. */
export async function sampleCpu(pid: number, url: string, headers: Record<string, string>, requests: number): Promise<CpuSample> {
  const latencies: number[] = [];
  const before = cpuMs(pid);
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    const { status } = await get(url, headers);
    latencies.push(performance.now() - t);
    if (status !== 200) throw new Error(`${url} answered ${status} during the CPU measurement`);
  }
  const after = cpuMs(pid);
  return { requests, cpuMsPerRequest: (after - before) / requests, latencies };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function percentileOf(xs: number[], p: number): number {
  const s = Float64Array.from(xs).sort();
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
