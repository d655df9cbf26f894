/**
 * Light and dark themes. With no choice made the page follows the system (prefers-color-scheme);
 * a choice made with the toggle is remembered in localStorage. The theme is the `data-theme`
 * attribute of <html>, which the CSS variables in styles/app.css key on.
 */
import { useCallback, useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'heron.theme';
const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

function storedChoice(): ThemeChoice {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

function apply(choice: ThemeChoice) {
  const dark = choice === 'dark' || (choice === 'system' && systemDark());
  document.documentElement.dataset['theme'] = dark ? 'dark' : 'light';
}

/** Sets the theme before React renders, so the first paint is in the right colours. */
export function applyStoredTheme() {
  apply(storedChoice());
}

export function useTheme() {
  const [choice, setChoice] = useState<ThemeChoice>(storedChoice);
  const [effective, setEffective] = useState<'light' | 'dark'>(() =>
    choice === 'system' ? (systemDark() ? 'dark' : 'light') : choice,
  );

  useEffect(() => {
    apply(choice);
    setEffective(document.documentElement.dataset['theme'] === 'dark' ? 'dark' : 'light');
    if (choice !== 'system') return;
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => {
      apply('system');
      setEffective(media.matches ? 'dark' : 'light');
    };
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, [choice]);

  /** Flips light ↔ dark; choosing what the system already gives goes back to following it. */
  const toggle = useCallback(() => {
    const next = effective === 'dark' ? 'light' : 'dark';
    const nextChoice: ThemeChoice = (next === 'dark') === systemDark() ? 'system' : next;
    if (nextChoice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, nextChoice);
    setChoice(nextChoice);
  }, [effective]);

  return { choice, effective, toggle };
}
