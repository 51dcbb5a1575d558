import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';
import { readContext } from '../lib/settings.js';

const app = new App();
buildApp(app, readContext((key) => app.node.tryGetContext(key)));
