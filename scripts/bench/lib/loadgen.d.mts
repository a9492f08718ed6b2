import type { Pool } from 'undici';

export interface Target {
  name: string;
  origin: string;
  authorizePath: string;
  tokenPath: string;
  clientId: string;
  redirectUri: string;
  resource: string;
  scope: string;
  cookie?: string;
}
export interface PkcePair {
  verifier: string;
  challenge: string;
  state: string;
}
export interface RunSummary {
  ops: number;
  ms: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
}
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}
export function pkcePairs(n: number): PkcePair[];
export function createPool(origin: string, connections: number): Pool;
export function runFlows(t: Target, o: { concurrency: number; maxOps: number; maxMs: number; pairs: PkcePair[]; pool?: Pool; keep?: string[]; keepAccess?: string[] }): Promise<RunSummary>;
export function runRefresh(t: Target, o: { concurrency: number; maxOps: number; maxMs: number; tokens: string[]; rotations?: number; pool?: Pool }): Promise<RunSummary & { familiesUsed: number }>;
export function runGets(origin: string, path: string, o: { concurrency: number; maxOps: number; maxMs: number; headers?: Record<string, string>; pool?: Pool }): Promise<RunSummary>;
