import { defineStageSuite } from './stage-suite.js';

// One file per stage: each synthesizes its stage once (with cdk-nag and schema validation) and
// vitest runs the two files in parallel.
defineStageSuite('dev');
