// Lint settings for the console's browser modules (plain ES modules, no build step). ESLint finds
// this file first for everything under web/console/, so the repository's type-aware TypeScript
// settings do not apply here.
import js from '@eslint/js';

const BROWSER_GLOBALS = [
  'window',
  'document',
  'location',
  'history',
  'fetch',
  'Headers',
  'URL',
  'URLSearchParams',
  'FormData',
  'Event',
  'HTMLElement',
  'Node',
  'setTimeout',
  'clearTimeout',
];

export default [
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: Object.fromEntries(BROWSER_GLOBALS.map((name) => [name, 'readonly'])),
    },
    rules: {
      eqeqeq: 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Insert text with textContent (see dom.js).' },
        { property: 'outerHTML', message: 'Insert text with textContent (see dom.js).' },
        { property: 'insertAdjacentHTML', message: 'Build nodes with h() (see dom.js).' },
        { object: 'document', property: 'write', message: 'Build nodes with h() (see dom.js).' },
      ],
    },
  },
];
