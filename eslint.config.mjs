import nx from '@nx/eslint-plugin';

// Framework code must not leak into domain rules, and no app may import another app:
// the project tags (project.json) and these constraints make such an import a lint error.
const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'express', '@electric-sql/*'];
const SERVICE_SCOPES = ['order', 'credit-billing', 'logistics', 'after-sales', 'export'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', 'tmp', '.nx', 'coverage', '**/*.generated.ts'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:contract', 'type:infra', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:contract', 'type:infra', 'type:util'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:contract', 'type:util'] },
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'], bannedExternalImports: FRAMEWORKS },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: FRAMEWORKS },
            // The generated API client is for tests and tools, which stand outside the projects:
            // no app or lib lists `type:client`, so none may import it; it imports no project.
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: [] },
            // The browser console (apps/console) talks to the platform only through that client.
            { sourceTag: 'type:console', onlyDependOnLibsWithTags: ['type:client'] },
            // A service's code sees its own scope and the shared one; the gateway also sees
            // the services' request/response contracts; the embedded platform wires them all.
            ...SERVICE_SCOPES.map((scope) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'] })),
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared', 'type:contract'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform', 'scope:shared', ...SERVICE_SCOPES.map((s) => `scope:${s}`), 'scope:gateway'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
