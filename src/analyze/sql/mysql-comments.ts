// MySQL executes the body of `/*! … */` and `/*!50000 … */` comments as SQL,
// so an injection can hide `DROP TABLE` in what other tools see as a comment.
// This pass turns such comments into plain code (and reports that it did)
// before the statement is parsed. It respects quotes so a comment marker
// inside a string literal is left alone.

export interface Unhidden {
  sql: string;
  /** An executable comment was found. */
  found: boolean;
}

export function unhideExecutableComments(sql: string): Unhidden {
  if (!sql.includes('/*!')) return { sql, found: false };
  let out = '';
  let found = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== ch) j += sql[j] === '\\' ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      const end = j === -1 ? sql.length : j;
      out += sql.slice(i, end);
      i = end - 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const close = end === -1 ? sql.length : end;
      if (sql[i + 2] === '!') {
        found = true;
        // The optional version number (5 or 6 digits) is not code.
        const body = sql.slice(i + 3, close).replace(/^\d{5,6}/, '');
        out += ` ${body} `;
      } else out += sql.slice(i, Math.min(sql.length, close + 2));
      i = close + 1;
      continue;
    }
    out += ch;
  }
  return { sql: out, found };
}
