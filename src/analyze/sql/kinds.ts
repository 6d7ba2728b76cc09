// Statement kinds and the functions that make a "read" dangerous. Kinds are
// ordered by severity; a statement that nests another (a CTE with DELETE
// inside a SELECT) takes the most severe kind it contains.

export const SQL_KINDS = ['read', 'transaction', 'write', 'delete', 'ddl', 'dcl', 'admin', 'unknown'] as const;
export type SqlKind = (typeof SQL_KINDS)[number];

const SEVERITY: Readonly<Record<SqlKind, number>> = { read: 0, transaction: 1, write: 2, delete: 3, ddl: 4, dcl: 5, admin: 6, unknown: 7 };

export function worst(a: SqlKind, b: SqlKind): SqlKind {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** Functions that read files, run commands, sleep or reach other servers: a SELECT calling them is not just a read. */
export const DANGEROUS_FUNCTIONS: ReadonlySet<string> = new Set([
  'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file', 'lo_import', 'lo_export', 'pg_sleep', 'pg_sleep_for', 'pg_sleep_until',
  'dblink', 'dblink_exec', 'dblink_connect', 'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile',
  'set_config', 'current_setting', 'pg_execute_server_program', 'copy_from_program', 'query_to_xml', 'pg_logdir_ls',
  'load_file', 'sleep', 'benchmark', 'sys_exec', 'sys_eval', 'get_lock', 'master_pos_wait', 'extractvalue', 'updatexml',
  'load_extension', 'readfile', 'writefile', 'edit', 'fts3_tokenizer', 'randomblob', 'zeroblob',
  'xp_cmdshell', 'xp_dirtree', 'xp_fileexist', 'openrowset', 'opendatasource', 'waitfor', 'utl_http', 'utl_inaddr', 'dbms_pipe',
]);
