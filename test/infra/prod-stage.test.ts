import { defineStageSuite } from './stage-suite.js';

defineStageSuite('prod');
