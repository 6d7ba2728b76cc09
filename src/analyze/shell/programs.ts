// What the shell analyzer knows about programs: which ones are shells or
// language interpreters (and which flag hands them code), which ones only run
// another command (sudo, env, timeout, ...), which ones download, decode,
// talk to the network or touch files in a known way, and how their flags are
// spelled. Everything here is data; the analyzer's logic lives in analyze.ts.

export const SHELLS: ReadonlySet<string> = new Set([
  'sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'pdksh', 'ash', 'csh', 'tcsh', 'fish', 'rbash', 'yash', 'posh', 'busybox-sh',
  'rc', 'es', 'sash', 'elvish', 'nu', 'nushell', 'xonsh', 'ion', 'osh', 'oil', 'ksh93', 'zsh5', 'bash5',
]);

/** Programs that start an interactive shell when given no command (terminal multiplexers, group switchers). */
export const SHELL_STARTERS: ReadonlySet<string> = new Set(['screen', 'tmux', 'byobu', 'sg', 'newgrp', 'machinectl', 'toolbox', 'distrobox']);

/** Interpreters and the flags after which the next word (or the flag's attached value) is program text. */
export const INTERPRETERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['python', ['-c']], ['python2', ['-c']], ['python3', ['-c']], ['pypy', ['-c']], ['pypy3', ['-c']],
  ['node', ['-e', '--eval', '-p', '--print']], ['nodejs', ['-e', '--eval', '-p', '--print']],
  ['deno', ['eval']], ['bun', ['-e', '--eval']],
  ['perl', ['-e', '-E']], ['ruby', ['-e']], ['php', ['-r']], ['lua', ['-e']], ['luajit', ['-e']],
  ['tclsh', []], ['wish', []], ['expect', ['-c']], ['Rscript', ['-e']], ['R', ['-e']], ['osascript', ['-e']],
  ['awk', []], ['gawk', []], ['mawk', []], ['nawk', []], ['jjs', []], ['jrunscript', ['-e']], ['irb', []],
  ['pwsh', ['-c', '-Command', '-command']], ['powershell', ['-c', '-Command', '-command']], ['gdb', ['-ex', '--eval-command']],
  ['dosbox', ['-c']], ['dosbox-x', ['-c']],
  ['julia', ['-e', '--eval', '-E', '--print']], ['elixir', ['-e', '--eval']], ['erl', ['-eval']], ['guile', ['-c']], ['sbcl', ['--eval']],
  ['racket', ['-e', '--eval']], ['groovy', ['-e']], ['scala', ['-e']], ['kotlin', ['-e']], ['octave', ['--eval']], ['gnuplot', ['-e']],
  ['crystal', ['eval']], ['ghci', ['-e']], ['runghc', []], ['clisp', ['-x']], ['ocaml', []], ['swift', ['-e']], ['jshell', []],
  ['vim', ['-c', '--cmd']], ['vi', ['-c', '--cmd']], ['nvim', ['-c', '--cmd']], ['ex', ['-c', '--cmd']], ['view', ['-c', '--cmd']], ['rvim', ['-c', '--cmd']], ['vimdiff', ['-c', '--cmd']],
]);

/** Interpreters whose inline program is their first positional argument (awk 'BEGIN{...}'). */
export const POSITIONAL_CODE: ReadonlySet<string> = new Set(['awk', 'gawk', 'mawk', 'nawk']);

/**
 * Programs that run another command given as their remaining arguments.
 * `opts` lists options that take a value (so the value is not mistaken for the
 * command); `fixed` is how many positionals come before the command.
 */
export interface WrapperSpec {
  readonly opts: readonly string[];
  readonly fixed?: number;
  /** Option letters that turn the wrapper into an interactive shell (sudo -s, sudo -i). */
  readonly shellFlags?: readonly string[];
  /** Option letters after which the wrapper does not run anything (command -v). */
  readonly queryFlags?: readonly string[];
  /** Options whose value is a whole command line (su -c 'cmd', script -c 'cmd', env -S 'cmd args'). */
  readonly scriptOpts?: readonly string[];
  /** The remaining arguments are joined and run by `sh -c` (watch). */
  readonly joinsScript?: boolean;
}

