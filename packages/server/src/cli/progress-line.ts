/**
 * A one-line progress report on a terminal ("1,200 / 100,000 spans, 8,400 spans/s"), rewritten
 * in place at most a few times a second; silent when stderr is not a terminal (CI, pipes), so
 * logs and redirected output stay clean. Written to stderr: stdout may be carrying the export.
 */
const REDRAW_MS = 200;

export class ProgressLine {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

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
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const of =
      total !== undefined
        ? ` / ${total.toLocaleString('en-US')}`
        : fraction !== undefined
          ? ` (${Math.round(fraction * 100)}% of the file)`
          : '';
    const rate = Math.round(done / seconds).toLocaleString('en-US');
    this.stream.write(
      `\r\x1b[2K${this.verb} ${done.toLocaleString('en-US')}${of} spans, ${rate} spans/s`,
    );
    this.drawn = true;
  }

  /** Ends the line so the next message starts on its own. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
