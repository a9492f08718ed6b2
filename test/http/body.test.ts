/** Form and query parsing: the fast split-and-decode path reads every input exactly as URLSearchParams does. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formPairs, parseParams } from '../../server/http/body';

const viaURLSearchParams = (text: string) => [...new URLSearchParams(text)];

describe('formPairs', () => {
  it('agrees with URLSearchParams on hand-picked inputs', () => {
    for (const text of ['', '&', '&&a=1&&', 'a', 'a=', '=b', '=', 'a=1=2', 'a+b=c+d', 'a=%20%2B%26', '%zz=1', 'a=%', 'a=%4', 'a=%C3%A9', 'a=%C3', 'a=%ED%A0%80', 'a=%EF%BB%BFx', 'é=ü', 'a=%C3é', 'redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&scope=read+write']) {
      expect([...formPairs(text)], JSON.stringify(text)).toEqual(viaURLSearchParams(text));
    }
  });

  it('agrees with URLSearchParams on generated inputs', () => {
    const piece = fc.constantFrom('a', 'b', '=', '&', '+', '%', '%2', '%20', '%25', '%3D', '%26', '%C3', '%A9', '%ED%A0%80', 'é', '€', '😀', '\uD800', ' ', '0', 'F', 'z');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        expect([...formPairs(text)]).toEqual(viaURLSearchParams(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('still refuses repeated parameters and over-long values', () => {
    expect(() => parseParams(formPairs('a=1&a=2'))).toThrow('parameter "a" is included more than once');
    expect(() => parseParams(formPairs(`a=${'x'.repeat(8193)}`))).toThrow('parameter "a" is too long');
    expect(parseParams(formPairs('scope=a&scope=b&x=1'), ['scope'])).toEqual({ params: { x: '1' }, lists: { scope: ['a', 'b'] } });
  });
});
