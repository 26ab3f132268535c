// Node (CommonJS and ESM) and bundles for Node: compile the inlined module synchronously, so
// that `require('jitterbug')` returns a ready package and CDK code can build policies at synth.
import { initSync } from './generated/glue.js';
import { wasmBase64 } from './generated/wasm.js';
import { decodeBase64 } from './base64.js';

initSync({ module: decodeBase64(wasmBase64) });
