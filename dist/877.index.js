export const id = 877;
export const ids = [877];
export const modules = {

/***/ 6356:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ak: () => (/* binding */ uniqueBuilderName),
/* harmony export */   Ij: () => (/* binding */ createBuilder),
/* harmony export */   cv: () => (/* binding */ builderExists),
/* harmony export */   iq: () => (/* binding */ removeBuilder),
/* harmony export */   wP: () => (/* binding */ proxyEnvironment)
/* harmony export */ });
/* unused harmony exports createBuilderArgs, removeBuilderArgs */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(869);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(452);
/**
 * The buildx builder: a docker-container driver with our buildkitd.toml, created for this run and removed
 * by the post step. The argv is built by pure functions; `createBuilder` runs it.
 */



/** A builder name that no other job on this runner will pick. */
function uniqueBuilderName(runId = process.env.GITHUB_RUN_ID ?? '') {
    const suffix = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex');
    return runId ? `multiarch-${runId}-${suffix}` : `multiarch-${suffix}`;
}
function createBuilderArgs(options) {
    const args = ['buildx', 'create', '--name', options.name, '--driver', 'docker-container'];
    const driverOpts = [`image=${options.buildkitImage}`];
    if (options.hostNetwork)
        driverOpts.push('network=host');
    for (const [key, value] of Object.entries(options.proxyEnv))
        driverOpts.push(`env.${key}=${value}`);
    driverOpts.push(...options.driverOpts);
    for (const opt of driverOpts)
        args.push('--driver-opt', opt);
    if (options.configFile)
        args.push('--config', options.configFile);
    const flags = [options.buildkitdFlags.trim()];
    if (options.allowHostNetwork && !/network\.host/.test(options.buildkitdFlags)) {
        flags.push('--allow-insecure-entitlement network.host');
    }
    const joined = flags.filter(f => f !== '').join(' ');
    if (joined)
        args.push('--buildkitd-flags', joined);
    args.push('--bootstrap');
    return args;
}
function removeBuilderArgs(name) {
    return ['buildx', 'rm', '--force', name];
}
/** Proxy variables of the job (either case) to hand to the builder, HTTP_PROXY before http_proxy. */
function proxyEnvironment(env = process.env) {
    const out = {};
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
        const value = env[name] ?? env[name.toLowerCase()];
        if (value)
            out[name] = value;
    }
    return out;
}
async function createBuilder(runner, options) {
    try {
        await (0,_runner_js__WEBPACK_IMPORTED_MODULE_1__/* .runChecked */ .X4)(runner, 'docker', createBuilderArgs(options), {
            what: `Creating builder ${options.name}`
        });
    }
    catch (error) {
        if (error instanceof _runner_js__WEBPACK_IMPORTED_MODULE_1__/* .CommandError */ .Qd &&
            /Cannot connect to the Docker daemon|error during connect/i.test(error.stderr)) {
            throw new Error(`The Docker engine is not reachable (${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .lastLine */ .f)(error.stderr)}). Start Docker on the runner or point ` +
                'DOCKER_HOST at an engine.', { cause: error });
        }
        if (error instanceof _runner_js__WEBPACK_IMPORTED_MODULE_1__/* .CommandError */ .Qd && /already exists|existing instance/.test(error.stderr)) {
            throw new Error(`A builder named "${options.name}" already exists. Choose another builder-name, leave it empty for a unique one, or set reuse-builder: true.`, { cause: error });
        }
        throw error;
    }
}
/** Whether a builder of that name exists (for reuse-builder). */
async function builderExists(runner, name) {
    const result = await runner.run('docker', ['buildx', 'inspect', name], { silent: true });
    return result.exitCode === 0;
}
/** Removes a builder with its container and state; a builder that is already gone is not an error. */
async function removeBuilder(runner, name) {
    const result = await runner.run('docker', removeBuilderArgs(name));
    if (result.exitCode === 0)
        return 'removed';
    if (/no builder .* found|not found/i.test(result.stderr))
        return 'absent';
    throw new _runner_js__WEBPACK_IMPORTED_MODULE_1__/* .CommandError */ .Qd('docker', removeBuilderArgs(name), result, `Removing builder ${name}`);
}


/***/ }),

