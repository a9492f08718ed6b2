// The `issuance list` filters every scale measurement times, against a data dir made by the
// bench data generator (its first row is the oldest, for the `--jti` case).
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** [label, CLI args] pairs, the same in `npm run bench` and `scripts/bench/cli-list.mjs`. */
export function listFilters(dataDir) {
  const firstLine = readFileSync(path.join(dataDir, 'issuances', 'seg-000001.jsonl'), 'utf8').slice(0, 400);
  const oldestJti = /"jti":"([^"]+)"/.exec(firstLine)?.[1];
  return [
    ['(none)', []],
    ['--resource mcp-c --client agent-07', ['--resource', 'mcp-c', '--client', 'agent-07']],
    ['--sub user-0420', ['--sub', 'user-0420']],
    ['--state active', ['--state', 'active']],
    ['--grant refresh_token --state revoked', ['--grant', 'refresh_token', '--state', 'revoked']],
    ['--jti <oldest row>', ['--jti', oldestJti]],
  ];
}
