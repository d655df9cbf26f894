/** Annotation configs in Phoenix's REST shape (a `type`-discriminated union with a GlobalID). */
import type { AnnotationConfigRow } from '../store/annotation-store.js';
import { toGlobalId } from './global-id.js';

export function annotationConfigJson(config: AnnotationConfigRow) {
  const common = {
    id: toGlobalId('AnnotationConfig', config.rowid),
    name: config.name,
    type: config.type,
    description: config.description,
    optimization_direction: config.optimizationDirection,
  };
  switch (config.type) {
    case 'CATEGORICAL':
      return { ...common, values: config.values };
    case 'CONTINUOUS':
      return { ...common, lower_bound: config.lowerBound, upper_bound: config.upperBound };
    case 'FREEFORM':
      return {
        ...common,
        threshold: config.threshold,
        lower_bound: config.lowerBound,
        upper_bound: config.upperBound,
      };
  }
}
