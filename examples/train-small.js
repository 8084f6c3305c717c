// Train a small net: plain SGD on MNIST under the paper's protocol (batch 1024, lr 0.01), a few
// epochs on a subset, printing test accuracy after each epoch.
//
//   node examples/train-small.js [widths, e.g. 784,64,64,10] [init id] [epochs]

const st = require('start-training');

const widths = (process.argv[2] ?? '784,32,32,10').split(',').map(Number);
const init = process.argv[3] ?? 'he_normal';
const epochs = Number(process.argv[4] ?? 2);
const backend = st.createBackend(st.availableBackends().includes('wasm') ? 'wasm' : 'reference');

const result = st.train(
  { widths, init, seed: 1, maxEpochs: epochs, stopAtTarget: false, batchSize: 128, lr: 0.05, limitTrain: 4096, limitTest: 1000 },
  { backend, onProgress: (e) => { if (e.type === 'epoch') console.log(`epoch ${e.epoch}: loss ${e.train_loss.toFixed(4)}, test accuracy ${e.test_acc.toFixed(3)}`); } },
);
console.log(`${result.status}: final test accuracy ${result.final_test_acc.toFixed(3)} after ${result.steps} steps (backend ${backend.name})`);
