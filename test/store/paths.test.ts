import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../server/store/paths';

describe('defaultDataDir (Electron userData for productName AuthPlane)', () => {
  it('Linux: $XDG_CONFIG_HOME/AuthPlane, else ~/.config/AuthPlane', () => {
    expect(defaultDataDir({}, 'linux', '/home/ann')).toBe('/home/ann/.config/AuthPlane');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe('/xdg/AuthPlane');
    expect(defaultDataDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/ann')).toBe('/home/ann/.config/AuthPlane');
  });

  it('macOS: ~/Library/Application Support/AuthPlane', () => {
    expect(defaultDataDir({}, 'darwin', '/Users/ann')).toBe('/Users/ann/Library/Application Support/AuthPlane');
  });

  it('Windows: %APPDATA%\\AuthPlane', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Roaming\\AuthPlane');
    expect(defaultDataDir({}, 'win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Roaming\\AuthPlane');
  });

  it('AUTHPLANE_DATA_DIR overrides everything', () => {
    expect(defaultDataDir({ AUTHPLANE_DATA_DIR: '/srv/authplane', XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe('/srv/authplane');
  });
});
