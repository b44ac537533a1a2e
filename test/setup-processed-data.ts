import { useProcessedDataStore } from './harness/processedData';

// The n8n server always has its processed-items store; the in-process engine gets one before each test file.
beforeAll(async () => await useProcessedDataStore());
