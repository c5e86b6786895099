/** The web console: its app and what it needs from `holdfast serve`. */
export type { ConsoleAppOptions } from './app.js';
export { createConsoleApp } from './app.js';
export type { ConsoleDeps, RulesHolder } from './deps.js';
