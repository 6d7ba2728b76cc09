// Where a worker thread's entry module is: built, the .js next to the caller;
// run from source (tests, tsx), a small module that registers tsx inside the
// thread first, since a worker does not inherit the parent's --import hooks.

export function threadEntry(base: string, name: string): URL {
  if (!base.endsWith('.ts')) return new URL(`./${name}.js`, base);
  const entry = new URL(`./${name}.ts`, base).href;
  const code = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
