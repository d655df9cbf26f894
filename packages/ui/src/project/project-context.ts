/** What the project page hands to its tabs (through the router's outlet context). */
import { useOutletContext } from 'react-router-dom';
import type { Project } from '../api/api-types';
import type { TimeRange } from '../time/time-range';

export interface ProjectContext {
  projectId: string;
  project: Project | undefined;
  range: TimeRange;
  rangeKey: string;
  live: boolean;
}

export const useProjectContext = () => useOutletContext<ProjectContext>();
