#!/usr/bin/env node
// `eci` (package.json "bin"): loads the TypeScript CLI through tsx, a dependency of the repo, so no build
// step is needed. The CLI lives under local/ and never enters a Lambda bundle.
import { register } from 'tsx/esm/api';

register();
await import('../local/cli/bin.ts');