/***/ 5753:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gr: () => (/* binding */ setupBuildx),
/* harmony export */   Jr: () => (/* binding */ parseDownloadUrlTemplate),
/* harmony export */   WV: () => (/* binding */ parseBuildxCli),
/* harmony export */   Wi: () => (/* binding */ normalizeBuildxVersion),
/* harmony export */   dK: () => (/* binding */ serializeBuildxCli),
/* harmony export */   h2: () => (/* binding */ DEFAULT_DOWNLOAD_URL),
/* harmony export */   kc: () => (/* binding */ DOCKER_BUILDX),
/* harmony export */   xG: () => (/* binding */ withBuildx)
/* harmony export */ });
/* unused harmony exports standaloneBuildx, CHECKSUMS_FILE, FALLBACK_BUILDX_VERSION, TOOL_NAME, BuildxInstallError, buildxCommand, nodeArmVersion, releasePlatform, releaseAssetName, renderUrlTemplate, defaultChecksumUrl, displayUrl, parseChecksums, verifyChecksum, sha256File, installBuildx */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var _actions_tool_cache__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9805);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7598);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6760);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6466);
/* harmony import */ var _buildx_version_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(1186);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(452);
/**
 * buildx itself. When the runner's `docker buildx` is missing or too old, or `buildx-version` names a
 * release, the release binary for this runner's OS/arch is downloaded (from GitHub, or from the mirror
 * that `buildx-download-url` describes), checked against the release's `checksums.txt`, kept in the
 * runner's tool cache (a later job on the same runner takes it from there without downloading) and run
 * *standalone* for this job: `<binary> create ...` instead of `docker buildx create ...`. Nothing is
 * written to the docker CLI's plugin directories, so other jobs and steps keep the runner's own buildx.
 *
 * Everything that runs buildx goes through a `BuildxCli`: `withBuildx(runner, cli)` turns the
 * `docker buildx ...` commands that builder.ts and build.ts produce into commands for the chosen binary.
 *
 * URL templates (`buildx-download-url`): placeholders `{version}` (without `v`: 0.13.1), `{os}` (linux,
 * darwin, windows, freebsd), `{arch}` (amd64, arm64, arm-v7, arm-v6, ppc64le, s390x, riscv64) and `{ext}`
 * (`.exe` on Windows, else empty), the names buildx's GitHub releases use. `{version}` is required (the
 * tool cache is keyed by version). The checksum file is `checksums.txt` in the same directory as the
 * binary, unless a separate checksum URL template (same placeholders) is given. A checksum file that is
 * not there (HTTP 404/410/403) leaves the download unverified, with a warning; a checksum file that is
 * there must list the binary with the same sha256, else nothing is installed and the error says why.
 */








/** The runner's own buildx, as a docker CLI plugin. */
const DOCKER_BUILDX = Object.freeze({
    command: 'docker',
    prefix: Object.freeze(['buildx'])
});
/** A buildx binary run standalone (`/path/docker-buildx version`). */
function standaloneBuildx(binary) {
    return { command: binary, prefix: [] };
}
/** The GitHub release asset of a buildx version for this runner. */
const DEFAULT_DOWNLOAD_URL = 'https://github.com/docker/buildx/releases/download/v{version}/buildx-v{version}.{os}-{arch}{ext}';
/** Name of the checksum file published next to the release binaries. */
const CHECKSUMS_FILE = 'checksums.txt';
/**
 * The version installed when `buildx-version` is empty and the runner's buildx is missing or older than
 * the action needs. Pinned (not "latest"): finding the latest release needs the GitHub API, which runners
 * behind a mirror cannot reach, and a pinned version builds the same way every time.
 */
const FALLBACK_BUILDX_VERSION = '0.26.1';
/** Tool name in the tool cache (`$RUNNER_TOOL_CACHE/buildx/<version>/<arch>/docker-buildx`). */
const TOOL_NAME = 'buildx';
/** A buildx install that failed; the message says what failed and where. */
class BuildxInstallError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'BuildxInstallError';
    }
}
// ---------------------------------------------------------------------------------------------------------
// Running buildx through a BuildxCli
/**
 * `['buildx', 'build', ...]` (as builder.ts and build.ts produce it) -> the command and arguments that run
 * it with `cli`.
 */
