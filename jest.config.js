// One Jest run covers the whole tree. Unit specs sit beside the code
// (`*.spec.ts`); integration and end-to-end specs (`*.int.spec.ts`,
// `e2e/**`) start real processes and so run in band with longer timeouts.
const { pathsToModuleNameMapper } = require('./tools/jest/paths');

const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const moduleNameMapper = pathsToModuleNameMapper();

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '/node_modules/'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/**/*.int.spec.ts', '<rootDir>/apps/**/*.int.spec.ts', '<rootDir>/tools/**/*.int.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/timeout-30s.js'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/e2e/**/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/timeout-60s.js'],
    },
  ],
};
