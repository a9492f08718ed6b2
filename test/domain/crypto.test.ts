import { describe, expect, it } from 'vitest';
import { randomId } from '../../server/domain/crypto';

describe('randomId', () => {
  it('is 22 base64url characters and never starts with "-" (a CLI would read it as a flag)', () => {
    // 20,000 draws: with a 1-in-64 chance per draw, a leading "-" would appear ~300 times.
    const ids = Array.from({ length: 20_000 }, randomId);
    for (const id of ids) expect(id).toMatch(/^[\w][\w-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