function buildxCommand(cli, argv) {
    if (argv[0] !== 'buildx')
        throw new Error(`not a buildx command: ${argv.join(' ')}`);
    return [cli.command, [...cli.prefix, ...argv.slice(1)]];
}
/** A runner that sends `docker buildx ...` to `cli`; every other command goes to `runner` unchanged. */
function withBuildx(runner, cli) {
    if (isDockerBuildx(cli))
        return runner;
    return {
        run(command, args, options) {
            if (command === 'docker' && args[0] === 'buildx') {
                const [buildx, buildxArgs] = buildxCommand(cli, args);
                return runner.run(buildx, buildxArgs, options);
            }
            return runner.run(command, args, options);
        }
    };
}
function isDockerBuildx(cli) {
    return cli.command === 'docker' && cli.prefix.length === 1 && cli.prefix[0] === 'buildx';
}
/** The BuildxCli as a state value, for the post step (which must remove the builder with the same binary). */
function serializeBuildxCli(cli) {
    return isDockerBuildx(cli) ? '' : JSON.stringify({ command: cli.command, prefix: cli.prefix });
}
/**
 * Reads what `serializeBuildxCli` wrote. '' (main used the runner's buildx, or never got that far),
 * something unreadable, or a binary that is no longer there: the runner's `docker buildx`.
 */
function parseBuildxCli(value) {
    if (value === '')
        return DOCKER_BUILDX;
    let parsed;
    try {
        parsed = JSON.parse(value);
    }
    catch {
        return DOCKER_BUILDX;
    }
    if (typeof parsed !== 'object' || parsed === null)
        return DOCKER_BUILDX;
    const { command, prefix } = parsed;
    if (typeof command !== 'string' || command === '')
        return DOCKER_BUILDX;
    if (!Array.isArray(prefix) || !prefix.every((p) => typeof p === 'string'))
        return DOCKER_BUILDX;
    if (node_path__WEBPACK_IMPORTED_MODULE_4__.isAbsolute(command) && !node_fs__WEBPACK_IMPORTED_MODULE_3__.existsSync(command))
        return DOCKER_BUILDX;
    return { command, prefix };
}
// ---------------------------------------------------------------------------------------------------------
// Versions, platforms, URLs
/**
 * The `buildx-version` input: '' (use the runner's buildx when it is recent enough), or an exact release
 * such as 0.13.1, v0.13.1 or 0.14.0-rc1. Returns it without the `v`.
 */
function normalizeBuildxVersion(value) {
    const trimmed = value.trim();
    if (trimmed === '')
        return '';
    const match = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?)$/.exec(trimmed);
    if (!match?.[1]) {
        throw new Error(`"${value}" is not a buildx release version; use an exact version such as 0.13.1 ` +
            '(or leave it empty to use the runner’s buildx)');
    }
    return match[1];
}
/** `0.14.0-rc1` -> `0.14.0`, for comparing with what `buildx version` prints. */
function coreVersion(version) {
    return version.replace(/-.*$/, '');
}
const RELEASE_OS = {
    linux: 'linux',
    darwin: 'darwin',
    win32: 'windows',
    freebsd: 'freebsd'
};
const RELEASE_ARCH = {
    x64: 'amd64',
    arm64: 'arm64',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64'
};
/** The ARM version Node was built for (6 or 7), from its build configuration. */
function nodeArmVersion() {
    const variables = process.config.variables;
    const value = variables.arm_version;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '7';
}
/** Node's `process.platform` / `process.arch` -> the OS and arch in buildx's release asset names. */
function releasePlatform(platform = process.platform, arch = process.arch, armVersion = nodeArmVersion()) {
    const os = RELEASE_OS[platform];
    if (!os)
        throw new BuildxInstallError(`buildx has no release for this runner's OS (${platform})`);
    let releaseArch = RELEASE_ARCH[arch];
    if (arch === 'arm')
        releaseArch = armVersion === '6' ? 'arm-v6' : 'arm-v7';
    if (!releaseArch)
        throw new BuildxInstallError(`buildx has no release for this runner's architecture (${arch})`);
    return { os, arch: releaseArch, ext: os === 'windows' ? '.exe' : '' };
}
/** `buildx-v0.13.1.linux-amd64`: the file name GitHub releases (and their checksums.txt) use. */
function releaseAssetName(version, platform) {
    return `buildx-v${version}.${platform.os}-${platform.arch}${platform.ext}`;
}
const PLACEHOLDERS = ['version', 'os', 'arch', 'ext'];
/** Fills a URL template's placeholders; throws on an unknown placeholder or a result that is no http(s) URL. */
function renderUrlTemplate(template, version, platform) {
    const values = { version, ...platform };
    const rendered = template.trim().replace(/\{([^{}]*)\}/g, (whole, name) => {
        const key = PLACEHOLDERS.find(p => p === name);
        if (!key) {
            throw new Error(`"${template}" has an unknown placeholder ${whole}; use ${PLACEHOLDERS.map(p => `{${p}}`).join(', ')}`);
        }
        return values[key];
    });
    let url;
    try {
        url = new URL(rendered);
    }
    catch {
        throw new Error(`"${template}" does not make a URL (got "${rendered}")`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`"${template}" is not an http(s) URL`);
    }
    return url.href;
}
/**
 * Checks a `buildx-download-url` value ('' is the GitHub default) and returns the template to use. For
 * inputs.ts: the message names the problem; the caller prefixes the input name.
 */
