/**
 * A list the server answers page by page (`next_cursor`): iterate it with `for await`, or
 * collect it with `toArray()`. Pages are fetched as iteration reaches them, so a large project
 * is never held in memory unless the caller collects it; `limit` stops after that many items.
 */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export class Paged<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (cursor: string | undefined, pageSize: number) => Promise<Page<T>>,
    private readonly limit: number = Infinity,
    private readonly pageSize: number = 1000,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let cursor: string | undefined;
    let yielded = 0;
    while (yielded < this.limit) {
      const size = Math.min(this.pageSize, this.limit - yielded);
      const page = await this.fetchPage(cursor, size);
      for (const item of page.data) {
        yield item;
        if (++yielded >= this.limit) return;
      }
      if (page.next_cursor === null || page.data.length === 0) return;
      cursor = page.next_cursor;
    }
  }

  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}
