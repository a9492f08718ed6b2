/** Light, dark, or as the system: the sidebar's theme switch. */
import type { ReactNode } from 'react';
import { useThemeChoice, type ThemeChoice } from '../lib/theme';
import { IconMonitor, IconMoon, IconSun } from './icons';
import { Segmented } from './ui';

const OPTIONS: Array<{ value: ThemeChoice; label: string; icon: ReactNode }> = [
  { value: 'light', label: 'Light', icon: <IconSun /> },
  { value: 'dark', label: 'Dark', icon: <IconMoon /> },
  { value: 'system', label: 'As the system', icon: <IconMonitor /> },
];

export function ThemeSwitch() {
  const [choice, setChoice] = useThemeChoice();
  return <Segmented className="theme-switch" label="Theme" value={choice} options={OPTIONS} onChange={setChoice} />;
}