function parseDownloadUrlTemplate(value) {
    const template = value.trim();
    if (template === '')
        return DEFAULT_DOWNLOAD_URL;
    if (!template.includes('{version}')) {
        throw new Error(`"${template}" has no {version} placeholder; e.g. ` +
            'https://mirror.example.com/docker/buildx/v{version}/buildx-v{version}.{os}-{arch}{ext}');
    }
    renderUrlTemplate(template, '0.0.0', { os: 'linux', arch: 'amd64', ext: '' });
    return template;
}
/** The checksum file for a binary URL: `checksums.txt` in the same directory. */
function defaultChecksumUrl(binaryUrl) {
    return new URL(CHECKSUMS_FILE, binaryUrl).href;
}
/** A URL for messages: a password in it is replaced by `***`. */
function displayUrl(url) {
    if (!URL.canParse(url))
        return url;
    const parsed = new URL(url);
    if (parsed.password === '')
        return url;
    parsed.password = '***';
    return parsed.href;
}
// ---------------------------------------------------------------------------------------------------------
// Checksums
/**
 * A sha256sum-style file (`<hex>  <name>` or `<hex> *<name>` lines) -> file name -> lowercase hex. Names
 * with a directory are also listed under their base name. Lines that are not checksums are skipped.
 */
function parseChecksums(text) {
    const sums = new Map();
    for (const line of text.split(/\r?\n/)) {
        const match = /^([0-9a-fA-F]{64}) [ *]?(.+)$/.exec(line.trim());
        if (!match?.[1] || !match[2])
            continue;
        const hex = match[1].toLowerCase();
        const name = match[2].trim();
        sums.set(name, hex);
        const base = name.replace(/^.*\//, '');
        if (!sums.has(base))
            sums.set(base, hex);
    }
    return sums;
}
/**
 * Compares a file's sha256 with its entry in a checksum file (looked up under each of `names`, first
 * match wins); throws a BuildxInstallError naming both values and the checksum URL.
 */
function verifyChecksum(options) {
    const { actual, checksums, names, checksumUrl, binaryUrl } = options;
    const name = names.find(n => checksums.has(n));
    const expected = name === undefined ? undefined : checksums.get(name);
    if (expected === undefined) {
        const listed = [...checksums.keys()].filter(k => !k.includes('/'));
        throw new BuildxInstallError(`The checksum file ${displayUrl(checksumUrl)} has no entry for ${[...new Set(names)].join(' or ')}` +
            ` (it lists ${listed.length > 0 ? listed.join(', ') : 'no sha256 checksums'}), so the download` +
            ` from ${displayUrl(binaryUrl)} cannot be verified. Nothing was installed.`);
    }
    if (expected !== actual.toLowerCase()) {
        throw new BuildxInstallError(`Checksum mismatch for buildx downloaded from ${displayUrl(binaryUrl)}: expected sha256 ${expected}` +
            ` (${name ?? ''} in ${displayUrl(checksumUrl)}), got sha256 ${actual}. The download is corrupt or` +
            ' not the release file; nothing was installed.');
    }
    return expected;
}
async function sha256File(file) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_2__.createHash)('sha256');
    await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_5__.pipeline)(node_fs__WEBPACK_IMPORTED_MODULE_3__.createReadStream(file), hash);
    return hash.digest('hex');
}
const coreLog = {
    info: message => {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(message);
    },
    warning: message => {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(message);
    }
};
/** Name of the binary in the tool cache. */
function cachedBinaryName(platform) {
    return `docker-buildx${platform.ext}`;
}
/**
 * Makes buildx `version` available from the tool cache: found there, or downloaded, verified and cached.
 * Then runs `<binary> version` to check that it runs here and is the version asked for.
 */
