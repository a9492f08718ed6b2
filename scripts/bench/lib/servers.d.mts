import type { Target } from './loadgen.mjs';
import type { Started } from './proc.mjs';

export const RESOURCE: string;
export const REDIRECT: string;
export const CLIENT_ID: string;
export const SCOPE: string;
export const SEED: string;
export type Server<I = string> = Started<I> & { target: Target };
export function startAuthPlane(cli: string, dataDir: string, o?: { seed?: boolean; nodeArgs?: string[]; env?: NodeJS.ProcessEnv }): Promise<Server>;
export function startAuthPlaneWith(apserver: string, dataDir: string, durability: 'fsync' | 'os', o?: { nodeArgs?: string[] }): Promise<Server>;
export function authPlaneTarget(origin: string): Target;
export function startOidcProvider(o?: { nodeArgs?: string[] }): Promise<Server<{ url: string; cookie: string }>>;
export function startKoaFloor(): Promise<Started<string> & { origin: string }>;
export function startFlowFloor(dataDir: string, durability?: 'fsync' | 'os'): Promise<Server>;
