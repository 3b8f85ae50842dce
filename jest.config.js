// Jest in ESM mode (the @actions/* packages are ESM-only). Two projects: fast unit tests with fakes,
// and end-to-end tests that run the bundled dist/ against a real Docker + registry stack.
// Both keep the action's log (what @actions/core writes for the runner) out of the output unless
// TEST_VERBOSE=1 (__tests__/setup/quiet.ts); unit tests make their temporary files in one directory that
// is removed after the run (__tests__/setup/temp-dir.js). E2E_BUILDX / E2E_BUILDKIT choose the buildx and
// BuildKit the e2e tests run (__tests__/setup/e2e-buildx.js, __tests__/e2e/harness.ts).
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: { isolatedModules: true, module: 'NodeNext', moduleResolution: 'NodeNext' } }
]
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup/quiet.ts', '<rootDir>/__tests__/setup/exit-code.ts']
}

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/setup/temp-dir.js',
      globalTeardown: '<rootDir>/__tests__/setup/temp-dir-teardown.js'
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/setup/e2e-buildx.js',
      globalTeardown: '<rootDir>/__tests__/setup/e2e-buildx-teardown.js'
    }
  ],
  collectCoverageFrom: ['src/**/*.ts']
}
