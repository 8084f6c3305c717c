// Stands in for the gpu.js package in the page's bundle (explorer/build.ts): the page runs the
// reference and wasm backends only, and gpu.js (over 600 KiB) reaches the bundle only through the
// backend registry that the nets import. Using it throws, naming why.
module.exports = new Proxy({}, {
  get(_target, name) {
    if (name === '__esModule') return false;
    return function notBundled() {
      throw new Error(`gpu.js (${String(name)}) is not bundled in the explorer page; it runs the reference and wasm backends`);
    };
  },
});
