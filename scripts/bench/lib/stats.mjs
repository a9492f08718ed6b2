// Small helpers for combining runs and printing tables.

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Median of each numeric field over several run summaries (fields taken from the first run). */
export function medianOf(runs) {
  const out = {};
  for (const k of Object.keys(runs[0] ?? {})) {
    if (typeof runs[0][k] === 'number') out[k] = median(runs.map((r) => r[k]));
  }
  out.runs = runs.length;
  out.errors = runs.reduce((a, r) => a + (r.errors ?? 0), 0);
  return out;
}

export const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');

/** Renders rows (arrays of strings) as an aligned text table; the first row is the header. */
export function textTable(rows, align = []) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (align[c] === 'l' ? String(cell ?? '').padEnd(widths[c]) : String(cell ?? '').padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** The same rows as a GitHub-flavoured markdown table. */
export function mdTable(rows, align = []) {
  const head = `| ${rows[0].join(' | ')} |`;
  const sep = `|${rows[0].map((_, c) => (align[c] === 'l' ? ' :-- ' : ' --: ')).join('|')}|`;
  return [head, sep, ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
