/**
 * The Store conformance suite (store/conformance/) against PostgresStore: each store on a
 * fresh schema of its own, opened through `PostgresStore.open` (so the migrations run too) and
 * dropped when the store closes. Skipped with the reason when no PostgreSQL server answers at
 * HERON_TEST_DATABASE_URL, except on CI, where that fails.
 */
import { runStoreConformance } from '../conformance/store-conformance.js';
import { PostgresStore } from './postgres-store.js';
import {
  dropSchema,
  postgresUnavailable,
  TEST_DATABASE_URL,
  testSchemaName,
} from './postgres-test-database.js';

runStoreConformance(
  {
    name: 'postgres',
    async open() {
      const schema = testSchemaName();
      let store: PostgresStore;
      try {
        store = await PostgresStore.open({ url: TEST_DATABASE_URL, schema, poolSize: 4 });
      } catch (error) {
        await dropSchema(schema);
        throw error;
      }
      return {
        store,
        async close() {
          await store.close();
          await dropSchema(schema);
        },
      };
    },
  },
  { skip: await postgresUnavailable() },
);
