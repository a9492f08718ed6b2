export interface RegisterBench {
  cap: number;
  registrationBytes: number;
  at: Record<string, { ms: number }>;
  clientsJsonKB: number;
  refusedMs: number;
  prune: { ms: number; deleted: number };
  afterPruneMs: number;
}
export function benchRegister(o: { cli: string; dir: string; log: (msg: string) => void; quick: boolean }): Promise<RegisterBench>;
