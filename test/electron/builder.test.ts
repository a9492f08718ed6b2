/** electron-builder.yml against app-builder-lib's own JSON schema, plus what the issue asks of it. */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { TOPOLOGIES } from '../../server/demo/seeds';

const ROOT = resolve(__dirname, '../..');
const config = parse(readFileSync(resolve(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

function pngSize(file: string): [number, number] {
  const b = readFileSync(resolve(ROOT, file));
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it('is valid against app-builder-lib/scheme.json', () => {
    const schema = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema really is enforced (a typo is rejected)', () => {
    const schema = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, prodcutName: 'x' })).toBe(false);
    expect(validate({ ...config, linux: { ...config.linux, target: 42 } })).toBe(false);
  });

  it('builds AppImage + deb, dmg and nsis with the app id, product name and icons', () => {
    expect(config.appId).toBe('dev.authplane.desktop');
    expect(config.productName).toBe('AuthPlane');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.linux.maintainer).toBeTruthy(); // deb refuses to build without one
    expect(pngSize(config.mac.icon)).toEqual([1024, 1024]);
    expect(pngSize(config.win.icon)).toEqual([1024, 1024]);
    for (const n of [16, 32, 48, 64, 128, 256, 512]) expect(pngSize(`${config.linux.icon}/${n}x${n}.png`)).toEqual([n, n]);
  });

  it('packages the built main process the package.json names', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
    expect(config.extraMetadata.main).toBe(pkg.main);
    expect(config.files).toContain('dist/**/*');
    expect(config.files).toContain('package.json');
  });

  it('ships the topology seeds as extra resources, where server/demo/seeds.ts looks (<resources>/seeds)', () => {
    expect(config.extraResources).toContainEqual({ from: 'resources/seeds', to: 'seeds', filter: ['*.yaml'] });
    const shipped = readdirSync(resolve(ROOT, 'resources/seeds')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    expect(shipped.sort()).toEqual([...TOPOLOGIES].sort());
  });
});
