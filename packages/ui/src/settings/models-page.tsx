/**
 * Settings › Models (`/settings/models`): the prices spans are costed with — user prices
 * (add, edit, delete) and the built-in table, searchable by model name — the models seen
 * without a price (one click starts a price for one), and recomputing stored costs.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { apiGet, apiSend, seg } from '../api/heron-api';
import { formatCount, formatRelative } from '../format/display-format';
import type { ModelPrice, Rates, UnknownModel } from './model-price-types';
import { exactPattern, PriceForm, type PriceDraft } from './price-form';
import { RecomputePanel } from './recompute-panel';

const rate = (rates: Rates, type: keyof Rates) =>
  rates[type] === undefined ? '—' : `$${rates[type]}`;

/** Whether a price applies to a model name typed in the search box (or names it). */
function matches(price: ModelPrice, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (needle === '') return true;
  if (price.name.toLowerCase().includes(needle) || price.pattern.toLowerCase().includes(needle)) {
    return true;
  }
  try {
    return new RegExp(`^(?:${price.pattern})$`, 'i').test(needle);
  } catch {
    return false;
  }
}

function PriceRow(props: { price: ModelPrice; onEdit: () => void }) {
  const client = useQueryClient();
  const { price } = props;
  const remove = useMutation({
    mutationFn: () => apiSend('DELETE', `/v1/model_prices/${seg(price.id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['model-prices'] }),
  });
  const rates = price.usd_per_million_tokens;
  return (
    <tr data-testid="price-row" data-price={price.name} data-source={price.source}>
      <td>
        {price.name}
        {price.source === 'user' && <span className="badge">yours</span>}
        {remove.error && <div className="error-text">{remove.error.message}</div>}
      </td>
      <td className="mono">{price.pattern}</td>
      <td>{price.provider ?? <span className="muted">any</span>}</td>
      <td>{price.effective_from ?? <span className="muted">—</span>}</td>
      <td className="num">{rate(rates, 'input')}</td>
      <td className="num">{rate(rates, 'output')}</td>
      <td className="num">{rate(rates, 'cache_read')}</td>
      <td className="num">{price.tiers.length || ''}</td>
      <td>
        {price.source === 'user' && (
          <>
            <button type="button" className="button ghost" onClick={props.onEdit}>
              Edit
            </button>
            <button
              type="button"
              className="button ghost danger"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete the price ${price.name}?`)) remove.mutate();
              }}
            >
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

export function ModelsPage() {
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<ModelPrice | null>(null);
  const [draft, setDraft] = useState<PriceDraft | null>(null);
  const prices = useQuery({
    queryKey: ['model-prices'],
    queryFn: () => apiGet<{ data: ModelPrice[] }>('/v1/model_prices').then((r) => r.data),
  });
  const unknown = useQuery({
    queryKey: ['unknown-models'],
    queryFn: () =>
      apiGet<{ data: UnknownModel[] }>('/v1/model_prices/unknown_models', { limit: 100 }).then(
        (r) => r.data,
      ),
  });
  const shown = useMemo(
    () => (prices.data ?? []).filter((price) => matches(price, search)),
    [prices.data, search],
  );
  return (
    <div className="settings-page">
      <h1>Models and prices</h1>
      <section className="card settings-section" data-testid="unknown-models">
        <h2>Models without a price</h2>
        {unknown.error && <p className="error-text">{unknown.error.message}</p>}
        {unknown.data?.length === 0 && (
          <p className="muted">Every model seen on an LLM span with tokens has a price.</p>
        )}
        {unknown.data && unknown.data.length > 0 && (
          <table className="data simple">
            <thead>
              <tr>
                <th>Model</th>
                <th>Provider</th>
                <th className="num">Spans</th>
                <th>Last seen</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {unknown.data.map((model) => (
                <tr
                  key={`${model.model_name}|${model.provider ?? ''}`}
                  data-testid="unknown-model"
                  data-model={model.model_name}
                >
                  <td className="mono">{model.model_name}</td>
                  <td>{model.provider ?? <span className="muted">—</span>}</td>
                  <td className="num">{formatCount(model.span_count)}</td>
                  <td>{formatRelative(model.last_seen)}</td>
                  <td>
                    <button
                      type="button"
                      className="button"
                      onClick={() =>
                        setDraft({
                          name: model.model_name,
                          pattern: exactPattern(model.model_name),
                          provider: model.provider,
                        })
                      }
                    >
                      Add a price
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <RecomputePanel />

      <section className="card settings-section" data-testid="prices">
        <h2>Prices</h2>
        <div className="toolbar">
          <input
            type="search"
            placeholder="Search by model name (e.g. gpt-4o-2024-08-06)"
            aria-label="Search prices"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ flex: 1 }}
          />
          <button
            type="button"
            className="button primary"
            onClick={() => setDraft({ name: '', pattern: '', provider: null })}
          >
            New price
          </button>
        </div>
        {prices.error && <p className="error-text">{prices.error.message}</p>}
        <p className="muted">
          USD per million tokens. Your prices win over the built-in ones; built-in prices cannot be
          edited (add one of yours with the same pattern to override one).
        </p>
        <table className="data simple">
          <thead>
            <tr>
              <th>Name</th>
              <th>Pattern</th>
              <th>Provider</th>
              <th>From</th>
              <th className="num">Input</th>
              <th className="num">Output</th>
              <th className="num">Cache read</th>
              <th className="num">Tiers</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((price) => (
              <PriceRow key={price.id} price={price} onEdit={() => setEditing(price)} />
            ))}
          </tbody>
        </table>
        {prices.data && shown.length === 0 && <p className="muted">No price matches.</p>}
      </section>
      {editing && <PriceForm price={editing} onClose={() => setEditing(null)} />}
      {draft && <PriceForm draft={draft} onClose={() => setDraft(null)} />}
    </div>
  );
}
