#!/usr/bin/env node
// Prints one line per vitest JSON report, then the total as a plain `N passed, N failed` line.
// A report that is missing (the runner crashed before writing it) counts as one failure.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.log(`${file}: no report (${error.code ?? error.message}), counted as 1 failed`);
    failed += 1;
    continue;
  }
  // Suites that failed to load have no tests; count each as a failure so they cannot hide.
  const brokenSuites = report.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length;
  const fileFailed = report.numFailedTests + brokenSuites;
  const fileSkipped = report.numPendingTests + report.numTodoTests;
  console.log(`${file}: ${report.numPassedTests} passed, ${fileFailed} failed, ${fileSkipped} skipped`);
  passed += report.numPassedTests;
  failed += fileFailed;
  skipped += fileSkipped;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