async function installBuildx(options) {
    const log = options.log ?? coreLog;
    const platform = options.platform ?? releasePlatform();
    const { version } = options;
    requireRunnerDirs();
    const cachedDir = _actions_tool_cache__WEBPACK_IMPORTED_MODULE_1__/* .find */ .I6(TOOL_NAME, version, platform.arch);
    const cached = cachedDir ? node_path__WEBPACK_IMPORTED_MODULE_4__.join(cachedDir, cachedBinaryName(platform)) : '';
    const source = cached && node_fs__WEBPACK_IMPORTED_MODULE_3__.existsSync(cached) ? 'tool-cache' : 'download';
    if (source === 'tool-cache')
        log.info(`found buildx ${version} in the tool cache: ${cached}`);
    const binary = source === 'tool-cache' ? cached : await downloadAndCache({ ...options, platform, log });
    node_fs__WEBPACK_IMPORTED_MODULE_3__.chmodSync(binary, 0o755);
    const result = await options.runner.run(binary, ['version'], { silent: true });
    const reported = result.exitCode === 0 ? (0,_buildx_version_js__WEBPACK_IMPORTED_MODULE_6__/* .parseBuildxVersion */ .Ou)(result.stdout) : undefined;
    if (reported !== coreVersion(version)) {
        // Not what was asked for: take it out of the tool cache, so the next run downloads again.
        const dir = node_path__WEBPACK_IMPORTED_MODULE_4__.dirname(binary);
        node_fs__WEBPACK_IMPORTED_MODULE_3__.rmSync(dir, { recursive: true, force: true });
        node_fs__WEBPACK_IMPORTED_MODULE_3__.rmSync(`${dir}.complete`, { force: true });
    }
    if (!reported) {
        const detail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
        throw new BuildxInstallError(`The buildx binary ${binary} does not run on this runner (\`version\` exit code ${result.exitCode}; ` +
            `removed from the tool cache)${detail ? `:\n${detail}` : ''}`);
    }
    if (reported !== coreVersion(version)) {
        throw new BuildxInstallError(`The buildx binary ${binary} reports version ${reported}, not ${version}: ` +
            'check that buildx-download-url puts {version} where the mirror keeps each version. It was removed ' +
            'from the tool cache.');
    }
    log.info(`using buildx ${version} (${result.stdout.trim()}) from ${binary} for this job`);
    return { cli: standaloneBuildx(binary), version: reported, source, path: binary };
}
function requireRunnerDirs() {
    for (const name of ['RUNNER_TOOL_CACHE', 'RUNNER_TEMP']) {
        if (!process.env[name]) {
            throw new BuildxInstallError(`${name} is not set, so buildx cannot be downloaded to the tool cache (the GitHub runner sets it).`);
        }
    }
}
async function downloadAndCache(options) {
    const { version, platform, log } = options;
    const template = options.urlTemplate?.trim() || DEFAULT_DOWNLOAD_URL;
    const binaryUrl = renderUrlTemplate(template, version, platform);
    const checksumUrl = options.checksumUrlTemplate?.trim()
        ? renderUrlTemplate(options.checksumUrlTemplate, version, platform)
        : defaultChecksumUrl(binaryUrl);
    const what = `buildx ${version} for ${platform.os}-${platform.arch}`;
    log.info(`downloading ${what} from ${displayUrl(binaryUrl)}`);
    const downloaded = await download(binaryUrl, status => status === 404
        ? `${what} is not at ${displayUrl(binaryUrl)} (HTTP 404). Check that buildx-version is a released ` +
            'version and that buildx-download-url serves it.'
        : `Downloading ${what} from ${displayUrl(binaryUrl)} failed: HTTP ${status}.`);
    try {
        const actual = await sha256File(downloaded);
        const checksums = await fetchChecksums(checksumUrl, binaryUrl, log);
        if (checksums) {
            const names = [
                decodeURIComponent(node_path__WEBPACK_IMPORTED_MODULE_4__.posix.basename(new URL(binaryUrl).pathname)),
                releaseAssetName(version, platform)
            ];
            verifyChecksum({ actual, checksums, names, checksumUrl, binaryUrl });
            log.info(`sha256 ${actual} matches ${displayUrl(checksumUrl)}`);
        }
        else {
            log.info(`sha256 of the unverified download: ${actual}`);
        }
        const dir = await _actions_tool_cache__WEBPACK_IMPORTED_MODULE_1__/* .cacheFile */ .NJ(downloaded, cachedBinaryName(platform), TOOL_NAME, version, platform.arch);
        const binary = node_path__WEBPACK_IMPORTED_MODULE_4__.join(dir, cachedBinaryName(platform));
        log.info(`cached buildx ${version} in the tool cache: ${binary}`);
        return binary;
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_3__.rmSync(downloaded, { force: true });
    }
}
/** The checksum file's entries, or undefined (with a warning) when the source publishes none. */
async function fetchChecksums(checksumUrl, binaryUrl, log) {
    let file;
    try {
        file = await _actions_tool_cache__WEBPACK_IMPORTED_MODULE_1__/* .downloadTool */ .bq(checksumUrl);
    }
    catch (error) {
        const status = error instanceof _actions_tool_cache__WEBPACK_IMPORTED_MODULE_1__/* .HTTPError */ .Hl ? error.httpStatusCode : undefined;
        if (status === 404 || status === 410 || status === 403) {
            log.warning(`No checksum file at ${displayUrl(checksumUrl)} (HTTP ${status}): the buildx download from ` +
                `${displayUrl(binaryUrl)} is unverified.`);
            return undefined;
        }
        throw new BuildxInstallError(`Could not fetch the checksum file ${displayUrl(checksumUrl)} to verify buildx: ${downloadFailure(error)}.`, { cause: error });
    }
    try {
        return parseChecksums(node_fs__WEBPACK_IMPORTED_MODULE_3__.readFileSync(file, 'utf8'));
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_3__.rmSync(file, { force: true });
    }
}
async function download(url, httpMessage) {
    try {
        return await _actions_tool_cache__WEBPACK_IMPORTED_MODULE_1__/* .downloadTool */ .bq(url);
    }
    catch (error) {
        if (error instanceof _actions_tool_cache__WEBPACK_IMPORTED_MODULE_1__/* .HTTPError */ .Hl)
            throw new BuildxInstallError(httpMessage(error.httpStatusCode), { cause: error });
        throw new BuildxInstallError(`Downloading buildx from ${displayUrl(url)} failed: ${downloadFailure(error)}.`, {
            cause: error
        });
    }
}
function downloadFailure(error) {
    if (error instanceof _actions_tool_cache__WEBPACK_IMPORTED_MODULE_1__/* .HTTPError */ .Hl)
        return `HTTP ${error.httpStatusCode ?? 'error'}`;
    return (0,_errors_js__WEBPACK_IMPORTED_MODULE_7__/* .messageOf */ .b)(error);
}
/**
 * Which buildx this job runs. An explicit `buildx-version`: that release, from the tool cache or
 * downloaded. Otherwise the runner's `docker buildx` when it is there and at least `minimum`; when it is
 * missing or older, FALLBACK_BUILDX_VERSION is installed. When the docker CLI itself is missing, that is
 * the error.
 */
