// Copies non-TypeScript assets (the OTLP .proto files, SQL migrations) next to the compiled code.
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const dir of ['otlp/proto', 'store/sqlite/migrations', 'store/postgres/migrations']) {
  const from = join(root, 'src', dir);
  if (existsSync(from)) cpSync(from, join(root, 'dist', dir), { recursive: true });
}
