/** Jest global teardown for the e2e tests: removes the DOCKER_CONFIG that e2e-buildx.js made, if any. */
export { teardown as default } from './e2e-buildx.js'
