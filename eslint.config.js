// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

const DRIVERS = ['better-sqlite3', 'pg', 'node:http', 'node:https', 'hono', '@hono/*'];
const DOMAIN = ['surface', 'pinning', 'policy', 'risk', 'behavior', 'approvals', 'audit'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/vectors/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-console': 'error',
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'error' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/sqlite/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'better-sqlite3', message: 'Drivers live in src/store/<adapter>/.' }] },
      ],
    },
  },
  {
    files: [`src/{${DOMAIN.join(',')}}/**/*.ts`, 'src/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...DRIVERS.map((name) => ({
              name,
              message: 'Domain code stays free of drivers and transports; inject a port.',
            })),
            { name: 'node:child_process', message: 'Only transports spawn processes.' },
            { name: 'node:process', message: 'Only cli/ reads the process; pass values in.' },
          ],
          patterns: [
            {
              group: ['**/transports/**', '**/cli/**', '**/store/sqlite/**'],
              message: 'Imports flow cli → transports → gateway → domain.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Only cli/ reads the process; pass values in.' },
      ],
    },
  },
  {
    files: ['src/{surface,audit}/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='JSON'][callee.property.name='stringify']",
          message: 'Canonical bytes come from jcs.ts (RFC 8785).',
        },
        {
          selector: "BinaryExpression[operator='==='][left.name=/[Dd]igest$/]",
          message: 'Compare digests with digestEquals (timingSafeEqual).',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/shared/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject a Clock (src/shared/clock.ts).' },
        {
          object: 'Math',
          property: 'random',
          message: 'Use node:crypto randomness via src/shared/ids.ts.',
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
