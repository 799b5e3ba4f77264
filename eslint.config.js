import tseslint from 'typescript-eslint';

// Type-aware linting: in a promise-heavy library a promise nobody awaits or catches is a
// lost error or a race, so the promise rules run over every TypeScript file with the
// types tsc sees (tsconfig.json; scripts/ is outside it and gets its settings by default).
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/node_modules/**', 'bench/results/**', 'docs/api/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['scripts/*.ts'], defaultProject: 'tsconfig.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreUsingDeclarations: true }],
      '@typescript-eslint/no-empty-function': 'off',
      // node:test's describe() and test() return a promise the runner itself waits for and
      // that never rejects (failures are reported, not thrown); a subtest's t.test() is not
      // in this list: the parent must await it.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
    },
  },
  // Tests write async functions and generators without an await on purpose: they check
  // that the library takes async task functions, async iterables and promise-returning calls.
  { files: ['test/**'], rules: { '@typescript-eslint/require-await': 'off' } },
  // Plain JavaScript (bin, .mjs fixtures and workers) has no types to lint with.
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked },
);
