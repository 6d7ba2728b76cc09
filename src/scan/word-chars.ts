// What a word is and how characters fold, for the classifier's features
// (features.ts) and the WebAssembly kernels that walk them (wasm/): one table
// each, so the JavaScript and WebAssembly walkers cannot disagree on them.

/** Word character fold: lowercase letters, '0' for digits, the code itself from U+00C0 up; 0 separates words. */
export const WORDCH = new Uint16Array(65536);
for (let c = 0; c < 65536; c++) {
  if (c >= 0x61 && c <= 0x7a) WORDCH[c] = c;
  else if (c >= 0x41 && c <= 0x5a) WORDCH[c] = c + 32;
  else if (c >= 0x30 && c <= 0x39) WORDCH[c] = 0x30;
  else if (c >= 0xc0) WORDCH[c] = c;
}

/** Character fold of the feature walks: lowercase ASCII letters, '0' for digits, space for tab, newline and CR. */
export const FEATURE_FOLD = new Uint16Array(65536);
for (let c = 0; c < 65536; c++) FEATURE_FOLD[c] = c >= 0x41 && c <= 0x5a ? c + 32 : c >= 0x30 && c <= 0x39 ? 0x30 : c === 9 || c === 10 || c === 13 ? 0x20 : c;
