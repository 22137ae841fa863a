import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreConformance } from '@hoso/store/testing';
import { openSqliteStore } from '@hoso/store-sqlite';

eventStoreConformance(
  'sqlite',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoso-sqlite-conf-'));
    return {
      store: openSqliteStore({ path: join(dir, 'ledger.db') }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { streamedAppend: true },
);
