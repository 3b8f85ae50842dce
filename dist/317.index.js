export const id = 317;
export const ids = [317];
export const modules = {

/***/ 7698:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPost: () => (/* binding */ runPost)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var _builder_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6356);
/* harmony import */ var _buildx_install_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5753);
/* harmony import */ var _login_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(78);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(869);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7390);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(452);
/**
 * The post step: runs after the job's steps whether main succeeded, failed or was cancelled. It removes
 * what main created (builder with its container and state, credentials, temporary files). Problems here
 * are warnings: cleanup never fails a job.
 */








async function runPost(runner = _runner_js__WEBPACK_IMPORTED_MODULE_5__/* .execRunner */ .M6) {
    const saved = _state_js__WEBPACK_IMPORTED_MODULE_6__/* .load */ .Hh();
    if (saved.builder) {
        await attempt(`Removing builder ${saved.builder}`, async () => {
            const outcome = await (0,_builder_js__WEBPACK_IMPORTED_MODULE_2__/* .removeBuilder */ .iq)((0,_buildx_install_js__WEBPACK_IMPORTED_MODULE_3__/* .withBuildx */ .xG)(runner, (0,_buildx_install_js__WEBPACK_IMPORTED_MODULE_3__/* .parseBuildxCli */ .WV)(saved.buildx)), saved.builder);
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(outcome === 'removed' ? 'builder removed' : 'builder was not there (never created)');
        });
    }
    if (saved.loginRestore) {
        await attempt('Removing registry credentials', () => {
            const restore = JSON.parse(saved.loginRestore);
            (0,_login_js__WEBPACK_IMPORTED_MODULE_4__/* .logout */ .ri)(restore);
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`restored ${restore.key} in ${restore.configFile}`);
            return Promise.resolve();
        });
    }
    if (saved.tempDir) {
        await attempt('Removing temporary files', () => {
            node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync(saved.tempDir, { recursive: true, force: true });
            return Promise.resolve();
        });
    }
}
async function attempt(title, fn) {
    await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(title, async () => {
        try {
            await fn();
        }
        catch (error) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${title} failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_7__/* .messageOf */ .b)(error)}`);
        }
    });
}


/***/ })

};