async function setupBuildx(options) {
    const log = options.log ?? coreLog;
    const minimum = options.minimum ?? _buildx_version_js__WEBPACK_IMPORTED_MODULE_6__/* .MIN_BUILDX */ .q4;
    const requested = normalizeBuildxVersion(options.version);
    const install = (version) => installBuildx({ ...options, version, log });
    if (requested !== '') {
        if ((0,_buildx_version_js__WEBPACK_IMPORTED_MODULE_6__/* .compareVersions */ .Zy)(coreVersion(requested), minimum) < 0) {
            throw new BuildxInstallError(`buildx-version ${requested} is too old; this action needs ${minimum} or newer.`);
        }
        return install(requested);
    }
    const probe = await options.runner.run('docker', ['buildx', 'version'], { silent: true });
    if (probe.exitCode === 127) {
        throw new BuildxInstallError('docker is not installed on this runner (the docker CLI was not found on PATH).');
    }
    const installed = probe.exitCode === 0 ? (0,_buildx_version_js__WEBPACK_IMPORTED_MODULE_6__/* .parseBuildxVersion */ .Ou)(probe.stdout) : undefined;
    if (installed && (0,_buildx_version_js__WEBPACK_IMPORTED_MODULE_6__/* .compareVersions */ .Zy)(installed, minimum) >= 0) {
        log.info(`using the runner's docker buildx ${installed}`);
        return { cli: DOCKER_BUILDX, version: installed, source: 'installed', path: '' };
    }
    log.info((installed ? `docker buildx ${installed} is older than ${minimum}` : 'docker buildx is not installed') +
        `: using buildx ${FALLBACK_BUILDX_VERSION} for this job (set buildx-version to choose another)`);
    return install(FALLBACK_BUILDX_VERSION);
}


/***/ }),

/***/ 1186:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ou: () => (/* binding */ parseBuildxVersion),
/* harmony export */   Zy: () => (/* binding */ compareVersions),
/* harmony export */   q4: () => (/* binding */ MIN_BUILDX)
/* harmony export */ });
/**
 * Versions of the docker buildx CLI: the oldest this action drives (`--metadata-file`, `--bootstrap`,
 * `--provenance`, driver-opt `env.*`), and how to read and compare them.
 */
const MIN_BUILDX = '0.10.0';
/** `github.com/docker/buildx v0.13.1 abc` / `github.com/docker/buildx 0.13.1+unknown` -> '0.13.1'. */
function parseBuildxVersion(output) {
    return /\bv?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}