export const WRAPPERS: ReadonlyMap<string, WrapperSpec> = new Map<string, WrapperSpec>([
  ['sudo', { opts: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '-R', '--user', '--group', '--chdir', '--host', '--prompt', '--role', '--type', '--other-user', '--close-from', '--command-timeout', '--chroot'], shellFlags: ['s', 'i', '-shell', '-login'], queryFlags: ['l', 'v', 'k', 'K', 'V', '-list', '-validate', '-version'] }],
  ['doas', { opts: ['-u', '-C'], shellFlags: ['s'] }],
  ['run0', { opts: ['-u', '--user', '-g', '--group', '-D', '--chdir'] }],
  ['pkexec', { opts: ['--user'] }],
  ['env', { opts: ['-u', '--unset', '-C', '--chdir', '-a', '--argv0'], scriptOpts: ['-S', '--split-string'] }],
  ['nice', { opts: ['-n', '--adjustment'] }],
  ['ionice', { opts: ['-c', '--class', '-n', '--classdata', '-p', '-P', '-u'] }],
  ['nohup', { opts: [] }],
  ['setsid', { opts: [] }],
  ['time', { opts: ['-f', '--format', '-o', '--output'] }],
  ['timeout', { opts: ['-s', '--signal', '-k', '--kill-after'], fixed: 1 }],
  ['command', { opts: [], queryFlags: ['v', 'V'] }],
  ['exec', { opts: ['-a'] }],
  ['builtin', { opts: [] }],
  ['stdbuf', { opts: ['-i', '-o', '-e', '--input', '--output', '--error'] }],
  ['chrt', { opts: [], fixed: 1 }],
  ['taskset', { opts: ['-c'], fixed: 1 }],
  ['flock', { opts: ['-w', '--timeout', '-E', '--conflict-exit-code'], fixed: 1, scriptOpts: ['-c', '--command'] }],
  ['chroot', { opts: ['--userspec', '--groups'], fixed: 1 }],
  ['unshare', { opts: ['--map-user', '--map-group', '-S', '--setuid', '-G', '--setgid', '-R', '--root', '-w', '--wd'] }],
  ['nsenter', { opts: ['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-R', '--root', '-w', '--wd'] }],
  ['setarch', { opts: [], fixed: 1 }],
  ['strace', { opts: ['-o', '-e', '-p', '-s', '-u', '-E', '-P', '-a', '-b', '-I', '-O', '-S', '-X'] }],
  ['ltrace', { opts: ['-o', '-e', '-p', '-s', '-u', '-a', '-n', '-l', '-x', '-A', '-D', '-E', '-F'] }],
  ['watch', { opts: ['-n', '--interval', '-d', '--differences', '-q'], joinsScript: true }],
  ['xargs', { opts: ['-I', '-i', '-n', '-P', '-d', '-E', '-e', '-L', '-l', '-s', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--replace', '--max-lines', '--max-chars', '--eof'] }],
  ['busybox', { opts: [] }],
  ['toybox', { opts: [] }],
  ['su', { opts: ['-s', '--shell', '-g', '--group', '-G', '--supp-group', '-w', '--whitelist-environment'], scriptOpts: ['-c', '--command', '-C', '--session-command'] }],
  ['runuser', { opts: ['-u', '--user', '-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w'], scriptOpts: ['-c', '--command'] }],
  ['script', { opts: ['-t', '--timing', '-T', '-I', '-O', '-B', '-E', '-m'], scriptOpts: ['-c', '--command'] }],
  ['aa-exec', { opts: ['-p', '--profile', '-n', '--namespace'] }],
  ['capsh', { opts: [] }],
  ['firejail', { opts: [] }],
  ['dbus-launch', { opts: [] }],
  ['catchsegv', { opts: [] }],
  ['valgrind', { opts: [] }],
  ['torify', { opts: [] }],
  ['proxychains', { opts: ['-f'] }],
  ['proxychains4', { opts: ['-f'] }],
  ['rlwrap', { opts: ['-f', '-H', '-s', '-S', '-l', '--logfile', '-a', '-p', '-P', '-q', '-w', '-z'] }],
  ['unbuffer', { opts: [] }],
  ['faketime', { opts: ['-f'], fixed: 1 }],
  ['fakeroot', { opts: ['-l', '--lib', '--faked', '-s', '-i'] }],
  ['cpulimit', { opts: ['-l', '--limit', '-p', '--pid', '-e', '--exe'] }],
  ['systemd-run', { opts: ['-u', '--unit', '-p', '--property', '--uid', '--gid', '--setenv', '-E', '--working-directory'], shellFlags: ['S', '-shell'] }],
  ['sg', { opts: [], fixed: 1, scriptOpts: ['-c'] }],
  ['screen', { opts: ['-S', '-c', '-e', '-h', '-p', '-T', '-t', '-X', '-Logfile', '-s'] }],
  ['tmux', { opts: ['-L', '-S', '-f', '-c', '-T'] }],
]);

/** Programs whose stdin, when they have no script file, is executed as code. */
export function readsCodeFromStdin(name: string): boolean {
  return SHELLS.has(name) || INTERPRETERS.has(name) || name === 'source' || name === '.' || name === 'at' || name === 'batch';
}

export const DOWNLOADERS: ReadonlySet<string> = new Set([
  'curl', 'wget', 'fetch', 'aria2c', 'axel', 'lwp-download', 'lwp-request', 'GET', 'http', 'https', 'xh', 'httpie',
  'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'tftp', 'scp', 'sftp', 'rsync', 'ssh',
]);

/** Programs that contact the network; their host arguments are reported. */
export const NETWORK: ReadonlySet<string> = new Set([
  ...DOWNLOADERS, 'ping', 'ping6', 'traceroute', 'tracepath', 'mtr', 'dig', 'nslookup', 'host', 'whois', 'nmap',
  'openssl', 'mosh', 'rdesktop', 'xfreerdp', 'smbclient', 'ldapsearch', 'mysql', 'psql', 'redis-cli', 'mongo', 'mongosh',
  'git', 'hg', 'svn', 'lftp', 'links', 'lynx', 'w3m', 'elinks', 'finger', 'snmpwalk', 'tcpdump', 'ab', 'hping3', 'knock',
  'gcloud', 'aws', 'az', 'kubectl', 'docker', 'npm', 'pip', 'pip3', 'yarn', 'pnpm', 'cargo', 'go',
]);

/** Programs that connect to their first host-like positional argument (nc host port, ssh user@host). */
export const HOST_POSITIONAL: ReadonlySet<string> = new Set([
  'nc', 'ncat', 'netcat', 'telnet', 'ssh', 'mosh', 'ftp', 'tftp', 'sftp', 'ping', 'ping6', 'traceroute', 'tracepath',
  'mtr', 'dig', 'nslookup', 'host', 'whois', 'nmap', 'finger', 'hping3', 'knock', 'rdesktop', 'smbclient', 'lftp',
]);

/** Decoders: data piped out of these into a shell is code nobody can read statically. */
export function isDecoder(name: string, argv: readonly string[]): boolean {
  const has = (...f: string[]) => argv.some((a) => f.includes(a) || (/^-[a-zA-Z]+$/.test(a) && f.some((x) => x.length === 2 && a.includes(x[1]!))));
  switch (name) {
    case 'base64': case 'base32': case 'basenc': return has('-d', '--decode', '-D');
    case 'xxd': return has('-r', '-revert');
    case 'openssl': return argv.some((a) => a === 'enc' || a === 'base64' || a === '-d' || a === 'aes-256-cbc');
    case 'uudecode': case 'gunzip': case 'zcat': case 'bunzip2': case 'bzcat': case 'xzcat': case 'unxz': case 'lzcat':
    case 'zstdcat': case 'rev': case 'tac': case 'tr': case 'gpg': case 'uncompress': case 'unzstd': case 'unlzma': case 'recode':
      return true;
    case 'gzip': case 'bzip2': case 'xz': case 'zstd': return has('-d', '--decompress');
    case 'printf': return argv.slice(1).some((a) => /\\(x[0-9a-fA-F]|[0-7]{1,3}|u[0-9a-fA-F])/.test(a));
    case 'echo': return has('-e') && argv.slice(1).some((a) => /\\(x[0-9a-fA-F]|0?[0-7]{1,3})/.test(a));
    case 'perl': case 'python': case 'python3': case 'ruby': case 'node': case 'php': return true;
    case 'sed': case 'awk': case 'cut': case 'dd': return true;
    default: return false;
  }
}

/**
 * Canonical flag names per program, so a policy can say `flags: [recursive, force]`
 * and match any spelling: -rf, -fr, -r -f, -R, --recursive --force, --recur.
 * Keys are the short letter (`r`) or the long name (`recursive`).
 */
const F = (m: Record<string, string>) => new Map(Object.entries(m));
export const FLAG_NAMES: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  ['rm', F({ r: 'recursive', R: 'recursive', recursive: 'recursive', f: 'force', force: 'force', i: 'interactive', I: 'interactive', interactive: 'interactive', d: 'dir', dir: 'dir', v: 'verbose', verbose: 'verbose', 'no-preserve-root': 'no-preserve-root', 'preserve-root': 'preserve-root', 'one-file-system': 'one-file-system' })],
  ['cp', F({ r: 'recursive', R: 'recursive', recursive: 'recursive', a: 'archive', archive: 'archive', f: 'force', force: 'force', n: 'no-clobber', 'no-clobber': 'no-clobber', i: 'interactive', interactive: 'interactive', v: 'verbose', verbose: 'verbose' })],
  ['mv', F({ f: 'force', force: 'force', n: 'no-clobber', 'no-clobber': 'no-clobber', i: 'interactive', interactive: 'interactive', v: 'verbose', verbose: 'verbose' })],
  ['chmod', F({ R: 'recursive', recursive: 'recursive', v: 'verbose', verbose: 'verbose', f: 'silent', silent: 'silent', quiet: 'silent' })],
  ['chown', F({ R: 'recursive', recursive: 'recursive', v: 'verbose', verbose: 'verbose', h: 'no-dereference', 'no-dereference': 'no-dereference' })],
  ['chgrp', F({ R: 'recursive', recursive: 'recursive', v: 'verbose', verbose: 'verbose' })],
  ['shred', F({ u: 'remove', remove: 'remove', z: 'zero', zero: 'zero', f: 'force', force: 'force', n: 'iterations', iterations: 'iterations' })],
  ['git', F({ f: 'force', force: 'force', 'force-with-lease': 'force', 'force-if-includes': 'force', hard: 'hard', d: 'directories', x: 'ignored', X: 'ignored', D: 'force-delete', mirror: 'mirror', delete: 'delete', 'no-verify': 'no-verify', n: 'dry-run', 'dry-run': 'dry-run', all: 'all', global: 'global', system: 'system' })],
  ['rsync', F({ r: 'recursive', recursive: 'recursive', a: 'archive', archive: 'archive', delete: 'delete', 'delete-before': 'delete', 'delete-after': 'delete', 'delete-during': 'delete', 'delete-excluded': 'delete', 'remove-source-files': 'remove-source-files', n: 'dry-run', 'dry-run': 'dry-run', e: 'rsh', rsh: 'rsh' })],
  ['find', F({ delete: 'delete', exec: 'exec', execdir: 'exec', ok: 'exec', okdir: 'exec' })],
  ['kubectl', F({ A: 'all-namespaces', 'all-namespaces': 'all-namespaces', all: 'all', force: 'force', 'grace-period': 'grace-period' })],
  ['terraform', F({ 'auto-approve': 'auto-approve', destroy: 'destroy', target: 'target' })],
  ['docker', F({ f: 'force', force: 'force', a: 'all', all: 'all', v: 'volumes', volumes: 'volumes', privileged: 'privileged', 'rm': 'rm' })],
  ['curl', F({ k: 'insecure', insecure: 'insecure', d: 'data', data: 'data', 'data-binary': 'data', 'data-raw': 'data', 'data-urlencode': 'data', 'data-ascii': 'data', json: 'data', F: 'form', form: 'form', 'form-string': 'form', T: 'upload', 'upload-file': 'upload', o: 'output', output: 'output', O: 'remote-name', 'remote-name': 'remote-name', X: 'request', request: 'request', x: 'proxy', proxy: 'proxy', K: 'config', config: 'config' })],
  ['wget', F({ 'post-file': 'upload', 'post-data': 'data', 'body-file': 'upload', 'body-data': 'data', O: 'output', 'output-document': 'output', 'no-check-certificate': 'insecure', i: 'input-file', 'input-file': 'input-file' })],
  ['npm', F({ g: 'global', global: 'global', f: 'force', force: 'force' })],
  ['pip', F({ U: 'upgrade', upgrade: 'upgrade', 'break-system-packages': 'break-system-packages', 'index-url': 'index-url', i: 'index-url', 'extra-index-url': 'extra-index-url', user: 'user' })],
  ['dd', F({})],
  ['mkfs', F({ f: 'force', F: 'force' })],
  ['crontab', F({ r: 'remove', e: 'edit', l: 'list' })],
  ['tar', F({ x: 'extract', extract: 'extract', get: 'extract', c: 'create', create: 'create', t: 'list', list: 'list', f: 'file', file: 'file', 'to-command': 'to-command', 'checkpoint-action': 'checkpoint-action', P: 'absolute-names', 'absolute-names': 'absolute-names', overwrite: 'overwrite' })],
  ['sed', F({ i: 'in-place', 'in-place': 'in-place', n: 'quiet', quiet: 'quiet', e: 'expression', expression: 'expression', E: 'extended', r: 'extended' })],
  ['ssh', F({ R: 'remote-forward', L: 'local-forward', D: 'dynamic-forward', N: 'no-command', o: 'option', i: 'identity' })],
  ['nc', F({ e: 'exec', c: 'exec', l: 'listen', listen: 'listen', k: 'keep-open' })],
]);
FLAG_NAMES_ALIAS();
function FLAG_NAMES_ALIAS(): void {
  const m = FLAG_NAMES as Map<string, ReadonlyMap<string, string>>;
  for (const [alias, of] of [['ncat', 'nc'], ['netcat', 'nc'], ['pip3', 'pip'], ['gsed', 'sed'], ['gtar', 'tar'], ['bsdtar', 'tar'], ['unlink', 'rm'], ['rmdir', 'rm']] as const) m.set(alias, m.get(of)!);
}

