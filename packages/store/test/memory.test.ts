import { eventStoreConformance } from '@hoso/store/testing';
import { createMemoryStore } from '@hoso/store';

eventStoreConformance('memory', async () => ({ store: createMemoryStore() }), { streamedAppend: true });
