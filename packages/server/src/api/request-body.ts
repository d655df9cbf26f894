/** Reading JSON request bodies of the REST API; shape errors are 422 naming the field. */
import { ApiError } from './api-error.js';

export type JsonObject = Record<string, unknown>;

export function bodyObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(422, 'Request body must be a JSON object');
  }
  return body as JsonObject;
}

export function optionalString(body: JsonObject, field: string): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value as null | undefined;
  if (typeof value !== 'string') throw new ApiError(422, `${field} must be a string`);
  return value;
}

export function requiredString(body: JsonObject, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined || value === null || value.trim() === '') {
    throw new ApiError(422, `${field} is required`);
  }
  return value;
}

export function stringList(body: JsonObject, field: string): string[] {
  const value = body[field];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new ApiError(422, `${field} must be a list of strings`);
  }
  return value as string[];
}
