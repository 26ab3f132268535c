// Browsers: fetch jitterbug.wasm beside this file and compile it asynchronously (top-level
// await). Streaming compilation is the fastest path, and Chromium forbids synchronous
// compilation of larger modules on the main thread, with a limit that varies by install.
import { __wbg_finalize_init as finish, __wbg_get_imports as imports } from './generated/glue.js';

const url = new URL('jitterbug.wasm', import.meta.url);
const response = await fetch(url);
if (!response.ok) throw new Error(`jitterbug: could not load its engine: ${response.status} ${response.statusText} fetching ${url}`);
let compiled;
try {
  compiled = await WebAssembly.instantiateStreaming(response, imports());
} catch (error) {
  // A server that does not send `application/wasm` (streaming needs it): compile the bytes.
  if (response.headers.get('content-type')?.startsWith('application/wasm')) throw error;
  compiled = await WebAssembly.instantiate(await response.arrayBuffer(), imports());
}
finish(compiled.instance, compiled.module);

export function ready() {}
