// Browsers: compile asynchronously (top-level await). Chromium forbids synchronous
// compilation of larger modules on the main thread, and the limit varies between installs.
import init from './generated/glue.js';
import { wasmBase64 } from './generated/wasm.js';
import { decodeBase64 } from './base64.js';

await init({ module_or_path: decodeBase64(wasmBase64) });
