// Decodes the body of a bash ANSI-C quoted string ($'…'), the way bash does
// before the word reaches the program: \xHH, \uHHHH, \UHHHHHHHH, octal \nnn,
// \cX control characters and the C escapes. Attackers use it to spell command
// names (`$'\x72m'` is `rm`), so the analyzer must see the decoded text.

const SIMPLE: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

const HEX = /^[0-9a-fA-F]$/;

function takeWhile(s: string, from: number, max: number, ok: (c: string) => boolean): string {
  let end = from;
  while (end < s.length && end - from < max && ok(s[end]!)) end++;
  return s.slice(from, end);
}

function codePoint(n: number): string {
  // bash stops the string at a NUL; an out-of-range value becomes U+FFFD.
  if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(n);
}

/** Decodes `body`, the text between `$'` and `'`. Stops at a decoded NUL, as bash does. */
export function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[i + 1]!;
    if (next in SIMPLE) {
      out += SIMPLE[next];
      i++;
      continue;
    }
    let digits: string;
    let cp: number | undefined;
    if (next === 'x') {
      digits = takeWhile(body, i + 2, 2, (c) => HEX.test(c));
      if (digits) cp = parseInt(digits, 16);
      i += 1 + digits.length;
    } else if (next === 'u' || next === 'U') {
      digits = takeWhile(body, i + 2, next === 'u' ? 4 : 8, (c) => HEX.test(c));
      if (digits) cp = parseInt(digits, 16);
      i += 1 + digits.length;
    } else if (next >= '0' && next <= '7') {
      digits = takeWhile(body, i + 1, 3, (c) => c >= '0' && c <= '7');
      cp = parseInt(digits, 8) & 0xff;
      i += digits.length;
    } else if (next === 'c' && i + 2 < body.length) {
      cp = body.charCodeAt(i + 2) & 0x1f;
      i += 2;
    } else {
      out += `\\${next}`;
      i++;
      continue;
    }
    if (cp === undefined) {
      out += `\\${next}`;
      continue;
    }
    if (cp === 0) return out;
    out += codePoint(cp);
  }
  return out;
}
