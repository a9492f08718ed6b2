/**
 * A function of a string remembered per argument, with a bounded table (cleared when full): hot
 * paths ask the same few questions (a Host header, a registered redirect URI) on every request,
 * and a flood of distinct arguments must not grow memory.
 */
export function memoByString<V>(compute: (key: string) => V, limit: number): (key: string) => V {
  const table = new Map<string, V>();
  return (key) => {
    if (table.has(key)) return table.get(key)!;
    const value = compute(key);
    if (table.size >= limit) table.clear();
    table.set(key, value);
    return value;
  };
}