function compareVersions(a, b) {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < 3; i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0)
            return d;
    }
    return 0;
}


/***/ }),

/***/ 452:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ messageOf),
/* harmony export */   f: () => (/* binding */ lastLine)
/* harmony export */ });
/** Small helpers for reporting errors of unknown shape. */
/**
 * The message of anything thrown. Duck-typed rather than `instanceof Error`: errors from node built-ins
 * may come from another realm (jest's VM modules), where instanceof fails.
 */
function messageOf(error) {
    if (typeof error === 'object' &&
        error !== null &&
        'message' in error &&
        typeof error.message === 'string') {
        return error.message;
    }
    return String(error);
}
/** The last non-empty line of a program's output: usually the line that says what went wrong. */
function lastLine(text) {
    return text.trim().split('\n').pop() ?? '';
}


/***/ }),

/***/ 78:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   iD: () => (/* binding */ login),
/* harmony export */   kG: () => (/* binding */ dockerConfigDir),
/* harmony export */   ri: () => (/* binding */ logout)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2206);
/**
 * Registry login without dockerd: the credentials go straight into the docker config that buildx reads
 * (BuildKit pushes with them), so a registry behind a private CA or plain HTTP works even though dockerd
 * does not trust it. What was there before is recorded and put back by the post step.
 */





/** The directory whose config.json the docker CLI (and buildx) read. */
function dockerConfigDir(env = process.env) {
    return env.DOCKER_CONFIG || node_path__WEBPACK_IMPORTED_MODULE_3__.join(node_os__WEBPACK_IMPORTED_MODULE_2__.homedir(), '.docker');
}
function readConfig(file) {
    if (!node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync(file))
        return {};
    const parsed = JSON.parse(node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error(`${file} is not a JSON object`);
    }
    return parsed;
}
function writeConfig(file, config) {
    node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync(node_path__WEBPACK_IMPORTED_MODULE_3__.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync(tmp, file);
    node_fs__WEBPACK_IMPORTED_MODULE_1__.chmodSync(file, 0o600);
}
function login(options) {
    const token = Buffer.from(`${options.username}:${options.password}`).toString('base64');
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(options.password);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(token);
    const configFile = node_path__WEBPACK_IMPORTED_MODULE_3__.join(options.configDir, 'config.json');
    const config = readConfig(configFile);
    const key = (0,_reference_js__WEBPACK_IMPORTED_MODULE_4__/* .configKey */ .ur)(options.registry);
    const restore = {
        configFile,
        key,
        auth: config.auths?.[key],
        helper: config.credHelpers?.[key]
    };
    config.auths = { ...config.auths, [key]: { auth: token } };
    // A credential store would shadow the file entry; an empty helper makes the CLI read the file for this host.
    if (config.credsStore || restore.helper !== undefined)
        config.credHelpers = { ...config.credHelpers, [key]: '' };
    writeConfig(configFile, config);
    return restore;
}
/** A copy of `record` with `key` set to `value`, or without `key` when value is undefined. */
function withEntry(record, key, value) {
    const rest = Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
    return value === undefined ? rest : { ...rest, [key]: value };
}
/** Puts back the config.json entries a login replaced. */
function logout(restore) {
    if (!node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync(restore.configFile))
        return;
    const config = readConfig(restore.configFile);
    config.auths = withEntry(config.auths ?? {}, restore.key, restore.auth);
    if (config.credHelpers)
        config.credHelpers = withEntry(config.credHelpers, restore.key, restore.helper);
    writeConfig(restore.configFile, config);
}


/***/ }),

/***/ 2206:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   nz: () => (/* binding */ apiHost),
/* harmony export */   o_: () => (/* binding */ parseImageReference),
/* harmony export */   ur: () => (/* binding */ configKey)
/* harmony export */ });
/* unused harmony export DOCKER_HUB */
/**
 * Image references as Docker reads them: `[registry/]repository[:tag][@digest]`, with Docker Hub's
 * implicit `docker.io` registry and `library/` namespace filled in.
 */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_LEGACY = 'index.docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;
