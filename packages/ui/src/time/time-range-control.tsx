/** The time-range picker: presets (15m … 30d) and a custom range chosen on a calendar. */
import { useEffect, useRef, useState } from 'react';
import { DayPicker, type DateRange } from 'react-day-picker';
import 'react-day-picker/style.css';
import { PRESETS, timeRangeLabel, type TimeRange } from './time-range';

const hhmm = (date: Date) => date.toTimeString().slice(0, 5);

function withTime(day: Date, time: string): Date {
  const [hours, minutes] = time.split(':').map(Number);
  const result = new Date(day);
  result.setHours(hours ?? 0, minutes ?? 0, 0, 0);
  return result;
}

export function TimeRangeControl(props: {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
}) {
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState(false);
  const [days, setDays] = useState<DateRange | undefined>();
  const [startTime, setStartTime] = useState('00:00');
  const [endTime, setEndTime] = useState('23:59');
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const openPicker = () => {
    if (props.value.kind === 'custom') {
      const start = new Date(props.value.start);
      const end = new Date(props.value.end);
      setDays({ from: start, to: end });
      setStartTime(hhmm(start));
      setEndTime(hhmm(end));
      setCustom(true);
    } else setCustom(false);
    setOpen(!open);
  };

  const from = days?.from;
  const to = days?.to ?? days?.from;
  const start = from ? withTime(from, startTime) : undefined;
  const end = to ? withTime(to, endTime) : undefined;
  const invalid = !start || !end || start >= end;

  return (
    <div className="time-range" ref={box}>
      <button type="button" className="button" aria-haspopup="dialog" onClick={openPicker}>
        <svg
          width="14"
          height="14"
          viewBox="0 0 16 16"
          aria-hidden
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
        >
          <circle cx="8" cy="8" r="6.5" />
          <path d="M8 4.5V8l2.5 1.5" />
        </svg>
        {timeRangeLabel(props.value)}
      </button>
      {open && (
        <div className="popover time-range-popover" role="dialog" aria-label="Time range">
          <div className="time-range-presets">
            {PRESETS.map((preset) => (
              <button
                key={preset.key}
                type="button"
                className={
                  props.value.kind === 'preset' && props.value.preset === preset.key && !custom
                    ? 'menu-item selected'
                    : 'menu-item'
                }
                onClick={() => {
                  props.onChange({ kind: 'preset', preset: preset.key });
                  setOpen(false);
                }}
              >
                {preset.label}
              </button>
            ))}
            <button
              type="button"
              className={custom ? 'menu-item selected' : 'menu-item'}
              onClick={() => setCustom(true)}
            >
              Custom range…
            </button>
          </div>
          {custom && (
            <div className="time-range-custom">
              <DayPicker
                mode="range"
                selected={days}
                onSelect={setDays}
                disabled={{ after: new Date() }}
                defaultMonth={days?.from ?? new Date()}
              />
              <div className="time-range-times">
                <label>
                  From{' '}
                  <input
                    type="time"
                    value={startTime}
                    onChange={(e) => setStartTime(e.target.value)}
                  />
                </label>
                <label>
                  to{' '}
                  <input type="time" value={endTime} onChange={(e) => setEndTime(e.target.value)} />
                </label>
                <button
                  type="button"
                  className="button primary"
                  disabled={invalid}
                  onClick={() => {
                    props.onChange({
                      kind: 'custom',
                      start: start!.toISOString(),
                      end: end!.toISOString(),
                    });
                    setOpen(false);
                  }}
                >
                  Apply
                </button>
              </div>
              {days?.from && invalid && (
                <p className="hint error-text">The end must be after the start.</p>
              )}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
