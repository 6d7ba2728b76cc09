// Loads every built-in condition matcher (each file registers itself).
// Add one import per matcher file.
import './time.ts';
import './shell.ts';
import './path.ts';
import './host.ts';
import './url.ts';
import './sql.ts';
import './rate.ts';
import './budget.ts';
import './sequence.ts';
import './provenance.ts';
import './session-state.ts';
import './anomaly.ts';
