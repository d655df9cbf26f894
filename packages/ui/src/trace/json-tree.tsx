/**
 * A foldable JSON tree (react-json-view-lite) styled with the theme's CSS variables. Plain
 * values (a JSON string holding a number, say) are shown as they are.
 */
import { JsonView, allExpanded, type Props as JsonViewProps } from 'react-json-view-lite';
import type { JsonValue } from './trace-api';

type JsonStyle = NonNullable<JsonViewProps['style']>;

const STYLE: JsonStyle = {
  container: 'heron-json',
  basicChildStyle: 'heron-json-child',
  childFieldsContainer: 'heron-json-fields',
  label: 'heron-json-label',
  clickableLabel: 'heron-json-label heron-json-clickable',
  nullValue: 'heron-json-null',
  undefinedValue: 'heron-json-null',
  numberValue: 'heron-json-number',
  stringValue: 'heron-json-string',
  booleanValue: 'heron-json-boolean',
  otherValue: 'heron-json-other',
  punctuation: 'heron-json-punctuation',
  expandIcon: 'heron-json-icon heron-json-expand',
  collapseIcon: 'heron-json-icon heron-json-collapse',
  collapsedContent: 'heron-json-collapsed',
  noQuotesForStringValues: false,
  quotesForFieldNames: false,
  ariaLables: { collapseJson: 'Collapse', expandJson: 'Expand' },
  stringifyStringValues: false,
};

/** Levels opened at first; deeper ones are folded until clicked. */
const OPEN_LEVELS = 3;

export function JsonTree({ value, expandAll = false }: { value: JsonValue; expandAll?: boolean }) {
  if (typeof value !== 'object' || value === null) {
    return <pre className="heron-pre">{JSON.stringify(value)}</pre>;
  }
  return (
    <div className="heron-json-wrap">
      <JsonView
        data={value}
        style={STYLE}
        shouldExpandNode={expandAll ? allExpanded : (level) => level < OPEN_LEVELS}
        clickToExpandNode
      />
    </div>
  );
}
