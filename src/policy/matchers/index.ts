// Loads every built-in condition matcher (each file registers itself).
// Add one import per matcher file.
import './time.ts';
