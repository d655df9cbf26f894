/**
 * An annotation config ⇄ its `annotation_configs` row: the fields every type shares are
 * columns; the type-specific ones (values, bounds, threshold) are the `config` JSON.
 */
import type {
  AnnotationConfigData,
  AnnotationConfigRow,
  AnnotationConfigType,
  OptimizationDirection,
} from '../annotation-store.js';

export interface AnnotationConfigDbRow {
  id: number;
  name: string;
  type: AnnotationConfigType;
  description: string | null;
  optimization_direction: OptimizationDirection | null;
  config: string;
}

export type AnnotationConfigColumns = Omit<AnnotationConfigDbRow, 'id'>;

export function toAnnotationConfigColumns(data: AnnotationConfigData): AnnotationConfigColumns {
  const common = {
    name: data.name,
    type: data.type,
    description: data.description,
    optimization_direction: data.optimizationDirection,
  };
  switch (data.type) {
    case 'CATEGORICAL':
      return { ...common, config: JSON.stringify({ values: data.values }) };
    case 'CONTINUOUS':
      return {
        ...common,
        config: JSON.stringify({ lower_bound: data.lowerBound, upper_bound: data.upperBound }),
      };
    case 'FREEFORM':
      return {
        ...common,
        config: JSON.stringify({
          threshold: data.threshold,
          lower_bound: data.lowerBound,
          upper_bound: data.upperBound,
        }),
      };
  }
}

interface ConfigJson {
  values?: { label: string; score?: number | null }[];
  lower_bound?: number | null;
  upper_bound?: number | null;
  threshold?: number | null;
}

export function fromAnnotationConfigDbRow(row: AnnotationConfigDbRow): AnnotationConfigRow {
  const config = JSON.parse(row.config) as ConfigJson;
  const common = { rowid: Number(row.id), name: row.name, description: row.description };
  switch (row.type) {
    case 'CATEGORICAL':
      return {
        ...common,
        type: 'CATEGORICAL',
        optimizationDirection: row.optimization_direction ?? 'NONE',
        values: (config.values ?? []).map((v) => ({ label: v.label, score: v.score ?? null })),
      };
    case 'CONTINUOUS':
      return {
        ...common,
        type: 'CONTINUOUS',
        optimizationDirection: row.optimization_direction ?? 'NONE',
        lowerBound: config.lower_bound ?? null,
        upperBound: config.upper_bound ?? null,
      };
    case 'FREEFORM':
      return {
        ...common,
        type: 'FREEFORM',
        optimizationDirection: row.optimization_direction,
        threshold: config.threshold ?? null,
        lowerBound: config.lower_bound ?? null,
        upperBound: config.upper_bound ?? null,
      };
  }
}
