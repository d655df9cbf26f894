/** Small JSON-schema builders the route documentation is written with. */
export type JsonSchema = Record<string, unknown>;

export const str = (description?: string): JsonSchema => ({ type: 'string', description });
export const int = (description?: string): JsonSchema => ({ type: 'integer', description });
export const num = (description?: string): JsonSchema => ({ type: 'number', description });
export const bool = (description?: string): JsonSchema => ({ type: 'boolean', description });
export const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, nullable: true });
export const list = (items: JsonSchema, description?: string): JsonSchema => ({
  type: 'array',
  items,
  description,
});
export const obj = (
  properties: Record<string, JsonSchema>,
  required: string[] = [],
): JsonSchema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
});
export const anyObject = (description?: string): JsonSchema => ({
  type: 'object',
  additionalProperties: true,
  description,
});

export const dataOf = (schema: JsonSchema): JsonSchema => obj({ data: schema }, ['data']);
export const pageOf = (item: JsonSchema): JsonSchema =>
  obj(
    { data: list(item), next_cursor: nullable(str('Cursor of the next page; null on the last')) },
    ['data', 'next_cursor'],
  );

export const errorBody = obj({
  statusCode: int(),
  error: str(),
  message: str('What was wrong and, where it helps, what to do'),
});

export const noContent = { description: 'Done (no body)', type: 'null' };

export const params = (...names: [string, string][]): JsonSchema =>
  obj(
    Object.fromEntries(names.map(([name, description]) => [name, str(description)])),
    names.map(([n]) => n),
  );

export const projectParam: [string, string] = ['project_identifier', 'Project GlobalID or name'];

export const cursorQuery = {
  cursor: str('next_cursor of the previous page'),
  limit: int('Page size'),
};

export const timeWindow = {
  start_time: str('ISO 8601; inclusive lower bound'),
  end_time: str('ISO 8601; exclusive upper bound'),
};