/** Fallback names for programs without a table: the common GNU meanings. */
export const GENERIC_FLAG_NAMES: ReadonlyMap<string, string> = F({ r: 'recursive', R: 'recursive', recursive: 'recursive', f: 'force', force: 'force', v: 'verbose', verbose: 'verbose', h: 'help', help: 'help' });

/** Options that take a value, per program, so flag parsing does not eat positionals or split values. */
export const VALUE_OPTS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    git: ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env'],
    docker: ['-H', '--host', '--context', '-c', '--config', '-l', '--log-level'],
    kubectl: ['-n', '--namespace', '--context', '--cluster', '--kubeconfig', '-s', '--server', '--user', '--token', '-l', '--selector', '-o', '--output', '-f', '--filename', '-c', '--container'],
    aws: ['--profile', '--region', '--output', '--endpoint-url', '--query'],
    gcloud: ['--project', '--account', '--configuration', '--format', '--zone', '--region'],
    az: ['--subscription', '-g', '--resource-group', '-o', '--output', '--query'],
    terraform: ['-chdir', '-var', '-var-file', '-target'],
    npm: ['--prefix', '-w', '--workspace', '--registry'],
    curl: ['-o', '--output', '-d', '--data', '--data-binary', '--data-raw', '--data-urlencode', '-F', '--form', '-H', '--header', '-X', '--request', '-u', '--user', '-A', '--user-agent', '-e', '--referer', '-T', '--upload-file', '-x', '--proxy', '-b', '--cookie', '-c', '--cookie-jar', '--connect-timeout', '-m', '--max-time', '--resolve', '--json', '-K', '--config', '-w', '--write-out', '-r', '--range', '-E', '--cert', '--key', '--cacert', '--url'],
    wget: ['-O', '--output-document', '-o', '--output-file', '-P', '--directory-prefix', '--post-data', '--post-file', '--body-data', '--body-file', '-U', '--user-agent', '--header', '-i', '--input-file', '-e', '--execute', '-t', '--tries', '-T', '--timeout'],
    ssh: ['-p', '-i', '-l', '-o', '-F', '-L', '-R', '-D', '-J', '-b', '-c', '-E', '-m', '-O', '-Q', '-S', '-W', '-w', '-B', '-e', '-I'],
    scp: ['-P', '-i', '-o', '-F', '-J', '-l', '-c', '-S'],
    rsync: ['-e', '--rsh', '--exclude', '--include', '--filter', '-f', '--rsync-path', '--log-file', '--files-from', '--port', '-B', '--block-size', '--timeout'],
    nc: ['-p', '-s', '-w', '-i', '-e', '-c', '-x', '-X', '-q', '-T', '-O', '-I', '-V', '-W'],
    grep: ['-e', '--regexp', '-f', '--file', '-m', '--max-count', '-A', '-B', '-C', '--include', '--exclude', '--exclude-dir', '--color', '--colour', '-d', '-D', '--label'],
    tar: ['-f', '--file', '-C', '--directory', '-T', '--files-from', '-X', '--exclude-from', '--exclude', '--to-command', '--checkpoint-action', '--use-compress-program', '-I', '--rsh-command', '--transform', '--owner', '--group', '--mode', '-b', '--blocking-factor'],
    sed: ['-e', '--expression', '-f', '--file', '-l', '--line-length', '-s'],
    find: [],
    sort: ['-o', '--output', '-k', '--key', '-t', '--field-separator', '-S', '--buffer-size', '-T', '--temporary-directory'],
    cut: ['-d', '--delimiter', '-f', '--fields', '-c', '--characters', '-b', '--bytes'],
    head: ['-n', '--lines', '-c', '--bytes'],
    tail: ['-n', '--lines', '-c', '--bytes', '-s', '--sleep-interval', '--pid'],
    openssl: ['-in', '-out', '-inkey', '-key', '-cert', '-passin', '-passout', '-connect', '-CAfile', '-subj', '-days'],
    python: ['-m', '-W', '-X', '-c'],
    java: ['-cp', '-classpath', '--class-path', '-p', '--module-path', '--upgrade-module-path', '--add-modules', '--limit-modules', '--add-reads', '--add-exports', '--add-opens', '--patch-module', '--source', '--describe-module', '--enable-native-access'],
    node: ['-r', '--require', '--import', '--loader', '-e', '--eval', '-p', '--print', '--input-type', '--max-old-space-size'],
  }).map(([k, v]) => [k, new Set(v)]),
);
(VALUE_OPTS as Map<string, ReadonlySet<string>>).set('ncat', VALUE_OPTS.get('nc')!).set('netcat', VALUE_OPTS.get('nc')!).set('python3', VALUE_OPTS.get('python')!).set('egrep', VALUE_OPTS.get('grep')!).set('rg', new Set(['-e', '--regexp', '-g', '--glob', '-t', '--type', '-T', '--type-not', '-m', '-A', '-B', '-C', '-f', '--file']));

