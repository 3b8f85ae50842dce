// Jest in ESM mode (the @actions/* packages are ESM-only). Two projects: fast unit tests with fakes,
// and end-to-end tests that run the bundled dist/ against a real Docker + registry stack.
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: { isolatedModules: true, module: 'NodeNext', moduleResolution: 'NodeNext' } }
]
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node'
}

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'] }
  ],
  collectCoverageFrom: ['src/**/*.ts']
}
