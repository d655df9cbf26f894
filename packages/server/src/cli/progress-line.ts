/**
 * A one-line progress report on a terminal ("1,200 / 100,000 spans, 8,400 spans/s", or "1,200
 * spans (3% of the file), …" when the total is not known), rewritten
 * in place at most a few times a second; silent when stderr is not a terminal (CI, pipes), so
 * logs and redirected output stay clean. Written to stderr: stdout may be carrying the export.
 */
const REDRAW_MS = 200;

interface ProgressFigures {
  done: number;
  total?: number;
  fraction?: number;
}

export class ProgressLine {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;
  /** Figures that came too soon after the last redraw; `finish` shows them. */
  private pending: ProgressFigures | undefined;

  constructor(
    private readonly verb: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** `total` when known (a span count), else `fraction` of the input read. */
  update(done: number, total?: number, fraction?: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS) {
      this.pending = { done, total, fraction };
      return;
    }
    this.lastDraw = now;
    this.draw({ done, total, fraction }, now);
  }

  private draw({ done, total, fraction }: ProgressFigures, now: number): void {
    this.pending = undefined;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const count = done.toLocaleString('en-US');
    const spans =
      total !== undefined
        ? `${count} / ${total.toLocaleString('en-US')} spans`
        : fraction !== undefined
          ? `${count} spans (${Math.round(fraction * 100)}% of the file)`
          : `${count} spans`;
    const rate = Math.round(done / seconds).toLocaleString('en-US');
    this.stream.write(`\r\x1b[2K${this.verb} ${spans}, ${rate} spans/s`);
    this.drawn = true;
  }

  /** Shows the last figures and ends the line, so the next message starts on its own. */
  finish(): void {
    if (this.pending) this.draw(this.pending, Date.now());
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
