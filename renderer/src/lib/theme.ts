/**
 * The theme the user picked, kept in localStorage. public/theme.js applies it (before first
 * paint, and again on "authplane:theme"); this module only reads and writes the choice.
 */
import { useState } from 'react';
import { z } from 'zod';

export const ThemeChoice = z.enum(['light', 'dark', 'system']);
export type ThemeChoice = z.infer<typeof ThemeChoice>;

/** Also named in public/theme.js. */
const KEY = 'authplane.theme';

export function themeChoice(): ThemeChoice {
  try {
    return ThemeChoice.catch('system').parse(localStorage.getItem(KEY));
  } catch {
    return 'system'; // storage disabled
  }
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    /* storage disabled: the choice lasts until the window closes */
  }
  document.dispatchEvent(new Event('authplane:theme'));
}

export function useThemeChoice(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState(themeChoice);
  return [
    choice,
    (c) => {
      setThemeChoice(c);
      setChoice(c);
    },
  ];
}
