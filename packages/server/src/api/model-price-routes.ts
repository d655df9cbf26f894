/**
 * Model prices and cost (Heron): `/v1/model_prices` lists the built-in and user-defined prices
 * and edits the user-defined ones; `/v1/model_prices/unknown_models` lists the models seen
 * without a price; `/v1/model_prices/match` says which price a model gets; and
 * `/v1/model_prices/recompute` re-prices stored spans in the background after a price change.
 *
 * Built-in prices are read-only: a user price with the same pattern overrides one (user prices
 * beat built-ins), and deleting it brings the built-in back.
 */
import type { FastifyInstance } from 'fastify';
import { builtInPrices } from '../spans/prices/built-in-prices.js';
import type { ModelPrice } from '../spans/prices/model-price.js';
import type { CostRecomputeJobs } from '../store/cost-recompute-jobs.js';
import type { UserPriceInput, UserPriceWrite } from '../store/price-store.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { fromGlobalId } from './global-id.js';
import { readUserPrice } from './model-price-body.js';
import { modelPriceJson, recomputeJobJson, unknownModelJson } from './model-price-json.js';
import { resolveProject } from './project-lookup.js';
import { intParam, stringParam, timeParam, type QueryParams } from './query-params.js';
import { unixNanoFromIso } from './timestamps.js';

function toInput(price: ModelPrice): UserPriceInput {
  return {
    name: price.name,
    provider: price.provider,
    pattern: price.pattern,
    effectiveFrom: price.effectiveFrom,
    usdPerMillionTokens: price.usdPerMillionTokens,
    tiers: price.tiers,
  };
}

function written(result: UserPriceWrite, input: UserPriceInput) {
  switch (result.status) {
    case 'ok':
      return { data: modelPriceJson(result.price) };
    case 'duplicate':
      throw new ApiError(
        409,
        `A user price with pattern "${input.pattern}", provider ${input.provider ?? 'any'} and ` +
          `effective_from ${input.effectiveFrom ?? 'always'} already exists; edit that one`,
      );
    case 'not-found':
      throw new ApiError(404, 'Model price not found');
  }
}

/** Optional ISO time in a JSON body, as ns. */
function bodyTime(body: Record<string, unknown>, field: string): bigint | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const ns = typeof value === 'string' ? unixNanoFromIso(value) : null;
  if (ns === null) throw new ApiError(400, `${field} must be an ISO 8601 time or null`);
  return ns;
}

