/**
 * Add or edit a user price: name, pattern, provider, effective date, a rate per token type and
 * prompt-size tiers. The server checks it; its message (naming the field) shows under the form.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiSend, seg } from '../api/heron-api';
import { Dialog } from '../shell/dialog';
import { TOKEN_TYPES, type ModelPrice, type Rates } from './model-price-types';

/** Text fields of one set of rates ('' = not given). */
type RateText = Record<string, string>;

const rateText = (rates: Rates): RateText =>
  Object.fromEntries(TOKEN_TYPES.map((t) => [t, rates[t] === undefined ? '' : String(rates[t])]));

/** Rates as the API takes them; a field that is not a number is sent as typed, for the API to name. */
function ratesBody(text: RateText): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const type of TOKEN_TYPES) {
    const raw = (text[type] ?? '').trim();
    if (raw === '') continue;
    out[type] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

export interface PriceDraft {
  name: string;
  pattern: string;
  provider: string | null;
}

/** An escaped pattern matching exactly this model name. */
export const exactPattern = (modelName: string) => modelName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function RateFields(props: { prefix: string; value: RateText; onChange: (v: RateText) => void }) {
  return (
    <div className="rate-grid">
      {TOKEN_TYPES.map((type) => (
        <label key={type}>
          {type}
          <input
            type="text"
            inputMode="decimal"
            aria-label={`${props.prefix} ${type}`}
            value={props.value[type] ?? ''}
            placeholder={type === 'input' || type === 'output' ? 'required' : 'input/output rate'}
            onChange={(e) => props.onChange({ ...props.value, [type]: e.target.value })}
          />
        </label>
      ))}
    </div>
  );
}

export function PriceForm(props: {
  /** The price to edit; a draft (or nothing) to add one. */
  price?: ModelPrice;
  draft?: PriceDraft;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const base = props.price;
  const [name, setName] = useState(base?.name ?? props.draft?.name ?? '');
  const [pattern, setPattern] = useState(base?.pattern ?? props.draft?.pattern ?? '');
  const [provider, setProvider] = useState(base?.provider ?? props.draft?.provider ?? '');
  const [effectiveFrom, setEffectiveFrom] = useState(base?.effective_from ?? '');
  const [rates, setRates] = useState<RateText>(rateText(base?.usd_per_million_tokens ?? {}));
  const [tiers, setTiers] = useState(
    (base?.tiers ?? []).map((tier) => ({
      above: String(tier.above_prompt_tokens),
      rates: rateText(tier.usd_per_million_tokens),
    })),
  );
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: name.trim(),
        pattern,
        provider: provider.trim() || null,
        effective_from: effectiveFrom.trim() || null,
        usd_per_million_tokens: ratesBody(rates),
        tiers: tiers.map((tier) => ({
          above_prompt_tokens: Number.isInteger(Number(tier.above))
            ? Number(tier.above)
            : tier.above,
          usd_per_million_tokens: ratesBody(tier.rates),
        })),
      };
      return base
        ? apiSend('PATCH', `/v1/model_prices/${seg(base.id)}`, body)
        : apiSend('POST', '/v1/model_prices', body);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['model-prices'] });
      void client.invalidateQueries({ queryKey: ['unknown-models'] });
      props.onClose();
    },
  });
  return (
    <Dialog title={base ? `Edit ${base.name}` : 'New price'} onClose={props.onClose}>
      <form
        className="price-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label>
          Name
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </label>
        <label>
          Pattern (regular expression over the whole model name, case-insensitive)
          <input
            type="text"
            className="mono"
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
          />
        </label>
        <div className="form-row">
          <label>
            Provider (optional)
            <input type="text" value={provider} onChange={(e) => setProvider(e.target.value)} />
          </label>
          <label>
            Effective from (optional, ISO date)
            <input
              type="text"
              placeholder="2025-06-01"
              value={effectiveFrom}
              onChange={(e) => setEffectiveFrom(e.target.value)}
            />
          </label>
        </div>
        <fieldset>
          <legend>USD per million tokens</legend>
          <RateFields prefix="Rate" value={rates} onChange={setRates} />
        </fieldset>
        {tiers.map((tier, i) => (
          <fieldset key={i}>
            <legend>
              Tier {i + 1}: prompts over{' '}
              <input
                type="text"
                inputMode="numeric"
                aria-label={`Tier ${i + 1} above prompt tokens`}
                value={tier.above}
                style={{ width: 100 }}
                onChange={(e) =>
                  setTiers(tiers.map((t, j) => (j === i ? { ...t, above: e.target.value } : t)))
                }
              />{' '}
              tokens{' '}
              <button
                type="button"
                className="button ghost danger"
                onClick={() => setTiers(tiers.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </legend>
            <RateFields
              prefix={`Tier ${i + 1}`}
              value={tier.rates}
              onChange={(value) =>
                setTiers(tiers.map((t, j) => (j === i ? { ...t, rates: value } : t)))
              }
            />
          </fieldset>
        ))}
        <button
          type="button"
          className="button ghost"
          onClick={() => setTiers([...tiers, { above: '', rates: rateText({}) }])}
        >
          + Add a prompt-size tier
        </button>
        {save.error && (
          <p className="error-text" role="alert">
            {save.error.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={save.isPending}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