/** How a program uses its positional path arguments. Unknown programs touch paths with access 'touch'. */
export type PathAccess = 'read' | 'write' | 'delete' | 'exec' | 'touch';

export const READERS: ReadonlySet<string> = new Set([
  'cat', 'tac', 'less', 'more', 'most', 'head', 'tail', 'nl', 'od', 'hexdump', 'xxd', 'strings', 'base64', 'base32', 'basenc', 'wc', 'md5sum',
  'sha1sum', 'sha256sum', 'sha512sum', 'cksum', 'sum', 'b2sum', 'file', 'stat', 'diff', 'cmp', 'comm', 'sort', 'uniq', 'cut', 'paste',
  'join', 'fold', 'fmt', 'pr', 'column', 'expand', 'unexpand', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'jq', 'yq', 'bat', 'view',
  'look', 'split', 'csplit', 'tr', 'iconv', 'zcat', 'zless', 'zmore', 'bzcat', 'xzcat', 'source', '.', 'ls', 'tree', 'du', 'readlink', 'realpath',
]);

export const WRITERS: ReadonlySet<string> = new Set([
  'touch', 'mkdir', 'tee', 'truncate', 'install', 'chmod', 'chown', 'chgrp', 'chattr', 'setfacl', 'vi', 'vim', 'nvim', 'nano', 'emacs',
  'ed', 'pico', 'joe', 'mcedit', 'mkfifo', 'mknod', 'ln', 'patch', 'fallocate', 'sponge',
]);