export function registerModelPriceRoutes(
  app: FastifyInstance,
  store: Store,
  jobs: CostRecomputeJobs,
): void {
  /** A `{price_id}`: a ModelPrice GlobalID (user price) or a built-in price's id. */
  async function resolvePrice(id: string): Promise<ModelPrice> {
    const rowid = fromGlobalId('ModelPrice', id);
    const price =
      rowid !== null
        ? await store.prices.getUserPrice(rowid)
        : (builtInPrices().find((p) => p.id === id) ?? null);
    if (!price) throw new ApiError(404, `Model price not found: ${id}`);
    return price;
  }

  function userRowid(price: ModelPrice, id: string): number {
    const rowid = price.source === 'user' ? fromGlobalId('ModelPrice', id) : null;
    if (rowid === null) {
      throw new ApiError(
        403,
        `${id} is a built-in price and cannot be changed; POST a user price with the same ` +
          'pattern to override it (user prices beat built-in ones)',
      );
    }
    return rowid;
  }

  app.get('/v1/model_prices', async (request) => {
    const query = request.query as QueryParams;
    const source = stringParam(query, 'source');
    if (source !== undefined && source !== 'user' && source !== 'built_in') {
      throw new ApiError(422, `source must be user or built_in, got "${source}"`);
    }
    const prices: ModelPrice[] = [];
    if (source !== 'built_in') prices.push(...(await store.prices.listUserPrices()));
    if (source !== 'user') prices.push(...builtInPrices());
    return { data: prices.map(modelPriceJson) };
  });

  app.post('/v1/model_prices', async (request, reply) => {
    const input = readUserPrice(request.body);
    const body = written(await store.prices.createUserPrice(input), input);
    return reply.code(201).send(body);
  });

  app.get('/v1/model_prices/unknown_models', async (request) => {
    const query = request.query as QueryParams;
    const projectIdentifier = stringParam(query, 'project_identifier');
    const project = projectIdentifier ? await resolveProject(store, projectIdentifier) : null;
    const models = await store.prices.unknownModels({
      projectId: project?.rowid,
      startTime: timeParam(query, 'start_time'),
      endTime: timeParam(query, 'end_time'),
      limit: intParam(query, 'limit', 100, 1, 1000),
    });
    return { data: models.map(unknownModelJson) };
  });

  app.get('/v1/model_prices/match', async (request) => {
    const query = request.query as QueryParams;
    const modelName = stringParam(query, 'model_name');
    if (!modelName) throw new ApiError(422, 'model_name is required');
    const at = timeParam(query, 'time') ?? BigInt(Date.now()) * 1_000_000n;
    const catalog = await store.prices.catalog();
    const price = catalog.priceFor(modelName, stringParam(query, 'provider') ?? null, at);
    return { data: price === null ? null : modelPriceJson(price) };
  });

  app.post('/v1/model_prices/recompute', async (request, reply) => {
    const body = (request.body ?? {}) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError(400, 'Request body must be a JSON object (or empty)');
    }
    const fields = body as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!['start_time', 'end_time', 'project'].includes(key)) {
        throw new ApiError(400, `Unknown field ${key}; use start_time, end_time, project`);
      }
    }
    const startTime = bodyTime(fields, 'start_time');
    const endTime = bodyTime(fields, 'end_time');
    if (startTime !== undefined && endTime !== undefined && endTime <= startTime) {
      throw new ApiError(400, 'end_time must be after start_time');
    }
    let projectId: number | undefined;
    if (fields['project'] !== undefined && fields['project'] !== null) {
      if (typeof fields['project'] !== 'string') {
        throw new ApiError(400, 'project must be a project GlobalID or name');
      }
      projectId = (await resolveProject(store, fields['project'])).rowid;
    }
    const job = await jobs.start({ projectId, startTime, endTime });
    if (job === null) {
      const running = jobs.current();
      throw new ApiError(
        409,
        `A cost recompute is already running (${running?.id ?? 'unknown'}); wait for it to finish`,
      );
    }
    return reply.code(202).send({ data: recomputeJobJson(job) });
  });

  app.get('/v1/model_prices/recompute/:job_id', async (request) => {
    const { job_id } = request.params as { job_id: string };
    const job = jobs.get(job_id);
    if (!job) {
      throw new ApiError(
        404,
        `Recompute job not found: ${job_id} (jobs are kept in the memory of the server that ` +
          'started them, and lost when it restarts)',
      );
    }
    return { data: recomputeJobJson(job) };
  });

  app.get('/v1/model_prices/:price_id', async (request) => {
    const { price_id } = request.params as { price_id: string };
    return { data: modelPriceJson(await resolvePrice(price_id)) };
  });

  app.patch('/v1/model_prices/:price_id', async (request) => {
    const { price_id } = request.params as { price_id: string };
    const price = await resolvePrice(price_id);
    const rowid = userRowid(price, price_id);
    const input = readUserPrice(request.body, toInput(price));
    return written(await store.prices.updateUserPrice(rowid, input), input);
  });

  app.delete('/v1/model_prices/:price_id', async (request) => {
    const { price_id } = request.params as { price_id: string };
    const price = await resolvePrice(price_id);
    const rowid = userRowid(price, price_id);
    if (!(await store.prices.deleteUserPrice(rowid))) {
      throw new ApiError(404, `Model price not found: ${price_id}`);
    }
    return { data: modelPriceJson(price) };
  });
}
