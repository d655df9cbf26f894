/**
 * OpenAPI documentation of the model price and cost routes (model-price-routes.ts), keyed by
 * "METHOD /path" like tracing-route-docs.ts.
 */
import {
  anyObject,
  dataOf,
  errorBody,
  int,
  list,
  nullable,
  num,
  obj,
  params,
  str,
  timeWindow,
} from './schema-parts.js';
import type { RouteDoc } from './tracing-route-docs.js';

const TOKEN_TYPES_TEXT =
  'input, cache_read, cache_write, audio_input, output, reasoning, audio_output';

const rates = (description: string) =>
  anyObject(`${description}: USD per 1,000,000 tokens by token type (${TOKEN_TYPES_TEXT})`);

const tier = obj({
  above_prompt_tokens: int('The tier applies when the prompt has more tokens than this'),
  usd_per_million_tokens: rates(
    'Rates replacing the base rates (a type not listed keeps its base rate)',
  ),
});

const price = obj({
  id: str('ModelPrice GlobalID (user) or the built-in id (e.g. openai-gpt-4o)'),
  source: str('user | built_in'),
  name: str(),
  provider: nullable(
    str('Canonical provider (openai, anthropic, google, bedrock, azure…); null = any'),
  ),
  pattern: str('Regular expression over the whole model name, case-insensitive'),
  effective_from: nullable(str('ISO 8601; null = always')),
  usd_per_million_tokens: rates('Base rates; input and output required'),
  tiers: list(tier),
  price_as_of: nullable(str('Built-in only: when the figures were taken (YYYY-MM)')),
  note: nullable(str('Built-in only')),
});

const priceBody = obj(
  {
    name: str(),
    pattern: str(
      'Regular expression over the whole model name (≤ 256 characters, no nested quantifiers)',
    ),
    provider: nullable(str()),
    effective_from: nullable(str('ISO 8601 date or time')),
    usd_per_million_tokens: rates('input and output required'),
    tiers: list(tier),
  },
  ['name', 'pattern', 'usd_per_million_tokens'],
);

const job = obj({
  id: str(),
  state: str('running | succeeded | failed'),
  spans_done: int(),
  spans_total: int('LLM spans in the range when the job started'),
  start_time: nullable(str()),
  end_time: nullable(str()),
  project_id: nullable(str()),
  started_at: str(),
  finished_at: nullable(str()),
  error: nullable(str()),
});

const priceParam = params(['price_id', 'ModelPrice GlobalID or built-in price id']);
const tags = ['model prices'];

export const MODEL_PRICE_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/model_prices': {
    summary: 'User-defined and built-in model prices (Heron); user prices first',
    tags,
    querystring: obj({ source: str('user | built_in (default: both)') }),
    response: { 200: dataOf(list(price)), 422: errorBody },
  },
  'POST /v1/model_prices': {
    summary: 'Add a user-defined price (beats built-in prices for the models it matches)',
    description:
      'Takes effect for spans ingested from now on; POST /v1/model_prices/recompute re-prices stored spans.',
    tags,
    body: priceBody,
    response: { 201: dataOf(price), 400: errorBody, 409: errorBody },
  },
  'GET /v1/model_prices/:price_id': {
    summary: 'One price',
    tags,
    params: priceParam,
    response: { 200: dataOf(price), 404: errorBody },
  },
  'PATCH /v1/model_prices/:price_id': {
    summary: 'Change fields of a user-defined price (built-in prices: 403)',
    tags,
    params: priceParam,
    body: anyObject('Any fields of a price'),
    response: {
      200: dataOf(price),
      400: errorBody,
      403: errorBody,
      404: errorBody,
      409: errorBody,
    },
  },
  'DELETE /v1/model_prices/:price_id': {
    summary: 'Delete a user-defined price (built-in prices: 403); answers the deleted price',
    tags,
    params: priceParam,
    response: { 200: dataOf(price), 403: errorBody, 404: errorBody },
  },
  'GET /v1/model_prices/unknown_models': {
    summary: 'Model names seen on LLM spans with tokens but no price, with span counts',
    tags,
    querystring: obj({
      project_identifier: str('Project GlobalID or name (default: all projects)'),
      ...timeWindow,
      limit: int('Most models listed (default 100, ≤ 1000)'),
    }),
    response: {
      200: dataOf(
        list(
          obj({
            model_name: str(),
            provider: nullable(str()),
            span_count: int(),
            last_seen: str('Start time of the newest such span'),
          }),
        ),
      ),
      404: errorBody,
      422: errorBody,
    },
  },
  'GET /v1/model_prices/match': {
    summary: 'The price a model gets (null: no price)',
    tags,
    querystring: obj(
      {
        model_name: str('As sent in llm.model_name'),
        provider: str('llm.provider / llm.system / gen_ai.system, any spelling'),
        time: str('ISO 8601 (default now): which effective price'),
      },
      ['model_name'],
    ),
    response: { 200: dataOf(nullable(price)), 422: errorBody },
  },
  'POST /v1/model_prices/recompute': {
    summary: 'Start re-pricing stored spans in the background (after a price change)',
    description:
      "Recomputes the cost of the LLM spans started in [start_time, end_time) (of one project, or all) and their traces' cost, in small transactions interleaved with ingestion. One job at a time (409 while one runs). Jobs live in memory: after a restart, run it again.",
    tags,
    body: obj({
      start_time: nullable(str('ISO 8601, inclusive')),
      end_time: nullable(str('ISO 8601, exclusive')),
      project: nullable(str('Project GlobalID or name')),
    }),
    response: { 202: dataOf(job), 400: errorBody, 404: errorBody, 409: errorBody },
  },
  'GET /v1/model_prices/recompute/:job_id': {
    summary: 'Progress of a recompute job',
    tags,
    params: params(['job_id', 'The id POST /v1/model_prices/recompute answered']),
    response: { 200: dataOf(job), 404: errorBody },
  },
};

/** Cost fields Heron adds to each span's JSON. */
export const SPAN_COST_FIELDS = {
  cost: nullable(num('USD; null = no price (unknown model, no tokens, or not an LLM span)')),
  cost_prompt: nullable(num()),
  cost_completion: nullable(num()),
  cost_details: nullable(anyObject('By token type: {tokens, cost, usd_per_million_tokens}')),
  price_id: nullable(str('The price applied')),
};
