#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { getStageConfig } from './config/stage-config.js';
import { addEciStage, BUNDLING_STACKS_CONTEXT, FEATURE_FLAGS } from './eci-app.js';

// CLI entry (`cdk synth -c stage=dev`). The stage is read here once; everything below gets typed props.
// Feature flags are passed as defaults so cdk.json / -c values can still override them.
const app = new App({ context: { ...FEATURE_FLAGS } });
const config = getStageConfig(app.node.tryGetContext('stage'));
// The CLI refuses user context keys starting with `aws:`, so `-c skipBundling=true` is the way to
// synthesize without esbuild (CI checks of the templates, machines without the handlers built).
const skipBundling = app.node.tryGetContext('skipBundling');
if (skipBundling === true || skipBundling === 'true') app.node.setContext(BUNDLING_STACKS_CONTEXT, []);
addEciStage(app, config);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
