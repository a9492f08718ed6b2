/** A recorded request's curl command survives a POSIX shell byte for byte, whatever the values hold. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { curlCommand, shellQuote } from '../../server/flows/curl';

const run = promisify(execFile);

describe('curl lines', () => {
  it('quotes single quotes, $, backticks and newlines so the shell passes them through unchanged', async () => {
    const nasty = `it's $HOME \`id\` "q" \\ \n end`;
    const { stdout } = await run('sh', ['-c', `printf %s ${shellQuote(nasty)}`]);
    expect(stdout).toBe(nasty);
  });

  it('sends the method, URL, headers and body, leaving out what curl computes itself', () => {
    const line = curlCommand(
      {
        request: { method: 'POST', url: '/oauth/token', headers: [{ name: 'Host', value: 'x' }, { name: 'Content-Length', value: '9' }, { name: 'content-type', value: 'application/x-www-form-urlencoded' }], body: { mime_type: 'application/x-www-form-urlencoded', text: "a=b&c=d'e", size: 9, truncated: false } },
        response: { status: 200, headers: [], body: null },
      },
      'http://127.0.0.1:9000',
    );
    expect(line).toBe(`curl -sS -i -X POST 'http://127.0.0.1:9000/oauth/token' -H 'content-type: application/x-www-form-urlencoded' --data-binary 'a=b&c=d'\\''e'`);
  });
});
