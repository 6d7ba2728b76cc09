// Errors of the embedded store, each naming the file it is about, so an
// operator knows what to restore or remove without reading a stack trace.

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    readonly path: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** SQLite error codes that mean the disk (or the database's page budget) is full. */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR';
}
