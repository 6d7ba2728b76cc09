// What a word is, for the classifier's word features and the word walks that
// serve other detectors (features.ts and its WebAssembly kernel, wasm/): one
// table, so the JavaScript and WebAssembly walkers cannot disagree on it.

/** Word character fold: lowercase letters, '0' for digits, the code itself from U+00C0 up; 0 separates words. */
export const WORDCH = new Uint16Array(65536);
for (let c = 0; c < 65536; c++) {
  if (c >= 0x61 && c <= 0x7a) WORDCH[c] = c;
  else if (c >= 0x41 && c <= 0x5a) WORDCH[c] = c + 32;
  else if (c >= 0x30 && c <= 0x39) WORDCH[c] = 0x30;
  else if (c >= 0xc0) WORDCH[c] = c;
}
