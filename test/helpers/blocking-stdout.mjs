// Preloaded into every test process (scripts/test.sh). With --test-force-exit
// each test file's child process exits as soon as its tests are done, and on
// Linux its results still buffered in the stdout pipe to the runner are lost:
// the runner then reports fewer tests, and a lost failure, with exit code 0
// (nodejs/node#64833; seen here: a policy template file's last nine cases
// went missing from a CI run). A blocking stdout is written through before
// the exit, which is the fix proposed upstream (nodejs/node#64875).
const handle = process.stdout._handle;
if (handle && typeof handle.setBlocking === 'function') handle.setBlocking(true);
