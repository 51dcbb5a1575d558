// The repository's `eslint .` reaches this package too; ESLint 10 takes the nearest config
// for each file, so this one applies here: the root rules, without cdk.out (synth output,
// which holds a copy of the repository as the container image's build context).
import root from '../eslint.config.js';

export default [
  { ignores: ['cdk.out/', 'node_modules/'] },
  ...root,
  { languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } } },
];
