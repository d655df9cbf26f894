/**
 * Which columns a table shows, remembered per project and table in localStorage, so each
 * project keeps the columns its people care about (e.g. one annotation, not all twelve).
 */
import { useCallback, useState } from 'react';

const storageKey = (projectId: string, table: string) => `heron.columns.${projectId}.${table}`;

function read(projectId: string, table: string): string[] | null {
  try {
    const value = JSON.parse(
      localStorage.getItem(storageKey(projectId, table)) ?? 'null',
    ) as unknown;
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

/** `hidden` lists column ids; new columns (e.g. a new annotation name) therefore show up. */
export function useHiddenColumns(projectId: string, table: string, defaults: string[]) {
  const [hidden, setHiddenState] = useState<string[]>(() => read(projectId, table) ?? defaults);
  const setHidden = useCallback(
    (next: string[]) => {
      localStorage.setItem(storageKey(projectId, table), JSON.stringify(next));
      setHiddenState(next);
    },
    [projectId, table],
  );
  return [hidden, setHidden] as const;
}
