// ESLint's flat config: JavaScript's and typescript-eslint's recommended rules everywhere, plus
// the few type-aware rules that catch real bugs in this codebase (a promise nobody awaits, a
// promise passed where a callback's result is ignored), then eslint-config-prettier so layout is
// Prettier's business alone (`npm run lint` runs both; `npm run format` rewrites).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'var/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      // Type-aware, and cheap enough to run on every file: an unawaited turn, write or send is
      // a lost message; an async handler where a sync one is expected swallows its errors.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    rules: {
      // `_name` marks a parameter a signature requires but the body does not use (restify's
      // handlers, botbuilder's overrides); `catch (e)` without using e is the pages' older idiom.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // The browser pages: plain JavaScript served as is, no build step.
    files: ['web/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
