import { eventStoreContract } from '../event-store.contract';
import { SqlEventStore } from '../sql/sql-event-store';
import { PgliteExecutor } from './pglite-executor';

describe('PGlite event store', () => {
  eventStoreContract({
    concurrentTransactions: false,
    open: async () => {
      const store = new SqlEventStore(await PgliteExecutor.open());
      await store.migrate();
      return store;
    },
  });
});
