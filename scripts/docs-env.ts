// Writes the README's environment tables from src/config (npm run docs:env); with --check,
// only says whether README.md is up to date (exit status 1 if not).
import { readFileSync, writeFileSync } from 'node:fs';
import { withEnvironmentSection } from '../src/config/table.ts';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const updated = withEnvironmentSection(readme);
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    process.stderr.write('README.md: the environment tables differ from src/config; run npm run docs:env\n');
    process.exit(1);
  }
} else if (updated !== readme) {
  writeFileSync(path, updated);
  process.stdout.write('README.md: environment tables updated\n');
} else {
  process.stdout.write('README.md: environment tables already up to date\n');
}