const MAX_NAME_LENGTH = 255;
/** Parses and normalises an image reference; throws an Error explaining what is wrong with an invalid one. */
function parseImageReference(ref) {
    const input = ref.trim();
    if (input === '')
        throw new Error('Invalid image reference "": it is empty');
    const fail = (why) => {
        throw new Error(`Invalid image reference "${ref}": ${why}`);
    };
    let rest = input;
    let digest;
    const at = rest.indexOf('@');
    if (at !== -1) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            fail(`digest "${digest}" is not of the form sha256:<64 lowercase hex digits>`);
    }
    let tag;
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag)) {
            fail(`tag "${tag}" must be 1 to 128 characters of letters, digits, '_', '.' or '-', not starting with '.' or '-'`);
        }
    }
    if (rest === '')
        fail('the repository name is missing');
    const slash = rest.indexOf('/');
    const first = slash === -1 ? rest : rest.slice(0, slash);
    let registry;
    let repository;
    if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
        registry = first;
        repository = rest.slice(slash + 1);
        if (!HOST.test(registry))
            fail(`registry "${registry}" is not a valid host[:port]`);
        if (registry.toLowerCase() === DOCKER_HUB_LEGACY)
            registry = DOCKER_HUB;
    }
    else {
        registry = DOCKER_HUB;
        repository = rest;
    }
    if (registry === DOCKER_HUB && !repository.includes('/'))
        repository = `library/${repository}`;
    for (const component of repository.split('/')) {
        if (component === '')
            fail(`repository "${repository}" has an empty path component`);
        if (!COMPONENT.test(component)) {
            fail(`repository component "${component}" must be lowercase letters and digits, optionally separated by '.', '_', '__' or '-'`);
        }
    }
    if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
        fail(`the name is longer than ${MAX_NAME_LENGTH} characters`);
    }
    const result = { registry, repository };
    if (tag !== undefined)
        result.tag = tag;
    if (digest !== undefined)
        result.digest = digest;
    return result;
}
/** Host (and port) that serves the registry's /v2/ API. */
function apiHost(registry) {
    return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}
/** Key under which the docker CLI stores this registry's credentials in config.json. */
function configKey(registry) {
    return registry === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry;
}


/***/ }),

/***/ 869:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M6: () => (/* binding */ execRunner),
/* harmony export */   Qd: () => (/* binding */ CommandError),
/* harmony export */   X4: () => (/* binding */ runChecked)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5260);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(452);
/**
 * The one way this action runs external programs. Every command goes through a CommandRunner: argv
 * arrays only (never a shell string), so tags, build-args and labels stay inert whatever they contain.
 * Tests replace the runner with a fake that records calls; production uses @actions/exec.
 */



/** How many trailing lines of stderr an error message carries. */
const STDERR_TAIL_LINES = 25;
/** A command that exited non-zero (or could not be started), with the end of what it wrote to stderr. */
class CommandError extends Error {
    command;
    args;
    exitCode;
    stdout;
    stderr;
    constructor(command, args, result, what) {
        const tail = result.stderr.trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
        const head = what ?? `${command} ${args.slice(0, 2).join(' ')}`;
        super(`${head} failed (exit code ${result.exitCode})${tail ? `:\n${tail}` : ''}`);
        this.name = 'CommandError';
        this.command = command;
        this.args = args;
        this.exitCode = result.exitCode;
        this.stdout = result.stdout;
        this.stderr = result.stderr;
    }
}
/** Runs a command and turns a non-zero exit into a CommandError carrying stderr. */
async function runChecked(runner, command, args, options = {}) {
    const { what, ...runOptions } = options;
    const result = await runner.run(command, args, runOptions);
    if (result.exitCode !== 0)
        throw new CommandError(command, args, result, what);
    return result;
}
/** The production runner, on @actions/exec. A program that cannot be started reports exit code 127. */
const execRunner = {
    async run(command, args, options = {}) {
        const env = options.env ? mergedEnv(options.env) : undefined;
        // Every process this action starts is listed in the debug log (re-run with debug logging to see it).
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(`spawn: ${command} ${args.join(' ')}`);
        try {
            const out = await _actions_exec__WEBPACK_IMPORTED_MODULE_1__/* .getExecOutput */ .H(command, [...args], {
                ignoreReturnCode: true,
                silent: options.silent ?? false,
                ...(env ? { env } : {}),
                ...(options.cwd ? { cwd: options.cwd } : {}),
                ...(options.input !== undefined ? { input: Buffer.from(options.input) } : {})
            });
            return { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr };
        }
        catch (error) {
            // @actions/exec throws when the program is not found or cannot be spawned.
            return { exitCode: 127, stdout: '', stderr: (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .b)(error) };
        }
    }
};
function mergedEnv(extra) {
    const env = {};
    for (const [key, value] of Object.entries(process.env))
        if (value !== undefined)
            env[key] = value;
    return { ...env, ...extra };
}


/***/ })

};
