// Stands in for node:fs, node:path, node:v8, ... in the page's bundle (explorer/build.ts): the engine
// modules that import them are used in the page only through code paths that never call them. Any
// call throws, naming what was called.
module.exports = new Proxy({}, {
  get(_target, name) {
    if (name === '__esModule') return false;
    return function nodeOnly() {
      throw new Error(`${String(name)}() is Node-only and cannot run in the page`);
    };
  },
});
