// Browsers: fetch jitterbug.wasm beside this file and compile it asynchronously (top-level
// await). Streaming compilation is the fastest path, and Chromium forbids synchronous
// compilation of larger modules on the main thread, with a limit that varies by install.
import init from './generated/glue.js';

await init({ module_or_path: new URL('jitterbug.wasm', import.meta.url) });

export function ready() {}
