import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core writes its instance settings into the user folder when first loaded.
process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'omi-n8n-'));
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
// Recordings are stored on disk and streamed, as in a production n8n.
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
