// The browser build's stand-in for channels.js: browsers have no diagnostics channels; a
// page's calls are heard through `onEvent`.
export const heard = () => undefined;
export const firstHeard = () => false;
export const publish = () => {};

export function subscribe() {
  throw new TypeError('subscribe() is for Node: in a browser, give a Policy `onEvent`');
}
