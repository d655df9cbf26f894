/**
 * Reading the body of POST /v1/annotation_configs and PUT /v1/annotation_configs/{id}
 * (Phoenix's CreateAnnotationConfigData, sent bare, not wrapped in `data`). Malformed → 422
 * naming the field; the reserved name `note` → 409, as Phoenix answers.
 */
import {
  ANNOTATION_CONFIG_TYPES,
  NOTE_ANNOTATION_NAME,
  OPTIMIZATION_DIRECTIONS,
  type AnnotationConfigData,
  type AnnotationConfigType,
  type CategoricalValue,
  type OptimizationDirection,
} from '../store/annotation-store.js';
import { ApiError } from './api-error.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function optionalNumber(object: JsonObject, field: string): number | null {
  const value = object[field] ?? null;
  if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new ApiError(422, `${field} must be a finite number or null, got ${show(value)}`);
  }
  return value as number | null;
}

function optionalDescription(object: JsonObject): string | null {
  const value = object.description ?? null;
  if (value !== null && typeof value !== 'string') {
    throw new ApiError(422, `description must be a string or null, got ${show(value)}`);
  }
  return value as string | null;
}

function direction(object: JsonObject, required: boolean): OptimizationDirection | null {
  const value = object.optimization_direction ?? null;
  if (value === null && !required) return null;
  if (
    typeof value !== 'string' ||
    !(OPTIMIZATION_DIRECTIONS as readonly string[]).includes(value)
  ) {
    throw new ApiError(
      422,
      `optimization_direction must be one of ${OPTIMIZATION_DIRECTIONS.join(', ')}, got ${show(value)}`,
    );
  }
  return value as OptimizationDirection;
}

function bounds(object: JsonObject): { lowerBound: number | null; upperBound: number | null } {
  const lowerBound = optionalNumber(object, 'lower_bound');
  const upperBound = optionalNumber(object, 'upper_bound');
  if (lowerBound !== null && upperBound !== null && lowerBound >= upperBound) {
    throw new ApiError(
      422,
      `lower_bound (${lowerBound}) must be less than upper_bound (${upperBound})`,
    );
  }
  return { lowerBound, upperBound };
}

function categoricalValues(object: JsonObject): CategoricalValue[] {
  const values = object.values;
  if (!Array.isArray(values) || values.length === 0) {
    throw new ApiError(422, 'values must be a non-empty list of {label, score?}');
  }
  const labels = new Set<string>();
  return values.map((value, i) => {
    if (!isObject(value) || typeof value.label !== 'string' || value.label.trim() === '') {
      throw new ApiError(422, `values[${i}].label is required (a non-empty string)`);
    }
    if (labels.has(value.label)) {
      throw new ApiError(422, `values has the label "${value.label}" twice`);
    }
    labels.add(value.label);
    return { label: value.label, score: optionalNumber(value, 'score') };
  });
}

export function readAnnotationConfig(body: unknown): AnnotationConfigData {
  if (!isObject(body)) {
    throw new ApiError(422, 'Request body must be a JSON object {name, type, ...}');
  }
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (!name) throw new ApiError(422, 'name is required (a non-empty string)');
  if (name === NOTE_ANNOTATION_NAME) {
    throw new ApiError(409, 'The name "note" is reserved for notes and cannot name a config');
  }
  const type = body.type;
  if (typeof type !== 'string' || !(ANNOTATION_CONFIG_TYPES as readonly string[]).includes(type)) {
    throw new ApiError(
      422,
      `type must be one of ${ANNOTATION_CONFIG_TYPES.join(', ')}, got ${show(type)}`,
    );
  }
  const description = optionalDescription(body);
  switch (type as AnnotationConfigType) {
    case 'CATEGORICAL':
      return {
        type: 'CATEGORICAL',
        name,
        description,
        optimizationDirection: direction(body, true)!,
        values: categoricalValues(body),
      };
    case 'CONTINUOUS':
      return {
        type: 'CONTINUOUS',
        name,
        description,
        optimizationDirection: direction(body, true)!,
        ...bounds(body),
      };
    case 'FREEFORM':
      return {
        type: 'FREEFORM',
        name,
        description,
        optimizationDirection: direction(body, false),
        threshold: optionalNumber(body, 'threshold'),
        ...bounds(body),
      };
  }
}
