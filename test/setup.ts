// Test workers get the same linear-time regexp engine the CLI enables at start-up.
import { enableLinearRegExpEngine } from '../src/cli/regexp-engine.js';

enableLinearRegExpEngine();
