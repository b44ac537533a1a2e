import { rmSync } from 'node:fs';

// The n8n user folder of each test file holds its binary store: copies of every test recording.
afterAll(() => rmSync(process.env.N8N_USER_FOLDER as string, { recursive: true, force: true }));
