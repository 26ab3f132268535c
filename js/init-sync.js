// Node (CommonJS and ESM) and bundles for Node: the inlined module is compiled synchronously
// on first use, so `require('jitterbug')` stays cheap (a process that never needs the engine
// never compiles it) and CDK code can still build policies synchronously at synth time.
import { initSync } from './generated/glue.js';
import { wasmBase64 } from './generated/wasm.js';

let compiled = false;

export function ready() {
  if (!compiled) {
    initSync({ module: Buffer.from(wasmBase64(), 'base64') });
    compiled = true;
  }
}
