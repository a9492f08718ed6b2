// `authserver demo` start-up: wall time from spawn to the printed instructions (the moment a
// newcomer can connect), free ports, a temporary data dir, SIGTERM between runs.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { median } from './stats.mjs';

function oneRun(cli) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'demo', '--port', '0', '--mcp-port', '0', '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ms;
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (ms === undefined && out.includes('Press Ctrl+C to stop')) {
        ms = performance.now() - t0;
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (ms === undefined ? reject(new Error(`demo exited with ${code} before it was ready:\n${out}`)) : resolve(ms)));
  });
}

/** Runs the demo `runs` times, one after another; returns every time and the median. */
export async function demoReady(cli, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await oneRun(cli));
  return { runs: times.map((t) => Math.round(t)), medianMs: Math.round(median(times)) };
}
