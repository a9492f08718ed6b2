/** The test run's Chromium check: present → nothing; installable → install; else one clear line. */
import { describe, expect, it } from 'vitest';
import { ensureChromium, gatherFacts, plan, type Facts } from './chromium';

const base: Facts = { path: '/usr/bin/chromium', custom: false, present: false, debian: true, root: false, sudo: false, platform: 'linux', installAllowed: true };

describe('Chromium for the UI tests', () => {
  it('does nothing when Chromium is there (this machine)', () => {
    const f = gatherFacts(process.env);
    expect(f.present).toBe(true);
    expect(plan(f)).toEqual({ action: 'ready' });
  });

  it('installs with apt as root, with sudo when it asks no password', () => {
    expect(plan({ ...base, root: true })).toEqual({ action: 'install', command: 'apt-get update -qq && apt-get install -y -qq chromium' });
    expect(plan({ ...base, sudo: true })).toEqual({ action: 'install', command: "sudo sh -c 'apt-get update -qq && apt-get install -y -qq chromium'" });
  });

  it('otherwise stops with one line saying what to run', () => {
    expect(plan(base)).toEqual({ action: 'stop', line: 'The UI tests need Chromium at /usr/bin/chromium: run `sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium or Chrome binary), then run npm test again.' });
    expect(plan({ ...base, root: true, installAllowed: false }).action).toBe('stop');
    expect(plan({ ...base, debian: false, platform: 'darwin' })).toEqual({
      action: 'stop',
      line: 'The UI tests need Chromium at /usr/bin/chromium: run `brew install --cask chromium` and set CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium, then run npm test again.',
    });
  });

  it('a CHROMIUM_PATH that does not exist is reported, never installed over', () => {
    const lines: string[] = [];
    const codes: number[] = [];
    const runs: string[] = [];
    const io = {
      write: (l: string) => void lines.push(l),
      exit: ((c: number) => {
        codes.push(c);
        throw new Error('exit');
      }) as (c: number) => never,
      run: (c: string) => (runs.push(c), 0),
    };
    expect(() => ensureChromium({ CHROMIUM_PATH: '/nonexistent/chromium' }, io)).toThrow('exit');
    expect(lines).toEqual(['CHROMIUM_PATH=/nonexistent/chromium does not exist or is not executable: point it at a Chromium or Chrome binary']);
    expect(codes).toEqual([1]);
    expect(runs).toEqual([]);
  });
});
