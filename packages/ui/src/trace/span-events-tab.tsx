/**
 * The Events tab: each event with its time; exceptions show their type, message and a
 * readable stack trace (monospace, one frame per line, long traces folded).
 */
import { useState } from 'react';
import { JsonTree } from './json-tree';
import type { JsonObject, SpanDetail, SpanEvent } from './trace-api';

/** Stack trace lines shown before "Show all". */
const STACK_LINES_SHOWN = 12;

function StackTrace({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const shown = open ? lines : lines.slice(0, STACK_LINES_SHOWN);
  return (
    <div className="heron-stacktrace" data-testid="stacktrace">
      <ol className="heron-stack-frames">
        {shown.map((line, index) => (
          <li
            key={index}
            className={/^\s+(at |File )/.test(line) ? 'heron-stack-frame' : 'heron-stack-head'}
          >
            {line}
          </li>
        ))}
      </ol>
      {lines.length > STACK_LINES_SHOWN && (
        <button type="button" className="heron-link-button" onClick={() => setOpen(!open)}>
          {open ? 'Show fewer lines' : `Show all ${lines.length} lines`}
        </button>
      )}
    </div>
  );
}

function withoutKeys(attributes: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(Object.entries(attributes).filter(([key]) => !keys.includes(key)));
}

const EXCEPTION_KEYS = [
  'exception.type',
  'exception.message',
  'exception.stacktrace',
  'exception.escaped',
];

function EventItem({ event }: { event: SpanEvent }) {
  const attributes = event.attributes;
  const time = event.timestamp.replace('T', ' ').replace('+00:00', ' UTC');
  if (event.name === 'exception') {
    const type = attributes['exception.type'];
    const message = attributes['exception.message'];
    const stack = attributes['exception.stacktrace'];
    const rest = withoutKeys(attributes, EXCEPTION_KEYS);
    return (
      <li className="heron-event heron-exception" data-testid="exception">
        <div className="heron-event-head">
          <span className="heron-badge heron-badge-error">exception</span>
          <strong className="heron-exception-type">{String(type ?? 'Error')}</strong>
          <span className="heron-muted"> {time}</span>
        </div>
        {message !== undefined && <p className="heron-exception-message">{String(message)}</p>}
        {typeof stack === 'string' && stack !== '' && <StackTrace text={stack} />}
        {Object.keys(rest).length > 0 && <JsonTree value={rest} />}
      </li>
    );
  }
  return (
    <li className="heron-event">
      <div className="heron-event-head">
        <strong>{event.name}</strong>
        <span className="heron-muted"> {time}</span>
      </div>
      {Object.keys(attributes).length > 0 && <JsonTree value={attributes} />}
    </li>
  );
}

export function SpanEventsTab({ span }: { span: SpanDetail }) {
  if (span.events.length === 0) return <p className="heron-muted">This span has no events.</p>;
  return (
    <ol className="heron-events">
      {span.events.map((event, index) => (
        <EventItem key={index} event={event} />
      ))}
    </ol>
  );
}
