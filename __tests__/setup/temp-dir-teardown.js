/** Jest global teardown for the unit tests: removes the run's temporary directory (see temp-dir.js). */
export { teardown as default } from './temp-dir.js'
