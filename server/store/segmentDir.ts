/**
 * A folder of numbered append-only segments (the audit log's and the issuance log's): made if
 * missing, cleared of temp files a crash left behind, and its segment numbers listed in order.
 */
import { promises as fsp } from 'node:fs';
import { mkdirPrivate, removeStaleTempFiles, storageError } from './fsio';

/** `nos`: the numbers `segRe`'s first group captures, oldest first; `names`: every entry, for sidecar files. */
export async function openSegmentDir(dir: string, segRe: RegExp): Promise<{ nos: number[]; names: string[] }> {
  await mkdirPrivate(dir);
  await removeStaleTempFiles(dir);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    throw storageError(dir, 'list', err);
  }
  const nos = names
    .map((n) => segRe.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return { nos, names };
}
