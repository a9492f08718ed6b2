/**
 * Inspects a data dir the way a developer would after a crash: every file must parse, the
 * token log lists every jti once. Reads the raw files (no store code), so a bug in the
 * store cannot hide itself.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export interface DataDirReport {
  /** Files that do not parse (path and reason). Must be empty. */
  problems: string[];
  /** JSONL files whose bytes after the last newline are an incomplete line (cut away at the next start). */
  tornTails: string[];
  /** Temp files of an interrupted atomic write (`*.tmp-<pid>-<n>`), removed at the next start. */
  tempFiles: string[];
  /** jti of every complete issuance row, in file order (duplicates kept, to be counted). */
  jtis: string[];
  /** id of every complete refresh-family line of the token log, in file order (a family changes many times). */
  families: string[];
  /** Data files seen. */
  files: number;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export async function inspectDataDir(dir: string): Promise<DataDirReport> {
  const report: DataDirReport = { problems: [], tornTails: [], tempFiles: [], jtis: [], families: [], files: 0 };
  for (const file of (await walk(dir)).sort()) {
    const rel = path.relative(dir, file);
    const name = path.basename(file);
    if (/\.tmp-\d+-\d+$/.test(name)) {
      report.tempFiles.push(rel);
      continue;
    }
    if (name.startsWith('.write-test-') || name === 'server.lock.takeover') continue;
    if (/\.corrupt-/.test(name)) {
      report.problems.push(`${rel}: a corrupt-file copy exists, so something was found corrupt`);
      continue;
    }
    report.files++;
    const buf = await fsp.readFile(file);
    if (name.endsWith('.json') || name === 'server.lock') {
      try {
        JSON.parse(buf.toString('utf8'));
      } catch (err) {
        report.problems.push(`${rel}: not valid JSON (${(err as Error).message}; ${buf.length} bytes)`);
      }
    } else if (name.endsWith('.jsonl')) {
      const text = buf.toString('utf8');
      const end = text.lastIndexOf('\n') + 1;
      if (end < text.length) report.tornTails.push(`${rel}: ${text.length - end} bytes after the last newline`);
      const lines = text.slice(0, end).split('\n');
      lines.pop();
      lines.forEach((line, i) => {
        if (!line.trim()) return;
        let v: unknown;
        try {
          v = JSON.parse(line);
        } catch (err) {
          report.problems.push(`${rel} line ${i + 1}: not valid JSON (${(err as Error).message})`);
          return;
        }
        // A sealed segment's families sidecar holds plain family rows, copies of its "f" lines.
        if (rel.startsWith(`issuances${path.sep}`) && !name.endsWith('.families.jsonl')) {
          const row = (v as { r?: { jti?: unknown } }).r;
          const fam = (v as { f?: { id?: unknown } }).f;
          if (row && typeof row.jti === 'string') report.jtis.push(row.jti);
          else if (fam && typeof fam.id === 'string') report.families.push(fam.id);
          else if (!(v as { x?: unknown }).x) report.problems.push(`${rel} line ${i + 1}: neither an issuance row, a family nor a revocation`);
        }
      });
    } else if (name === 'admin-token') {
      if (!/^[A-Za-z0-9_-]{43}\n?$/.test(buf.toString('utf8'))) report.problems.push(`${rel}: not a 32-byte base64url token`);
    }
    // .idx files are binary; the server validates them against their segment at start.
  }
  return report;
}

/** jtis that appear more than once. */
export function duplicates(jtis: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const j of jtis) (seen.has(j) ? dup : seen).add(j);
  return [...dup];
}