export const DELETERS: ReadonlySet<string> = new Set(['rm', 'rmdir', 'unlink', 'shred', 'srm', 'wipe']);

/** Copy-like programs: the last positional is written, the others read (mv also deletes the sources). */
export const COPIERS: ReadonlySet<string> = new Set(['cp', 'mv', 'rsync', 'scp', 'install', 'ln', 'rclone', 'ditto']);

/**
 * Interactive terminal programs with a built-in way to run commands: a pager's
 * or editor's `!cmd`, a file manager's shell key (ncdu `b`, ranger `S`), a
 * serial terminal's "run" menu (minicom), `/exec` in a chat client. Whoever
 * types into them can run anything, and the keys are not on the command line,
 * so nothing the firewall analyzes would show it: started interactively they
 * count as a spawned shell. Network clients with such an escape (ftp, lynx)
 * are left out: their escape is local, and `network` with a spawned shell
 * reads as a reverse shell. Values are options that make the program
 * non-interactive (besides --help and --version).
 */
export const INTERACTIVE_ESCAPES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['less', []], ['more', []], ['most', []], ['pg', []], ['man', ['-k', '-f', '-w', '--where', '--path', '--apropos', '--whatis', '-P', '--pager', '-Tutf8', '-t']],
  ['nano', []], ['pico', []], ['emacs', []], ['joe', []], ['jed', []], ['mg', []], ['ne', []],
  ['ncdu', ['-o', '-f']], ['ranger', ['--list-tagged-files', '--list-unused-keys', '--copy-config']], ['nnn', []], ['lf', ['-remote', '-print-last-dir', '-doc']], ['vifm', []], ['broot', []], ['yazi', []], ['xplr', []],
  ['minicom', []], ['picocom', []], ['tio', []],
  ['mutt', []], ['neomutt', []], ['alpine', []], ['pine', []], ['irssi', []], ['weechat', []], ['lldb', ['-b', '--batch']],
]);

