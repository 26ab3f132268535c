// The browser build for bundlers, test runners and pages that cannot take the default one
// (`jitterbug/inline`): the module is inlined, so there is no asset to serve, and compiled
// synchronously on first use, so there is no top-level await. It is ~4 KB larger gzipped.
import './text-codec.js'; // first: the glue makes its encoder when it loads
import { initSync } from './generated/glue.js';
import { wasmBase64 } from './generated/wasm.js';

let compiled = false;

export function ready() {
  if (!compiled) {
    initSync({ module: Uint8Array.from(atob(wasmBase64()), (c) => c.charCodeAt(0)) });
    compiled = true;
  }
}
