// The WebAssembly engine. Importing it through this module guarantees the module is
// instantiated first: ./init.js is init-sync.js or init-async.js, chosen per build.
import './init.js';

export { EnginePolicy, checkOptions, nameError } from './generated/glue.js';
