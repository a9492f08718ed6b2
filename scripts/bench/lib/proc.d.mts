import type { ChildProcess } from 'node:child_process';

export interface Started<I> {
  child: ChildProcess;
  pid: number;
  info: I;
  readyMs: number;
  stderr(): string;
}
export function clockTicks(): number;
export function exitOnSignals(): void;
export function cpuMs(pid: number): number;
export function onCpuMs(pid: number): number;
export function memMB(pid: number): { rss: number; peak: number };
export function startChild<I>(args: string[], o: { ready: (line: string) => I | undefined; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; label?: string }): Promise<Started<I>>;
export function stopChild(child: ChildProcess, graceMs?: number): Promise<number | null>;
export function runChild(args: string[], o?: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>;
