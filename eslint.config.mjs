// Lint is mostly about the architecture: the Nx module-boundary rule keeps a
// service from importing another service (they talk through @mqp/contracts),
// keeps pure libs free of infrastructure, and keeps apps out of libraries.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const depConstraints = [
  { sourceTag: 'scope:pure', onlyDependOnLibsWithTags: ['scope:pure'] },
  { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:pure', 'scope:infra'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['scope:pure', 'scope:infra'] },
  { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['scope:pure', 'scope:infra', 'type:service'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['scope:pure', 'scope:infra', 'type:composition'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['scope:pure', 'scope:infra', 'type:composition'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['scope:pure', 'scope:infra', 'type:testing', 'type:service'] }, // benchmarks measure services in-process
];

// Specs may also use the test helpers of @mqp/testing (nats-server, deployments);
// the service-to-service rule holds for them too.
const specConstraints = depConstraints.map((c) =>
  c.sourceTag === 'type:testing' ? c : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] },
);

export default [
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '**/*.js', '**/*.mjs', 'libs/contracts/src/generated/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints,
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: specConstraints }],
    },
  },
];
