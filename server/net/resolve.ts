/** Host name resolution as a dependency, so tests resolve test names without patching node:dns. */
import { lookup } from 'node:dns/promises';

/** Every address the name resolves to; an empty list (or a rejection) means it does not resolve. */
export type Resolve = (hostname: string) => Promise<string[]>;

export const systemResolve: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
