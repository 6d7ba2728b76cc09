// Public surface of the text scanners (see docs/scanning.md).
import './section.ts';
export { Scanner, createScanState, combine, DEFAULT_ACTIONS, DEFAULT_THRESHOLDS, type ScanOptions, type ScanState, type ScannerOptions } from './scanner.ts';
export { ScanSectionSchema, type ScanSection } from './section.ts';
export { LinearClassifier, builtinClassifier } from './classifier.ts';
export { CanaryKeeper } from './canary.ts';
export { Redactor } from './redact.ts';
export { normalize } from './normalize.ts';
export { findSecrets, compileSecretRules } from './secrets.ts';
export { findPii, luhn, validIban, validSsn, type PiiKind } from './pii.ts';
export type { Finding, FindingType, ScanAction, ScanPoint, ScanResult, InjectionClassifier, Span } from './types.ts';