/**
 * Options that let a document processor run shell commands: TeX's shell
 * escape (\write18), dvips's \special commands, pic/groff/troff unsafe mode,
 * Ghostscript without its sandbox.
 */
export const UNSAFE_MODE_FLAGS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ...['tex', 'etex', 'pdftex', 'xetex', 'luatex', 'latex', 'pdflatex', 'xelatex', 'lualatex', 'amstex', 'context', 'lambda', 'platex', 'uplatex', 'ptex', 'eptex', 'latexmk', 'mpost', 'mf']
    .map((p): [string, readonly string[]] => [p, ['-shell-escape', '--shell-escape', '-enable-write18', '--enable-write18', '-shell-restricted=0']]),
  ['dvips', ['-R0']], ['pic', ['-U']], ['groff', ['-U']], ['troff', ['-U']], ['nroff', ['-U']], ['gs', ['-dNOSAFER', '-dNOSAFER=true']], ['ghostscript', ['-dNOSAFER']],
]);

/** TeX engines: an argument that starts with `\` or `&` is TeX program text, which can read and write any file (\openout, \input). */
export const TEX_ENGINES: ReadonlySet<string> = new Set(['tex', 'etex', 'pdftex', 'xetex', 'luatex', 'latex', 'pdflatex', 'xelatex', 'lualatex', 'amstex', 'platex', 'uplatex', 'ptex', 'eptex', 'mpost', 'mf', 'initex', 'virtex']);

/** Programs or subcommands that hand this machine's terminal to remote users (VS Code tunnels, terminal sharing). */
export const REMOTE_TERMINALS: ReadonlyMap<string, string | undefined> = new Map<string, string | undefined>([
  ['code', 'tunnel'], ['code-insiders', 'tunnel'], ['code-tunnel', undefined], ['code-server', undefined], ['tmate', undefined], ['upterm', undefined], ['sshx', undefined], ['ttyd', undefined], ['gotty', undefined], ['teleconsole', undefined],
]);
