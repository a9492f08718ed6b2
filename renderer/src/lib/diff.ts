/**
 * Character diff for "byte for byte" explanations (aud vs the registered resource URI, iss vs
 * the issuer): which characters the token has that the expected value lacks, and vice versa.
 */
export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

function push(out: DiffPart[], kind: DiffPart['kind'], ch: string): void {
  const last = out[out.length - 1];
  if (last && last.kind === kind) last.text += ch;
  else out.push({ kind, text: ch });
}

/**
 * `expected` → `actual`: `removed` is in expected only, `added` in actual only. LCS on the
 * middle after trimming the common prefix and suffix (inputs are URLs: short and similar).
 */
export function diffChars(expected: string, actual: string): DiffPart[] {
  const a = Array.from(expected);
  const b = Array.from(actual);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const out: DiffPart[] = [];
  if (pre) out.push({ kind: 'same', text: a.slice(0, pre).join('') });
  if (am.length * bm.length > 250_000) {
    if (am.length) out.push({ kind: 'removed', text: am.join('') });
    if (bm.length) out.push({ kind: 'added', text: bm.join('') });
  } else {
    const n = am.length;
    const m = bm.length;
    const dp: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = am[i] === bm[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (am[i] === bm[j]) {
        push(out, 'same', am[i]!);
        i++;
        j++;
      } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) push(out, 'removed', am[i++]!);
      else push(out, 'added', bm[j++]!);
    }
    while (i < n) push(out, 'removed', am[i++]!);
    while (j < m) push(out, 'added', bm[j++]!);
  }
  if (suf) {
    const tail = a.slice(a.length - suf).join('');
    const last = out[out.length - 1];
    if (last && last.kind === 'same') last.text += tail;
    else out.push({ kind: 'same', text: tail });
  }
  return out;
}

/** Levenshtein distance (to pick the registered URI closest to a wrong `aud`). */
export function editDistance(x: string, y: string): number {
  const a = Array.from(x);
  const b = Array.from(y);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** A readable description of what differs ("a trailing “/”", "“localhost” instead of “127.0.0.1”"). */
export function describeDiff(parts: DiffPart[]): string {
  const changes = parts.filter((p) => p.kind !== 'same');
  if (changes.length === 0) return 'identical';
  const q = (s: string) => `“${s.replace(/ /g, '␠')}”`;
  const bits: string[] = [];
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (p.kind === 'same') continue;
    const next = parts[k + 1];
    if (p.kind === 'removed' && next?.kind === 'added') {
      bits.push(`${q(next.text)} instead of ${q(p.text)}`);
      k++;
    } else if (p.kind === 'added' && next?.kind === 'removed') {
      bits.push(`${q(p.text)} instead of ${q(next.text)}`);
      k++;
    } else if (p.kind === 'added') bits.push(`an extra ${q(p.text)}${k === parts.length - 1 ? ' at the end' : ''}`);
    else bits.push(`a missing ${q(p.text)}${k === parts.length - 1 ? ' at the end' : ''}`);
  }
  return bits.join(', ');
}
