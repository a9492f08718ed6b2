// Child processes under test: spawn, wait for the ready line, read their own CPU time and memory
// from /proc (Linux), stop them. The server's CPU is its process's utime+stime, so the load
// generator's CPU (in the parent) never counts against it.
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// Children still running when the bench exits (an error) are killed with it.
const live = new Set();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});
/** For the bench scripts: Ctrl+C or SIGTERM also goes through 'exit', so no server outlives them. */
export function exitOnSignals() {
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));
}
function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

let ticks;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, almost always 100). */
export function clockTicks() {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** CPU time (user + system) of `pid` so far, in milliseconds. */
/**
 * Time every thread of `pid` spent on a CPU, in ms with ns precision (/proc/<pid>/task/<tid>/schedstat):
 * no 10 ms tick to round to, which a burst of a few hundred ms would feel as several per cent.
 */
export function onCpuMs(pid) {
  let ns = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return ns / 1e6;
}

export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) in parentheses.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

/** Current and peak resident set size of `pid`, in MB. */
export function memMB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * Spawns `node <args>` and resolves once `ready(line)` returns a value for a stdout line.
 * Resolves { child, pid, info, readyMs } (readyMs: spawn → ready line).
 */
export function startChild(args, { ready, env, cwd, timeoutMs = 30_000, label = args.join(' ') } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = track(spawn(process.execPath, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    let done = false;
    const timer = setTimeout(() => finish(new Error(`${label}: not ready after ${timeoutMs} ms\n${out}\n${err}`)), timeoutMs);
    const finish = (e, v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) {
        child.kill('SIGKILL');
        reject(e);
      } else resolve(v);
    };
    child.stdout.setEncoding('utf8').on('data', (d) => {
      if (done) return;
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const info = ready(line);
        if (info !== undefined) {
          finish(undefined, { child, pid: child.pid, info, readyMs: performance.now() - t0, stderr: () => err });
          return;
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      if (err.length < 20_000) err += d;
    });
    child.on('exit', (code, signal) => finish(new Error(`${label}: exited (${code ?? signal}) before it was ready\n${err}`)));
    child.on('error', (e) => finish(e));
  });
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves with the exit code. */
export function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** Runs `node <args>` to completion; resolves { code, stdout, stderr, ms } (ms: spawn → exit). */
export function runChild(args, { env, cwd, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = track(spawn(process.execPath, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}
