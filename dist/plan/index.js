import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 4213:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   T: () => (/* binding */ parseRegistryHost)
/* harmony export */ });
/* unused harmony export isLoopbackHost */
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7030);
/**
 * Validation of the registry host names users type into inputs such as insecure-registries, ca-certs,
 * registry-mirrors and registry. A value that passes is made only of lowercase letters, digits, '.', '-',
 * and (for a port or an IPv6 literal) ':', '[' and ']', so it cannot inject TOML, shell syntax or log
 * commands wherever it is used later.
 */

const MAX_DNS_NAME_LENGTH = 253;
const MAX_DNS_LABEL_LENGTH = 63;
const MAX_QUOTED_LENGTH = 120;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const PORT = /^[1-9][0-9]{0,4}$/;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const IPV6_LITERAL = /^\[([0-9a-f:.]+)\](?::([^:]*))?$/;
const NAME_AND_PORT = /^([^:]*)(?::([^:]*))?$/;
/** Quotes a user value for an error message: JSON escaping keeps newlines and control characters visible. */
function quote(value) {
    const shown = value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value;
    return JSON.stringify(shown);
}
/**
 * Parses one registry host as typed by a user: 'host', 'host:port', '[ipv6]:port', optionally with a scheme.
 *
 * - 'http://host[:port]' means the registry speaks plain HTTP; it is accepted only when
 *   `options.allowHttpScheme` is true and then yields `http: true`.
 * - 'https://host[:port]' is accepted and the scheme stripped: HTTPS is what a bare host means anyway, so
 *   it yields `http: false`.
 * - Any other scheme, a path (one trailing '/' is tolerated), user info, a query, whitespace, quotes,
 *   control characters or an empty value is rejected.
 *
 * Throws an Error whose message starts with `<input>: `, quotes the bad value and says what is accepted.
 */
function parseRegistryHost(value, options) {
    const { input, allowHttpScheme } = options;
    const expected = allowHttpScheme
        ? 'expected host[:port] such as registry.corp:5000 (or http://host[:port] for plain HTTP)'
        : 'expected host[:port] such as registry.corp:5000';
    function fail(problem) {
        throw new Error(`${input}: ${quote(value)} ${problem}; ${expected}`);
    }
    let rest = value.trim();
    if (rest === '') {
        throw new Error(`${input}: empty registry host; ${expected}`);
    }
    let http = false;
    const scheme = SCHEME.exec(rest);
    if (scheme) {
        const name = (scheme[1] ?? '').toLowerCase();
        if (name === 'http') {
            if (!allowHttpScheme)
                fail('uses http://, which is not accepted here');
            http = true;
        }
        else if (name !== 'https') {
            fail(`uses the scheme ${name}://, which is not supported`);
        }
        rest = rest.slice(scheme[0].length);
    }
    if (rest.endsWith('/'))
        rest = rest.slice(0, -1);
    if (rest === '')
        fail('has no host name');
    // Only printable ASCII: no whitespace, control characters or look-alike Unicode letters.
    if (/[^\x21-\x7e]|["'\\=`]/.test(rest))
        fail('is not a registry host');
    if (rest.includes('@'))
        fail('must not contain user info (user@)');
    if (rest.includes('/'))
        fail('must not contain a path');
    if (/[?#]/.test(rest))
        fail('must not contain a query or fragment');
    let name;
    let port;
    if (rest.startsWith('[')) {
        const literal = IPV6_LITERAL.exec(rest.toLowerCase());
        if (!literal || !(0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv6)(literal[1] ?? ''))
            fail('is not a valid bracketed IPv6 address such as [::1]:5000');
        name = `[${literal[1] ?? ''}]`;
        port = literal[2];
    }
    else {
        const parts = NAME_AND_PORT.exec(rest.toLowerCase());
        if (!parts) {
            if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv6)(rest))
                fail('is an IPv6 address without brackets; write it as [address]:port');
            fail('is not a registry host');
        }
        name = parts[1] ?? '';
        port = parts[2];
        if (!isValidHostName(name))
            fail('is not a registry host');
    }
    if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) {
        fail('has an invalid port (expected a number from 1 to 65535)');
    }
    return { host: port === undefined ? name : `${name}:${port}`, http };
}
/** A DNS name (labels of a-z, 0-9 and '-') or a dotted-quad IPv4 address; `name` is already lowercase. */
function isValidHostName(name) {
    if (/^[0-9.]+$/.test(name))
        return (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv4)(name);
    if (name.length === 0 || name.length > MAX_DNS_NAME_LENGTH)
        return false;
    return name.split('.').every(label => label.length <= MAX_DNS_LABEL_LENGTH && DNS_LABEL.test(label));
}
/**
 * Whether a registry host (as returned by parseRegistryHost, with or without a port) is a loopback
 * address: 'localhost', 127.0.0.0/8, ::1 (bracketed or not), or an IPv4-mapped 127.x address. These are
 * the hosts BuildKit talks to over plain HTTP unless told otherwise.
 */
function isLoopbackHost(host) {
    const value = host.trim().toLowerCase();
    let name;
    if (value.startsWith('[')) {
        const end = value.indexOf(']');
        if (end < 0)
            return false;
        name = value.slice(1, end);
    }
    else if (value.split(':').length > 2) {
        name = value; // a bare IPv6 address such as ::1
    }
    else {
        name = value.split(':')[0] ?? '';
    }
    if (name === 'localhost')
        return true;
    if (isIPv4(name))
        return name.startsWith('127.');
    if (isIPv6(name)) {
        const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
        if (mapped)
            return isLoopbackHost(mapped[1] ?? '');
        const normalized = new URL(`http://[${name}]`).hostname;
        return normalized === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normalized);
    }
    return false;
}


/***/ }),

/***/ 3828:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CA: () => (/* binding */ errorCode),
/* harmony export */   bD: () => (/* binding */ messageOf)
/* harmony export */ });
/* unused harmony exports errorChain, lastLine */
/**
 * Helpers for errors of unknown shape. All duck-typed rather than `instanceof Error`: errors from node
 * built-ins may come from another realm (jest's VM modules), where instanceof fails.
 */
function isObject(value) {
    return typeof value === 'object' && value !== null;
}
/** The message of anything thrown. */
function messageOf(error) {
    if (isObject(error) && 'message' in error && typeof error.message === 'string')
        return error.message;
    return String(error);
}
/** A node error's `code` (ENOENT, ECONNREFUSED, ...), or undefined when it has none. */
function errorCode(error) {
    if (!isObject(error) || !('code' in error))
        return undefined;
    const { code } = error;
    return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}
/** The `code`s and non-empty messages along an error's `cause` chain, outermost first (at most 8 deep). */
function errorChain(error) {
    const codes = [];
    const messages = [];
    let current = error;
    for (let depth = 0; depth < 8 && isObject(current); depth++) {
        const code = errorCode(current);
        if (code !== undefined)
            codes.push(code);
        if ('message' in current && typeof current.message === 'string' && current.message !== '') {
            messages.push(current.message);
        }
        current = 'cause' in current ? current.cause : undefined;
    }
    if (messages.length === 0)
        messages.push(typeof error === 'string' ? error : 'unknown error');
    return { codes, messages };
}
/** The last non-empty line of a program's output: usually the line that says what went wrong. */
function lastLine(text) {
    return text.trim().split('\n').pop() ?? '';
}


/***/ }),

/***/ 6741:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Qd: () => (/* binding */ CommandError)
/* harmony export */ });
/* unused harmony exports runChecked, withEnvironment, execRunner */
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5260);
/**
 * The one way this action runs external programs. Every command goes through a CommandRunner: argv
 * arrays only (never a shell string), so tags, build-args and labels stay inert whatever they contain.
 * Tests replace the runner with a fake that records calls; production uses @actions/exec (`execRunner`).
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
/** A runner that gives every command `env` (under the command's own extra environment). */
function withEnvironment(runner, env) {
    return {
        run: (command, args, options = {}) => runner.run(command, args, { ...options, env: { ...env, ...options.env } })
    };
}
/**
 * The production runner, on @actions/exec, logging through `log`: each command is echoed as it starts and
 * its output streamed line by line (unless silent); every process it starts is listed as a debug line. A
 * program that cannot be started reports exit code 127.
 */
function execRunner(log) {
    return {
        async run(command, args, options = {}) {
            const env = options.env ? mergedEnv(options.env) : undefined;
            const line = `${command} ${args.join(' ')}`;
            // Re-run with debug logging to see every process this action starts, silent ones included.
            log.debug(`spawn: ${line}`);
            if (!options.silent)
                log.command(line);
            const onStderrLine = options.onStderrLine;
            const show = (text) => {
                log.info(text);
            };
            try {
                // @actions/exec itself stays silent: what it would write to stdout goes through the log instead.
                const out = await exec.getExecOutput(command, [...args], {
                    ignoreReturnCode: true,
                    silent: true,
                    listeners: {
                        ...(options.silent ? {} : { stdline: show }),
                        ...(onStderrLine ? { errline: onStderrLine } : options.silent ? {} : { errline: show })
                    },
                    ...(env ? { env } : {}),
                    ...(options.cwd ? { cwd: options.cwd } : {}),
                    ...(options.input !== undefined ? { input: Buffer.from(options.input) } : {})
                });
                return { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr };
            }
            catch (error) {
                // @actions/exec throws when the program is not found or cannot be spawned.
                return { exitCode: 127, stdout: '', stderr: messageOf(error) };
            }
        }
    };
}
function mergedEnv(extra) {
    const env = {};
    for (const [key, value] of Object.entries(process.env))
        if (value !== undefined)
            env[key] = value;
    return { ...env, ...extra };
}


/***/ }),

/***/ 5189:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E8: () => (/* binding */ parseSmokeCommand)
/* harmony export */ });
/* unused harmony exports OUTPUT_LIMIT, smokeRunArgs, runSmokeTests, smokeFailure */
/* harmony import */ var node_perf_hooks__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(643);
/**
 * The smoke test: one command run in the pushed image of every platform, by digest, with `docker run
 * --platform` (natively, or under QEMU for the others), all platforms at once, each with a time limit.
 *
 * The command is given as the arguments of `docker run IMAGE ARGS...`: the image's entrypoint runs with
 * them (an image without an entrypoint runs them as its command). It is split into words the way a shell
 * would split a simple command (quotes group, backslash escapes), or given exactly as a JSON array; it is
 * never handed to a shell on the runner.
 */

/** `--version`, `sh -c 'test -x /app'`, or `["/app", "--self-test"]` -> the argv after the image. */
function parseSmokeCommand(text) {
    const trimmed = text.trim();
    if (trimmed === '')
        return [];
    if (trimmed.startsWith('[')) {
        let parsed;
        try {
            parsed = JSON.parse(trimmed);
        }
        catch {
            throw new Error('starts with [ but is not a JSON array of strings, e.g. ["sh", "-c", "uname -m"]');
        }
        if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(a => typeof a === 'string'))
            throw new Error('a JSON array must hold at least one string, e.g. ["sh", "-c", "uname -m"]');
        return parsed;
    }
    return splitWords(trimmed);
}
/** Splits like a shell's simple command, without expansions: 'a "b c"' -> ['a', 'b c']. */
function splitWords(text) {
    const words = [];
    let word = '';
    let inWord = false;
    let quote = '';
    for (let i = 0; i < text.length; i++) {
        const c = text.charAt(i);
        if (quote === "'") {
            if (c === "'")
                quote = '';
            else
                word += c;
        }
        else if (quote === '"') {
            if (c === '"')
                quote = '';
            else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text.charAt(i + 1)))
                word += text.charAt(++i);
            else
                word += c;
        }
        else if (/\s/.test(c)) {
            if (inWord)
                words.push(word);
            word = '';
            inWord = false;
        }
        else {
            inWord = true;
            if (c === '"' || c === "'")
                quote = c;
            else if (c === '\\' && i + 1 < text.length)
                word += text.charAt(++i);
            else
                word += c;
        }
    }
    if (quote)
        throw new Error(`has an unterminated ${quote} quote`);
    if (inWord)
        words.push(word);
    return words;
}
const OUTPUT_LIMIT = 4000;
/** `docker run` for one platform: by digest, host network, removed afterwards. */
function smokeRunArgs(options) {
    return [
        'run',
        '--rm',
        '--name',
        options.name,
        '--platform',
        options.platform,
        '--network',
        'host',
        options.image,
        ...options.args
    ];
}
/** Runs the smoke test on every platform at once; never throws for a failing command (see the results). */
async function runSmokeTests(options) {
    return Promise.all(Object.entries(options.platforms).map(([platform, digest]) => runOne(options, platform, digest)));
}
async function runOne(options, platform, digest) {
    const image = `${options.repository}@${digest}`;
    const name = `${options.runId}-smoke-${platform.replace(/[^a-zA-Z0-9]+/g, '-')}`;
    const started = performance.now();
    const finish = (result, timedOut, prefix) => {
        const output = prefix + [result.stdout.trimEnd(), result.stderr.trimEnd()].filter(s => s !== '').join('\n');
        return {
            platform,
            image,
            passed: !timedOut && result.exitCode === 0,
            exitCode: timedOut ? null : result.exitCode,
            timedOut,
            seconds: Math.round((performance.now() - started) / 100) / 10,
            output: output.length > OUTPUT_LIMIT ? `…${output.slice(-OUTPUT_LIMIT)}` : output
        };
    };
    // Pulled first and quietly, so that the output is the command's own (and the time limit its own too).
    const pulled = await options.runner.run('docker', ['pull', '--quiet', '--platform', platform, image], {
        silent: true
    });
    if (pulled.exitCode !== 0)
        return finish(pulled, false, `docker pull ${image} failed:\n`);
    const limit = { reached: false };
    const timer = setTimeout(() => {
        limit.reached = true;
        // Removing the container ends the `docker run` waiting on it.
        void options.runner.run('docker', ['rm', '--force', name], { silent: true });
    }, options.timeoutSeconds * 1000);
    try {
        const result = await options.runner.run('docker', smokeRunArgs({ name, platform, image, args: options.args }), { silent: true });
        return finish(result, limit.reached, '');
    }
    finally {
        clearTimeout(timer);
    }
}
/** The error for failed platforms: each named, with what its command wrote. */
function smokeFailure(results, args) {
    const failed = results.filter(r => !r.passed);
    if (failed.length === 0)
        return undefined;
    const parts = failed.map(r => {
        const why = r.timedOut ? `did not finish within the time limit` : `exited with code ${r.exitCode}`;
        return `${r.platform}: \`${args.join(' ')}\` ${why} in ${r.image}\n${indent(r.output || '(no output)')}`;
    });
    return new Error(`smoke-test failed on ${failed.map(r => r.platform).join(', ')}:\n${parts.join('\n')}`);
}
function indent(text) {
    return text
        .split('\n')
        .map(line => `    ${line}`)
        .join('\n');
}


/***/ }),

/***/ 9277:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  d: () => (/* binding */ githubInputs),
  T: () => (/* binding */ githubReporter)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./lib/github/workflow-commands.js
/**
 * GitHub's workflow commands (log lines, annotations, groups, masks on stdout) and file commands (outputs
 * and state appended to GITHUB_OUTPUT / GITHUB_STATE), written the way GitHub documents them: what
 * @actions/core writes for the same calls, which a unit test holds side by side. The action's steps speak
 * these without loading @actions/core, whose import alone (its OIDC client and HTTP stack) costs a step
 * more than the work of a small one; it is loaded only to ask for an OIDC token (keyless signing).
 */



const escapeData = (text) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
/** `::name key=value,...::message`, escaped. */
function workflowCommand(name, message, properties = {}) {
    const given = Object.entries(properties).filter(([, value]) => value !== undefined);
    const written = given
        .filter(([, value]) => value !== '' && value !== 0)
        .map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
    // As @actions/core: a space after the name once any property is given, even one left out as empty.
    return `::${name}${given.length > 0 ? ` ${written.join(',')}` : ''}::${escapeData(message)}`;
}
/** An annotation's properties, in the order and with the names GitHub reads. */
function annotationProperties(annotation) {
    if (!annotation)
        return {};
    return { title: annotation.title, file: annotation.file, line: annotation.startLine };
}
/**
 * Writes the commands of one step: lines to `write` (stdout), file commands to the files its environment
 * names (`env`, else the process's as it is at each call, as @actions/core reads it).
 */
class WorkflowCommands {
    given;
    write;
    constructor(given, write = line => process.stdout.write(line + external_node_os_namespaceObject.EOL)) {
        this.given = given;
        this.write = write;
    }
    get env() {
        return this.given ?? process.env;
    }
    line(text) {
        this.write(text);
    }
    command(name, message, properties) {
        this.write(workflowCommand(name, message, properties));
    }
    /** `name<<DELIMITER` ... to GITHUB_OUTPUT or GITHUB_STATE; without the file, the old stdout command. */
    keyValue(file, name, value) {
        const path = this.env[`GITHUB_${file}`];
        if (!path) {
            if (file === 'OUTPUT')
                this.write('');
            this.command(file === 'OUTPUT' ? 'set-output' : 'save-state', value, { name });
            return;
        }
        if (!external_node_fs_.existsSync(path))
            throw new Error(`Missing file at path: ${path}`);
        const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
        if (name.includes(delimiter) || value.includes(delimiter))
            throw new Error(`Unexpected input: name or value contains the delimiter "${delimiter}"`);
        external_node_fs_.appendFileSync(path, `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`, 'utf8');
    }
    /** The step's input as the runner passes it (INPUT_NAME), trimmed; '' when unset. */
    input(name) {
        return (this.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
    }
    /** What the main step saved under `name` (STATE_name); '' when nothing. */
    state(name) {
        return this.env[`STATE_${name}`] ?? '';
    }
}

;// CONCATENATED MODULE: ./lib/github/github-reporter.js
/**
 * The Reporter on GitHub: workflow commands on stdout, outputs and state in the runner's command files
 * (GITHUB_OUTPUT, GITHUB_STATE), the summary appended to GITHUB_STEP_SUMMARY, and the step's inputs
 * (INPUT_*): see workflow-commands.ts.
 */


/** The step's inputs, as the runner passes them: trimmed, '' when unset. */
const githubInputs = name => new WorkflowCommands().input(name);
/** The Reporter of a GitHub Actions step (main or post). */
function githubReporter(env, write) {
    const commands = new WorkflowCommands(env, write);
    return {
        info: message => {
            commands.line(message);
        },
        debug: message => {
            commands.command('debug', message);
        },
        command: line => {
            commands.line(`[command]${line}`);
        },
        warning: (message, annotation) => {
            commands.command('warning', message, annotationProperties(annotation));
        },
        error: (message, annotation) => {
            commands.command('error', message, annotationProperties(annotation));
        },
        notice: (message, annotation) => {
            commands.command('notice', message, annotationProperties(annotation));
        },
        group: async (name, work) => {
            commands.command('group', name);
            try {
                return await work();
            }
            finally {
                commands.command('endgroup', '');
            }
        },
        mask: secret => {
            commands.command('add-mask', secret);
        },
        setOutput: (name, value) => {
            commands.keyValue('OUTPUT', name, value);
        },
        save: (key, value) => {
            commands.keyValue('STATE', key, value);
        },
        get: key => commands.state(key),
        appendSummary: async (html) => {
            // Outside a job (no summary file) there is nowhere to write it: the log already has the results.
            const file = (env ?? process.env).GITHUB_STEP_SUMMARY;
            if (file)
                await external_node_fs_.promises.appendFile(file, html);
        },
        fail: message => {
            process.exitCode = 1;
            commands.command('error', message);
        }
    };
}


/***/ }),

/***/ 1396:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Bc: () => (/* binding */ isDigest),
/* harmony export */   dz: () => (/* binding */ isTag)
/* harmony export */ });
/* unused harmony exports MEDIA_TYPES, INDEX_MEDIA_TYPES, IMAGE_MANIFEST_MEDIA_TYPES, MANIFEST_ACCEPT, REFERENCE_TYPE_ANNOTATION, ATTESTATION_REFERENCE_TYPE, sha256Digest, bareMediaType, manifestMediaType, manifestKind, isAttestation, parseJsonObject, isRecord */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/**
 * OCI and Docker distribution facts, in one place: media types, the digest and tag grammar, the sha256
 * digest of bytes, which kind of manifest a document is, and which index entries are attestations.
 */

const MEDIA_TYPES = {
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    /** The layers of a BuildKit attestation manifest (SLSA provenance, SBOM). */
    inToto: 'application/vnd.in-toto+json'
};
const INDEX_MEDIA_TYPES = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList];
const IMAGE_MANIFEST_MEDIA_TYPES = [
    MEDIA_TYPES.ociManifest,
    MEDIA_TYPES.dockerManifest
];
/** The Accept header of a manifest request: every index and image manifest type. */
const MANIFEST_ACCEPT = [...INDEX_MEDIA_TYPES, ...IMAGE_MANIFEST_MEDIA_TYPES].join(', ');
/** The annotation BuildKit puts on an index entry that is an attestation manifest. */
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
const ATTESTATION_REFERENCE_TYPE = 'attestation-manifest';
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^\w[\w.-]{0,127}$/;
/** A `sha256:<64 lowercase hex>` digest (the only algorithm registries and buildx use here). */
function isDigest(value) {
    return DIGEST.test(value);
}
/** A tag: 1 to 128 of letters, digits, `_`, `.`, `-`, not starting with `.` or `-`. */
function isTag(value) {
    return TAG.test(value);
}
/** 'sha256:<hex>' of the bytes. */
function sha256Digest(bytes) {
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
/** A Content-Type value without parameters, lowercased ('' when there is none). */
function bareMediaType(contentType) {
    return contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
}
/**
 * The media type of a served manifest: the Content-Type without parameters, or the document's own
 * `mediaType` when the registry sent a generic type (application/json, text/plain) or none.
 */
function manifestMediaType(contentType, raw) {
    const declared = bareMediaType(contentType);
    if (declared !== '' && declared !== 'application/json' && declared !== 'text/plain')
        return declared;
    const own = parseJsonObject(raw)?.['mediaType'];
    return typeof own === 'string' ? own : declared;
}
/**
 * Whether a document is an image index or an image manifest: by its media type, else (a generic type
 * was served) by its own `mediaType`, else by its shape. undefined when it is neither.
 */
function manifestKind(mediaType, parsed) {
    const declared = bareMediaType(mediaType);
    if (INDEX_MEDIA_TYPES.includes(declared))
        return 'index';
    if (IMAGE_MANIFEST_MEDIA_TYPES.includes(declared))
        return 'manifest';
    const own = parsed['mediaType'];
    if (typeof own === 'string' && INDEX_MEDIA_TYPES.includes(own))
        return 'index';
    if (typeof own === 'string' && IMAGE_MANIFEST_MEDIA_TYPES.includes(own))
        return 'manifest';
    if (own === undefined && Array.isArray(parsed['manifests']))
        return 'index';
    if (own === undefined && isRecord(parsed['config']) && Array.isArray(parsed['layers']))
        return 'manifest';
    return undefined;
}
/** An index entry that is a BuildKit attestation manifest rather than a platform's image. */
function isAttestation(entry) {
    const annotations = entry['annotations'];
    return isRecord(annotations) && annotations[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_REFERENCE_TYPE;
}
/** The JSON object in the bytes, or undefined when they are not one. */
function parseJsonObject(raw) {
    try {
        const parsed = JSON.parse(raw.toString());
        return isRecord(parsed) ? parsed : undefined;
    }
    catch {
        return undefined;
    }
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/***/ }),

/***/ 3940:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   i7: () => (/* binding */ canonicalRegistry),
/* harmony export */   o_: () => (/* binding */ parseImageReference)
/* harmony export */ });
/* unused harmony exports DOCKER_HUB, DOCKER_HUB_ALIASES, registryNames, apiHost, configKey, repositoriesOf */
/* harmony import */ var _oci_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1396);
/**
 * Image references as Docker reads them: `[registry/]repository[:tag][@digest]`, with Docker Hub's
 * implicit `docker.io` registry and `library/` namespace filled in.
 */

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
/** Every name Docker Hub goes by; all of them mean DOCKER_HUB. */
const DOCKER_HUB_ALIASES = [
    DOCKER_HUB,
    'index.docker.io',
    DOCKER_HUB_API_HOST,
    'registry.hub.docker.com'
];
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
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
        if (!(0,_oci_js__WEBPACK_IMPORTED_MODULE_0__/* .isDigest */ .Bc)(digest))
            fail(`digest "${digest}" is not of the form sha256:<64 lowercase hex digits>`);
    }
    let tag;
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!(0,_oci_js__WEBPACK_IMPORTED_MODULE_0__/* .isTag */ .dz)(tag)) {
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
        registry = canonicalRegistry(registry);
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
/** The names of a registry host; any Docker Hub alias (docker.io, index.docker.io, …) is Docker Hub. */
function registryNames(host) {
    const registry = canonicalRegistry(host);
    return registry === DOCKER_HUB
        ? { registry, apiHost: DOCKER_HUB_API_HOST, configKey: DOCKER_HUB_CONFIG_KEY }
        : { registry, apiHost: registry, configKey: registry };
}
/** 'docker.io' for any Docker Hub alias (in any case), else the host unchanged. */
function canonicalRegistry(host) {
    return DOCKER_HUB_ALIASES.includes(host.toLowerCase()) ? DOCKER_HUB : host;
}
/** Host (and port) that serves the registry's /v2/ API. */
function apiHost(registry) {
    return registryNames(registry).apiHost;
}
/** Key under which the docker CLI stores this registry's credentials in config.json. */
function configKey(registry) {
    return registryNames(registry).configKey;
}
/** Each distinct 'registry/repository' of image references ('a/b:1', 'a/b:2' -> 'docker.io/a/b'), in order. */
function repositoriesOf(references) {
    const repositories = references.map(ref => {
        const parsed = parseImageReference(ref);
        return `${parsed.registry}/${parsed.repository}`;
    });
    return [...new Set(repositories)];
}


/***/ }),

/***/ 5648:
/***/ ((__webpack_module__, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(__webpack_module__, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _github_github_reporter_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9277);
/* harmony import */ var _run_outputs_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6390);
/* harmony import */ var _plan_matrix_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(4287);
/** The plan sub-action's entry (plan/action.yml runs dist/plan/index.js): the matrix of a distributed build. */



const reporter = (0,_github_github_reporter_js__WEBPACK_IMPORTED_MODULE_0__/* .githubReporter */ .T)();
await (0,_plan_matrix_js__WEBPACK_IMPORTED_MODULE_2__/* .runPlan */ .Fo)({ reporter, getInput: _github_github_reporter_js__WEBPACK_IMPORTED_MODULE_0__/* .githubInputs */ .d }).catch((error) => {
    (0,_run_outputs_js__WEBPACK_IMPORTED_MODULE_1__/* .reportFailure */ .xV)(reporter, error);
});

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 4287:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Fo: () => (/* binding */ runPlan)
});

// UNUSED EXPORTS: MAX_PLATFORMS, PLAN_FIELDS, parseRunners, plan, readPlanInputs, repositoryOf

;// CONCATENATED MODULE: ./lib/inputs/action-spec.js
// Generated from action.yml, merge/action.yml and plan/action.yml by scripts/action-spec.js
// (npm run docs). Do not edit.
const VERSION = '0.1.0';
/** action.yml */
// prettier-ignore
const INPUTS = [
    { "name": "platforms", "description": "Target platforms, comma or newline separated (os/arch[/variant]).", "default": "linux/amd64,linux/arm64", "required": false, "list": true },
    { "name": "context", "description": "Build context: a directory, or a Git/HTTP URL.", "default": ".", "required": false, "list": false },
    { "name": "file", "description": "Path of the Dockerfile (default: Dockerfile in the context).", "default": "", "required": false, "list": false },
    { "name": "tags", "description": "Image references to tag and push (repository:tag, no @digest), comma or newline separated. Required when push is true.", "default": "", "required": false, "list": true },
    { "name": "push", "description": "Push the image (and check its digests in the registry).", "default": "true", "required": false, "list": false },
    { "name": "push-by-digest", "description": "Push without any tag, for one-platform-per-job flows whose images are merged later: tags then names the repository only (exactly one entry, no tag or digest part), and the digest output finds the image.", "default": "false", "required": false, "list": false },
    { "name": "build-args", "description": "Build arguments, one KEY=VALUE per line.", "default": "", "required": false, "list": true },
    { "name": "labels", "description": "Image labels, one KEY=VALUE per line.", "default": "", "required": false, "list": true },
    { "name": "target", "description": "Dockerfile stage to build.", "default": "", "required": false, "list": false },
    { "name": "cache-from", "description": "External cache sources, one per line (as docker buildx build --cache-from).", "default": "", "required": false, "list": true },
    { "name": "cache-to", "description": "Cache export destinations, one per line (as docker buildx build --cache-to).", "default": "", "required": false, "list": true },
    { "name": "cache", "description": "A build cache that survives from one job to the next, one per platform: registry (REPOSITORY:buildcache-<platform> next to the first tag, with this run's registry settings and login) or gha (GitHub's cache service). An export that fails is a warning. cache-from and cache-to, when given, win. Empty: none. See docs/cache.md.", "default": "", "required": false, "list": false },
    { "name": "no-cache", "description": "Do not use the build cache.", "default": "false", "required": false, "list": false },
    { "name": "pull", "description": "Always pull newer versions of base images.", "default": "false", "required": false, "list": false },
    { "name": "provenance", "description": "Provenance attestation (--provenance), e.g. false or mode=max. Empty: build-push-action's default, mode=max for a public repository and mode=min,inline-only=true for a private one, with the run as builder-id (none with load without push, a docker output, an attests provenance line or media-types: docker).", "default": "", "required": false, "list": false },
    { "name": "media-types", "description": "oci: push an OCI image index and OCI manifests. docker: push a Docker manifest list and Docker v2 manifests, for registries and runtimes that refuse OCI indexes; it pushes no attestations (BuildKit would switch back to OCI for them), so provenance must be empty or false.", "default": "oci", "required": false, "list": false },
    { "name": "smoke-test", "description": "Arguments to run in the pushed image of every platform after the push, e.g. --version or sh -c 'test -x /app' (split like a shell command, or a JSON array): docker run --rm --platform P --network host IMAGE@DIGEST ARGS, so the image's entrypoint runs with them. All platforms at once, under QEMU where needed; a non-zero exit fails the step. Empty: no smoke test.", "default": "", "required": false, "list": false },
    { "name": "smoke-test-timeout", "description": "Time limit of each platform's smoke test, in seconds.", "default": "120", "required": false, "list": false },
    { "name": "cache-max-size", "description": "Most disk space the builder's cache may use (e.g. 10GB, 512MB, 2GiB): a garbage-collection budget written to buildkitd.toml with the keys both old and new BuildKit releases apply. Empty: BuildKit's default.", "default": "", "required": false, "list": false },
    { "name": "network", "description": "Network mode for RUN steps: default, none or host (host also enables the network.host entitlement).", "default": "", "required": false, "list": false },
    { "name": "builder-name", "description": "Name of the builder to create (not default). Empty: a unique name per run, so jobs on one runner never collide.", "default": "", "required": false, "list": false },
    { "name": "buildkit-image", "description": "BuildKit image for the docker-container builder (set your mirror of it here).", "default": "moby/buildkit:buildx-stable-1", "required": false, "list": false },
    { "name": "driver-opts", "description": "Extra docker-container driver options, one KEY=VALUE per line (as docker buildx create --driver-opt).", "default": "", "required": false, "list": true },
    { "name": "buildkitd-flags", "description": "Extra flags for buildkitd (as docker buildx create --buildkitd-flags): --debug, --trace, --log-format, --allow-insecure-entitlement, --root and the --oci-worker-... and --containerd-worker-... flags. Settings go in buildkitd-config.", "default": "", "required": false, "list": false },
    { "name": "nodes", "description": "Machines joined to the builder as BuildKit nodes, one PLATFORMS=ENDPOINT per line (e.g. linux/arm64=ssh://ci@arm-box.internal): each builds its platforms natively, with the same driver options and buildkitd.toml as the runner's node; the runner builds (and emulates) only the rest. The endpoint is a Docker engine (anything docker buildx create takes: a docker context name, unix://, tcp:// or ssh://), or a BuildKit daemon of your build farm as remote+tcp://HOST:PORT (mutual TLS with the remote-tls-* inputs) or remote+kube-pod://POD?namespace=NS (a BuildKit pod, through kubectl with kubeconfig); a daemon keeps its own buildkitd.toml. Engines and daemons cannot be mixed.", "default": "", "required": false, "list": true },
    { "name": "remote-tls-ca", "description": "CA certificate that signed the remote+tcp:// daemons' certificates: PEM text (e.g. from a secret) or a file path. Required with a remote+tcp:// node.", "default": "", "required": false, "list": false },
    { "name": "remote-tls-cert", "description": "Client certificate for the remote+tcp:// daemons (mutual TLS): PEM text or a file path.", "default": "", "required": false, "list": false },
    { "name": "remote-tls-key", "description": "Private key of remote-tls-cert: PEM text (from a secret; masked, written to a private file that the post step removes) or a file path.", "default": "", "required": false, "list": false },
    { "name": "kubeconfig", "description": "kubeconfig for remote+kube-pod:// nodes (buildx reaches BuildKit pods with kubectl exec): the file's text, e.g. from a secret (written to a private file, its tokens and keys masked), or a path. Empty: kubectl's own default.", "default": "", "required": false, "list": false },
    { "name": "remote-tls-server-name", "description": "Name to check the daemons' certificates against, when it is not the host of the node's address.", "default": "", "required": false, "list": false },
    { "name": "host-network", "description": "Run the builder container on the host network, so registry names that only the runner resolves (/etc/hosts, internal DNS) work; also allows RUN steps to use it with network: host. Turned on by itself (and logged) when a tag, insecure registry, CA or mirror is on the runner's loopback (localhost, 127.0.0.1), which the builder container reaches no other way.", "default": "false", "required": false, "list": false },
    { "name": "insecure-registries", "description": "Registries to reach without TLS verification (host[:port]) or over plain HTTP (http://host[:port]), comma or newline separated.", "default": "", "required": false, "list": true },
    { "name": "ca-certs", "description": "CA certificates to trust per registry, one host[:port]=VALUE per line, where VALUE is a file path or PEM text (which may span several lines, e.g. from a secret).", "default": "", "required": false, "list": true },
    { "name": "registry-mirrors", "description": "Registry mirrors, one REGISTRY=MIRROR per line (e.g. docker.io=mirror.example.com:5000).", "default": "", "required": false, "list": true },
    { "name": "proxy", "description": "Pass the job's HTTP_PROXY, HTTPS_PROXY and NO_PROXY into the builder container.", "default": "true", "required": false, "list": false },
    { "name": "buildkitd-config", "description": "Path of a buildkitd.toml to merge with the generated settings.", "default": "", "required": false, "list": false },
    { "name": "buildkitd-config-inline", "description": "buildkitd.toml content to merge with the generated settings.", "default": "", "required": false, "list": false },
    { "name": "registry", "description": "Registry host to log in to with username and password (docker.io for Docker Hub).", "default": "", "required": false, "list": false },
    { "name": "username", "description": "Registry user name.", "default": "", "required": false, "list": false },
    { "name": "password", "description": "Registry password or token (pass it from a secret).", "default": "", "required": false, "list": false },
    { "name": "qemu", "description": "QEMU emulators for platforms this host cannot run natively: auto (binfmt image, then the system package), image, package, or false (install nothing; a platform whose emulator is missing is an error, so register emulators before this step or cross-compile everything).", "default": "auto", "required": false, "list": false },
    { "name": "qemu-image", "description": "Image that registers the QEMU emulators (qemu: auto or image).", "default": "tonistiigi/binfmt:qemu-v10.2.3-68", "required": false, "list": false },
    { "name": "secrets", "description": "Build secrets, one ID=VALUE per line (a multi-line value in double quotes: \"ID=line 1 ... line n\"), for RUN --mount=type=secret,id=ID. Values are masked and reach buildx through its environment, never its command line or a file.", "default": "", "required": false, "list": true },
    { "name": "secret-files", "description": "Build secrets read from files, one ID=PATH per line.", "default": "", "required": false, "list": true },
    { "name": "secret-envs", "description": "Build secrets read from this step's environment variables, ID=VARIABLE, comma or newline separated.", "default": "", "required": false, "list": true },
    { "name": "github-token", "description": "Token for Git contexts on this GitHub server (context or build-contexts that are its Git URLs), given to BuildKit as the secret GIT_AUTH_TOKEN.<host>.", "default": "", "required": false, "list": false },
    { "name": "ssh", "description": "SSH agent sockets or keys for RUN --mount=type=ssh, one per line: default (the agent at SSH_AUTH_SOCK), ID, or ID=PATH[,PATH].", "default": "", "required": false, "list": true },
    { "name": "build-contexts", "description": "Additional named build contexts, one NAME=SOURCE per line (a directory, a URL, docker-image://REF or oci-layout://PATH); a name that a FROM uses replaces that image or stage.", "default": "", "required": false, "list": true },
    { "name": "annotations", "description": "OCI annotations, one KEY=VALUE per line, optionally prefixed with the level: index:, manifest: (the default), index-descriptor: or manifest-descriptor: (docker/metadata-action's annotations output fits as it is).", "default": "", "required": false, "list": true },
    { "name": "sbom", "description": "SBOM attestation (--sbom): true, false, or attributes such as generator=IMAGE. Empty: none.", "default": "", "required": false, "list": false },
    { "name": "attests", "description": "Attestations, one per line, as buildx --attest (type=sbom,generator=IMAGE or type=provenance,mode=max); the provenance and sbom inputs win over a line of the same type.", "default": "", "required": false, "list": true },
    { "name": "outputs", "description": "Extra build outputs, one per line, as buildx --output (type=local,dest=DIR, type=oci,dest=FILE, type=docker, ...). Set push to false when the registry is not a destination.", "default": "", "required": false, "list": true },
    { "name": "load", "description": "Load the image into the Docker engine. With push: the image of the engine's platform (else the first platform) is copied from the registry into the engine under every tag, after the checks and tags. Without push: buildx --load, and with several platforms the engine must use the containerd image store.", "default": "false", "required": false, "list": false },
    { "name": "add-hosts", "description": "Extra /etc/hosts entries for RUN steps, HOST:IP, comma or newline separated.", "default": "", "required": false, "list": true },
    { "name": "shm-size", "description": "Size of /dev/shm in RUN steps (e.g. 512m, 2g).", "default": "", "required": false, "list": false },
    { "name": "ulimit", "description": "Resource limits for RUN steps, one TYPE=SOFT[:HARD] per line (e.g. nofile=1024:4096).", "default": "", "required": false, "list": true },
    { "name": "cgroup-parent", "description": "Parent cgroup of the RUN step containers.", "default": "", "required": false, "list": false },
    { "name": "allow", "description": "Extra entitlements, comma or newline separated (network.host, security.insecure, ...); the builder this action creates is started with the ones buildkitd must grant too.", "default": "", "required": false, "list": true },
    { "name": "no-cache-filters", "description": "Stages to build without the cache, comma or newline separated.", "default": "", "required": false, "list": true },
    { "name": "call", "description": "How buildx evaluates the build: build (the default), check (report Dockerfile problems; needs buildx 0.15 and BuildKit 0.15 or newer), outline or targets. Anything but build pushes nothing.", "default": "", "required": false, "list": false },
    { "name": "retries", "description": "How many times to retry after a transient failure (connection refused or reset, timeouts, registry 5xx/429, builder start-up). Build errors such as a failing RUN are never retried.", "default": "2", "required": false, "list": false },
    { "name": "reuse-builder", "description": "Reuse the builder named by builder-name when it already exists (it is then left in place after the job, and this run's buildkitd.toml is not applied to it). Otherwise an existing name is an error.", "default": "false", "required": false, "list": false },
    { "name": "buildx-version", "description": "buildx release to run for this job (e.g. 0.13.1), downloaded once into the runner's tool cache and checked against the release's checksums.txt. Empty: the runner's docker buildx, or buildx 0.38.0 when that is missing or older than 0.10.0.", "default": "", "required": false, "list": false },
    { "name": "buildx-download-url", "description": "Where to download buildx from, for runners that reach only a mirror of GitHub releases: a URL with {version}, {os} (linux, darwin, windows), {arch} (amd64, arm64, arm-v7, ...) and {ext} (.exe on Windows). checksums.txt is read from the same directory.", "default": "https://github.com/docker/buildx/releases/download/v{version}/buildx-v{version}.{os}-{arch}{ext}", "required": false, "list": false },
    { "name": "buildx-checksum-url", "description": "URL of the checksum file (sha256sum format), with the same placeholders as buildx-download-url. Empty: checksums.txt next to the binary. When the file is absent (HTTP 404) the download is used unverified, with a warning.", "default": "", "required": false, "list": false },
    { "name": "check-binaries", "description": "After the push, and before any tag points at the image: check that the ELF executables the build added, and the program the container starts, are built for each platform (machine, 32/64-bit, byte order), reading the layers from the registry. error (a mismatch fails the step and no tag is moved), warning, or false.", "default": "error", "required": false, "list": false },
    { "name": "check-binaries-budget", "description": "Compressed layer bytes the binaries check reads per platform at most (e.g. 256MiB, 1GiB, 500MB); the check stops there and says what it did not read.", "default": "256MiB", "required": false, "list": false },
    { "name": "sign", "description": "Sign the pushed image with cosign after the checks and before any tag moves: key (the private key in sign-key), keyless (the job's OIDC identity, certified by sigstore's Fulcio or your own: on GitHub the job needs permissions id-token: write), or false (also empty, the default). The index and every manifest it lists are signed by digest in each repository of tags, then the signature is verified against the registry; a failure fails the step and moves no tag. Uses the runner's cosign 3 (or cosign 3.1.1 from the tool cache) with this run's registry settings (HTTP, CA, unverified HTTPS) and login.", "default": "", "required": false, "list": false },
    { "name": "sign-key", "description": "cosign private key for sign: key, as cosign generate-key-pair writes cosign.key: the text (from a secret; masked, written to a private file the post step removes) or a path.", "default": "", "required": false, "list": false },
    { "name": "sign-key-password", "description": "Password of sign-key (from a secret; given to cosign as COSIGN_PASSWORD, never in argv). Empty: the job's own COSIGN_PASSWORD, if set.", "default": "", "required": false, "list": false },
    { "name": "sign-transparency-log", "description": "Record the signature in sigstore's public transparency log (Rekor), as cosign does by default. false: no log (for private registries and networks without access to it); verify then with --insecure-ignore-tlog=true, as the signature-verify-command output does.", "default": "true", "required": false, "list": false },
    { "name": "sign-signing-config", "description": "For sign: keyless with your own sigstore instance: its signing config (the JSON naming its Fulcio, Rekor and timestamp authority), as text or a path. Empty: sigstore's public instance.", "default": "", "required": false, "list": false },
    { "name": "sign-trusted-root", "description": "For sign: keyless with your own sigstore instance: its trusted root (JSON: the CA, log and timestamp keys), as text or a path; the verification uses it too. Empty: sigstore's public instance.", "default": "", "required": false, "list": false },
];
// prettier-ignore
const OUTPUTS = [
    { "name": "digest", "description": "Digest of the pushed image index (the manifest list every platform pulls through)." },
    { "name": "platform-digests", "description": "JSON object: platform -> digest of that platform's image manifest, as served by the registry." },
    { "name": "metadata", "description": "buildx's build metadata (JSON)." },
    { "name": "builder-name", "description": "Name of the builder this run created (removed by the post step)." },
    { "name": "emulated-platforms", "description": "Platforms built under QEMU emulation on the runner, comma separated (never those of nodes)." },
    { "name": "imageid", "description": "Image ID. With load: the ID docker image inspect shows for the loaded image (the config digest on the classic image store, the manifest or index digest on the containerd store). Otherwise as buildx reports it: the config digest of a single-platform image, else the index digest." },
    { "name": "smoke-results", "description": "JSON object: platform -> smoke test result (passed, exitCode, timedOut, seconds, image, output). Set only when smoke-test is." },
    { "name": "signature-verify-command", "description": "With sign: the cosign verify command that checks the signature of the pushed index (cosign.pub is the public key of sign-key; CA.pem the registry's CA, when it has one)." },
];
/** merge/action.yml */
// prettier-ignore
const MERGE_INPUTS = [
    { "name": "sources", "description": "Images to merge, one reference per line, by digest or tag (registry/name@sha256:... or registry/name:tag). A source that is an index gives its platform images, each with its attestation manifests; blank lines are skipped.", "default": "", "required": true, "list": true },
    { "name": "tags", "description": "Where to push the index: image references with a tag, comma or newline separated. Platform images in another repository are mounted (same registry) or copied (another registry) there first.", "default": "", "required": true, "list": true },
    { "name": "annotations", "description": "Annotations of the index, one KEY=VALUE per line (an index: prefix is accepted).", "default": "", "required": false, "list": true },
    { "name": "platforms", "description": "The exact platforms the index must hold, comma or newline separated; a platform the sources lack, or one they hold that is not listed, is an error. Empty: whatever the sources hold (each once).", "default": "", "required": false, "list": true },
    { "name": "insecure-registries", "description": "Registries to reach without TLS verification (host[:port]) or over plain HTTP (http://host[:port]), comma or newline separated.", "default": "", "required": false, "list": true },
    { "name": "ca-certs", "description": "CA certificates to trust per registry, one host[:port]=VALUE per line, where VALUE is a file path or PEM text (which may span several lines, e.g. from a secret).", "default": "", "required": false, "list": true },
    { "name": "registry", "description": "Registry host that username and password are for (docker.io for Docker Hub).", "default": "", "required": false, "list": false },
    { "name": "username", "description": "Registry user name (other registries: the credentials in the docker config).", "default": "", "required": false, "list": false },
    { "name": "password", "description": "Registry password or token (pass it from a secret).", "default": "", "required": false, "list": false },
    { "name": "sign", "description": "Sign the merged index with cosign before it is tagged: key (the private key in sign-key), keyless (the job's OIDC identity; on GitHub the job needs id-token: write), or false (also empty, the default). The index and every manifest it lists are signed by digest in each repository of tags and verified against the registry; a failure fails the step and moves no tag. As the build's sign input.", "default": "", "required": false, "list": false },
    { "name": "sign-key", "description": "cosign private key for sign: key, as cosign generate-key-pair writes cosign.key: the text (from a secret; masked) or a path.", "default": "", "required": false, "list": false },
    { "name": "sign-key-password", "description": "Password of sign-key (from a secret; given to cosign as COSIGN_PASSWORD, never in argv). Empty: the job's own COSIGN_PASSWORD, if set.", "default": "", "required": false, "list": false },
    { "name": "sign-transparency-log", "description": "Record the signature in sigstore's public transparency log (Rekor), as cosign does by default. false: no log (for private registries); verify then with --insecure-ignore-tlog=true.", "default": "true", "required": false, "list": false },
    { "name": "sign-signing-config", "description": "For sign: keyless with your own sigstore instance: its signing config (the JSON naming its Fulcio, Rekor and timestamp authority), as text or a path. Empty: sigstore's public instance.", "default": "", "required": false, "list": false },
    { "name": "sign-trusted-root", "description": "For sign: keyless with your own sigstore instance: its trusted root (JSON: the CA, log and timestamp keys), as text or a path; the verification uses it too. Empty: sigstore's public instance.", "default": "", "required": false, "list": false },
];
// prettier-ignore
const MERGE_OUTPUTS = [
    { "name": "digest", "description": "Digest of the pushed index (sha256 of the exact bytes pushed under every tag)." },
    { "name": "platform-digests", "description": "JSON object: platform -> digest of that platform's image manifest in the index." },
    { "name": "signature-verify-command", "description": "With sign: the cosign verify command that checks the signature of the merged index." },
];
/** plan/action.yml */
// prettier-ignore
const PLAN_INPUTS = [
    { "name": "platforms", "description": "Target platforms, comma or newline separated (os/arch[/variant]); at most 10.", "default": "linux/amd64,linux/arm64", "required": false, "list": true },
    { "name": "runners", "description": "Runner per platform, one PLATFORM=LABEL per line; several labels (all required of the runner, e.g. for self-hosted runners) separated by commas: linux/arm64=self-hosted,linux,arm64. Platforms not listed build on runs-on.", "default": "linux/amd64=ubuntu-latest\nlinux/arm64=ubuntu-24.04-arm\nlinux/arm/v7=ubuntu-24.04-arm\n", "required": false, "list": true },
    { "name": "runs-on", "description": "Runner label(s) for platforms that runners does not list (comma separated).", "default": "ubuntu-latest", "required": false, "list": false },
    { "name": "tags", "description": "The image tags; every platform is pushed by digest to the repository of the first one.", "default": "", "required": false, "list": false },
    { "name": "push", "description": "Whether the per-platform builds push (false: they only build, and nothing is merged).", "default": "true", "required": false, "list": false },
    { "name": "nodes", "description": "Refused when set: builder nodes belong to a single-job build (distribute false).", "default": "", "required": false, "list": false },
];

;// CONCATENATED MODULE: ./lib/buildx/build-options.js
/**
 * The build options that docker/build-push-action users bring along (secrets, ssh, named contexts,
 * annotations, attestations, outputs, load, hosts, limits, entitlements, call): their typed form and the
 * `docker buildx build` arguments they become. Pure functions; src/inputs/build-option-inputs.ts parses them.
 *
 * Secret values never reach argv: each becomes `--secret id=<id>,env=<variable>`, and the value travels in
 * that variable of the buildx process's own environment (buildx reads it there and hands it to BuildKit
 * through the session), so nothing is written to disk and nothing shows in a process listing's argv.
 */

const EMPTY_BUILD_OPTIONS = Object.freeze({
    secrets: [],
    secretFiles: [],
    secretEnvs: [],
    ssh: [],
    buildContexts: [],
    annotations: [],
    sbom: '',
    attests: [],
    outputs: [],
    load: false,
    addHosts: [],
    shmSize: '',
    ulimit: [],
    cgroupParent: '',
    allow: [],
    noCacheFilters: [],
    call: ''
});
/** Prefix of the environment variables that carry secret values to buildx. */
const SECRET_ENV_PREFIX = 'MULTIARCH_BUILD_SECRET_';
/**
 * The arguments for the options. `provenance` is the provenance input: when set, it wins over a
 * `type=provenance` line of attests (and `sbom` over `type=sbom`), as in build-push-action.
 */
function build_options_buildOptionArgs(o, provenance) {
    const args = [];
    const env = {};
    o.secrets.forEach((secret, i) => {
        const name = `${SECRET_ENV_PREFIX}${i}`;
        env[name] = secret.value;
        args.push('--secret', `${csvField('id', secret.id)},env=${name}`);
    });
    for (const f of o.secretFiles)
        args.push('--secret', `${csvField('id', f.id)},${csvField('src', f.path)}`);
    for (const e of o.secretEnvs)
        args.push('--secret', `${csvField('id', e.id)},env=${e.env}`);
    for (const ssh of o.ssh)
        args.push('--ssh', ssh);
    for (const context of o.buildContexts)
        args.push('--build-context', context);
    for (const annotation of o.annotations)
        args.push('--annotation', annotation);
    if (o.sbom)
        args.push(`--sbom=${o.sbom}`);
    for (const attest of o.attests) {
        const type = attestType(attest);
        if ((type === 'provenance' && provenance) || (type === 'sbom' && o.sbom))
            continue;
        args.push('--attest', attest);
    }
    if (build_options_evaluates(o.call)) {
        args.push(`--call=${o.call}`);
    }
    else {
        for (const output of o.outputs)
            args.push('--output', output);
        if (o.load)
            args.push('--load');
    }
    for (const host of o.addHosts)
        args.push('--add-host', host);
    if (o.shmSize)
        args.push('--shm-size', o.shmSize);
    for (const ulimit of o.ulimit)
        args.push('--ulimit', ulimit);
    if (o.cgroupParent)
        args.push('--cgroup-parent', o.cgroupParent);
    for (const entitlement of o.allow)
        args.push('--allow', entitlement);
    for (const stage of o.noCacheFilters)
        args.push('--no-cache-filter', stage);
    return { args, env };
}
/** Whether `call` asks buildx to evaluate the build (check, outline, targets) instead of building it. */
function build_options_evaluates(call) {
    const method = call.split(',')[0]?.trim() ?? '';
    return method !== '' && method !== 'build';
}
/** The `type=` of an attest line ('' when it has none). */
function attestType(attest) {
    for (const field of attest.split(',')) {
        const [key, value] = splitOnce(field.trim(), '=');
        if (key === 'type')
            return value;
    }
    return '';
}
/** The exporter of an `outputs` line: its `type=`, or local for a bare path (tar for `-`), as buildx reads it. */
function outputType(output) {
    if (!output.includes('='))
        return output.trim() === '-' ? 'tar' : 'local';
    return attestType(output);
}
/** The oldest buildx that runs these options, and the input that needs it. */
function minimumBuildx(o) {
    // Annotations came with buildx 0.12, --call with 0.15; the rest predates MIN_BUILDX.
    const needs = [
        ['0.15.0', 'call', o.call !== ''],
        ['0.12.0', 'annotations', o.annotations.length > 0]
    ];
    for (const [version, input, used] of needs) {
        if (used && compareVersions(version, MIN_BUILDX) > 0)
            return { version, input };
    }
    return { version: MIN_BUILDX, input: '' };
}
/**
 * The builder's buildkitd flags: the user's, plus the entitlements the daemon must grant for what the build
 * may ask (the build asks with --allow: build.ts): network.host when the builder runs on the host network
 * (RUN steps may then use it), when RUN steps use it (network: host) or `allow` asks for it, and
 * security.insecure when `allow` asks for it; each unless the user's flags grant it already. The one place
 * the daemon's entitlements are decided.
 */
function entitlementFlags(buildkitdFlags, build) {
    const wanted = new Set(build.allow);
    if (build.hostNetwork || build.network === 'host')
        wanted.add('network.host');
    const flags = [buildkitdFlags.trim()];
    for (const entitlement of ['network.host', 'security.insecure']) {
        if (wanted.has(entitlement) && !buildkitdFlags.includes(entitlement))
            flags.push(`--allow-insecure-entitlement ${entitlement}`);
    }
    return flags.filter(f => f !== '').join(' ');
}
/** One `key=value` field of a buildx CSV option, quoted when the value has a comma, quote or newline. */
function csvField(key, value) {
    const field = `${key}=${value}`;
    return /[",\n\r]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
function splitOnce(text, separator) {
    const at = text.indexOf(separator);
    return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./lib/buildkitd/registry-name.js
var registry_name = __nccwpck_require__(4213);
// EXTERNAL MODULE: ./lib/core/errors.js
var errors = __nccwpck_require__(3828);
;// CONCATENATED MODULE: ./lib/buildkitd/certificates.js
/**
 * The ca-certs input: CA certificates for registries with a private CA, given per registry host as a file
 * path or as PEM text (often from a secret). Entries are parsed, read and checked with node:crypto when the
 * inputs are read (readCaCerts), and the PEM is written to one file per host for buildkitd.toml's
 * `ca = [...]` (writeCaFiles).
 */






const DEFAULT_INPUT = 'ca-certs';
const ENTRY_START = /^([^=]*)=(.*)$/;
const PEM_BEGIN = /^-----BEGIN [^-]*-----/;
const PEM_END = /^-----END [^-]*-----/;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\n([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const FILE_MODE = 0o644;
function normalizeLineEndings(text) {
    return text.replace(/\r\n?/g, '\n');
}
/**
 * Parses the multi-line input. A line `host[:port]=VALUE` starts a new entry; the lines after it that do
 * not start a new entry belong to its value (PEM continuation). Lines inside a -----BEGIN/-----END block
 * always belong to the PEM, even when they contain '=' (base64 padding); outside a block, any line with
 * '=' starts an entry and its host must be valid, and any other non-blank line that is not the -----BEGIN
 * of a further certificate is an error, so a mistyped entry is never silently dropped. Blank lines are
 * ignored. A value beginning with '-----BEGIN' is PEM, otherwise a file path. Windows line endings and
 * trailing spaces are tolerated. Throws `<input>: ...` for a bad host, an empty value, or a stray line.
 */
function parseCaCertsInput(text, input = DEFAULT_INPUT) {
    const entries = [];
    let current;
    const finish = () => {
        if (current) {
            const value = current.lines.join('\n').trim();
            entries.push({
                host: current.host,
                source: current.source,
                value: current.source === 'pem' ? `${value}\n` : value
            });
        }
        current = undefined;
    };
    const lines = normalizeLineEndings(text).split('\n');
    for (const [index, rawLine] of lines.entries()) {
        const line = rawLine.trim();
        const lineNumber = index + 1;
        if (current?.inBlock) {
            current.lines.push(line);
            if (PEM_END.test(line))
                current.inBlock = false;
            continue;
        }
        const start = ENTRY_START.exec(line);
        if (start) {
            finish();
            const host = (0,registry_name/* parseRegistryHost */.T)(start[1] ?? '', { input, allowHttpScheme: false }).host;
            const value = (start[2] ?? '').trim();
            if (value === '') {
                throw new Error(`${input}: line ${lineNumber}: no value for ${host}; expected ${host}=/path/to/ca.crt or ${host}=<PEM text>`);
            }
            const source = value.startsWith('-----BEGIN') ? 'pem' : 'file';
            current = {
                host,
                source,
                lines: [value],
                inBlock: source === 'pem' && !PEM_END.test(value.replace(PEM_BEGIN, ''))
            };
            continue;
        }
        if (line === '')
            continue;
        if (current?.source === 'pem' && PEM_BEGIN.test(line)) {
            // The next certificate of a chain.
            current.lines.push(line);
            current.inBlock = !PEM_END.test(line.replace(PEM_BEGIN, ''));
            continue;
        }
        throw new Error(`${input}: line ${lineNumber} is not an entry; expected host[:port]=/path/to/ca.crt or host[:port]=<PEM text>, ` +
            'one entry per line (PEM text may span several lines)');
    }
    finish();
    return entries;
}
function describeCertificate(certificate) {
    const subjectLines = certificate.subject.split('\n');
    const commonName = subjectLines.find(part => part.startsWith('CN='));
    const subject = commonName ?? subjectLines.join(', ');
    const expiry = new Date(certificate.validTo);
    const notAfter = Number.isNaN(expiry.getTime()) ? certificate.validTo : expiry.toISOString();
    return `${subject} (notAfter ${notAfter})`;
}
/**
 * Splits PEM text into certificate blocks and checks each with node:crypto. Throws `<input>: ...` naming
 * the host (and the file, when given) when there is no certificate, a block does not parse, a block is not
 * a CERTIFICATE, or the text holds a private key (whose content never appears in the message). Returns the
 * normalized PEM (blocks joined with '\n', ending in '\n') and a description of each certificate for logs.
 */
function validateCertificatePem(pem, context) {
    const where = context.file === undefined ? context.host : `${context.host} (file ${JSON.stringify(context.file)})`;
    const text = normalizeLineEndings(pem)
        .split('\n')
        .map(line => line.trim())
        .join('\n');
    if (/PRIVATE KEY/.test(text)) {
        throw new Error(`${context.input}: the value for ${where} contains a private key; only CA certificates ` +
            '(-----BEGIN CERTIFICATE-----) are accepted here. Remove the key, and rotate it if it was exposed');
    }
    const blocks = [...text.matchAll(PEM_BLOCK)];
    const begins = text.match(/-----BEGIN /g)?.length ?? 0;
    if (blocks.length === 0 || begins !== blocks.length) {
        const problem = blocks.length === 0 && begins === 0 ? 'holds no PEM certificate' : 'has an incomplete PEM block';
        throw new Error(`${context.input}: the value for ${where} ${problem}; expected one or more ` +
            '-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks');
    }
    const normalized = [];
    const subjects = [];
    for (const [index, block] of blocks.entries()) {
        const label = block[1] ?? '';
        if (block[3] !== label) {
            throw new Error(`${context.input}: block ${index + 1} for ${where} begins as ${JSON.stringify(label)} but ends as ` +
                `${JSON.stringify(block[3] ?? '')}; expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----`);
        }
        if (label !== 'CERTIFICATE') {
            throw new Error(`${context.input}: block ${index + 1} for ${where} is a ${JSON.stringify(label)} block; ` +
                'only CERTIFICATE blocks are accepted');
        }
        let certificate;
        try {
            certificate = new external_node_crypto_.X509Certificate(block[0]);
        }
        catch (error) {
            const reason = typeof error === 'object' && error !== null && 'message' in error
                ? String(error.message)
                : String(error);
            throw new Error(`${context.input}: certificate ${index + 1} for ${where} is not a valid X.509 certificate (${reason}); ` +
                'expected a PEM-encoded certificate', { cause: error });
        }
        normalized.push(certificate.toString().trim());
        subjects.push(describeCertificate(certificate));
    }
    return { pem: `${normalized.join('\n')}\n`, subjects };
}
function fileNameFor(host) {
    return `ca-${host.replace(/[^a-z0-9.-]/g, '_')}.crt`;
}
/**
 * Reads (for file entries, relative paths from `cwd`) and checks every entry: throws `<input>: ...` naming
 * the host and the file for a file that cannot be read or a value that is not CA certificates.
 */
function readCaCerts(entries, options) {
    const input = options.input ?? DEFAULT_INPUT;
    return entries.map(entry => {
        if (entry.source === 'pem')
            return { ...entry, pem: validateCertificatePem(entry.value, { input, host: entry.host }).pem };
        const file = (0,external_node_path_.resolve)(options.cwd, entry.value);
        let text;
        try {
            text = (0,external_node_fs_.readFileSync)(file, 'utf8');
        }
        catch (error) {
            const code = (0,errors/* errorCode */.CA)(error) ?? 'unreadable';
            throw new Error(`${input}: cannot read the CA certificate file ${JSON.stringify(file)} for ${entry.host} (${code}); ` +
                'expected the path of a readable PEM file, or the PEM text itself', { cause: error });
        }
        return { ...entry, pem: validateCertificatePem(text, { input, host: entry.host, file }).pem };
    });
}
/**
 * Writes one PEM file per host as `<dir>/ca-<host with ':' and other characters replaced by '_'>.crt`
 * (mode 0644; dir created if missing). Several entries for the same host are concatenated into its file.
 * Returns host -> [absolute path].
 */
async function writeCaFiles(certs, dir) {
    const pemByHost = new Map();
    for (const { host, pem } of certs)
        pemByHost.set(host, [...(pemByHost.get(host) ?? []), pem]);
    const result = new Map();
    if (pemByHost.size === 0)
        return result;
    const directory = resolve(dir);
    await mkdir(directory, { recursive: true });
    const usedNames = new Set();
    for (const [host, pems] of pemByHost) {
        let name = fileNameFor(host);
        for (let suffix = 2; usedNames.has(name); suffix++)
            name = fileNameFor(`${host}-${suffix}`);
        usedNames.add(name);
        const path = join(directory, name);
        await writeFile(path, pems.join(''), { mode: FILE_MODE });
        await chmod(path, FILE_MODE);
        result.set(host, [path]);
    }
    return result;
}

// EXTERNAL MODULE: ./lib/oci/reference.js
var oci_reference = __nccwpck_require__(3940);
;// CONCATENATED MODULE: ./lib/oci/platforms.js
/**
 * Platform strings (`os/arch[/variant]`) as users write them in `platforms`, and how they map to the
 * QEMU user-mode handler that runs them on another architecture.
 */
/**
 * 'os/arch[/variant]' as users write it in --platform, normalised like containerd does: arm64/v8 is
 * 'linux/arm64', amd64/v1 is 'linux/amd64', arm without a variant is 'linux/arm/v7', and aliases such
 * as x86_64 and aarch64 become amd64 and arm64.
 */
function formatPlatform(p) {
    const os = p.os.trim().toLowerCase();
    let architecture = p.architecture.trim().toLowerCase();
    let variant = (p.variant ?? '').trim().toLowerCase();
    switch (architecture) {
        case 'x86_64':
        case 'x86-64':
            architecture = 'amd64';
            if (variant === 'v1')
                variant = '';
            break;
        case 'amd64':
            if (variant === 'v1')
                variant = '';
            break;
        case 'aarch64':
        case 'arm64':
            architecture = 'arm64';
            if (variant === 'v8')
                variant = '';
            break;
        case 'armhf':
            architecture = 'arm';
            variant = 'v7';
            break;
        case 'armel':
            architecture = 'arm';
            variant = 'v6';
            break;
        case 'arm':
            if (variant === '')
                variant = 'v7';
            else if (/^\d+$/.test(variant))
                variant = `v${variant}`;
            break;
        case 'i386':
            architecture = '386';
            break;
    }
    return variant === '' ? `${os}/${architecture}` : `${os}/${architecture}/${variant}`;
}
/** Normalises a platform string such as 'linux/arm64/v8' or 'Linux/x86_64' (see formatPlatform). */
function normalizePlatform(platform) {
    const parts = platform.trim().split('/');
    const [os, architecture, variant] = parts;
    if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
        throw new Error(`Invalid platform "${platform}": expected os/architecture[/variant], e.g. linux/arm64`);
    }
    return formatPlatform(variant === undefined ? { os, architecture } : { os, architecture, variant });
}
/** The architectures (and their variants) BuildKit builds for on Linux, in canonical spelling. */
const KNOWN = {
    amd64: ['v2', 'v3', 'v4'],
    '386': [],
    arm64: [],
    arm: ['v5', 'v6', 'v7'],
    ppc64le: [],
    ppc64: [],
    s390x: [],
    riscv64: [],
    mips64le: [],
    mips64: [],
    mipsle: [],
    mips: [],
    loong64: []
};
function knownArchitectures() {
    return Object.keys(KNOWN);
}
/**
 * Parses a platform a user asked for (`linux/arm/v7`, `linux/arm64/v8`, `linux/x86_64`) into its canonical
 * form, and checks that BuildKit can build it; throws a message fit for the user (the caller adds the
 * input name).
 */
function parsePlatform(value) {
    const canonical = normalizePlatform(value);
    const [os, architecture = '', variant] = canonical.split('/');
    if (os !== 'linux') {
        throw new Error(`"${value}": only linux platforms can be built by a Linux BuildKit; use linux/<arch>`);
    }
    const variants = KNOWN[architecture];
    if (!variants) {
        throw new Error(`"${value}": unknown architecture "${architecture}"; known: ${knownArchitectures().join(', ')}`);
    }
    if (variant !== undefined && !variants.includes(variant)) {
        const allowed = variants.length ? variants.join(', ') : 'none';
        throw new Error(`"${value}": unknown variant "${variant}" for ${architecture}; allowed: ${allowed}`);
    }
    return variant === undefined ? { os, architecture } : { os, architecture, variant };
}
/** Node's `process.arch` -> the OCI architecture of this host. */
function hostArchitecture(nodeArch) {
    const map = {
        x64: 'amd64',
        ia32: '386',
        arm64: 'arm64',
        arm: 'arm',
        s390x: 's390x'
    };
    return map[nodeArch] ?? nodeArch;
}
/**
 * Architectures a host runs without emulation. amd64 runs 386; arm64 is not counted on to run arm: many
 * 64-bit ARM CPUs (Graviton 3 and later, Neoverse N2/V2, Apple silicon) have no 32-bit mode.
 */
const NATIVE = {
    amd64: ['amd64', '386'],
    arm64: ['arm64'],
    '386': ['386'],
    arm: ['arm'],
    ppc64le: ['ppc64le'],
    s390x: ['s390x'],
    riscv64: ['riscv64']
};
/** QEMU handler names in binfmt_misc (`qemu-<name>`) per architecture. */
const QEMU_HANDLER = {
    amd64: 'x86_64',
    '386': 'i386',
    arm64: 'aarch64',
    arm: 'arm',
    ppc64le: 'ppc64le',
    ppc64: 'ppc64',
    s390x: 's390x',
    riscv64: 'riscv64',
    mips64le: 'mips64el',
    mips64: 'mips64',
    mipsle: 'mipsel',
    mips: 'mips',
    loong64: 'loongarch64'
};
/** The QEMU handler (`aarch64`, `arm`, …) a platform needs on a host of `hostArch`, or undefined when native. */
function emulatorFor(platform, hostArch) {
    if ((NATIVE[hostArch] ?? [hostArch]).includes(platform.architecture))
        return undefined;
    return QEMU_HANDLER[platform.architecture];
}

;// CONCATENATED MODULE: ./lib/inputs/parse.js
/**
 * Parsers for the inputs' own formats (lists, KEY=VALUE lines, platforms, tags, mirrors). Each throws a
 * message saying what is wrong; the input table (table.ts) prefixes the input's name.
 */




const BUILD_ARG_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** A list input: items separated by newlines, or by commas when `commas` is set; blanks dropped. */
function splitList(value, commas) {
    return value
        .split(commas ? /[\n,]/ : /\n/)
        .map(s => s.trim())
        .filter(s => s !== '');
}
function parsePlatforms(value) {
    const items = splitList(value, true);
    if (items.length === 0)
        throw new Error('at least one platform is needed, e.g. linux/amd64,linux/arm64');
    // A trailing comma before a newline is fine; `a,,b` or `a, ,b` is a typo worth reporting.
    if (value.split('\n').some(line => /,\s*,|^\s*,/.test(line))) {
        throw new Error(`"${value}" has an empty item; separate platforms with commas or newlines`);
    }
    const seen = new Set();
    return items.map(item => {
        const platform = formatPlatform(parsePlatform(item));
        if (seen.has(platform))
            throw new Error(`${platform} is listed twice`);
        seen.add(platform);
        return platform;
    });
}
function parseTags(value, push) {
    const tags = splitList(value, true);
    if (push && tags.length === 0) {
        throw new Error('push is true but no tag is given; set the tags input, e.g. registry.example.com/team/app:1.0');
    }
    for (const tag of tags) {
        let digest;
        try {
            digest = parseImageReference(tag).digest;
        }
        catch (error) {
            throw new Error(`"${tag}" is not a valid image reference: ${messageOf(error)}`, { cause: error });
        }
        if (digest !== undefined) {
            throw new Error(`"${tag}" has a digest (@${digest.slice(0, 15)}…): a pushed image gets its digest from its content; ` +
                'give repository:tag only');
        }
    }
    return tags;
}
const BINARIES_MODES = ['error', 'warning', 'false'];
/** check-binaries: error, warning or false. */
function parseBinariesMode(value) {
    const mode = BINARIES_MODES.find(m => m === value.toLowerCase());
    if (!mode)
        throw new Error(`"${value}" is not a mode; use error, warning or false`);
    return mode;
}
const SIZE_UNITS = {
    '': 1,
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
    tib: 1024 ** 4
};
/**
 * A size in bytes: '256MiB', '1.5 GB', '2TB', '1048576' (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of
 * 1024, as in BuildKit's and Docker's own output).
 */
function parseByteSize(value) {
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
    const unit = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()];
    if (!match || unit === undefined) {
        throw new Error(`"${value}" is not a size; use e.g. 256MiB, 1GiB, 500MB or a number of bytes`);
    }
    const bytes = Math.floor(Number(match[1]) * unit);
    if (bytes <= 0)
        throw new Error(`"${value}" is not a size above zero`);
    if (!Number.isSafeInteger(bytes))
        throw new Error(`"${value}" is not a size this action can count; use a smaller one`);
    return bytes;
}
/** `KEY=VALUE` lines (build-args may also be a bare `KEY`, taken from the environment by buildx). */
function parseKeyValues(value, bareKeyAllowed) {
    const items = splitList(value, false);
    for (const item of items) {
        const eq = item.indexOf('=');
        const key = eq === -1 ? item : item.slice(0, eq);
        if ((eq === -1 && !bareKeyAllowed) || key === '' || (bareKeyAllowed && !BUILD_ARG_KEY.test(key))) {
            throw new Error(`"${item}" is not KEY=VALUE${bareKeyAllowed ? ' (or KEY)' : ''}; put one per line`);
        }
    }
    return items;
}
/** `docker.io=mirror.example:5000` (several mirrors: several lines, or `;` between them). */
function parseMirrors(value) {
    const mirrors = new Map();
    for (const item of splitList(value, false)) {
        const eq = item.indexOf('=');
        if (eq === -1) {
            throw new Error(`"${item}" is not REGISTRY=MIRROR, e.g. docker.io=mirror.example.com:5000`);
        }
        const options = { input: 'registry-mirrors', allowHttpScheme: false };
        const registry = parseRegistryHost(item.slice(0, eq), options).host;
        const list = mirrors.get(registry) ?? [];
        for (const mirror of item.slice(eq + 1).split(';')) {
            list.push(parseRegistryHost(mirror, { ...options, allowHttpScheme: true }));
        }
        mirrors.set(registry, list);
    }
    return mirrors;
}
function isRemoteContext(value) {
    return /^(https?:\/\/|git:\/\/|ssh:\/\/|git@|github\.com\/)/.test(value) || value === '-';
}
function resolvePath(cwd, value) {
    return value.startsWith('/') ? value : `${cwd}/${value}`;
}
/**
 * Why buildx's CSV reader would refuse `value` (it reads each --driver-opt as one CSV record), or
 * undefined: a quote may only open a field and close it, doubled inside.
 */
function csvProblem(value) {
    let i = 0;
    while (i <= value.length) {
        if (value[i] === '"') {
            i++;
            for (;;) {
                if (i >= value.length)
                    return 'a quoted field is not closed';
                if (value[i] === '"') {
                    if (value[i + 1] === '"')
                        i += 2;
                    else
                        break;
                }
                else
                    i++;
            }
            i++;
            if (i < value.length && value[i] !== ',')
                return 'a quoted field goes on after its closing quote';
        }
        else {
            const end = value.indexOf(',', i);
            const field = value.slice(i, end === -1 ? value.length : end);
            if (field.includes('"'))
                return `the field ${field} has a quote that does not open it`;
            if (end === -1)
                break;
            i = end;
        }
        i++;
    }
    return undefined;
}
/** The driver-opts input: KEY=VALUE lines that buildx's CSV reader takes. */
function parseDriverOpts(value) {
    const items = parseKeyValues(value, false);
    for (const item of items) {
        const problem = csvProblem(item);
        if (problem)
            throw new Error(`"${item}" is not what buildx reads as a driver option (${problem}); put a value with commas or ` +
                'quotes in quotes as a whole, doubling the quotes inside: "env.NO_PROXY=a,b"');
    }
    return items;
}

// EXTERNAL MODULE: ./lib/core/runner.js
var runner = __nccwpck_require__(6741);
;// CONCATENATED MODULE: ./lib/buildx/builder.js
/**
 * The buildx builder: a docker-container driver with our buildkitd.toml, created for this run and removed
 * by the post step. The argv is built by pure functions; `createBuilder` runs it.
 */





/** A builder name that no other job on this runner will pick. */
function uniqueBuilderName(runId) {
    const suffix = randomBytes(4).toString('hex');
    return runId ? `multiarch-${runId}-${suffix}` : `multiarch-${suffix}`;
}
function createBuilderArgs(options) {
    const args = ['buildx', 'create', '--name', options.name, ...builder_builderOptionArgs(options)];
    if (options.platforms && options.platforms.length > 0)
        args.push('--platform', options.platforms.join(','));
    args.push('--bootstrap');
    return args;
}
/** Driver, driver options, buildkitd.toml and buildkitd flags: the same for every node of the builder. */
function builder_builderOptionArgs(options) {
    const args = ['--driver', 'docker-container'];
    const driverOpts = [`image=${options.buildkitImage}`];
    if (options.hostNetwork)
        driverOpts.push('network=host');
    for (const [key, value] of Object.entries(options.proxyEnv))
        driverOpts.push(builder_csvField(`env.${key}=${value}`));
    driverOpts.push(...options.driverOpts);
    for (const opt of driverOpts)
        args.push('--driver-opt', opt);
    if (options.configFile)
        args.push('--config', options.configFile);
    const flags = options.buildkitdFlags.trim();
    if (flags)
        args.push('--buildkitd-flags', flags);
    return args;
}
/**
 * buildx reads each --driver-opt as a CSV record, so a value with a comma (NO_PROXY=a,b) must be one
 * quoted field, with quotes inside it doubled.
 */
function builder_csvField(value) {
    return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
function removeBuilderArgs(name) {
    return ['buildx', 'rm', '--force', name];
}
/** Proxy variables of the job (either case) to hand to the builder, HTTP_PROXY before http_proxy. */
function builder_proxyEnvironment(env) {
    const out = {};
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
        const value = env[name] ?? env[name.toLowerCase()];
        if (value)
            out[name] = value;
    }
    return out;
}
/** The name is taken by a builder this run did not create (so it must not remove it either). */
class BuilderExistsError extends (/* unused pure expression or super */ null && (Error)) {
    name = 'BuilderExistsError';
}
async function createBuilder(runner, options) {
    try {
        await runChecked(runner, 'docker', createBuilderArgs(options), {
            what: `Creating builder ${options.name}`
        });
    }
    catch (error) {
        if (error instanceof CommandError &&
            /Cannot connect to the Docker daemon|error during connect/i.test(error.stderr)) {
            throw new Error(`The Docker engine is not reachable (${lastLine(error.stderr)}). Start Docker on the runner or point ` +
                'DOCKER_HOST at an engine.', { cause: error });
        }
        if (error instanceof CommandError && /already exists|existing instance/.test(error.stderr)) {
            throw new BuilderExistsError(`A builder named "${options.name}" already exists. Choose another builder-name, leave it empty for a unique one, or set reuse-builder: true.`, { cause: error });
        }
        throw error;
    }
}
/**
 * Whether a builder of that name exists (for reuse-builder). buildx keeps one file per builder in
 * `$BUILDX_CONFIG/instances` (default `<docker config>/buildx`), so this needs no process; where that
 * directory is missing (an unfamiliar layout), `docker buildx inspect` answers instead.
 */
async function builderExists(runner, name, buildxConfigDir) {
    const instances = path.join(buildxConfigDir, 'instances');
    if (fs.existsSync(instances))
        return fs.existsSync(path.join(instances, name));
    const result = await runner.run('docker', ['buildx', 'inspect', name], { silent: true });
    return result.exitCode === 0;
}
/** Where buildx keeps its builders: BUILDX_CONFIG, else `buildx` in the docker config directory. */
function buildxConfigDir(env, dockerConfigDir) {
    return env.BUILDX_CONFIG || path.join(dockerConfigDir, 'buildx');
}
/** Removes a builder with its container and state; a builder that is already gone is not an error. */
async function removeBuilder(runner, name) {
    const result = await runner.run('docker', removeBuilderArgs(name));
    if (result.exitCode === 0)
        return 'removed';
    if (/no builder .* found|not found/i.test(result.stderr))
        return 'absent';
    throw new CommandError('docker', removeBuilderArgs(name), result, `Removing builder ${name}`);
}

;// CONCATENATED MODULE: ./lib/inputs/table.js
/**
 * How the inputs are read: each action's inputs are ONE TABLE, input name -> field (a parser from the
 * input's text to a typed value, and the value used when the text is refused); then a second pass of
 * cross-input rules over the typed values. Every problem names its input and says what is accepted; all
 * of them are reported together (InputError), before any command runs.
 *
 * A rule runs only when the inputs it reads were read without a problem, so one mistake is reported once.
 */

/** All the problems found in the inputs, one line each. */
class InputError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid input${problems.length > 1 ? 's' : ''}:\n${problems.map(p => `  - ${p}`).join('\n')}`);
        this.name = 'InputError';
        this.problems = problems;
    }
}
function field(fallback, parse) {
    return { fallback, parse };
}
/** The field, marked as carrying a secret: `secrets` finds it in the text (default: the whole text). */
function secret(of, secrets = value => [value]) {
    return { ...of, secrets };
}
const camelCase = (name) => name.replace(/-([a-z0-9])/g, (_, letter) => letter.toUpperCase());
/** The typed values of `fields` only, out of a larger table's. */
function pick(fields, values) {
    return Object.fromEntries(Object.keys(fields).map(name => [camelCase(name), values[camelCase(name)]]));
}
/** The typed values without those of `fields`. */
function omit(fields, values) {
    const names = new Set(Object.keys(fields).map(camelCase));
    return Object.fromEntries(Object.entries(values).filter(([key]) => !names.has(key)));
}
/**
 * Reads every field of `fields` (defaults applied), then runs `rules`; throws an InputError listing every
 * problem of both passes.
 */
function readTable(fields, rules, options) {
    const defaults = new Map(options.specs.map(spec => [spec.name, spec.default]));
    const text = (name) => options.source(name) || (defaults.get(name) ?? '');
    const order = new Map(options.specs.map((spec, i) => [spec.name, i]));
    const rank = (name) => order.get(name) ?? order.size;
    const warnings = [];
    const shared = { cwd: options.cwd ?? '.', env: options.env ?? {}, text };
    const problems = [];
    const failed = new Set();
    const values = {};
    const names = Object.keys(fields).sort((a, b) => rank(a) - rank(b));
    for (const name of names) {
        const spec = fields[name];
        if (!spec)
            continue;
        const context = { ...shared, warn: message => warnings.push(`${name}: ${message}`) };
        try {
            values[name] = spec.parse(text(name), context);
        }
        catch (error) {
            const message = (0,errors/* messageOf */.bD)(error);
            problems.push(message.startsWith(`${name}:`) ? message : `${name}: ${message}`);
            failed.add(name);
            values[name] = spec.fallback;
        }
    }
    const read = values;
    for (const rule of rules) {
        if (rule.reads.some(name => failed.has(name)) || failed.has(rule.input))
            continue;
        const problem = rule.check(read);
        if (problem !== undefined)
            problems.push(`${rule.input}: ${problem}`);
    }
    if (problems.length > 0)
        throw new InputError(problems);
    const typed = Object.fromEntries(names.map(name => [camelCase(name), values[name]]));
    return { values: typed, warnings };
}
/**
 * What to mask of a table's inputs, before anything is parsed: the parts each secret field finds in its
 * text (the runner masks line by line, so a multi-line secret comes line by line too).
 */
function table_secretsOf(fields, source) {
    return Object.entries(fields).flatMap(([name, spec]) => {
        const value = source(name);
        return spec.secrets && value !== '' ? spec.secrets(value).filter(s => s.trim() !== '') : [];
    });
}
/** true / false, any case. */
const bool = (fallback) => field(fallback, text => {
    const value = text.toLowerCase();
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw new Error(`"${text}" is not a boolean; use true or false`);
});
/** The text as given. */
const table_text = field('', value => value);

;// CONCATENATED MODULE: ./lib/inputs/masks.js
/**
 * Secrets are masked before anything is parsed or logged: the runner then replaces them with *** in every
 * log line, including the lines of commands that echo them. Which inputs carry a secret, and which part of
 * their text it is, their table rows say (`secret(...)`); the step's environment adds its own.
 */


const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
/** `http://user:secret@proxy:3128` -> `secret` (as written). */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]+)@/i;
/** Every line of any PEM private key in the text (the runner masks line by line), without the armour. */
function privateKeyLines(text) {
    return [...text.matchAll(PRIVATE_KEY)].flatMap(block => block[0]
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(line => !line.startsWith('-----')));
}
/**
 * Masks what the table's secret inputs carry, the environment's signing password and cache token, and a
 * proxy URL's password.
 */
function maskSecrets(reporter, fields, getInput, env) {
    const secrets = secretsOf(fields, getInput);
    if (env.COSIGN_PASSWORD)
        secrets.push(env.COSIGN_PASSWORD);
    // buildx reads GitHub's cache service token from its environment (cache: gha, type=gha).
    if (env.ACTIONS_RUNTIME_TOKEN)
        secrets.push(env.ACTIONS_RUNTIME_TOKEN);
    for (const value of Object.values(proxyEnvironment(env))) {
        // As written (that is how the builder's command line echoes it) and percent-decoded.
        const written = URL_PASSWORD.exec(value)?.[1];
        if (written === undefined)
            continue;
        secrets.push(written);
        try {
            secrets.push(decodeURIComponent(written));
        }
        catch {
            // not valid percent-encoding: the written form is the only one
        }
    }
    for (const secret of new Set(secrets))
        reporter.mask(secret);
}

;// CONCATENATED MODULE: ./lib/inputs/registry-inputs.js
/**
 * The registry inputs every part of the action shares, with one meaning everywhere: insecure-registries,
 * ca-certs, and the login (registry, username, password). Fields and rules for the input tables of the
 * build (inputs.ts) and the merge (merge.ts).
 */






const REGISTRY_FIELDS = {
    'insecure-registries': field([], value => splitList(value, true).map(v => (0,registry_name/* parseRegistryHost */.T)(v, { input: 'insecure-registries', allowHttpScheme: true }))),
    // A private key pasted here by mistake is masked too.
    'ca-certs': secret(field([], (value, { cwd }) => readCaCerts(parseCaCertsInput(value, 'ca-certs'), { cwd })), privateKeyLines),
    registry: field('', value => {
        if (value === '')
            return '';
        const host = (0,registry_name/* parseRegistryHost */.T)(value, { input: 'registry', allowHttpScheme: false }).host;
        // Docker Hub goes by several names; buildx looks its credentials up under docker.io's key only.
        return (0,oci_reference/* canonicalRegistry */.i7)(host);
    }),
    username: table_text,
    password: secret(table_text)
};
const REGISTRY_RULES = [
    {
        input: 'password',
        reads: ['username'],
        check: v => v.username !== '' && v.password === ''
            ? 'username and password go together; set both or neither'
            : undefined
    },
    {
        input: 'username',
        reads: ['password'],
        check: v => v.username === '' && v.password !== ''
            ? 'username and password go together; set both or neither'
            : undefined
    },
    {
        input: 'registry',
        reads: ['username'],
        check: v => v.username !== '' && v.registry === ''
            ? 'set the registry host that username/password log in to (docker.io for Docker Hub)'
            : undefined
    }
];
/** The login the inputs give (username and password for registry), or undefined without one. */
function loginOf(inputs) {
    return inputs.username
        ? { registry: inputs.registry, username: inputs.username, password: inputs.password }
        : undefined;
}

;// CONCATENATED MODULE: ./lib/buildx/nodes.js
/**
 * Extra BuildKit nodes: machines that already run Docker, joined to this run's builder so that the
 * platforms they serve are built there (natively) instead of under QEMU on the runner. Each node is
 * appended with the first node's driver, driver options, buildkitd flags and buildkitd.toml, so every
 * node reaches the registries the same way. `docker buildx rm` removes the builder from every node.
 */



/** A daemon reached over TCP (with the remote-tls-* inputs), not through kubectl. */
function isTcpDaemon(node) {
    return node.remote === true && node.endpoint.startsWith('tcp://');
}
/** A BuildKit pod, reached through kubectl exec (with the kubeconfig input). */
function isKubePod(node) {
    return node.remote === true && node.endpoint.startsWith('kube-pod://');
}
/** How a node is written in the nodes input (and named in messages). */
function nodeLabel(node) {
    return node.remote ? `remote+${node.endpoint}` : node.endpoint;
}
/** The name of the n-th node (0 is the runner's own): buildx names the container `buildx_buildkit_<node>`. */
function nodeName(builder, index) {
    return `${builder}${index}`;
}
/**
 * `docker buildx create --append` for node `index` (1, 2, …): the same driver settings as the first node,
 * the platforms this node serves, its endpoint last.
 */
function appendNodeArgs(options, node, index) {
    return [
        'buildx',
        'create',
        '--append',
        '--name',
        options.name,
        '--node',
        nodeName(options.name, index),
        ...builderOptionArgs(options),
        '--platform',
        node.platforms.join(','),
        '--bootstrap',
        node.endpoint
    ];
}
/** Which node builds each platform: the nodes' own platforms, every other one on the runner (node 0). */
function nodePlacement(builder, platforms, nodes) {
    const placement = {};
    for (const platform of platforms) {
        const index = nodes.findIndex(n => n.platforms.includes(platform));
        const node = nodes[index];
        placement[platform] = node
            ? { node: nodeName(builder, index + 1), endpoint: node.endpoint }
            : { node: nodeName(builder, 0), endpoint: '' };
    }
    return placement;
}
/** The platforms no node serves: those the runner builds itself (natively or under QEMU). */
function runnerPlatforms(platforms, nodes) {
    return platforms.filter(p => !nodes.some(n => n.platforms.includes(p)));
}
/** Output of buildx or docker that means the node's engine cannot be reached at all. */
const UNREACHABLE = /Cannot connect to the Docker daemon|error during connect|no such file or directory|connection refused|no such host|ssh: |could not read from remote|context ".*" does not exist|i\/o timeout|failed to find driver/i;
/**
 * Appends the nodes, one after another (buildx keeps one record per builder). A node that cannot be
 * reached fails with an error naming it, its endpoint and the platforms it was meant to build; other
 * failures stay CommandErrors (so start-up flakes are retried), also naming the node.
 */
async function appendNodes(runner, options, nodes) {
    for (const [i, node] of nodes.entries()) {
        const index = i + 1;
        const name = nodeName(options.name, index);
        const what = `Adding builder node ${name} (${node.endpoint}) for ${node.platforms.join(', ')}`;
        try {
            await runChecked(runner, 'docker', appendNodeArgs(options, node, index), { what });
        }
        catch (error) {
            if (error instanceof CommandError && UNREACHABLE.test(`${error.stderr}\n${error.stdout}`)) {
                throw new Error(`Builder node ${node.endpoint} (nodes input, for ${node.platforms.join(', ')}) is not reachable: ` +
                    `${lastLine(error.stderr) || `exit code ${error.exitCode}`}. Check that its Docker engine runs ` +
                    'and that this runner can reach it (docker context, unix socket, tcp:// with TLS, or ssh:// ' +
                    'with a key in the agent), or remove the line from nodes.', { cause: error });
            }
            throw error;
        }
    }
}

;// CONCATENATED MODULE: ./lib/inputs/remote-access-inputs.js
/**
 * How the step reaches the BuildKit daemons of `nodes`: the TLS material for `remote+tcp://` nodes
 * (remote-tls-ca, remote-tls-cert, remote-tls-key: each PEM text, often from a secret, or a file path;
 * remote-tls-server-name), and the kubeconfig for `remote+kube-pod://` nodes (the file's text, from a
 * secret). Checked here, before any command: each PEM must be what it claims to be (the key is parsed by
 * node:crypto; its text never appears in a message), cert and key come together, the kubeconfig is a
 * kubeconfig, and each is given only with a node that uses it. run/remote-access-files.ts writes them to private
 * files.
 */







/**
 * A key of a kubeconfig (YAML or JSON) whose value is a secret, with that value: token, client-key-data,
 * password, id-token, refresh-token, client-secret, ... Read with a pattern rather than a YAML parser,
 * which would double the bundle every run loads.
 */
const SECRET_ENTRY = /["']?[A-Za-z-]*(?:token|key-data|password|secret)["']?\s*:\s*["']?([^"'\s,}#]+)/gi;
/**
 * Checks the kubeconfig input, the file's text (from a secret) or a path from `cwd` (a GitLab File
 * variable): a kubeconfig names clusters and contexts; collects its secret values.
 */
function parseKubeconfig(input, cwd = '.') {
    if (input === '')
        return undefined;
    let value = input;
    if (!input.includes('\n') && !input.includes(':')) {
        const file = external_node_path_.resolve(cwd, input);
        try {
            value = external_node_fs_.readFileSync(file, 'utf8');
        }
        catch (error) {
            throw new Error(`cannot read ${JSON.stringify(file)} (${(0,errors/* errorCode */.CA)(error) ?? 'unreadable'}); give the kubeconfig's text or the path of a readable file`, { cause: error });
        }
    }
    if (!/["']?clusters["']?\s*:/.test(value) || !/["']?contexts["']?\s*:/.test(value))
        throw new Error('is not a kubeconfig (no clusters and contexts); give the text of the file (e.g. from a secret) or its path');
    const secrets = [...value.matchAll(SECRET_ENTRY)].map(m => m[1] ?? '').filter(v => v !== '');
    return { text: value.endsWith('\n') ? value : `${value}\n`, secrets };
}
/**
 * What to mask of the kubeconfig input: its tokens, keys and passwords, line by line (the rest of it is no
 * secret, and masking it would hide ordinary words). Not a kubeconfig: nothing (the input check says so,
 * and nothing of it is logged).
 */
function kubeconfigSecrets(value) {
    try {
        return (parseKubeconfig(value)?.secrets ?? []).flatMap(secret => secret.split(/\r?\n/).map(line => line.trim()));
    }
    catch {
        return [];
    }
}
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\n[\s\S]*?-----END \1-----/g;
/** Reads the PEM of an input (text or a path from `cwd`) and checks it is what `kind` asks for. */
function parseTlsMaterial(value, kind, cwd) {
    if (value === '')
        return undefined;
    let text = value;
    let file;
    if (!value.trimStart().startsWith('-----BEGIN')) {
        file = external_node_path_.resolve(cwd, value);
        try {
            text = external_node_fs_.readFileSync(file, 'utf8');
        }
        catch (error) {
            throw new Error(`cannot read ${JSON.stringify(file)} (${(0,errors/* errorCode */.CA)(error) ?? 'unreadable'}); give the PEM text itself or the path of a readable PEM file`, { cause: error });
        }
    }
    const pem = `${text
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .map(line => line.trim())
        .join('\n')
        .trim()}\n`;
    const where = file === undefined ? 'the value' : JSON.stringify(file);
    const blocks = [...pem.matchAll(BLOCK)];
    if (blocks.length === 0)
        throw new Error(`${where} holds no PEM block; expected ${expected(kind)}`);
    if (kind === 'key') {
        if (blocks.length !== 1 || !/PRIVATE KEY$/.test(blocks[0]?.[1] ?? ''))
            throw new Error(`${where} is not one PEM private key; expected ${expected(kind)}`);
        try {
            (0,external_node_crypto_.createPrivateKey)(pem);
        }
        catch {
            throw new Error(`${where} holds a private key block that does not parse; expected ${expected(kind)}`);
        }
        return file === undefined ? { pem } : { pem, file };
    }
    for (const [index, block] of blocks.entries()) {
        if (block[1] !== 'CERTIFICATE')
            throw new Error(`block ${index + 1} of ${where} is a ${block[1] ?? ''} block; expected ${expected(kind)}`);
        try {
            new external_node_crypto_.X509Certificate(block[0]);
        }
        catch {
            throw new Error(`certificate ${index + 1} of ${where} is not a valid X.509 certificate`);
        }
    }
    return file === undefined ? { pem } : { pem, file };
}
function expected(kind) {
    return kind === 'key'
        ? '-----BEGIN PRIVATE KEY----- (or EC / RSA PRIVATE KEY) ... -----END ...'
        : '-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----';
}
const SERVER_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const REMOTE_ACCESS_FIELDS = {
    'remote-tls-ca': field(undefined, (value, { cwd }) => parseTlsMaterial(value, 'certificate', cwd)),
    'remote-tls-cert': field(undefined, (value, { cwd }) => parseTlsMaterial(value, 'certificate', cwd)),
    'remote-tls-key': secret(field(undefined, (value, { cwd }) => parseTlsMaterial(value, 'key', cwd)), privateKeyLines),
    kubeconfig: secret(field(undefined, (value, { cwd }) => parseKubeconfig(value, cwd)), kubeconfigSecrets),
    'remote-tls-server-name': field('', value => {
        if (value !== '' && !SERVER_NAME.test(value))
            throw new Error(`"${value}" is not a host name (the name in the daemon's certificate)`);
        return value;
    })
};
const hasTcpNode = (nodes) => nodes.some(isTcpDaemon);
const REMOTE_ACCESS_RULES = [
    {
        input: 'remote-tls-ca',
        reads: ['nodes'],
        check: v => hasTcpNode(v.nodes) && !v['remote-tls-ca']
            ? 'a remote+tcp:// node needs the CA that signed its buildkitd certificate (PEM text or a file path)'
            : undefined
    },
    {
        input: 'remote-tls-key',
        reads: ['remote-tls-cert'],
        check: v => Boolean(v['remote-tls-cert']) === Boolean(v['remote-tls-key'])
            ? undefined
            : v['remote-tls-cert']
                ? 'remote-tls-cert is given without its private key; set remote-tls-key too'
                : 'is given without its certificate; set remote-tls-cert too'
    },
    {
        input: 'kubeconfig',
        reads: ['nodes'],
        check: v => v.kubeconfig && !v.nodes.some(isKubePod)
            ? 'is only for remote+kube-pod:// lines of nodes, and there is none; remove it or add the node'
            : undefined
    },
    ...['remote-tls-ca', 'remote-tls-cert', 'remote-tls-key', 'remote-tls-server-name'].map((input) => ({
        input,
        reads: ['nodes'],
        check: v => v[input] && !hasTcpNode(v.nodes)
            ? 'is only for remote+tcp:// lines of nodes, and there is none; remove it or add the node'
            : undefined
    }))
];

;// CONCATENATED MODULE: ./lib/buildx/cache.js
/**
 * The `cache` input's entries: one word (registry or gha) turned into buildx's --cache-from and --cache-to,
 * one cache per platform so that the jobs of a per-platform build never overwrite each other's cache.
 *
 * registry: `REPOSITORY:buildcache-<platform>` next to the first tag (linux/arm/v7 -> buildcache-linux-arm-v7),
 * pulled and pushed by BuildKit with the run's registry settings (buildkitd.toml) and login (docker config).
 * gha: GitHub's cache service, `scope=buildcache-<repository path>-<platform>`; buildx reads the service's URL and
 * token from its own environment (ACTIONS_CACHE_URL, ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN,
 * ACTIONS_CACHE_SERVICE_V2 choosing version 2), so the token never reaches argv.
 *
 * A build of several platforms is one BuildKit solve with one cache: each of its platforms' entries gets
 * that whole cache (the blobs are shared in the repository, so the extra refs cost a manifest each). A
 * one-platform job reads and writes its own platform's entry only.
 * Every export has ignore-error=true: a cache that cannot be written is a warning, not a failed build.
 */

const CACHE_MODES = (/* unused pure expression or super */ null && (['', 'registry', 'gha']));
/** The tag prefix of registry cache refs and the prefix of gha scopes. */
const CACHE_PREFIX = 'buildcache';
/** linux/arm/v7 -> linux-arm-v7 (a tag and scope part). */
function platformSlug(platform) {
    return platform.replace(/[^A-Za-z0-9._-]+/g, '-');
}
/** The cache entry of one platform, as `type=...` without import or export options. */
function platformCache(cache, platform, tags) {
    const first = tags[0];
    const reference = first === undefined ? undefined : parseImageReference(first);
    if (cache === 'registry') {
        if (!reference)
            throw new Error('cache: registry needs a tag: the cache lives next to the first one');
        return `type=registry,ref=${reference.registry}/${reference.repository}:${CACHE_PREFIX}-${platformSlug(platform)}`;
    }
    const image = reference ? `-${platformSlug(reference.repository)}` : '';
    return `type=gha,scope=${CACHE_PREFIX}${image}-${platformSlug(platform)}`;
}
/** The --cache-from and --cache-to entries of a build: the explicit ones, or the cache input's. */
function cache_cacheEntries(s) {
    if (s.cache === '')
        return { from: [...s.cacheFrom], to: [...s.cacheTo] };
    const mode = s.cache;
    const own = s.platforms.map(platform => platformCache(mode, platform, s.tags));
    return {
        from: s.cacheFrom.length > 0 ? [...s.cacheFrom] : own,
        to: s.cacheTo.length > 0 ? [...s.cacheTo] : own.map(entry => `${entry},mode=max,ignore-error=true`)
    };
}
/** BuildKit's names for its cache export steps (registry, local, gha, s3, azblob, inline). */
const CACHE_EXPORT_STEP = /^exporting (cache|to GitHub Actions Cache|to Amazon S3|to Azure Blob Storage)/i;
/**
 * The cache exports that failed in a build that went on (ignore-error=true): a warning each, since the
 * image itself was built and pushed.
 */
function failedCacheExports(steps) {
    return steps
        .filter(step => step.error !== '' && CACHE_EXPORT_STEP.test(step.name))
        .map(step => `${step.name} failed: ${step.error}. The image was built and pushed; the next run starts without this cache`);
}

;// CONCATENATED MODULE: ./lib/buildx/build.js
/**
 * The multi-platform `docker buildx build`: argv made by a pure function from the typed inputs, run with a
 * metadata file whose contents are the source of the digests, and with a progress stream that says how
 * long each platform's steps took (see rawjson.ts and progress.ts).
 */







const MEDIA_TYPE_FAMILIES = ['oci', 'docker'];
/** The first buildx release with `--progress=rawjson`. */
const RAWJSON_SINCE = '0.13.0';
/** rawjson when the buildx in use has it; plain (parsed the same way afterwards) otherwise. */
function progressFormat(buildxVersion) {
    return buildxVersion !== '' && compareVersions(buildxVersion, RAWJSON_SINCE) >= 0 ? 'rawjson' : 'plain';
}
/** The argv, and the environment buildx needs besides the job's own (secret values: never in argv). */
function buildCommand({ builder, metadataFile, settings: s, progress }) {
    const args = ['buildx', 'build', '--builder', builder, '--platform', s.platforms.join(',')];
    args.push(`--progress=${progress}`);
    if (s.file)
        args.push('--file', s.file);
    // A push goes by digest to each repository of the tags; the tags are put after the checks.
    if (!s.push)
        for (const tag of s.tags)
            args.push('--tag', tag);
    for (const arg of s.buildArgs)
        args.push('--build-arg', arg);
    for (const label of s.labels)
        args.push('--label', label);
    if (s.target)
        args.push('--target', s.target);
    const cache = cacheEntries(s);
    for (const from of cache.from)
        args.push('--cache-from', from);
    for (const to of cache.to)
        args.push('--cache-to', to);
    if (s.noCache)
        args.push('--no-cache');
    if (s.pull)
        args.push('--pull');
    // Any attestation makes BuildKit switch to OCI media types, so Docker media types go without them.
    if (s.mediaTypes === 'docker')
        args.push('--provenance=false');
    else if (s.provenance)
        args.push(`--provenance=${s.provenance}`);
    if (s.network)
        args.push('--network', s.network);
    if (s.network === 'host' && !s.buildOptions.allow.includes('network.host'))
        args.push('--allow', 'network.host');
    // With push, a loaded image comes from the registry after the checks (load.ts), not from this build.
    const extra = buildOptionArgs({ ...s.buildOptions, load: s.buildOptions.load && !s.push }, s.provenance);
    args.push(...extra.args);
    args.push('--metadata-file', metadataFile);
    // The media types are always stated: BuildKit's own default depends on whether attestations are attached.
    const mediaTypes = `oci-mediatypes=${s.mediaTypes === 'oci'}`;
    const evaluateOnly = evaluates(s.buildOptions.call);
    // A push goes untagged (by digest) to each repository of the tags; the tags are put after the checks.
    if (s.push && !evaluateOnly)
        args.push('--output', `${pushByDigestOutput(repositoriesOf(s.tags))},${mediaTypes}`);
    args.push(s.context);
    return { args, env: extra.env };
}
function buildxBuildArgv(options) {
    return buildCommand(options).args;
}
/**
 * The image exporter pushing without any tag to each repository (`name` is a comma-separated list, so
 * the field is quoted for buildx's CSV parser); `name-canonical` makes buildx report `repository@digest`.
 */
function pushByDigestOutput(repositories) {
    const names = `name=${repositories.join(',')}`;
    const field = repositories.length > 1 ? `"${names}"` : names;
    return `type=image,${field},push-by-digest=true,name-canonical=true,push=true`;
}
/** How often the build's silent steps are looked at (a heartbeat is due after HEARTBEAT_MS of silence). */
const HEARTBEAT_POLL_MS = 1_000;
/**
 * A failed build, with the steps its progress stream showed (for hints about the failed step). The log
 * already holds the progress, so the message carries only buildx's closing error (the Dockerfile excerpt
 * and `ERROR: failed to solve: ...`); `stderr` keeps all of it, for the hints.
 */
class BuildError extends runner/* CommandError */.Qd {
    steps;
    constructor(error, steps) {
        super(error.command, error.args, error, 'docker buildx build');
        this.name = 'BuildError';
        this.steps = steps;
        const closing = closingError(error.stderr);
        this.message = `docker buildx build failed (exit code ${error.exitCode})${closing ? `:\n${closing}` : ''}`;
    }
}
/** What buildx printed after the last progress line (`#N ...`), its warnings left out; else its last line. */
function closingError(stderr) {
    const lines = stderr.trimEnd().split(/\r?\n/);
    let last = -1;
    lines.forEach((line, i) => {
        if (/^#(\d+|\?) /.test(line))
            last = i;
    });
    const closing = lines.slice(last + 1).filter(l => l.trim() !== '' && !l.startsWith('WARNING:'));
    return (closing.length > 0 ? closing : lines.slice(-1)).join('\n');
}
/**
 * Runs the build with its progress in the log (rawjson is rendered as `#N step` / `#N DONE 1.2s` lines as
 * it arrives); a failure carries buildx's own error and the human-readable progress.
 */
async function runBuild(runner, options) {
    const { args, env: secretEnv } = buildCommand(options);
    const env = Object.keys(secretEnv).length > 0 ? { env: secretEnv } : {};
    if (options.progress === 'plain') {
        try {
            const result = await runChecked(runner, 'docker', args, { what: 'docker buildx build', ...env });
            return { steps: parsePlainProgress(result.stderr) };
        }
        catch (error) {
            if (error instanceof CommandError)
                throw new BuildError(error, parsePlainProgress(error.stderr));
            throw error;
        }
    }
    const progress = new RawJsonProgress();
    const human = [];
    const seen = { streamedLines: 0 };
    const show = (line) => {
        for (const text of progress.feed(line)) {
            human.push(text);
            options.log.info(text);
        }
    };
    // A step that prints nothing for a while still shows that it runs (see RawJsonProgress.heartbeat).
    const heartbeat = setInterval(() => {
        for (const text of progress.heartbeat(Date.now()))
            options.log.info(text);
    }, HEARTBEAT_POLL_MS);
    heartbeat.unref();
    const result = await runner
        .run('docker', args, {
        ...env,
        onStderrLine: line => {
            seen.streamedLines++;
            show(line);
        }
    })
        .finally(() => {
        clearInterval(heartbeat);
    });
    // A runner that does not stream lines still captured them all.
    if (seen.streamedLines === 0)
        for (const line of result.stderr.split(/\r?\n/))
            show(line);
    if (result.exitCode !== 0) {
        const readable = { ...result, stderr: human.join('\n') };
        throw new BuildError(new CommandError('docker', args, readable, 'docker buildx build'), progress.result());
    }
    return { steps: progress.result() };
}

;// CONCATENATED MODULE: ./lib/buildkitd/gc.js
/** BuildKit cannot do much below this: a base image alone is often larger. */
const MIN_CACHE_BYTES = 100e6;
/** 1234567890 -> '1.23 GB' (decimal units, as `docker buildx du` shows them). */
function formatBytes(bytes) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit++;
    }
    return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit] ?? 'B'}`;
}
/** The [worker.oci] keys that hold the cache to `maxBytes` on BuildKit old and new; {} without a budget. */
function cacheBudgetConfig(maxBytes) {
    if (maxBytes === undefined)
        return {};
    return {
        worker: {
            oci: {
                gc: true,
                // BuildKit < 0.17: the size its default GC policies prune to. >= 0.17: read as reservedSpace.
                gckeepstorage: maxBytes,
                // BuildKit >= 0.17: the most the cache may use before GC prunes it.
                maxUsedSpace: maxBytes
            }
        }
    };
}

// EXTERNAL MODULE: ./lib/docker/smoke.js
var smoke = __nccwpck_require__(5189);
;// CONCATENATED MODULE: ./lib/inputs/runtime.js
/**
 * The inputs about what lands in the registry and what the build costs: media-types, smoke-test,
 * smoke-test-timeout, cache-max-size, check-binaries and check-binaries-budget; fields and rules of the
 * build's input table (inputs.ts).
 */






const RUNTIME_FIELDS = {
    'media-types': field('oci', value => {
        const found = MEDIA_TYPE_FAMILIES.find(m => m === value.toLowerCase());
        if (!found)
            throw new Error(`"${value}" is not a media type family; use oci or docker`);
        return found;
    }),
    'smoke-test': field([], smoke/* parseSmokeCommand */.E8),
    'smoke-test-timeout': field(120, value => {
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 3600)
            throw new Error(`"${value}" is not a time limit; use whole seconds from 1 to 3600`);
        return Number(value);
    }),
    'cache-max-size': field(undefined, value => {
        if (value === '')
            return undefined;
        const bytes = parseByteSize(value);
        if (bytes < MIN_CACHE_BYTES)
            throw new Error(`"${value}" is below the smallest useful cache budget, ${formatBytes(MIN_CACHE_BYTES)}`);
        return bytes;
    }),
    'check-binaries': field('error', parseBinariesMode),
    'check-binaries-budget': field(0, parseByteSize)
};
const attestsOff = (value) => value === '' || value.toLowerCase() === 'false';
const RUNTIME_RULES = [
    {
        input: 'media-types',
        reads: ['provenance'],
        check: v => v['media-types'] === 'docker' && !attestsOff(v.provenance)
            ? `docker cannot carry the provenance attestation asked for (provenance: ${v.provenance}); ` +
                'BuildKit would switch the whole image back to OCI media types. Leave provenance empty or false ' +
                '(attestations are then off), or use media-types: oci'
            : undefined
    },
    {
        input: 'media-types',
        reads: ['sbom', 'attests', 'annotations'],
        check: v => {
            const carried = [
                ...(attestsOff(v.sbom) ? [] : ['sbom']),
                ...(v.attests.length > 0 ? ['attests'] : []),
                ...(v.annotations.length > 0 ? ['annotations'] : [])
            ];
            if (v['media-types'] !== 'docker' || carried.length === 0)
                return undefined;
            return (`docker cannot carry what ${carried.join(' and ')} attach (attestations and annotations ` +
                'make BuildKit switch the whole image back to OCI media types); leave them empty, or use media-types: oci');
        }
    },
    {
        input: 'smoke-test',
        reads: ['push'],
        check: v => v['smoke-test'].length > 0 && !v.push
            ? 'runs the pushed image of every platform, so it needs push: true'
            : undefined
    },
    // With push, the image is loaded from the registry under its tags after the checks (publish/load.ts); a push
    // by digest puts no tag, so there would be no name to load it under.
    {
        input: 'load',
        reads: ['push-by-digest', 'call'],
        check: v => v.load && !build_options_evaluates(v.call) && v['push-by-digest']
            ? 'cannot be combined with push-by-digest: true (the image gets no tag, so the engine would get it ' +
                'without a name); load in the job that merges and tags the image, or set push-by-digest: false'
            : undefined
    }
];

;// CONCATENATED MODULE: ./lib/cosign/cosign.js
/**
 * cosign's command lines, from pure functions: signing an image by digest with a key (the index and,
 * recursively, every manifest it lists), the public key of that key, and verifying a signature against the
 * registry. The registry is reached as BuildKit reached it: plain HTTP, HTTPS without verification, or a
 * private CA. The key's password goes in COSIGN_PASSWORD, never in argv.
 */
const SIGN_MODES = ['false', 'key', 'keyless'];
function registryFlags(registry) {
    const flags = [];
    if (registry.plainHttp)
        flags.push('--allow-http-registry');
    if (registry.insecure)
        flags.push('--allow-insecure-registry');
    if (registry.caFile)
        flags.push('--registry-cacert', registry.caFile);
    return flags;
}
/**
 * Signs the image and each manifest of its index. With a key and no transparency log, cosign 3 is told to
 * use no signing config (which would name sigstore's public services) and to upload nothing. Keyless, the
 * identity token goes in SIGSTORE_ID_TOKEN, never in argv.
 */
function signArgs(options) {
    const { signer } = options;
    const how = 'keyFile' in signer
        ? [
            '--key',
            signer.keyFile,
            ...(options.transparencyLog ? [] : ['--use-signing-config=false', '--tlog-upload=false'])
        ]
        : [
            ...(signer.signingConfig ? ['--signing-config', signer.signingConfig] : []),
            ...(signer.trustedRoot ? ['--trusted-root', signer.trustedRoot] : [])
        ];
    return ['sign', '--yes', ...how, '--recursive', ...registryFlags(options.registry), options.reference];
}
function verifyArgs(options) {
    const { verifier } = options;
    const how = 'publicKeyFile' in verifier
        ? ['--key', verifier.publicKeyFile]
        : [
            '--certificate-identity',
            verifier.identity,
            '--certificate-oidc-issuer',
            verifier.issuer,
            ...(verifier.trustedRoot ? ['--trusted-root', verifier.trustedRoot] : [])
        ];
    return [
        'verify',
        ...how,
        ...(options.transparencyLog ? [] : ['--insecure-ignore-tlog=true']),
        ...registryFlags(options.registry),
        options.reference
    ];
}
/** `cosign public-key --key FILE` prints the key's public half (PEM). */
function publicKeyArgs(keyFile) {
    return ['public-key', '--key', keyFile];
}
/**
 * What a user runs to verify the image (the `signature-verify-command` output): the public key as a file
 * they keep next to it (cosign.pub), or the identity; files by the names users give them (CA.pem,
 * trusted_root.json), the registry flags only where the registry needs them. Shell-quoted where needed.
 */
function verifyCommand(options) {
    const registry = { ...options.registry, caFile: options.registry.caFile ? 'CA.pem' : '' };
    const verifier = 'publicKeyFile' in options.verifier
        ? { publicKeyFile: 'cosign.pub' }
        : { ...options.verifier, trustedRoot: options.verifier.trustedRoot ? 'trusted_root.json' : '' };
    return ['cosign', ...verifyArgs({ ...options, registry, verifier })].map(shellWord).join(' ');
}
function shellWord(word) {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

;// CONCATENATED MODULE: ./lib/cosign/identity.js
/**
 * Keyless signing's identity: the CI job's OIDC token (GitHub's for the audience sigstore, requested with
 * the job's id-token permission; on GitLab and elsewhere the SIGSTORE_ID_TOKEN a job defines), and what
 * Fulcio writes from it into the certificate, which `cosign verify` must be told: the identity (GitHub: the
 * workflow that ran, `https://github.com/OWNER/REPO/.github/workflows/F.yml@REF`; GitLab: the CI config,
 * `https://gitlab.com/GROUP/PROJECT//.gitlab-ci.yml@REF`; else the verified email, or the subject) and the
 * issuer.
 */
/** The claims of a JWT, read without checking its signature (Fulcio checks it). */
function tokenClaims(token) {
    const payload = token.split('.')[1];
    if (payload === undefined)
        throw new Error('the identity token is not a JWT (no payload)');
    try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
            throw new Error('not an object');
        return claims;
    }
    catch {
        throw new Error('the identity token is not a JWT (its payload is not JSON)');
    }
}
const identity_text = (value) => (typeof value === 'string' ? value : '');
/** The identity and issuer Fulcio puts in the certificate for this token, as Fulcio derives them. */
function signerIdentity(claims) {
    const issuer = identity_text(claims['iss']);
    if (issuer === '')
        throw new Error('the identity token names no issuer (iss)');
    const workflow = identity_text(claims['job_workflow_ref']);
    if (workflow !== '' && issuer === 'https://token.actions.githubusercontent.com')
        return { identity: `https://github.com/${workflow}`, issuer };
    const ciConfig = identity_text(claims['ci_config_ref_uri']);
    if (ciConfig !== '')
        return { identity: `https://${ciConfig}`, issuer };
    const email = identity_text(claims['email']);
    if (email !== '' && claims['email_verified'] === true)
        return { identity: email, issuer };
    const subject = identity_text(claims['sub']);
    if (subject === '')
        throw new Error('the identity token names no subject (sub)');
    return { identity: subject, issuer };
}
/**
 * The job's identity token: SIGSTORE_ID_TOKEN when the job defines it (GitLab's id_tokens, any CI), else
 * GitHub's, requested for the audience sigstore. Without either, says what the job needs.
 */
async function identityToken(env, request) {
    const given = env.SIGSTORE_ID_TOKEN?.trim();
    if (given)
        return given;
    if (hasGithubTokenService(env))
        return request('sigstore');
    throw new Error(`sign: ${NO_IDENTITY}`);
}
/** Whether the job can have an identity token: its own SIGSTORE_ID_TOKEN, or GitHub's token service. */
function hasIdentity(env) {
    return Boolean(env.SIGSTORE_ID_TOKEN?.trim()) || hasGithubTokenService(env);
}
function hasGithubTokenService(env) {
    return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}
/** What a job without an identity token needs, for keyless. */
const NO_IDENTITY = 'keyless needs the job\'s OIDC identity: on GitHub give the job "permissions: id-token: write"; on GitLab ' +
    'define id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore; elsewhere set SIGSTORE_ID_TOKEN to a token your Fulcio ' +
    'accepts';

;// CONCATENATED MODULE: ./lib/inputs/signing.js
/**
 * The signing inputs: `sign` (false, or key: cosign with a private key), `sign-key` (the key as
 * `cosign generate-key-pair` writes it: PEM text, usually from a secret, or a file path),
 * `sign-key-password` and `sign-transparency-log`. Checked before any command: the key must be a private
 * key PEM (its text never appears in a message), a key needs `sign: key` and `sign: key` needs a key and a
 * push. cosign/sign-image.ts signs.
 */







/** The PEM block cosign generate-key-pair writes (ENCRYPTED SIGSTORE PRIVATE KEY), or an older/plain one. */
const signing_PRIVATE_KEY = /-----BEGIN ((?:ENCRYPTED )?(?:SIGSTORE |COSIGN |EC )?PRIVATE KEY)-----\n[A-Za-z0-9+/=\n]+-----END \1-----/;
/**
 * An input that holds a document as text, or the path (from `cwd`) of a file holding it: `isText` tells
 * them apart. A file that cannot be read is named as written, with `advice` after it.
 */
function textOrFile(value, cwd, isText, advice = '') {
    if (isText)
        return value;
    try {
        return external_node_fs_.readFileSync(external_node_path_.resolve(cwd, value), 'utf8');
    }
    catch (error) {
        throw new Error(`cannot read ${JSON.stringify(value)} (${(0,errors/* errorCode */.CA)(error) ?? 'unreadable'}, relative paths start at ${cwd})` +
            (advice ? `; ${advice}` : ''), { cause: error });
    }
}
/** The key's text, given as such or as a path from `cwd`, checked to be a private key PEM. */
function parseSignKey(value, cwd) {
    if (value === '')
        return '';
    const advice = 'give the private key (cosign.key) as text, e.g. from a secret, or its path';
    const pem = textOrFile(value, cwd, value.includes('-----BEGIN'), advice).replace(/\r\n/g, '\n');
    if (!signing_PRIVATE_KEY.test(pem))
        throw new Error('is not a private key PEM (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY----- as cosign generate-key-pair ' +
            'writes it); give the text of cosign.key or its path');
    return pem.endsWith('\n') ? pem : `${pem}\n`;
}
const SIGNING_FIELDS = {
    sign: field('false', (value, { env }) => {
        const mode = value === '' ? 'false' : SIGN_MODES.find(m => m === value.toLowerCase());
        if (mode === undefined)
            throw new Error(`"${value}" is not a way to sign; use false, key or keyless`);
        // Known now, not after the build: the job can have no identity token.
        if (mode === 'keyless' && !hasIdentity(env))
            throw new Error(NO_IDENTITY);
        return mode;
    }),
    'sign-key': secret(field('', (value, { cwd }) => parseSignKey(value, cwd)), privateKeyLines),
    'sign-key-password': secret(table_text),
    'sign-transparency-log': bool(true),
    'sign-signing-config': field('', (value, { cwd }) => parseSigstoreJson(value, cwd, 'signingconfig')),
    'sign-trusted-root': field('', (value, { cwd }) => parseSigstoreJson(value, cwd, 'trustedroot'))
};
/**
 * A sigstore JSON document (a signing config, a trusted root) as text or a path from `cwd`: JSON whose
 * mediaType names what it must be.
 */
function parseSigstoreJson(value, cwd, kind) {
    if (value === '')
        return '';
    const text = textOrFile(value, cwd, value.trimStart().startsWith('{'));
    let mediaType;
    try {
        mediaType = JSON.parse(text).mediaType;
    }
    catch {
        throw new Error('is not JSON; give the file (or its text) that your sigstore instance publishes');
    }
    if (typeof mediaType !== 'string' || !mediaType.startsWith(`application/vnd.dev.sigstore.${kind}`))
        throw new Error(`is not a sigstore ${kind === 'trustedroot' ? 'trusted root' : 'signing config'} (its mediaType is not application/vnd.dev.sigstore.${kind}...)`);
    return text;
}
/** The build's and the merge action's: a key comes with sign: key, and sign: key with a key. */
const SIGNING_RULES = [
    {
        input: 'sign',
        reads: ['sign-key'],
        check: v => v.sign === 'key' && v['sign-key'] === ''
            ? 'key needs the private key in the sign-key input (cosign generate-key-pair writes cosign.key)'
            : undefined
    },
    {
        input: 'sign-key',
        reads: ['sign'],
        check: v => {
            if (v['sign-key'] === '' || v.sign === 'key')
                return undefined;
            return v.sign === 'keyless'
                ? "is given, but keyless signs with the job's identity; remove sign-key, or set sign: key"
                : 'is given but sign is false; set sign: key to sign';
        }
    },
    ...['sign-signing-config', 'sign-trusted-root'].map((input) => ({
        input,
        reads: ['sign'],
        check: v => v[input] !== '' && v.sign !== 'keyless'
            ? 'is for sign: keyless with your own sigstore instance; remove it, or set sign: keyless'
            : undefined
    }))
];

;// CONCATENATED MODULE: ./lib/inputs/rules.js
/**
 * The build's cross-input rules: the second pass over the typed values of the input table (fields.ts),
 * for what one input alone cannot say. Each is reported under one input and says what to change.
 */





/** The problem of a push with no tag (the build's and the plan's tags). */
const NO_TAG = 'push is true but no tag is given; set the tags input, e.g. registry.example.com/team/app:1.0';
/** With push-by-digest, `tags` names the repository to push to: exactly one, without tag or digest. */
function repositoryProblem(tags) {
    const [only, ...more] = tags;
    if (!only || more.length > 0) {
        return ('push-by-digest is true, so tags must name exactly one repository (e.g. registry.example.com/team/app), ' +
            `not ${tags.length === 0 ? 'nothing' : `${tags.length} entries`}`);
    }
    const { tag, digest } = only.reference;
    if (tag === undefined && digest === undefined)
        return undefined;
    const part = digest !== undefined ? `digest @${digest}` : `tag :${tag ?? ''}`;
    return (`push-by-digest is true, so "${only.text}" must name the repository only; drop its ${part} ` +
        '(the image is pushed without a tag and found by its digest)');
}
const BUILD_RULES = [
    {
        input: 'push-by-digest',
        reads: ['push'],
        check: v => v['push-by-digest'] && !v.push ? 'needs push: true (an image pushed by digest is pushed)' : undefined
    },
    {
        input: 'tags',
        reads: ['push-by-digest'],
        check: v => (v['push-by-digest'] ? repositoryProblem(v.tags) : undefined)
    },
    {
        input: 'tags',
        reads: ['push-by-digest'],
        check: v => {
            const digested = v['push-by-digest'] ? undefined : v.tags.find(t => t.reference.digest !== undefined);
            if (!digested)
                return undefined;
            return (`"${digested.text}" has a digest (@${(digested.reference.digest ?? '').slice(0, 15)}…): a pushed image ` +
                'gets its digest from its content; give repository:tag only');
        }
    },
    // call: check (outline, targets) evaluates the build and pushes nothing, so it needs no tag.
    {
        input: 'tags',
        reads: ['push', 'push-by-digest', 'call'],
        check: v => v.push && !v['push-by-digest'] && !build_options_evaluates(v.call) && v.tags.length === 0 ? NO_TAG : undefined
    },
    {
        input: 'nodes',
        reads: ['reuse-builder'],
        check: v => v.nodes.length > 0 && v['reuse-builder']
            ? 'a reused builder keeps the nodes it has, so nodes cannot be applied to it; set reuse-builder: false, or leave nodes empty'
            : undefined
    },
    {
        input: 'cache',
        reads: ['tags'],
        check: v => v.cache === 'registry' && v.tags.length === 0
            ? 'registry keeps the cache next to the first tag, and no tag is given: set the tags input, or name the ' +
                'cache yourself in cache-to and cache-from (type=registry,ref=REPOSITORY:buildcache)'
            : undefined
    },
    {
        input: 'sign',
        reads: ['push'],
        check: v => v.sign !== 'false' && !v.push
            ? `${v.sign} signs the pushed image, and push is false; set push: true, or sign: false`
            : undefined
    },
    {
        input: 'driver-opts',
        reads: ['host-network'],
        check: v => {
            const network = v['driver-opts'].find(opt => opt.startsWith('network='));
            return network !== undefined && network !== 'network=host' && v['host-network']
                ? `${network} contradicts host-network: true (the builder container has one network); drop one of them`
                : undefined;
        }
    },
    {
        input: 'reuse-builder',
        reads: ['builder-name'],
        check: v => v['reuse-builder'] && v['builder-name'] === ''
            ? 'needs builder-name (the builder to reuse); a generated name is never reused'
            : undefined
    }
];
/** Every cross-input rule of the build, in the order their problems are reported. */
const RULES = [
    ...BUILD_RULES,
    ...REMOTE_ACCESS_RULES,
    ...REGISTRY_RULES,
    ...RUNTIME_RULES,
    ...SIGNING_RULES
];

;// CONCATENATED MODULE: ./lib/plan/matrix.js
/**
 * The `plan` mode (plan/action.yml): turns `platforms` and a `runners` map into the matrix of the
 * reusable workflow's distributed build, one job per platform on a runner that is native for it, each
 * pushing by digest to one repository; the merge job then joins their digests into one index.
 *
 * Job outputs of a matrix job cannot be collected per leg, so every entry gets a `slot` (0, 1, …): leg
 * `slot` sets the workflow job's output `source-<slot>`, and the merge job reads `source-0` to
 * `source-<MAX_PLATFORMS - 1>`.
 */






/** How many platforms one distributed build can have: the reusable workflow declares this many slots. */
const MAX_PLATFORMS = 10;
/** The plan itself: a pure function of the inputs. */
function plan(inputs) {
    const include = inputs.platforms.map((platform, slot) => {
        const labels = inputs.runners.get(platform) ?? inputs.runsOn;
        return { platform, 'runs-on': labels.length === 1 ? (labels[0] ?? '') : [...labels], slot };
    });
    const first = inputs.tags[0];
    const repository = inputs.push && first ? repositoryOf(first) : '';
    return { matrix: { include }, repository };
}
/** `registry/repository` of an image reference, its tag or digest dropped. */
function repositoryOf(tag) {
    const reference = (0,oci_reference/* parseImageReference */.o_)(tag);
    return `${reference.registry}/${reference.repository}`;
}
/** The `runners` map: `PLATFORM=LABEL` lines, several labels separated by commas. */
function parseRunners(value) {
    const runners = new Map();
    for (const line of splitList(value, false)) {
        const eq = line.indexOf('=');
        if (eq === -1) {
            throw new Error(`"${line}" is not PLATFORM=RUNNER-LABEL, e.g. linux/arm64=ubuntu-24.04-arm`);
        }
        const platform = formatPlatform(parsePlatform(line.slice(0, eq)));
        const labels = parseLabels(line.slice(eq + 1), `"${line}"`);
        if (runners.has(platform))
            throw new Error(`${platform} is given twice`);
        runners.set(platform, labels);
    }
    return runners;
}
function parseLabels(value, where) {
    const labels = value.split(',').map(l => l.trim());
    if (labels.some(l => l === '')) {
        throw new Error(`${where} needs runner labels, separated by commas (e.g. self-hosted,linux,arm64)`);
    }
    const blank = labels.find(l => /\s/.test(l));
    if (blank !== undefined)
        throw new Error(`${where}: runner label "${blank}" has a space in it`);
    return labels;
}
const PLAN_FIELDS = {
    platforms: field([], value => {
        const list = parsePlatforms(value);
        if (list.length > MAX_PLATFORMS) {
            throw new Error(`${list.length} platforms, but a distributed build has at most ${MAX_PLATFORMS}; ` +
                'build the others in a second call, or set distribute: false');
        }
        return list;
    }),
    runners: field(new Map(), parseRunners),
    'runs-on': field([], value => parseLabels(value, 'the label')),
    tags: field([], value => {
        const list = splitList(value, true);
        for (const tag of list)
            (0,oci_reference/* parseImageReference */.o_)(tag);
        return list;
    }),
    push: bool(true),
    nodes: table_text
};
const PLAN_RULES = [
    {
        input: 'tags',
        reads: ['push'],
        check: v => (v.push && v.tags.length === 0 ? NO_TAG : undefined)
    },
    {
        input: 'nodes',
        reads: [],
        check: v => v.nodes !== ''
            ? 'joins machines to the one builder of a single job; set distribute: false to use nodes, or ' +
                'list those machines as self-hosted runners in runners'
            : undefined
    }
];
/** Reads and checks the plan's inputs (plan/action.yml's defaults); all problems together, each naming its input. */
function readPlanInputs(source) {
    return readTable(PLAN_FIELDS, PLAN_RULES, { source, specs: PLAN_INPUTS }).values;
}
/** The plan step: reads the inputs, sets the `matrix` and `repository` outputs, and logs the plan. */
function runPlan({ reporter, getInput }) {
    const result = plan(readPlanInputs(getInput));
    for (const entry of result.matrix.include) {
        const labels = typeof entry['runs-on'] === 'string' ? entry['runs-on'] : entry['runs-on'].join(', ');
        reporter.info(`${entry.platform}: runner ${labels}`);
    }
    if (result.repository)
        reporter.info(`each platform is pushed by digest to ${result.repository}`);
    reporter.setOutput('matrix', JSON.stringify(result.matrix));
    reporter.setOutput('repository', result.repository);
    return Promise.resolve();
}


/***/ }),

/***/ 6390:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  xV: () => (/* binding */ reportFailure)
});

// UNUSED EXPORTS: RunError, buildxImageId, publishOutputs

// EXTERNAL MODULE: ./lib/core/runner.js
var runner = __nccwpck_require__(6741);
;// CONCATENATED MODULE: ./lib/buildx/output.js
/**
 * What buildx's output says about a failure, from one table of known failures: whether another attempt
 * can fix it (network, registry overload, builder start-up) and, for the errors users meet most with
 * private registries and emulation, a hint that names the input that fixes it. The retry policy and the
 * failure report both read this table.
 *
 * A failure that shows the build itself failed (a Dockerfile that fails fails the same way every time) or
 * a configuration problem is never retried, whatever else the output says.
 */

const NOTHING_SET = { loginRegistry: '', retries: 0, insecureRegistries: [] };
const UNTRUSTED_CERTIFICATE = /certificate signed by unknown authority|certificate is not trusted|tls: failed to verify certificate/i;
/** The registry (host[:port]) of the https:// URL on the first line of `output` that matches `pattern`. */
function hostOf(output, pattern) {
    const line = output.split('\n').find(l => pattern.test(l)) ?? '';
    return /https:\/\/([^/\s"]+)/.exec(line)?.[1];
}
const FAILURES = [
    // The build itself failed.
    { pattern: /did not complete successfully/i, transient: false },
    { pattern: /dockerfile parse error/i, transient: false },
    { pattern: /failed to compute cache key/i, transient: false },
    { pattern: /failed to parse (stage|platform|dockerfile)/i, transient: false },
    { pattern: /unknown instruction/i, transient: false },
    { pattern: /invalid reference format/i, transient: false },
    // Configuration that an input fixes.
    {
        pattern: UNTRUSTED_CERTIFICATE,
        transient: false,
        hint: (_, output) => {
            const host = hostOf(output, UNTRUSTED_CERTIFICATE);
            return {
                title: 'Registry certificate not trusted',
                message: host
                    ? `BuildKit does not trust the certificate of ${host}. Give its CA with the ca-certs input ` +
                        `(${host}=PEM or a path), or list ${host} in insecure-registries to skip verification.`
                    : 'BuildKit does not trust the registry certificate. Give its CA with the ca-certs input ' +
                        '(host:port=PEM or a path), or list the registry in insecure-registries to skip verification.'
            };
        }
    },
    {
        pattern: /server gave HTTP response to HTTPS client/i,
        transient: false,
        hint: {
            title: 'Registry speaks plain HTTP',
            message: 'The registry serves plain HTTP. List it in insecure-registries as http://host:port.'
        }
    },
    {
        pattern: /no such host/i,
        transient: false,
        hint: {
            title: 'Registry name not resolvable from the builder',
            message: 'The builder container cannot resolve the registry name (private DNS or /etc/hosts). ' +
                'Set host-network: true so the builder uses the runner’s network and resolver.'
        }
    },
    {
        pattern: /multiple platforms feature is currently not supported for docker driver/i,
        transient: false,
        hint: {
            title: 'Builder cannot build several platforms',
            message: 'The build ran on the docker driver. This action creates a docker-container builder; do not override ' +
                'it with a builder that uses the docker driver.'
        }
    },
    {
        pattern: /exec format error/i,
        transient: false,
        hint: {
            title: 'Emulator missing for a platform',
            message: 'A RUN step ran a binary for another architecture without QEMU. Leave qemu: auto (or image/package), ' +
                'or cross-compile with FROM --platform=$BUILDPLATFORM.'
        }
    },
    {
        pattern: /401 Unauthorized|403 Forbidden|failed to authorize|insufficient_scope|authentication required|unauthorized:|denied: requested access|refused the credentials|refused to let these credentials push/i,
        transient: false,
        hint: context => context.loginRegistry === ''
            ? {
                title: 'Registry refused the credentials',
                message: 'The registry needs credentials: set the registry, username and password inputs (or log in ' +
                    'before this step) for the registry in tags.'
            }
            : {
                title: 'Registry refused the credentials',
                message: `The registry refused the login: check the password (or token) and username for ` +
                    `${context.loginRegistry}, and that the account may push to the repositories of the tags input. A tag ` +
                    'in another registry needs its own login before this step.'
            }
    },
    {
        // An HTTPS registry that BuildKit talked to over plain HTTP (its default for localhost and 127.0.0.1).
        pattern: /https?:\/\/[^\s"]+[^\n]*400 Bad Request|Client sent an HTTP request to an HTTPS server/i,
        transient: false,
        hint: (context, output) => {
            const host = /http:\/\/([^/\s"]+)/.exec(output)?.[1] ?? 'the registry';
            const listed = context.insecureRegistries.includes(host);
            return {
                title: 'HTTPS registry reached over HTTP',
                message: `BuildKit talked plain HTTP to ${host}, which serves HTTPS (400 Bad Request). ` +
                    (listed
                        ? `insecure-registries lists ${host} as plain HTTP: list it as https://${host} (or ${host}) to ` +
                            'keep HTTPS without verification, or give its CA with ca-certs instead.'
                        : `Give its CA with ca-certs (${host}=PEM or a path): that makes BuildKit use HTTPS for it, ` +
                            `even on localhost; or list https://${host} in insecure-registries to skip verification.`)
            };
        }
    },
    {
        // The builder's container stopped, or BuildKit died, in the middle of the build.
        pattern: /rpc error: code = \w+ desc = [^\n]*(EOF|connection reset|transport is closing)|no such container|error reading from server: EOF/i,
        transient: 'builder connection lost',
        hint: context => context.retries > 0
            ? undefined
            : {
                title: 'Builder lost',
                message: 'The connection to the builder was lost during the build: its container stopped or BuildKit ' +
                    'exited (out of memory, removed by a cleanup job, Docker restarted). With retries set ' +
                    '(e.g. retries: 2) the build is tried again and the builder started again.'
            }
    },
    {
        pattern: /unsupported request frontend\.(lint|outline|targets)|unsupported frontend capability moby\.buildkit\.frontend\.subrequests/i,
        transient: false,
        hint: {
            title: 'BuildKit too old for call',
            message: "The builder's BuildKit cannot evaluate the build this way (call: check, outline and targets need " +
                'BuildKit 0.15 or newer). Set buildkit-image to a newer BuildKit (e.g. moby/buildkit:buildx-stable-1), ' +
                'or leave call empty.'
        }
    },
    // Transient: another attempt may succeed.
    { pattern: /connection refused/i, transient: 'connection refused' },
    { pattern: /connection reset by peer/i, transient: 'connection reset' },
    { pattern: /broken pipe|unexpected EOF/i, transient: 'connection dropped' },
    {
        pattern: /i\/o timeout|TLS handshake timeout|context deadline exceeded|Client\.Timeout/i,
        transient: 'timeout'
    },
    {
        pattern: /\b(500|502|503|504) (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)/i,
        transient: 'registry server error'
    },
    { pattern: /\b429 Too Many Requests|toomanyrequests/i, transient: 'registry rate limit (429)' },
    {
        pattern: /failed to (push|fetch|copy|do request).*(EOF|reset|refused|timeout)/i,
        transient: 'network failure during push/pull'
    },
    {
        pattern: /error reading from server|transport is closing|failed to dial gRPC|connection error: desc/i,
        transient: 'builder connection lost'
    },
    {
        pattern: /error while booting|failed to bootstrap|timeout waiting for buildkitd/i,
        transient: 'builder start-up failed'
    }
];
/**
 * What an emulated process prints when QEMU itself fails it: known emulator bugs end in a segmentation
 * fault or an illegal instruction (`qemu: uncaught target signal 11 (Segmentation fault)`), a missing or
 * broken handler in `exec format error`. Matched against the output of a failed step that ran under
 * emulation (see run/timings.ts), not against the whole build output: natively the same words are the
 * program's own bug.
 */
const QEMU_CRASH = /segmentation fault|illegal instruction|exec format error|qemu: uncaught target signal/i;
/** For a build step that failed under emulation with one of the QEMU_CRASH messages. */
function emulatorCrashHint(platform, step) {
    return {
        title: `Emulator crash on ${platform}`,
        message: `${step} failed under QEMU emulation for ${platform} with an error typical of emulator bugs. Pin or ` +
            'update the emulator (qemu-image: a newer tonistiigi/binfmt release, or qemu: package for the ' +
            "runner's own QEMU), or cross-compile that step (FROM --platform=$BUILDPLATFORM, see docs/performance.md)."
    };
}
/** When most of the build's time went into RUN steps under emulation. */
function crossCompileHint(platforms, emulatedSeconds, share) {
    return {
        title: 'Emulated RUN steps dominate the build',
        message: `RUN steps under QEMU emulation (${platforms.join(', ')}) took ${emulatedSeconds.toFixed(1)} s, ` +
            `${Math.round(share * 100)}% of the build's step time. Cross-compiling is usually several times ` +
            'faster: run the toolchain in a FROM --platform=$BUILDPLATFORM stage and build for TARGETOS/' +
            'TARGETARCH (example in docs/performance.md).'
    };
}
/** Why the failure looks transient, or undefined when it must not be retried. */
function transientReason(output) {
    const matching = FAILURES.filter(f => f.pattern.test(output));
    if (matching.some(f => f.transient === false))
        return undefined;
    return matching.find(f => f.transient !== false)?.transient || undefined;
}
/** The hints for every known failure the output shows, worded for what the inputs set. */
function hintsFor(output, context = NOTHING_SET) {
    return FAILURES.flatMap(f => {
        if (!f.hint || !f.pattern.test(output))
            return [];
        const hint = typeof f.hint === 'function' ? f.hint(context, output) : f.hint;
        return hint ? [hint] : [];
    });
}
/** A command's output (stderr, then stdout); for anything else its message. */
function failureOutput(error) {
    return error instanceof runner/* CommandError */.Qd ? `${error.stderr}\n${error.stdout}` : undefined;
}
/** The retry classifier for buildx commands: a command whose output shows a transient failure. */
function buildxFailureReason(error) {
    const output = failureOutput(error);
    return output === undefined ? undefined : transientReason(output);
}

// EXTERNAL MODULE: ./lib/core/errors.js
var errors = __nccwpck_require__(3828);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/error.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
function getLineColFromPtr(string, ptr) {
    let lines = string.slice(0, ptr).split(/\r?\n/);
    return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column) {
    let lines = string.split(/\r?\n/);
    let codeblock = '';
    let numberLen = (Math.log10(line + 1) | 0) + 1;
    for (let i = line - 1; i <= line + 1; i++) {
        let l = lines[i - 1];
        if (!l)
            continue;
        codeblock += i.toString().padEnd(numberLen, ' ');
        codeblock += ':  ';
        codeblock += l;
        codeblock += '\n';
        if (i === line) {
            codeblock += ' '.repeat(numberLen + column + 2);
            codeblock += '^\n';
        }
    }
    return codeblock;
}
class error_TomlError extends Error {
    line;
    column;
    codeblock;
    constructor(message, options) {
        const [line, column] = getLineColFromPtr(options.toml, options.ptr);
        const codeblock = makeCodeBlock(options.toml, line, column);
        super(`Invalid TOML document: ${message}\n\n${codeblock}`, options);
        this.line = line;
        this.column = column;
        this.codeblock = codeblock;
    }
    /** @internal */
    static x(message, ctx, ptr) {
        throw new error_TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/primitive.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** @internal */
function parseString(ctx) {
    let startPtr = ctx.p;
    let c = ctx.s.charCodeAt(ctx.p++);
    let first = c;
    let isLiteral = c === 0x27; /* ' */
    let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
    if (isMultiline) {
        // Trim initial newline
        if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 0xa /* \n */)
            ctx.p++;
        else if (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */)
            ctx.p += 2;
    }
    // For the record: it is not worth it to use a fast-path for literal strings using `indexOf`.
    // Doing a char-by-char iteration ends up dispatching less instructions, for the same wall-clock runtime.
    let parsed = '';
    let sliceStart = ctx.p;
    // states:
    //   0 - decoding
    //   1 - decoding escape
    //   2 - whitespace escape (no newline encountered yet, must fail on non-whitespace)
    //   3 - whitespace escape (newline encountered, allowed to transition back to normal decode)
    let state = 0;
    for (; ctx.p < ctx.s.length; ctx.p++) {
        c = ctx.s.charCodeAt(ctx.p);
        // Deal with newlines first, since that simplifies control character checking and handling across all states
        if (isMultiline && (c === 0xa /* \n */ || (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */))) {
            state = state && 3;
        }
        // Control characters are banned in TOML, so we throw an error if we encounter them
        else if ((c < 0x20 && c !== 0x9 /* \t */) || c === 0x7f) {
            error_TomlError.x('control characters are not allowed in strings', ctx);
        }
        // The string might terminate while we're parsing through a newline escape.
        // It must have encountered a newline; otherwise, it'll simply fail in another branch.
        else if ((!state || state === 3) && c === first && (!isMultiline || (ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first))) {
            if (isMultiline) {
                // If the string ends with 4-5 quotes, then the first 1-2 are part of the string
                if (ctx.s.charCodeAt(ctx.p + 3) === first)
                    ctx.p++;
                if (ctx.s.charCodeAt(ctx.p + 3) === first)
                    ctx.p++;
            }
            // If we're in a newline escape still, then there's nothing to add.
            if (!state) {
                // Avoid a useless concat operation if the string can be used as-is.
                let s = ctx.s.slice(sliceStart, ctx.p);
                parsed = parsed ? parsed + s : s;
            }
            ctx.p += isMultiline ? 3 : 1;
            return parsed;
        }
        // Baseline state; keep moving forward unless an escape sequence starts
        else if (!state) {
            if (!isLiteral && c === 0x5c /* \ */) {
                parsed += ctx.s.slice(sliceStart, (sliceStart = ctx.p));
                state = 1;
            }
        }
        else if (state === 1) {
            if (c === 0x78 /* x */ || c === 0x75 /* u */ || c === 0x55 /* U */) { // Unicode escape
                let errPtr = ctx.p++ - 1;
                let value = 0;
                let len = c === 0x78 /* x */ ? 2 : c === 0x75 /* u */ ? 4 : 8;
                for (let j = 0; j < len; j++, ctx.p++) {
                    let hex = ctx.s.charCodeAt(ctx.p);
                    let digit = 
                    /* 0-9 */ hex >= 0x30 && hex <= 0x39 ? hex - 0x30 :
                        /* A-F */ hex >= 0x41 && hex <= 0x46 ? hex - 0x41 + 10 :
                            /* a-f */ hex >= 0x61 && hex <= 0x66 ? hex - 0x61 + 10 : -1;
                    if (digit < 0)
                        error_TomlError.x('invalid non-hex character in unicode escape', ctx);
                    value = (value << 4) | digit;
                }
                // Because JS does bitwise on signed 32bit integers, all 0xfzzzzzzz values are actually seen as negative
                if (value < 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
                    error_TomlError.x('invalid unicode escape', ctx, errPtr);
                }
                parsed += String.fromCodePoint(value);
                sliceStart = ctx.p--;
                state = 0;
            }
            // Newline escape sequence. We only need to care about spaces and tabs; newlines are dealt with earlier
            else if (isMultiline && (c === 0x20 || c === 0x9 /* \t */)) {
                state = 2;
            }
            // Basic escape sequence
            else {
                if (c === 0x62 /* b */)
                    parsed += '\b';
                else if (c === 0x74 /* t */)
                    parsed += '\t';
                else if (c === 0x6e /* n */)
                    parsed += '\n';
                else if (c === 0x66 /* f */)
                    parsed += '\f';
                else if (c === 0x72 /* r */)
                    parsed += '\r';
                else if (c === 0x65 /* e */)
                    parsed += '\x1b';
                else if (c === 0x22 /* " */)
                    parsed += '"';
                else if (c === 0x5c /* \ */)
                    parsed += '\\';
                else
                    error_TomlError.x('unrecognised escape sequence', ctx);
                sliceStart = ctx.p + 1;
                state = 0;
            }
        }
        // Newline escape continuation: keep moving forward until the first non-whitespace char
        else if (c !== 0x20 && c !== 0x9 /* \t */) {
            if (state === 2)
                error_TomlError.x('invalid escape: only line-ending whitespace may be escaped', ctx, sliceStart);
            // State cannot be zero, or we'd have branched earlier already.
            // If it's a backslash, immediately transition to the escape state so it can be processed.
            state = !isLiteral && c === 0x5c /* \ */ ? 1 : 0;
            sliceStart = ctx.p;
        }
    }
    error_TomlError.x('unfinished string', ctx, startPtr);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/date.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
let DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
class TomlDate extends Date {
    #hasDate = false;
    #hasTime = false;
    #offset = null;
    constructor(date, fasttype, unsafeDelim) {
        let hasDate = true;
        let hasTime = true;
        let offset = 'Z';
        let c;
        if (typeof date === 'string') {
            if (fasttype)
                prep: {
                    // Date-time
                    if (fasttype < 3) {
                        if (+date.slice(11, 13) > 23) {
                            date = '';
                            break prep;
                        }
                        // Local
                        if (fasttype === 2) {
                            offset = null;
                            date += 'Z';
                        }
                        // Offset; keep track of offset if not Z
                        else if ((c = date.charCodeAt(date.length - 1)) !== 0x5a /* Z */ && c !== 0x7a /* z */) {
                            offset = date.slice(date.length - 6);
                        }
                        if (unsafeDelim)
                            date = date.slice(0, 10) + 'T' + date.slice(11);
                    }
                    // Time
                    else if (fasttype === 4) {
                        date = +date.slice(0, 2) > 23 ? '' : `0000-01-01T${date}Z`;
                    }
                    hasDate = fasttype !== 4;
                    hasTime = fasttype !== 3;
                }
            else {
                let match = date.match(DATE_TIME_RE);
                if (match) {
                    if (!match[1]) {
                        hasDate = false;
                        date = `0000-01-01T${date}`;
                    }
                    hasTime = !!match[2];
                    // Make sure to use T instead of a space. Breaks in case of extreme values otherwise.
                    hasTime && date[10] === ' ' && (date = date.replace(' ', 'T'));
                    // Do not allow rollover hours.
                    if (match[2] && +match[2] > 23) {
                        date = '';
                    }
                    else {
                        offset = match[3] || null;
                        if (!offset && hasTime)
                            date += 'Z';
                    }
                }
                else {
                    date = '';
                }
            }
        }
        super(date);
        if (!isNaN(this.getTime())) {
            this.#hasDate = hasDate;
            this.#hasTime = hasTime;
            this.#offset = offset;
        }
    }
    isDateTime() {
        return this.#hasDate && this.#hasTime;
    }
    isLocal() {
        return !this.#hasDate || !this.#hasTime || !this.#offset;
    }
    isDate() {
        return this.#hasDate && !this.#hasTime;
    }
    isTime() {
        return this.#hasTime && !this.#hasDate;
    }
    isValid() {
        return this.#hasDate || this.#hasTime;
    }
    toISOString() {
        let iso = super.toISOString();
        // Local Date
        if (this.isDate())
            return iso.slice(0, 10);
        // Local Time
        if (this.isTime())
            return iso.slice(11, 23);
        // Local DateTime
        if (this.#offset === null)
            return iso.slice(0, -1);
        // Offset DateTime
        if (this.#offset === 'Z' || this.#offset === 'z')
            return iso;
        // This part is quite annoying: JS strips the original timezone from the ISO string representation
        // Instead of using a "modified" date and "Z", we restore the representation "as authored"
        let offset = (+(this.#offset.slice(1, 3)) * 60) + +(this.#offset.slice(4, 6));
        offset = this.#offset[0] === '-' ? offset : -offset;
        let offsetDate = new Date(this.getTime() - (offset * 60e3));
        return offsetDate.toISOString().slice(0, -1) + this.#offset;
    }
    static wrapAsOffsetDateTime(jsDate, offset = 'Z') {
        let date = new TomlDate(jsDate);
        date.#offset = offset;
        return date;
    }
    static wrapAsLocalDateTime(jsDate) {
        let date = new TomlDate(jsDate);
        date.#offset = null;
        return date;
    }
    static wrapAsLocalDate(jsDate) {
        let date = new TomlDate(jsDate);
        date.#hasTime = false;
        date.#offset = null;
        return date;
    }
    static wrapAsLocalTime(jsDate) {
        let date = new TomlDate(jsDate);
        date.#hasDate = false;
        date.#offset = null;
        return date;
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/extract.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




function isDigit(char, base = 10) {
    return base === 16
        ? (char > 0x2f && char < 0x3a) || (char > 0x40 && char < 0x47) || (char > 0x60 && char < 0x67)
        : (char > 0x2f && char < 0x30 + base);
}
function isEndOfValue(char, delim) {
    // Whitespace -- we're permissive on `\r` for performance; it'll be dealt with later anyway
    return char === 0x20 || char === 0x9 /* \t */ || char === 0xa /* \n */ || char === 0xd /* \r */ ||
        // Structure end or next value delimiter
        (delim && (char === delim || char === 0x2c /* , */)) ||
        // Comment
        char === 0x23; /* # */
}
/** @internal */
function extractValue(ctx, end) {
    let errPtr = ctx.p;
    let c = ctx.s.charCodeAt(ctx.p);
    // Structs
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
        ctx.d-- || error_TomlError.x('document contains excessively nested structures. aborting.', ctx);
        let value = c === 0x5b /* [ */
            ? parseArray(ctx)
            : parseInlineTable(ctx);
        ctx.d++;
        return value;
    }
    // Strings
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        return parseString(ctx);
    }
    // Booleans
    // We can fast-path because the first character is enough to know the only possible value
    if (c === 0x74 /* t */) { // Only possible valid value is `true`
        if (ctx.s.charCodeAt(++ctx.p) !== 0x72 || ctx.s.charCodeAt(++ctx.p) !== 0x75 || ctx.s.charCodeAt(++ctx.p) !== 0x65)
            error_TomlError.x('invalid value', ctx, errPtr);
        return ctx.p++, true;
    }
    if (c === 0x66 /* f */) { // Only possible valid value is `false`
        if (ctx.s.charCodeAt(++ctx.p) !== 0x61 || ctx.s.charCodeAt(++ctx.p) !== 0x6c || ctx.s.charCodeAt(++ctx.p) !== 0x73 || ctx.s.charCodeAt(++ctx.p) !== 0x65)
            error_TomlError.x('invalid value', ctx, errPtr);
        return ctx.p++, false;
    }
    if (c === 0x2b /* + */ || c === 0x2d /* - */) {
        return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 0x2c - c, end);
    }
    // Rough heuristic, but `parseDate` falls back to number parsing if it's a false positive.
    // e.g.: `a = 1\n-------------- = 1` would match this heuristic, but gracefully fallback to numbers.
    if (ctx.s.charCodeAt(ctx.p + 4) === 0x2d /* - */ && ctx.s.charCodeAt(ctx.p + 7) === 0x2d /* - */) {
        return parseDate(ctx, c, end);
    }
    // Same logic as above; `parseTime` falls back to number parsing if it's a false positive.
    if (ctx.s.charCodeAt(ctx.p + 2) === 0x3a /* : */) {
        return parseTime(ctx, c, end);
    }
    return parseNumber(ctx, ctx.p, c, 0, end);
}
// State:
// 0: init
// 1: integer
// 2: fractional dot
// 3: fractional
// 4: exponent letter
// 5: exponent
// 6: exponent sign
// 7: exponent with sign
// >9: underscore; see below
//     -> 12: was integer
//     -> 14: was fractional
//     -> 16: was exponent
// states 2-5, 14, 16 are ONLY permitted iif base === 10
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
    let c = startChr;
    let state = 0;
    let hasUnderscores = false;
    // (+/-)inf
    if (c === 0x69 /* i */) {
        if (ctx.s.charCodeAt(++ctx.p) !== 0x6e || ctx.s.charCodeAt(++ctx.p) !== 0x66)
            error_TomlError.x('invalid value', ctx, startPtr);
        return ctx.p++, (sign || 1) / 0;
    }
    // (+/-)nan
    if (c === 0x6e /* n */) {
        if (ctx.s.charCodeAt(++ctx.p) !== 0x61 || ctx.s.charCodeAt(++ctx.p) !== 0x6e)
            error_TomlError.x('invalid value', ctx, startPtr);
        return ctx.p++, NaN;
    }
    // Leading zero
    // Only allowed cases: `0<EOV>`, `0.(...)`, `0e(...)`, `0x(...)`, `0b(...)`, `0o(...)`
    // FWIW, `0e(...)` is a stupid case, but it's not banned per-se so we have to parse it
    if (c === 0x30 /* 0 */) {
        if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
            return ctx.bi === true ? 0n : 0; // note: conveniently deals with `-0`
        if (!sign) {
            if (c === 0x78 /* x */)
                return parseIntegerBaseN(ctx, startPtr, 16, endChr);
            else if (c === 0x62 /* b */)
                return parseIntegerBaseN(ctx, startPtr, 2, endChr);
            else if (c === 0x6f /* o */)
                return parseIntegerBaseN(ctx, startPtr, 8, endChr);
        }
        if (c === 0x2e /* . */)
            state = 2;
        else if (c === 0x65 /* e */ || c === 0x45 /* E */)
            state = 4;
        else
            error_TomlError.x('illegal leading zero', ctx, startPtr);
    }
    // If the 1st char is not a digit by now, then it's not a valid TOML value at all
    else if (!isDigit(c))
        error_TomlError.x('invalid value', ctx, startPtr);
    while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
        if (!state)
            state = 1; // Detects single-digit numbers we can use a fast parse path for
        // The way the states are numbered is not random: underscores are always permitted in odd-numbered states and
        // never permitted in even-numbered ones.
        if (c === 0x5f /* _ */) {
            if (!(state & 1))
                error_TomlError.x('illegal underscore', ctx);
            state += 11; // 11 is a marker that makes the state even and greater than 9; see the numbering + rationale above
            hasUnderscores = true;
        }
        // Transition to fractional part.
        else if (state === 1 && c === 0x2e /* . */)
            state = 2;
        // Transition to exponent part.
        else if ((state === 1 || state === 3) && (c === 0x65 /* e */ || c === 0x45 /* E */))
            state = 4;
        // + and - are permitted in state 4 only (handled before entering the function for state 0)
        else if (state === 4 && (c === 0x2b /* + */ || c === 0x2d /* - */)) {
            state = 6;
        }
        // All special cases have been handled; only digits are allowed here
        else if (!isDigit(c))
            error_TomlError.x(`illegal character in numeric literal`, ctx);
        // Clear state flags
        else if (state > 9)
            state -= 11;
        else if (!(state & 1))
            state++;
    }
    // Single-char number; we can fast-path these very easily.
    if (!state) {
        let val = (startChr - 0x30 /* 0 */) * (sign || 1);
        return ctx.bi === true ? BigInt(val) : val;
    }
    // Even-numbered states absolutely require a digit next; not even end of value is permitted
    if (!(state & 1))
        error_TomlError.x('unfinished numeric value', ctx, startPtr);
    let str = ctx.s.slice(startPtr, ctx.p);
    if (hasUnderscores)
        str = str.replaceAll('_', ''); // perf: replaceAll 1.25x faster than replace with a regex
    return state > 1
        ? parseFloat(str)
        : parseInteger(ctx, str, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
    let c, underscore = 1;
    while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
        if (c === 0x5f /* _ */) {
            if (underscore & 1)
                error_TomlError.x('illegal underscore', ctx);
            underscore = 3;
        }
        // We only need to check if the number is a valid digit, nothing else is permitted
        else if (!isDigit(c, base))
            error_TomlError.x(`illegal character in numeric literal`, ctx);
        // Clear underscore flag
        else if (underscore & 1)
            underscore--;
    }
    // Trailing underscore is not allowed
    if (underscore & 1)
        error_TomlError.x('unfinished numeric value', ctx);
    let str = ctx.s.slice(startPtr + 2, ctx.p);
    if (underscore)
        str = str.replaceAll('_', ''); // perf: replaceAll 1.25x faster than replace with a regex
    return parseInteger(ctx, str, base, startPtr);
}
function parseInteger(ctx, str, base, startPtr) {
    if (ctx.bi !== true)
        int: {
            let val = parseInt(str, base);
            if (!Number.isSafeInteger(val)) {
                if (ctx.bi)
                    break int;
                error_TomlError.x('integer value cannot be represented losslessly', ctx, startPtr);
            }
            return val;
        }
    return base === 10 ? BigInt(str) : BigInt((base === 2 ? '0b' : base === 8 ? '0o' : '0x') + str);
}
function parseDate(ctx, c, endChr) {
    let startPtr = ctx.p++, unsafeSeparator;
    if (!isDigit(c) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++)) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++)) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++))) {
        return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
    }
    ctx.p += 5;
    if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
        error_TomlError.x('invalid date-time: date part is malformed', ctx, startPtr);
    if (ctx.p >= ctx.s.length || (((c = ctx.s.charCodeAt(ctx.p)) !== 0x20 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 0x54 /* T */ && c !== 0x74 /* t */)) {
        let t = ctx.s.slice(startPtr, ctx.p);
        return readDate(ctx, t, 3, false, startPtr);
    }
    if (ctx.s.charCodeAt(ctx.p += 3) !== 0x3a /* : */)
        error_TomlError.x('invalid date-time: time part is malformed', ctx, startPtr);
    if (ctx.s.charCodeAt(ctx.p += 3) === 0x3a /* : */)
        ctx.p += 3;
    if (ctx.s.charCodeAt(ctx.p) === 0x2e /* . */)
        while (isDigit(ctx.s.charCodeAt(++ctx.p)))
            ;
    if (c = ctx.s.charCodeAt(ctx.p)) {
        if (c === 0x5a /* Z */ || c === 0x7a /* z */) {
            let t = ctx.s.slice(startPtr, ++ctx.p);
            return readDate(ctx, t, 1, unsafeSeparator, startPtr, '[+00:00]');
        }
        if (c === 0x2b /* + */ || c === 0x2d /* - */) {
            // Temporal's ZonedDateTime is weird asf when it comes to dealing with traditional offsets...
            // It's 1.2x faster to allocate a new string to pass to ZDT than use Instant.toZonedDateTimeISO
            let t = ctx.s.slice(startPtr, ctx.p += 6);
            return readDate(ctx, t, 1, unsafeSeparator, startPtr, !ctx.ld && ('[' + ctx.s.slice(ctx.p - 6, ctx.p) + ']'));
        }
    }
    let t = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
    let start = ctx.p;
    if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
        return parseNumber(ctx, --ctx.p, c, 0, endChr);
    }
    if (ctx.s.charCodeAt(ctx.p += 4) === 0x3a /* : */)
        ctx.p += 3;
    if (ctx.s.charCodeAt(ctx.p) === 0x2e /* . */)
        while (isDigit(ctx.s.charCodeAt(++ctx.p)))
            ;
    let t = ctx.s.slice(start, ctx.p);
    return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str, type, unsafeDelim, errPtr, temporalSuffix) {
    if (ctx.ld) {
        let date = new TomlDate(str, type, unsafeDelim);
        if (!date.isValid())
            error_TomlError.x('invalid date', ctx, errPtr);
        return date;
    }
    try {
        if (temporalSuffix)
            str += temporalSuffix;
        switch (type) {
            case 1: return Temporal.ZonedDateTime.from(str);
            case 2: return Temporal.PlainDateTime.from(str);
            case 3: return Temporal.PlainDate.from(str);
            case 4: return Temporal.PlainTime.from(str);
        }
    }
    catch (e) {
        error_TomlError.x(e instanceof Error ? e.message : '' + e, ctx, errPtr);
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/util.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** @internal */
function skipComment(ctx) {
    for (; ctx.p < ctx.s.length; ctx.p++) {
        let c = ctx.s.charCodeAt(ctx.p);
        if (c === 0xa /* \n */)
            break;
        if (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */) {
            ctx.p++;
            break;
        }
        if ((c < 0x20 && c !== 0x9 /* \t */) || c === 0x7f) {
            error_TomlError.x('control characters are not allowed in comments', ctx);
        }
    }
}
/** @internal */
function skipVoid(ctx, banNewLines, banComments) {
    let c;
    while (ctx.p < ctx.s.length) {
        while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 0x20 ||
            c === 0x9 /* \t */ ||
            (!banNewLines &&
                (c === 0xa /* \n */ || (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */)))))
            ctx.p++;
        if (banComments || c !== 0x23 /* # */)
            break;
        skipComment(ctx);
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/struct.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




/** @internal */
function parseKey(ctx, end = 0x3d /* = */) {
    // States:
    // 0: before first char
    // 1: parsing bare key
    // 2: after key component
    let startPtr;
    let state = 0;
    let parsed = [];
    let sliceStart;
    let c = ctx.s.charCodeAt(startPtr = ctx.p);
    do {
        // End of key
        if (c === end) {
            if (!state)
                error_TomlError.x('unexpected end of key', ctx);
            if (state === 1)
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
            return ctx.p++, parsed;
        }
        // Dotted key separator
        else if (c === 0x2e /* . */) {
            if (!state)
                error_TomlError.x('illegal empty bare key', ctx);
            if (state === 1)
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
            state = 0;
        }
        // Quoted key
        else if (!state && (c === 0x22 /* " */ || c === 0x27 /* ' */)) {
            if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
                error_TomlError.x('illegal quoted key: multiline strings are not allowed', ctx);
            parsed.push(parseString(ctx));
            state = 2;
            ctx.p--;
        }
        // Whitespace; no-op in state 0 and 2, end of bare key in state 1
        else if (c === 0x20 || c === 0x9 /* \t */) {
            if (state === 1) {
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
                state = 2;
            }
        }
        // If state is post-key, no character is allowed; otherwise ensure it's a bare-key component
        else if (state === 2 || (c < 0x30 && c !== 0x2d /* - */) || (c > 0x39 && c < 0x41) || (c > 0x5a && c < 0x61 && c !== 0x5f /* _ */) || c > 0x7a) {
            error_TomlError.x('illegal character in key', ctx);
        }
        // Illegal character
        else if (!state) {
            state = 1;
            sliceStart = ctx.p;
        }
    } while (c = ctx.s.charCodeAt(++ctx.p));
    error_TomlError.x('incomplete key-value: cannot find end of key', ctx, startPtr);
}
/** @internal */
function parseInlineTable(ctx) {
    let startPtr = ctx.p++;
    let res = Object.create(null);
    let seen = new Set();
    let c;
    while (ctx.p < ctx.s.length) {
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p)) === 0x7d /* } */) {
            ctx.p++;
            return res;
        }
        let k;
        let t = res;
        let hasOwn = false;
        let errPtr = ctx.p;
        let key = parseKey(ctx);
        for (let i = 0; i < key.length; i++) {
            if (i)
                t = hasOwn ? t[k] : (t[k] = Object.create(null));
            k = key[i];
            if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== 'object' || seen.has(t[k]))) {
                error_TomlError.x('trying to redefine an already defined value', ctx, errPtr);
            }
            let unsafe = k === '__proto__';
            if (ctx.uk && (unsafe || k === 'constructor')) {
                t = ctx.uk !== 1 && error_TomlError.x('document contains an unsafe property', ctx, errPtr);
                break;
            }
            if (!hasOwn && unsafe) {
                Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
            }
        }
        if (hasOwn) {
            error_TomlError.x('trying to redefine an already defined value', ctx, errPtr);
        }
        skipVoid(ctx, true, true);
        let value = extractValue(ctx, 0x7d /* } */);
        if (t && typeof (t[k] = value) === 'object')
            seen.add(value);
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p++)) === 0x7d /* } */) {
            return res;
        }
        if (c !== 0x2c /* , */)
            error_TomlError.x('expected comma or end of structure', ctx, ctx.p - 1);
    }
    error_TomlError.x('unfinished table', ctx, startPtr);
}
/** @internal */
function parseArray(ctx) {
    let startPtr = ctx.p++;
    let res = [];
    let c;
    while (ctx.p < ctx.s.length) {
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p)) === 0x5d /* ] */) {
            ctx.p++;
            return res;
        }
        res.push(extractValue(ctx, 0x5d /* ] */));
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p++)) === 0x5d /* ] */) {
            return res;
        }
        if (c !== 0x2c /* , */)
            error_TomlError.x('expected comma or end of structure', ctx, ctx.p - 1);
    }
    error_TomlError.x('unfinished array', ctx, startPtr);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/parse.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




function peekTable(ctx, key, table, meta, type) {
    let t = table;
    let m = meta;
    let k;
    let hasOwn = false;
    let state;
    for (let i = 0; i < key.length; i++) {
        if (i) {
            t = hasOwn ? t[k] : (t[k] = Object.create(null));
            m = (state = m[k]).c;
            if (type === 0 /* Type.DOTTED */ && (state.t === 1 /* Type.EXPLICIT */ || state.t === 2 /* Type.ARRAY */)) {
                return null;
            }
            if (state.t === 2 /* Type.ARRAY */) {
                let l = t.length - 1;
                t = t[l];
                m = m[l].c;
            }
        }
        k = key[i];
        if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 /* Type.DOTTED */ && m[k]?.d) {
            return null;
        }
        if (!hasOwn) {
            let unsafe = k === '__proto__';
            if (ctx.uk && (unsafe || k === 'constructor'))
                return false;
            if (unsafe) {
                Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
                Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
            }
            m[k] = {
                t: i < key.length - 1 && type === 2 /* Type.ARRAY */
                    ? 3 /* Type.ARRAY_DOTTED */ : type,
                d: false,
                i: 0,
                c: Object.create(null),
            };
        }
    }
    state = m[k];
    if (state.t !== type && !(type === 1 /* Type.EXPLICIT */ && state.t === 3 /* Type.ARRAY_DOTTED */)) {
        // Bad key type!
        return null;
    }
    if (type === 2 /* Type.ARRAY */) {
        if (!state.d) {
            state.d = true;
            t[k] = [];
        }
        t[k].push(t = Object.create(null));
        state.c[state.i++] = (state = { t: 1 /* Type.EXPLICIT */, d: false, i: 0, c: Object.create(null) });
    }
    if (state.d) {
        // Redefining a table!
        return null;
    }
    state.d = true;
    if (type === 1 /* Type.EXPLICIT */) {
        t = hasOwn ? t[k] : (t[k] = Object.create(null));
    }
    else if (type === 0 /* Type.DOTTED */ && hasOwn) {
        return null;
    }
    return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
    if (peek === null || ctx.uk === 2)
        error_TomlError.x(peek === null
            ? 'trying to redefine an already defined table or value'
            : 'document contains an unsafe property', ctx, ptr);
}
function parse_parse(toml, options = {}) {
    let ctx = {
        s: toml,
        p: 0,
        d: options.maxDepth ?? 1000,
        bi: options.integersAsBigInt ?? false,
        ld: options.useLegacyDate ?? true,
        uk: options.unsafeKeyBehaviour === 'throw' ? 2 : options.unsafeKeyBehaviour === 'drop' ? 1 : 0,
    };
    let res = Object.create(null);
    let meta = Object.create(null);
    let tmp;
    let skipping = false;
    let tbl = res;
    let m = meta;
    // BOM is allowed, skip.
    // JS is UTF-16, so we have to check for the UTF-16 BOM instead of the UTF-8 BOM sequence!
    if (toml.charCodeAt(0) === 0xfeff)
        ctx.p++;
    skipVoid(ctx);
    while (ctx.p < toml.length) {
        if (toml.charCodeAt(ctx.p) === 0x5b /* [ */) {
            let isTableArray = toml.charCodeAt(++ctx.p) === 0x5b; /* [ */
            tmp = ctx.p += +isTableArray;
            skipping = false;
            let k = parseKey(ctx, 0x5d /* ] */);
            if (isTableArray) {
                if (toml.charCodeAt(ctx.p) !== 0x5d /* ] */) {
                    error_TomlError.x('expected end of table array declaration', ctx);
                }
                ctx.p++;
            }
            let p = peekTable(ctx, k, res, meta, isTableArray ? 2 /* Type.ARRAY */ : 1 /* Type.EXPLICIT */);
            if (!p) {
                validateTablePeek(ctx, p, tmp);
                skipping = true;
            }
            else {
                m = p[2];
                tbl = p[1];
            }
        }
        else {
            tmp = ctx.p;
            let k = parseKey(ctx);
            let p = peekTable(ctx, k, tbl, m, 0 /* Type.DOTTED */);
            if (!p && !skipping)
                validateTablePeek(ctx, p, tmp);
            skipVoid(ctx, true, true);
            let v = extractValue(ctx, void 0);
            if (p && !skipping)
                p[1][p[0]] = v;
        }
        skipVoid(ctx, true);
        if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 0xa /* \n */ && (tmp !== 0xd /* \r */ || toml.charCodeAt(ctx.p + 1) !== 0xa /* \n */)) {
            error_TomlError.x('each key-value declaration must be followed by an end-of-line', ctx);
        }
        skipVoid(ctx);
    }
    return res;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/stringify.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
let BARE_KEY = /^[a-z0-9-_]+$/i;
let HAS_WELLFORMED = !!(''.isWellFormed);
function extendedTypeOf(obj) {
    let type = typeof obj;
    if (type === 'object') {
        if (Array.isArray(obj))
            return 'array';
        if (typeof obj.getUTCDate === 'function' && obj instanceof Date)
            return 'date';
        if (globalThis.Temporal) {
            if (obj.until) {
                if (obj instanceof Temporal.ZonedDateTime)
                    return 'temporal/tz+uc';
                if (obj instanceof Temporal.PlainDateTime || obj instanceof Temporal.PlainDate)
                    return 'temporal/uc';
                if (obj instanceof Temporal.PlainTime || obj instanceof Temporal.Instant)
                    return 'temporal';
                if (obj instanceof Temporal.PlainYearMonth)
                    return 'temporal/x';
            }
            else if ((obj.toPlainDate && obj instanceof Temporal.PlainMonthDay) ||
                (obj.negated && obj instanceof Temporal.Duration)) {
                return 'temporal/x';
            }
        }
    }
    return type;
}
function isArrayOfTables(obj) {
    for (let i = 0; i < obj.length; i++) {
        if (extendedTypeOf(obj[i]) !== 'object')
            return false;
    }
    return obj.length != 0;
}
function formatWellFormedStringUnchecked(s) {
    return JSON.stringify(s).replaceAll('\x7f', '\\u007f');
}
function formatString(s) {
    return formatWellFormedStringUnchecked(HAS_WELLFORMED ? s.toWellFormed() : s);
}
function formatKey(s) {
    if (BARE_KEY.test(s))
        return s;
    if (HAS_WELLFORMED && !s.isWellFormed())
        throw new RangeError('key contains illegal lone surrogates');
    return formatWellFormedStringUnchecked(s);
}
function stringifyValue(val, type, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    switch (type) {
        // @ts-expect-error -- intentional fallthrough case
        case 'number':
            if (isNaN(val))
                return 'nan';
            if (val === Infinity)
                return 'inf';
            if (val === -Infinity)
                return '-inf';
            if (Number.isInteger(val) && (numberAsFloat || !Number.isSafeInteger(val)))
                return val.toFixed(1);
        case 'bigint':
        case 'boolean':
        case 'temporal':
            return val.toString();
        case 'string':
            return formatString(val);
        case 'date':
            if (isNaN(val.getTime()))
                throw new TypeError('cannot serialize invalid date');
            return val.toISOString();
        case 'object':
            return stringifyInlineTable(val, depth, numberAsFloat, strictTemporal);
        case 'array':
            return stringifyArray(val, depth, numberAsFloat, strictTemporal);
        // @ts-expect-error -- intentional fallthrough case
        case 'temporal/tz+uc':
            if (strictTemporal) {
                let tz = val.timeZoneId;
                let tzc = tz.charCodeAt(0);
                if (
                // Classic offset
                tzc !== 0x2b /* + */ && tzc !== 0x2d /* - */ &&
                    (
                    // Fast pre-check pass; see below for the actually accepted values
                    (tzc !== 0x55 /* U */ && tzc !== 0x47 /* G */ && tzc !== 0x5a /* Z */ && tzc !== 0x45 /* E */) ||
                        (
                        // UTC and its aliases; Temporal implementations don't all canonicalise unfortunately
                        tz !== 'UTC' && tz !== 'UCT' && tz !== 'Universal' && tz !== 'Zulu' &&
                            // GMT is a TZ but it's for all intents and purposes equivalent to UTC. Safe to downgrade.
                            !tz.startsWith('GMT') && tz !== 'Greenwich' &&
                            // Etc/* are all safe to downgrade to offset (either UTC, GMT, or offset)
                            !tz.startsWith('Etc/')))) {
                    throw new TypeError('Temporal objects with an IANA timezone are not allowed in Temporal strict mode');
                }
            }
        case 'temporal/uc':
            if (strictTemporal && val.calendarId !== 'iso8601')
                throw new TypeError('Temporal objects with a non-default calendar are not allowed in Temporal strict mode');
            return val.toString({
                calendarName: 'never',
                timeZoneName: 'never',
            });
        case 'temporal/x':
            throw new TypeError('Unsupported ' + val[Symbol.toStringTag]);
    }
}
function stringifyInlineTable(obj, depth, numberAsFloat, strictTemporal) {
    let keys = Object.keys(obj);
    if (keys.length === 0)
        return '{}';
    let res = '{ ';
    for (let i = 0; i < keys.length; i++) {
        let k = keys[i];
        if (i)
            res += ', ';
        res += formatKey(k) + ' = ' + stringifyValue(obj[k], extendedTypeOf(obj[k]), depth - 1, numberAsFloat, strictTemporal);
    }
    return res + ' }';
}
function stringifyArray(array, depth, numberAsFloat, strictTemporal) {
    if (array.length === 0)
        return '[]';
    let res = '[ ';
    for (let i = 0; i < array.length; i++) {
        if (i)
            res += ', ';
        if (array[i] === null || array[i] === void 0) {
            throw new TypeError('arrays cannot contain null or undefined values');
        }
        res += stringifyValue(array[i], extendedTypeOf(array[i]), depth - 1, numberAsFloat, strictTemporal);
    }
    return res + ' ]';
}
function stringifyArrayTable(array, key, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    let res = '';
    for (let i = 0; i < array.length; i++) {
        res += `${res && '\n'}[[${key}]]\n`;
        res += stringifyTable(0, array[i], key, depth, numberAsFloat, strictTemporal);
    }
    return res;
}
function stringifyTable(tableKey, obj, prefix, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    let preamble = '';
    let tables = '';
    let keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
        let k = keys[i];
        if (obj[k] !== null && obj[k] !== void 0) {
            let type = extendedTypeOf(obj[k]);
            if (type === 'symbol' || type === 'function') {
                throw new TypeError(`cannot serialize values of type '${type}'`);
            }
            let key = formatKey(k);
            if (type === 'array' && isArrayOfTables(obj[k])) {
                tables += (tables && '\n') + stringifyArrayTable(obj[k], prefix ? `${prefix}.${key}` : key, depth - 1, numberAsFloat, strictTemporal);
            }
            else if (type === 'object') {
                let tblKey = prefix ? `${prefix}.${key}` : key;
                tables += (tables && '\n') + stringifyTable(tblKey, obj[k], tblKey, depth - 1, numberAsFloat, strictTemporal);
            }
            else {
                preamble += key;
                preamble += ' = ';
                preamble += stringifyValue(obj[k], type, depth, numberAsFloat, strictTemporal);
                preamble += '\n';
            }
        }
    }
    if (tableKey && (preamble || !tables)) // Create table only if necessary
        preamble = preamble ? `[${tableKey}]\n${preamble}` : `[${tableKey}]`;
    return preamble && tables
        ? `${preamble}\n${tables}`
        : preamble || tables;
}
function stringify_stringify(obj, { maxDepth = 1000, numbersAsFloat = false, strictTemporal = false } = {}) {
    if (extendedTypeOf(obj) !== 'object') {
        throw new TypeError('stringify can only be called with an object');
    }
    let str = stringifyTable(0, obj, '', maxDepth, numbersAsFloat, strictTemporal);
    if (str[str.length - 1] !== '\n')
        return str + '\n';
    return str;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/index.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */





/** @deprecated use `import * as ... from 'smol-toml'` instead */
/* harmony default export */ const dist = ({ parse: parse_parse, stringify: stringify_stringify, TomlDate: TomlDate, TomlError: error_TomlError });

// EXTERNAL MODULE: ./lib/buildkitd/registry-name.js
var registry_name = __nccwpck_require__(4213);
;// CONCATENATED MODULE: ./lib/buildkitd/toml.js
/**
 * The buildkitd.toml the action hands to `docker buildx create --buildkitd-config`: a table generated from
 * the action's inputs (insecure-registries, ca-certs, registry-mirrors), merged with the user's own TOML
 * and rendered with smol-toml. No TOML is ever assembled from strings: user values are inert data.
 */


/**
 * Builds the registry part of buildkitd.toml from the action's inputs:
 * - insecure http://host => `http = true`; insecure host (HTTPS, unverified) => `insecure = true`;
 * - CA files => `ca = [...]`;
 * - mirrors => `mirrors = ["host:port", ...]` on the mirrored registry, plus `http = true` on each mirror
 *   given as http://;
 * - a loopback host (localhost, 127.x, ::1) that must be reached over HTTPS (it has a CA, or is listed as
 *   insecure without http://) gets an explicit `http = false`, since BuildKit would otherwise use plain HTTP.
 *   A loopback mirror given without a scheme keeps BuildKit's default (plain HTTP).
 * Throws when one host is asked for both plain HTTP and HTTPS (e.g. http:// in insecure-registries and a CA
 * in ca-certs). Returns {} when there is nothing to configure.
 */
function generateBuildkitdConfig(options) {
    const plans = new Map();
    const plan = (host) => {
        let found = plans.get(host);
        if (!found) {
            found = { mirrors: [], plainHttpFrom: new Set(), httpsFrom: new Set(), insecure: false, ca: [] };
            plans.set(host, found);
        }
        return found;
    };
    for (const registry of options.insecureRegistries) {
        const entry = plan(registry.host);
        if (registry.http) {
            entry.plainHttpFrom.add('insecure-registries');
        }
        else {
            entry.insecure = true;
            entry.httpsFrom.add('insecure-registries');
        }
    }
    for (const [host, paths] of options.caFiles) {
        if (paths.length === 0)
            continue;
        const entry = plan(host);
        for (const path of paths)
            if (!entry.ca.includes(path))
                entry.ca.push(path);
        entry.httpsFrom.add('ca-certs');
    }
    for (const [registry, mirrors] of options.mirrors) {
        if (mirrors.length === 0)
            continue;
        const entry = plan(registry);
        for (const mirror of mirrors) {
            if (!entry.mirrors.includes(mirror.host))
                entry.mirrors.push(mirror.host);
            if (mirror.http)
                plan(mirror.host).plainHttpFrom.add('registry-mirrors');
        }
    }
    const registries = {};
    for (const host of [...plans.keys()].sort()) {
        const entry = plans.get(host);
        if (!entry)
            continue;
        if (entry.plainHttpFrom.size > 0 && entry.httpsFrom.size > 0) {
            const httpInputs = [...entry.plainHttpFrom].join(' and ');
            const httpsInputs = [...entry.httpsFrom].join(' and ');
            const why = entry.httpsFrom.has('ca-certs')
                ? `but ${httpsInputs} ${entry.httpsFrom.size > 1 ? 'require' : 'requires'} HTTPS (a CA certificate is only used over HTTPS)`
                : `but ${httpsInputs} lists it without http://, which means HTTPS`;
            const inputs = [...new Set([...entry.plainHttpFrom, ...entry.httpsFrom])].join(', ');
            throw new Error(`${inputs}: ${JSON.stringify(host)} is given as http:// (plain HTTP) in ${httpInputs} ${why}; ` +
                'list the host one way only');
        }
        const table = {};
        if (entry.mirrors.length > 0)
            table.mirrors = [...entry.mirrors];
        if (entry.plainHttpFrom.size > 0)
            table.http = true;
        else if (entry.httpsFrom.size > 0 && isLoopbackHost(host))
            table.http = false;
        if (entry.insecure)
            table.insecure = true;
        if (entry.ca.length > 0)
            table.ca = [...entry.ca];
        if (Object.keys(table).length > 0)
            registries[host] = table;
    }
    return Object.keys(registries).length > 0 ? { registry: registries } : {};
}
function isTable(value) {
    if (typeof value !== 'object' || Array.isArray(value))
        return false;
    const prototype = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
}
function valuesEqual(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) {
        return (Array.isArray(a) &&
            Array.isArray(b) &&
            a.length === b.length &&
            a.every((x, i) => valuesEqual(x, b[i])));
    }
    if (isTable(a) || isTable(b)) {
        if (!isTable(a) || !isTable(b))
            return false;
        const keys = Object.keys(a);
        return (keys.length === Object.keys(b).length &&
            keys.every(key => Object.hasOwn(b, key) && valuesEqual(a[key], b[key])));
    }
    if (typeof a === 'object' && typeof b === 'object') {
        // Dates (TomlDate keeps local/offset forms apart in its ISO rendering).
        return a.constructor === b.constructor && a.toISOString() === b.toISOString();
    }
    return Object.is(a, b);
}
const toml_BARE_KEY = /^[A-Za-z0-9_-]+$/;
function formatKeyPath(path) {
    return path.map(key => (toml_BARE_KEY.test(key) ? key : JSON.stringify(key))).join('.');
}
function describeValue(value) {
    if (isTable(value))
        return 'a table';
    if (Array.isArray(value))
        return `[${value.map(describeValue).join(', ')}]`;
    if (typeof value === 'string')
        return JSON.stringify(value);
    if (typeof value === 'object')
        return value.toISOString();
    return String(value);
}
/** A deep copy into plain null-prototype objects, so no key (not even '__proto__') can reach a prototype. */
function copyValue(value) {
    if (Array.isArray(value))
        return value.map(copyValue);
    if (isTable(value)) {
        const copy = Object.create(null);
        for (const [key, inner] of Object.entries(value))
            copy[key] = copyValue(inner);
        return copy;
    }
    return value;
}
/**
 * Deep-merges the tables of several sources into a new table (the inputs are not modified). The same key
 * in two sources: tables merge recursively; equal values are fine; different values (or a table against a
 * value) are an error naming the dotted key path and both sources.
 */
function mergeBuildkitdConfigs(sources) {
    const result = Object.create(null);
    /** Which source first set each leaf value, by JSON-encoded key path. */
    const origins = new Map();
    const mergeInto = (target, incoming, path, source) => {
        for (const [key, value] of Object.entries(incoming)) {
            const keyPath = [...path, key];
            const existing = Object.hasOwn(target, key) ? target[key] : undefined;
            if (existing === undefined) {
                target[key] = copyValue(value);
                origins.set(JSON.stringify(keyPath), source);
            }
            else if (isTable(existing) && isTable(value)) {
                mergeInto(existing, value, keyPath, source);
            }
            else if (!valuesEqual(existing, value)) {
                const earlier = findOrigin(origins, keyPath) ?? 'an earlier source';
                throw new Error(`buildkitd.toml conflict: ${formatKeyPath(keyPath)} is ${describeValue(existing)} in ${earlier} ` +
                    `but ${describeValue(value)} in ${source}; set it in one place only`);
            }
        }
    };
    for (const source of sources)
        mergeInto(result, source.table, [], source.name);
    return result;
}
/** The source that set the value at `keyPath`, or at the nearest enclosing path when a whole table was copied. */
function findOrigin(origins, keyPath) {
    for (let length = keyPath.length; length > 0; length--) {
        const origin = origins.get(JSON.stringify(keyPath.slice(0, length)));
        if (origin !== undefined)
            return origin;
    }
    return undefined;
}
/** Parses user TOML; a syntax error becomes an Error naming the source, the line and the column. */
function parseBuildkitdToml(text, sourceName) {
    try {
        return parse(text, { unsafeKeyBehaviour: 'throw' });
    }
    catch (error) {
        if (error instanceof TomlError) {
            const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
            throw new Error(`${sourceName}: invalid TOML at line ${error.line}, column ${error.column}: ${reason}; ` +
                'expected a buildkitd.toml document', { cause: error });
        }
        throw error;
    }
}
/** Renders a table as TOML text; '' for an empty table. */
function renderBuildkitdConfig(table) {
    return Object.keys(table).length === 0 ? '' : stringify(table);
}
/**
 * The settings BuildKit will apply to one registry host (exactly as keyed, e.g. '127.0.0.1:5443') in the
 * final config, for code that must talk to the same registry the way BuildKit does. plainHttp follows
 * `http` when set, else true for loopback hosts (BuildKit's default), else false; insecure follows
 * `insecure`; ca lists the `ca` paths. Throws when one of these keys has the wrong type.
 */
function toml_registrySettings(table, host) {
    const registries = Object.hasOwn(table, 'registry') ? table.registry : undefined;
    const settings = isTable(registries) && Object.hasOwn(registries, host) ? registries[host] : undefined;
    if (settings === undefined)
        return { plainHttp: isLoopbackHost(host), insecure: false, ca: [] };
    const where = (key) => formatKeyPath(['registry', host, key]);
    if (!isTable(settings)) {
        throw new Error(`buildkitd.toml: ${formatKeyPath(['registry', host])} must be a table`);
    }
    const flag = (key) => {
        const value = Object.hasOwn(settings, key) ? settings[key] : undefined;
        if (value === undefined || typeof value === 'boolean')
            return value;
        throw new Error(`buildkitd.toml: ${where(key)} is ${describeValue(value)}; expected true or false`);
    };
    const caValue = Object.hasOwn(settings, 'ca') ? settings.ca : undefined;
    let ca = [];
    if (caValue !== undefined) {
        if (!Array.isArray(caValue) || !caValue.every(path => typeof path === 'string')) {
            throw new Error(`buildkitd.toml: ${where('ca')} is ${describeValue(caValue)}; expected a list of file paths`);
        }
        ca = [...caValue];
    }
    return { plainHttp: flag('http') ?? isLoopbackHost(host), insecure: flag('insecure') ?? false, ca };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: external "node:stream/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./lib/buildx/buildx-cli.js
/**
 * Which buildx this job runs, and how a command reaches it: the runner's `docker buildx` plugin, or a
 * downloaded release run standalone (see install.ts). The post step needs only this module.
 */


/** The runner's own buildx, as a docker CLI plugin. */
const DOCKER_BUILDX = Object.freeze({
    command: 'docker',
    prefix: Object.freeze(['buildx'])
});
/** A buildx binary run standalone (`/path/docker-buildx version`). */
function buildx_cli_standaloneBuildx(binary) {
    return { command: binary, prefix: [] };
}
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
    if (path.isAbsolute(command) && !fs.existsSync(command))
        return DOCKER_BUILDX;
    return { command, prefix };
}

// EXTERNAL MODULE: ./lib/oci/oci.js
var oci = __nccwpck_require__(1396);
;// CONCATENATED MODULE: ./lib/registry/registry-errors.js
/** Failed registry requests: the error type, which failures are worth retrying, and how URLs are shown. */


/** A failed registry request. `url` never carries a password. */
class RegistryError extends Error {
    url;
    /** HTTP status, when the registry answered. */
    status;
    /** Network or TLS error code (e.g. ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN), when it did not. */
    code;
    constructor(message, details) {
        super(message);
        this.name = 'RegistryError';
        this.url = details.url;
        this.status = details.status;
        this.code = details.code;
    }
}
const TRANSIENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
/** Why a failed registry request is worth another attempt, or undefined when it is not (4xx, TLS, …). */
function transientRegistryFailure(error) {
    if (!(error instanceof RegistryError))
        return undefined;
    if (error.status === 429)
        return 'registry rate limit (429)';
    if (error.status !== undefined && error.status >= 500)
        return `registry server error (${error.status})`;
    if (error.code !== undefined && TRANSIENT_NETWORK_CODES.has(error.code))
        return error.code;
    return /^Timed out/.test(error.message) ? 'timeout' : undefined;
}
/** A URL for messages and logs: a password in it is replaced by `***`. Text that is no URL is kept. */
function registry_errors_displayUrl(url) {
    const text = typeof url === 'string' ? url : url.href;
    if (!URL.canParse(text))
        return text;
    const parsed = new URL(text);
    if (parsed.password === '')
        return text;
    parsed.password = '***';
    return parsed.href;
}
/** ': CODE: message; …' from a registry's JSON error body (at most 3 errors, 300 characters), or ''. */
function registryErrors(body) {
    const errors = parseJsonObject(body)?.['errors'];
    if (!Array.isArray(errors))
        return '';
    const parts = errors
        .slice(0, 3)
        .map((e) => isRecord(e) ? [e['code'], e['message']].filter(x => typeof x === 'string' && x !== '').join(': ') : '')
        .filter(s => s !== '');
    const text = parts.join('; ');
    return text === '' ? '' : `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}
/** A RegistryError that says what failed to reach `url` and what to do about it. */
function networkError(url, error, via) {
    const shown = registry_errors_displayUrl(url);
    const { codes, messages } = errorChain(error);
    const code = codes.find(c => TLS_VERIFY_CODES.has(c)) ?? codes[0];
    const detail = messages[messages.length - 1] ?? 'unknown error';
    const fail = (message) => new RegistryError(message, { url: shown, ...(code ? { code } : {}) });
    if (code !== undefined && TLS_VERIFY_CODES.has(code)) {
        return fail(`TLS certificate verification failed for ${url.host} (${code}: ${detail}) at ${shown}. ` +
            `Give the registry's CA certificate with the \`ca-certs\` input, or list ${url.host} in ` +
            '`insecure-registries` to skip verification.');
    }
    if (codes.includes('ECONNREFUSED'))
        return fail(`Connection refused by ${url.host}${via} (${shown})`);
    if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
        return fail(`Cannot resolve the host name ${url.hostname}${via} (${shown})`);
    }
    if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || /wrong version number/i.test(detail)) {
        return fail(`TLS handshake with ${url.host} failed (${shown}): it looks like the registry speaks plain HTTP; ` +
            'mark it as an insecure registry (`insecure-registries`) if that is intended.');
    }
    return fail(`Request to ${shown}${via} failed: ${code !== undefined ? `${code}: ` : ''}${detail}`);
}
const TLS_VERIFY_CODES = new Set([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'HOSTNAME_MISMATCH'
]);

;// CONCATENATED MODULE: ./lib/buildx/release.js
/**
 * buildx releases, as pure facts: the version grammar, the OS/arch names of the release assets, URL
 * templates (`buildx-download-url`) and the release's `checksums.txt`. No I/O: input validation uses this
 * module without pulling in the download code.
 *
 * URL templates: placeholders `{version}` (without `v`: 0.13.1), `{os}` (linux, darwin, windows, freebsd),
 * `{arch}` (amd64, arm64, arm-v7, arm-v6, ppc64le, s390x, riscv64) and `{ext}` (`.exe` on Windows, else
 * empty), the names buildx's GitHub releases use. `{version}` is required (the tool cache is keyed by
 * version). The checksum file is `checksums.txt` in the same directory as the binary, unless a separate
 * checksum URL template (same placeholders) is given.
 */

/** The GitHub release asset of a buildx version for this runner. */
const release_DEFAULT_DOWNLOAD_URL = 'https://github.com/docker/buildx/releases/download/v{version}/buildx-v{version}.{os}-{arch}{ext}';
/** Name of the checksum file published next to the release binaries. */
const CHECKSUMS_FILE = 'checksums.txt';
/**
 * The version installed when `buildx-version` is empty and the runner's buildx is missing or older than
 * the action needs. Pinned (not "latest"): finding the latest release needs the GitHub API, which runners
 * behind a mirror cannot reach, and a pinned version builds the same way every time.
 */
const FALLBACK_BUILDX_VERSION = '0.38.0';
/** Tool name in the tool cache (`$RUNNER_TOOL_CACHE/buildx/<version>/<arch>/docker-buildx`). */
const TOOL_NAME = 'buildx';
/** A buildx install that failed; the message says what failed and where. */
class release_BuildxInstallError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'BuildxInstallError';
    }
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
function release_coreVersion(version) {
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
/** Node's platform / arch -> the OS and arch in buildx's release asset names. */
function releasePlatform(platform, arch, armVersion) {
    const os = RELEASE_OS[platform];
    if (!os)
        throw new release_BuildxInstallError(`buildx has no release for this runner's OS (${platform})`);
    let releaseArch = RELEASE_ARCH[arch];
    if (arch === 'arm')
        releaseArch = armVersion === '6' ? 'arm-v6' : 'arm-v7';
    if (!releaseArch)
        throw new release_BuildxInstallError(`buildx has no release for this runner's architecture (${arch})`);
    return { os, arch: releaseArch, ext: os === 'windows' ? '.exe' : '' };
}
/** `buildx-v0.13.1.linux-amd64`: the file name GitHub releases (and their checksums.txt) use. */
function release_releaseAssetName(version, platform) {
    return `buildx-v${version}.${platform.os}-${platform.arch}${platform.ext}`;
}
const PLACEHOLDERS = (/* unused pure expression or super */ null && (['version', 'os', 'arch', 'ext']));
/** Fills a URL template's placeholders; throws on an unknown placeholder or a result that is no http(s) URL. */
function release_renderUrlTemplate(template, version, platform) {
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
        return release_DEFAULT_DOWNLOAD_URL;
    if (!template.includes('{version}')) {
        throw new Error(`"${template}" has no {version} placeholder; e.g. ` +
            'https://mirror.example.com/docker/buildx/v{version}/buildx-v{version}.{os}-{arch}{ext}');
    }
    release_renderUrlTemplate(template, '0.0.0', { os: 'linux', arch: 'amd64', ext: '' });
    return template;
}
/** The checksum file for a binary URL: `checksums.txt` in the same directory. */
function release_defaultChecksumUrl(binaryUrl) {
    return new URL(CHECKSUMS_FILE, binaryUrl).href;
}
/** A URL for messages: a password in it is replaced by `***` (one helper, the registry client's). */

// ---------------------------------------------------------------------------------------------------------
// Checksums
/**
 * A sha256sum-style file (`<hex>  <name>` or `<hex> *<name>` lines) -> file name -> lowercase hex. Names
 * with a directory are also listed under their base name. Lines that are not checksums are skipped.
 */
function release_parseChecksums(text) {
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
function release_verifyChecksum(options) {
    const { actual, checksums, names, checksumUrl, binaryUrl, tool = 'buildx' } = options;
    const name = names.find(n => checksums.has(n));
    const expected = name === undefined ? undefined : checksums.get(name);
    if (expected === undefined) {
        const listed = [...checksums.keys()].filter(k => !k.includes('/'));
        throw new release_BuildxInstallError(`The checksum file ${displayUrl(checksumUrl)} has no entry for ${[...new Set(names)].join(' or ')}` +
            ` (it lists ${listed.length > 0 ? listed.join(', ') : 'no sha256 checksums'}), so the download` +
            ` from ${displayUrl(binaryUrl)} cannot be verified. Nothing was installed.`);
    }
    if (expected !== actual.toLowerCase()) {
        throw new release_BuildxInstallError(`Checksum mismatch for ${tool} downloaded from ${displayUrl(binaryUrl)}: expected sha256 ${expected}` +
            ` (${name ?? ''} in ${displayUrl(checksumUrl)}), got sha256 ${actual}. The download is corrupt or` +
            ' not the release file; nothing was installed.');
    }
    return expected;
}

;// CONCATENATED MODULE: ./lib/buildx/install.js
/**
 * Downloading a buildx release into the runner's tool cache. The release binary for this runner's OS/arch
 * is downloaded (from GitHub, or from the mirror that `buildx-download-url` describes), checked against
 * the release's `checksums.txt`, kept in the tool cache (a later job on the same runner takes it from
 * there without downloading) and run *standalone* for this job: nothing is written to the docker CLI's
 * plugin directories, so other jobs and steps keep the runner's own buildx.
 *
 * A checksum file that is not there (HTTP 404/410/403) leaves the download unverified, with a warning; a
 * checksum file that is there must list the binary with the same sha256, else nothing is installed.
 *
 * The runner's directories come in as `dirs`. @actions/tool-cache itself still takes the tool cache
 * directory from the process environment (RUNNER_TOOL_CACHE), which the run's environment is.
 */









/**
 * @actions/tool-cache, loaded when a download or the tool cache is needed: it brings an HTTP stack that a
 * run with the runner's own buildx never uses.
 */
const install_toolCache = () => __nccwpck_require__.e(/* import() */ 183).then(__nccwpck_require__.bind(__nccwpck_require__, 5183));
/** The HTTP status of a failed tool-cache download (its HTTPError), else undefined. */
function httpStatus(error) {
    if (typeof error !== 'object' || error === null || !('httpStatusCode' in error))
        return undefined;
    return typeof error.httpStatusCode === 'number' ? error.httpStatusCode : undefined;
}
/** Whether a download failed with an HTTP response (tool-cache's HTTPError carries httpStatusCode). */
const isHttpError = (error) => error instanceof Error && 'httpStatusCode' in error;
/** Tool name in the tool cache (`$RUNNER_TOOL_CACHE/buildx/<version>/<arch>/docker-buildx`). */
const install_TOOL_NAME = 'buildx';
/** The runner's directories from the run's environment. */
function install_runnerDirs(env) {
    return { toolCache: env.RUNNER_TOOL_CACHE ?? '', temp: env.RUNNER_TEMP ?? '' };
}
async function install_sha256File(file) {
    const hash = createHash('sha256');
    await pipeline(fs.createReadStream(file), hash);
    return hash.digest('hex');
}
/** Name of the binary in the tool cache. */
function cachedBinaryName(platform) {
    return `docker-buildx${platform.ext}`;
}
/**
 * Makes buildx `version` available from the tool cache: found there, or downloaded, verified and cached.
 * Then runs `<binary> version` to check that it runs here and is the version asked for.
 */
async function installBuildx(options) {
    const { log } = options;
    const { version, platform } = options;
    requireRunnerDirs(options.dirs);
    const tc = await install_toolCache();
    const cachedDir = tc.find(install_TOOL_NAME, version, platform.arch);
    const cached = cachedDir ? path.join(cachedDir, cachedBinaryName(platform)) : '';
    const source = cached && fs.existsSync(cached) ? 'tool-cache' : 'download';
    if (source === 'tool-cache')
        log.info(`found buildx ${version} in the tool cache: ${cached}`);
    const binary = source === 'tool-cache' ? cached : await downloadAndCache(options);
    fs.chmodSync(binary, 0o755);
    const result = await options.runner.run(binary, ['version'], { silent: true });
    const reported = result.exitCode === 0 ? parseBuildxVersion(result.stdout) : undefined;
    if (reported !== coreVersion(version)) {
        // Not what was asked for: take it out of the tool cache, so the next run downloads again.
        const dir = path.dirname(binary);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(`${dir}.complete`, { force: true });
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
function requireRunnerDirs(dirs) {
    const named = [
        ['RUNNER_TOOL_CACHE', dirs.toolCache],
        ['RUNNER_TEMP', dirs.temp]
    ];
    for (const [name, value] of named) {
        if (!value) {
            throw new BuildxInstallError(`${name} is not set, so buildx cannot be downloaded to the tool cache (the GitHub runner sets it).`);
        }
    }
}
async function downloadAndCache(options) {
    const { version, platform, log } = options;
    const download = (url, httpMessage) => downloadTo(url, path.join(options.dirs.temp, randomUUID()), httpMessage);
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
        const actual = await install_sha256File(downloaded);
        const checksums = await fetchChecksums(checksumUrl, binaryUrl, options.dirs, log);
        if (checksums) {
            const names = [
                decodeURIComponent(path.posix.basename(new URL(binaryUrl).pathname)),
                releaseAssetName(version, platform)
            ];
            verifyChecksum({ actual, checksums, names, checksumUrl, binaryUrl });
            log.info(`sha256 ${actual} matches ${displayUrl(checksumUrl)}`);
        }
        else {
            log.info(`sha256 of the unverified download: ${actual}`);
        }
        const dir = await (await install_toolCache()).cacheFile(downloaded, cachedBinaryName(platform), install_TOOL_NAME, version, platform.arch);
        const binary = path.join(dir, cachedBinaryName(platform));
        log.info(`cached buildx ${version} in the tool cache: ${binary}`);
        return binary;
    }
    finally {
        fs.rmSync(downloaded, { force: true });
    }
}
/** The checksum file's entries, or undefined (with a warning) when the source publishes none. */
async function fetchChecksums(checksumUrl, binaryUrl, dirs, log) {
    let file;
    try {
        file = await install_downloadWithLimit(checksumUrl, path.join(dirs.temp, randomUUID()));
    }
    catch (error) {
        const status = httpStatus(error);
        if (status === 404 || status === 410 || status === 403) {
            log.warning(`No checksum file at ${displayUrl(checksumUrl)} (HTTP ${status}): the buildx download from ` +
                `${displayUrl(binaryUrl)} is unverified.`);
            return undefined;
        }
        throw new BuildxInstallError(`Could not fetch the checksum file ${displayUrl(checksumUrl)} to verify buildx: ${downloadFailure(error)}.`, { cause: error });
    }
    try {
        return parseChecksums(fs.readFileSync(file, 'utf8'));
    }
    finally {
        fs.rmSync(file, { force: true });
    }
}
async function downloadTo(url, dest, httpMessage) {
    try {
        return await install_downloadWithLimit(url, dest);
    }
    catch (error) {
        if (isHttpError(error))
            throw new BuildxInstallError(httpMessage(httpStatus(error)), { cause: error });
        throw new BuildxInstallError(`Downloading buildx from ${displayUrl(url)} failed: ${downloadFailure(error)}.`, {
            cause: error
        });
    }
}
/** How long a download may go without receiving a byte. */
const DOWNLOAD_STALL_MS = 60_000;
/** tc.downloadTool, failing when the file it writes stops growing for DOWNLOAD_STALL_MS. */
async function install_downloadWithLimit(url, dest) {
    const tc = await install_toolCache();
    return withStallLimit(tc.downloadTool(url, dest), {
        progress: () => fs.statSync(dest, { throwIfNoEntry: false })?.size ?? -1,
        stallMs: DOWNLOAD_STALL_MS,
        message: () => `${new URL(url).host} stalled: no data for ${DOWNLOAD_STALL_MS / 1000} s while downloading ${displayUrl(url)}`
    });
}
function downloadFailure(error) {
    if (isHttpError(error))
        return `HTTP ${httpStatus(error) ?? 'error'}`;
    return messageOf(error);
}

// EXTERNAL MODULE: ./lib/oci/reference.js
var reference = __nccwpck_require__(3940);
;// CONCATENATED MODULE: ./lib/cosign/cosign-install.js
/**
 * Which cosign signs: the runner's own when it is cosign 3 or newer (or a build that reports no release,
 * such as a distribution's package), else the pinned release from the tool cache, downloaded once from
 * sigstore's GitHub releases and checked against the release's `cosign_checksums.txt` before it is cached.
 */







/** The release installed when the runner has no cosign 3. */
const COSIGN_VERSION = '3.1.1';
/** The oldest cosign whose flags (signing config, tlog upload) this action uses. */
const MINIMUM_COSIGN = '3.0.0';
const COSIGN_RELEASES = 'https://github.com/sigstore/cosign/releases/download';
/** Node's architecture -> cosign's release name for Linux. */
const ARCHES = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    s390x: 's390x',
    ppc64: 'ppc64le',
    riscv64: 'riscv64'
};
/** `cosign-linux-amd64`: the release asset for this runner. */
function cosignAsset(platform, arch) {
    const name = ARCHES[arch];
    if (platform !== 'linux' || name === undefined)
        throw new Error(`cosign has no release for this runner (${platform}/${arch}); put a cosign 3 on PATH`);
    return `cosign-linux-${name}`;
}
/**
 * The release `cosign version --json` reports ('3.1.1'), 'devel' for a build without one (a distribution's
 * package), undefined when the output is not cosign's.
 */
function parseCosignVersion(output) {
    try {
        const version = JSON.parse(output).gitVersion;
        if (typeof version !== 'string')
            return undefined;
        const release = /^v?(\d+\.\d+\.\d+)/.exec(version)?.[1];
        return release ?? 'devel';
    }
    catch {
        return undefined;
    }
}
/** The cosign command to run: 'cosign' (the runner's) or the tool cache's binary. */
async function cosign_install_findCosign(options) {
    const { runner, log } = options;
    const probe = await runner.run('cosign', ['version', '--json'], { silent: true });
    const version = probe.exitCode === 0 ? parseCosignVersion(probe.stdout) : undefined;
    if (version === 'devel') {
        log.info("using the runner's cosign (a build that reports no release version)");
        return 'cosign';
    }
    if (version !== undefined && compareVersions(version, MINIMUM_COSIGN) >= 0) {
        log.info(`using the runner's cosign ${version}`);
        return 'cosign';
    }
    log.info(`${version ? `the runner's cosign ${version} is older than ${MINIMUM_COSIGN}` : 'cosign is not on PATH'}: ` +
        `using cosign ${COSIGN_VERSION}`);
    return installCosign(options);
}
async function installCosign(options) {
    const { dirs, log } = options;
    const asset = cosignAsset(options.platform, options.arch);
    const tc = await toolCache();
    const cached = tc.find('cosign', COSIGN_VERSION, options.arch);
    if (cached) {
        log.info(`found cosign ${COSIGN_VERSION} in the tool cache`);
        return path.join(cached, 'cosign');
    }
    if (!dirs.temp || !dirs.toolCache)
        throw new Error('RUNNER_TEMP and RUNNER_TOOL_CACHE must be set to download cosign');
    const base = `${(options.releases ?? COSIGN_RELEASES).replace(/\/+$/, '')}/v${COSIGN_VERSION}`;
    const binaryUrl = `${base}/${asset}`;
    const checksumUrl = `${base}/cosign_checksums.txt`;
    const download = async (url) => {
        try {
            return await downloadWithLimit(url, path.join(dirs.temp, randomUUID()));
        }
        catch (error) {
            throw new Error(`Downloading cosign from ${displayUrl(url)} failed: ${messageOf(error)}`, {
                cause: error
            });
        }
    };
    log.info(`downloading cosign ${COSIGN_VERSION} from ${displayUrl(binaryUrl)}`);
    const binary = await download(binaryUrl);
    const sums = await download(checksumUrl);
    try {
        const actual = await sha256File(binary);
        const checksums = parseChecksums(fs.readFileSync(sums, 'utf8'));
        verifyChecksum({ actual, checksums, names: [asset], checksumUrl, binaryUrl, tool: 'cosign' });
        log.info(`sha256 ${actual} matches ${displayUrl(checksumUrl)}`);
        const dir = await tc.cacheFile(binary, 'cosign', 'cosign', COSIGN_VERSION, options.arch);
        const cosign = path.join(dir, 'cosign');
        fs.chmodSync(cosign, 0o755);
        return cosign;
    }
    finally {
        fs.rmSync(binary, { force: true });
        fs.rmSync(sums, { force: true });
    }
}

;// CONCATENATED MODULE: ./lib/cosign/sign-image.js
/**
 * Signing, after the checks and before any tag moves: cosign signs the index that passed the checks, by
 * digest, and every manifest it lists, in each repository the image was pushed to; then the signature of
 * the index and of each platform's manifest is verified against the registry. The key is written to a
 * private file in the run's directory (removed with it by the post step), its password goes in
 * COSIGN_PASSWORD. cosign reaches each registry as BuildKit did (HTTP, CA, unverified HTTPS), with the
 * run's docker config for credentials.
 */










/** Signs and verifies; returns the command a user runs to verify the index (the first repository's). */
async function signImage(options) {
    const { deps, inputs, digest } = options;
    const { reporter } = deps;
    const dir = path.join(options.work, 'signing');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const cosign = await findCosign({
        runner: options.access.runner,
        log: reporter,
        dirs: runnerDirs(deps.env),
        platform: deps.host.platform,
        arch: deps.host.arch
    });
    const way = inputs.sign === 'keyless' ? await keyless(options, dir) : await withKey(options, dir, cosign);
    const runner = withEnvironment(options.access.runner, way.env);
    const transparencyLog = inputs.signTransparencyLog;
    const commands = [];
    for (const repository of repositoriesOf(inputs.tags)) {
        const registry = cosignRegistry(repository, options.access.config, dir);
        const reference = `${repository}@${digest}`;
        await runChecked(runner, cosign, signArgs({ signer: way.signer, reference, registry, transparencyLog }), {
            what: `cosign sign ${reference}`
        });
        const references = [reference, ...Object.values(options.platforms).map(d => `${repository}@${d}`)];
        for (const signed of references)
            await runChecked(runner, cosign, verifyArgs({ verifier: way.verifier, reference: signed, registry, transparencyLog }), { what: `cosign verify ${signed}`, silent: true });
        reporter.info(`signed and verified: ${reference} and its ${references.length - 1} platform manifests`);
        commands.push(verifyCommand({ verifier: way.verifier, reference, registry, transparencyLog }));
    }
    return commands[0] ?? '';
}
/** The key in a private file, its public half from cosign (a wrong password fails here, before signing). */
async function withKey(options, dir, cosign) {
    const { deps, inputs } = options;
    const keyFile = path.join(dir, 'cosign.key');
    fs.writeFileSync(keyFile, inputs.signKey, { mode: 0o600 });
    // Never a prompt: the input's password, else one already in the job's environment, else none.
    const env = { COSIGN_PASSWORD: inputs.signKeyPassword || deps.env.COSIGN_PASSWORD || '' };
    const publicKey = await runChecked(withEnvironment(options.access.runner, env), cosign, publicKeyArgs(keyFile), {
        what: 'cosign public-key (is sign-key-password the password of sign-key?)',
        silent: true
    });
    const publicKeyFile = path.join(dir, 'cosign.pub');
    fs.writeFileSync(publicKeyFile, publicKey.stdout);
    return { signer: { keyFile }, verifier: { publicKeyFile }, env };
}
/** The job's identity token (masked, in SIGSTORE_ID_TOKEN) and the identity its certificate will name. */
async function keyless(options, dir) {
    const { deps, inputs } = options;
    const token = await identityToken(deps.env, deps.idToken);
    deps.reporter.mask(token);
    const { identity, issuer } = signerIdentity(tokenClaims(token));
    deps.reporter.info(`keyless: the certificate will name ${identity} (issuer ${issuer})`);
    const place = (name, json) => {
        if (json === '')
            return '';
        const file = path.join(dir, name);
        fs.writeFileSync(file, json);
        return file;
    };
    const trustedRoot = place('trusted_root.json', inputs.signTrustedRoot);
    return {
        signer: { signingConfig: place('signing_config.json', inputs.signSigningConfig), trustedRoot },
        verifier: { identity, issuer, trustedRoot },
        env: { SIGSTORE_ID_TOKEN: token }
    };
}
/** How cosign reaches the registry of `repository`: the generated buildkitd.toml's settings for it. */
function cosignRegistry(repository, config, dir) {
    const host = canonicalRegistry(parseImageReference(repository).registry);
    const settings = registrySettings(config, host);
    let caFile = '';
    if (settings.ca.length > 0) {
        // cosign takes one file: the CAs of this registry together.
        caFile = path.join(dir, `ca-${host.replace(/[^A-Za-z0-9.-]/g, '_')}.pem`);
        fs.writeFileSync(caFile, settings.ca.map(file => fs.readFileSync(file, 'utf8')).join('\n'));
    }
    return { plainHttp: settings.plainHttp, insecure: settings.insecure, caFile };
}
/** The summary's word on a signature (the build's and the merge action's). */
function sign_image_signatureHtml(verifyCommand) {
    return ('<p>Signed with cosign before the tags moved, and verified against the registry. To verify:</p>' +
        `<pre><code>${escapeHtml(verifyCommand)}</code></pre>`);
}

;// CONCATENATED MODULE: ./lib/run/summary.js
/** The job summary: what was pushed, where, and each platform's digest. */



/** Platform | build time | under emulation (share), one row per platform. */
function timingRows(timings) {
    return timings.map(t => [
        `<code>${t.platform}</code>`,
        `${t.seconds.toFixed(1)} s`,
        t.emulatedSeconds > 0
            ? `${t.emulatedSeconds.toFixed(1)} s (${Math.round((100 * t.emulatedSeconds) / Math.max(t.seconds, 0.1))}%)`
            : '0 s',
        `${t.cached} of ${t.steps}`
    ]);
}
/** Platform | result | time | output (last lines), one row per platform. */
function smokeRows(results) {
    return results.map(r => [
        `<code>${r.platform}</code>`,
        r.passed
            ? 'passed'
            : r.timedOut
                ? '<strong>timed out</strong>'
                : `<strong>failed</strong> (exit code ${r.exitCode})`,
        `${r.seconds.toFixed(1)} s`,
        `<pre>${escapeHtml(r.output.split('\n').slice(-5).join('\n') || '(no output)')}</pre>`
    ]);
}
function summaryTable(report, emulated, nodes) {
    return Object.entries(report.platforms).map(([platform, digest]) => {
        // A node's own platforms: how that machine runs them is its business (natively, as a rule).
        const onNode = nodes?.[platform]?.endpoint;
        const row = [
            `<code>${platform}</code>`,
            `<code>${digest}</code>`,
            onNode ? 'by the node' : emulated.includes(platform) ? 'QEMU' : 'native'
        ];
        if (nodes)
            row.push(nodeCell(nodes[platform]));
        return row;
    });
}
function nodeCell(placement) {
    if (!placement)
        return '';
    const where = placement.endpoint ? escapeHtml(placement.endpoint) : 'this runner';
    return `<code>${escapeHtml(placement.node)}</code> (${where})`;
}
/** The job summary of a run, as HTML. */
function summaryHtml(options) {
    const { report } = options;
    const summary = new SummaryHtml().heading('Multi-platform image', 2);
    if (options.tags.length > 0)
        summary.list(options.tags.map(t => `<code>${escapeHtml(t)}</code>`));
    if (options.pushed && report.digest) {
        summary.raw(`<p>Index digest: <code>${report.digest}</code> (checked in ${report.verified.length} registr${report.verified.length === 1 ? 'y' : 'ies'})</p>`);
        summary.table([
            [
                { data: 'Platform', header: true },
                { data: 'Digest', header: true },
                { data: 'Built', header: true },
                ...(options.nodes ? [{ data: 'Node', header: true }] : [])
            ],
            ...summaryTable(report, options.emulated, options.nodes)
        ]);
        for (const { tag, served } of report.moved) {
            summary.raw(`<p>⚠️ <code>${escapeHtml(tag)}</code> no longer serves this run's index <code>${report.digest}</code>: ` +
                `it serves ${served ? `<code>${served}</code>` : 'nothing (the tag is gone)'}. Another run pushed ` +
                'the same tag after this one.</p>');
        }
    }
    else {
        summary.raw('<p>Built without pushing: the result stays in the builder cache.</p>');
        if (options.nodes) {
            summary.table([
                [
                    { data: 'Platform', header: true },
                    { data: 'Node', header: true }
                ],
                ...Object.entries(options.nodes).map(([platform, placement]) => [
                    `<code>${platform}</code>`,
                    nodeCell(placement)
                ])
            ]);
        }
    }
    if (options.timings && options.timings.length > 0) {
        summary.heading('Build time per platform', 3);
        summary.table([
            [
                { data: 'Platform', header: true },
                { data: 'Step time', header: true },
                { data: 'Under emulation (RUN)', header: true },
                { data: 'Cached steps', header: true }
            ],
            ...timingRows(options.timings)
        ]);
    }
    if (options.smoke) {
        summary.heading('Smoke test', 3);
        summary.raw(`<p><code>${escapeHtml(options.smoke.args.join(' '))}</code> in each platform's image</p>`);
        summary.table([
            [
                { data: 'Platform', header: true },
                { data: 'Result', header: true },
                { data: 'Time', header: true },
                { data: 'Output', header: true }
            ],
            ...smokeRows(options.smoke.results)
        ]);
    }
    if (options.signatureVerifyCommand) {
        summary.heading('Signature', 3);
        summary.raw(signatureHtml(options.signatureVerifyCommand));
    }
    const disk = options.diskUse
        ? `; disk use ${escapeHtml(options.diskUse.total)}` +
            (options.diskUse.reclaimable ? ` (${escapeHtml(options.diskUse.reclaimable)} reclaimable)` : '')
        : '';
    const budget = options.cacheMaxSize !== undefined ? `, cache budget ${formatBytes(options.cacheMaxSize)}` : '';
    summary.raw(`<p>Builder: <code>${escapeHtml(options.builder)}</code>${disk}${budget}</p>`);
    return summary.toString();
}
function summary_writeSummary(reporter, options) {
    return reporter.appendSummary(summaryHtml(options));
}

// EXTERNAL MODULE: ./lib/docker/smoke.js
var smoke = __nccwpck_require__(5189);
;// CONCATENATED MODULE: ./lib/publish/smoke-test.js
/** The smoke-test phase: the pushed image of every platform run once, results logged, set and summarised. */


/** Runs the smoke test; returns the results (the caller reports a failure after the summary is written). */
async function smokeTest(options) {
    const ref = parseImageReference(options.image);
    const repository = `${ref.registry}/${ref.repository}`;
    const { log } = options;
    log.info(`running \`${options.args.join(' ')}\` in ${Object.keys(options.platforms).join(', ')} ` +
        `(${repository}, by digest; at most ${options.timeoutSeconds} s each)`);
    const { runner, platforms, args, timeoutSeconds, runId } = options;
    const results = await runSmokeTests({ runner, repository, platforms, args, timeoutSeconds, runId });
    for (const r of results) {
        const verdict = r.passed ? 'passed' : r.timedOut ? 'TIMED OUT' : `FAILED (exit code ${r.exitCode})`;
        log.info(`${r.platform}: ${verdict} in ${r.seconds} s`);
        for (const line of (r.output || '(no output)').split('\n'))
            log.info(`  ${line}`);
    }
    return results;
}
/** The `smoke-results` output: platform -> what happened. */
function smoke_test_smokeResultsJson(results) {
    const out = {};
    for (const r of results) {
        out[r.platform] = {
            passed: r.passed,
            exitCode: r.exitCode,
            timedOut: r.timedOut,
            seconds: r.seconds,
            image: r.image,
            output: r.output
        };
    }
    return JSON.stringify(out);
}

;// CONCATENATED MODULE: ./lib/run/outputs.js
/**
 * What a run reports: the step outputs, the digests in the log, the job summary, and on failure the error
 * with a hint for the failures users meet most.
 */




/** Sets the step outputs (builder-name is set as soon as the name is known) and writes the job summary. */
async function publishOutputs(reporter, result) {
    const { report, emulation } = result;
    const set = (name, value) => {
        reporter.setOutput(name, value);
    };
    set('digest', report.digest);
    set('platform-digests', JSON.stringify(report.platforms));
    set('metadata', JSON.stringify(report.metadata.raw));
    set('imageid', result.imageId);
    set('emulated-platforms', emulation.emulated.join(','));
    if (result.smoke)
        set('smoke-results', smokeResultsJson(result.smoke.results));
    if (result.signatureVerifyCommand)
        set('signature-verify-command', result.signatureVerifyCommand);
    await writeSummary(reporter, {
        tags: result.tags,
        pushed: result.pushed,
        report,
        emulated: emulation.emulated,
        builder: result.builder,
        ...(result.nodes ? { nodes: result.nodes } : {}),
        ...(result.timings ? { timings: result.timings } : {}),
        ...(result.smoke ? { smoke: result.smoke } : {}),
        ...(result.diskUse ? { diskUse: result.diskUse } : {}),
        ...(result.cacheMaxSize !== undefined ? { cacheMaxSize: result.cacheMaxSize } : {}),
        ...(result.signatureVerifyCommand ? { signatureVerifyCommand: result.signatureVerifyCommand } : {})
    });
}
/** A failure of a run whose inputs were read: the hints are worded for what they set. */
class RunError extends Error {
    cause;
    context;
    name = 'RunError';
    constructor(cause, context) {
        super((0,errors/* messageOf */.bD)(cause), { cause });
        this.cause = cause;
        this.context = context;
    }
}
/** buildx's image ID (what --iidfile writes): the config digest of a single image, else the image digest. */
function buildxImageId(metadata) {
    const config = metadata['containerimage.config.digest'];
    const digest = metadata['containerimage.digest'];
    if (typeof config === 'string')
        return config;
    return typeof digest === 'string' ? digest : '';
}
/** Reports a failure: buildx's error is in the message; known registry/emulation errors get a hint. */
function reportFailure(reporter, error) {
    const failure = error instanceof RunError ? error.cause : error;
    const message = (0,errors/* messageOf */.bD)(failure);
    const context = error instanceof RunError ? error.context : undefined;
    for (const hint of hintsFor(failureOutput(failure) ?? message, context))
        reporter.error(hint.message, { title: hint.title });
    reporter.fail(message);
}


/***/ }),

/***/ 5260:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  m: () => (/* binding */ exec)
});

// UNUSED EXPORTS: getExecOutput

// EXTERNAL MODULE: external "string_decoder"
var external_string_decoder_ = __nccwpck_require__(3193);
// EXTERNAL MODULE: external "os"
var external_os_ = __nccwpck_require__(857);
// EXTERNAL MODULE: external "events"
var external_events_ = __nccwpck_require__(4434);
// EXTERNAL MODULE: external "child_process"
var external_child_process_ = __nccwpck_require__(5317);
// EXTERNAL MODULE: external "path"
var external_path_ = __nccwpck_require__(6928);
// EXTERNAL MODULE: ./node_modules/@actions/io/lib/io.js
var io = __nccwpck_require__(8701);
// EXTERNAL MODULE: ./node_modules/@actions/io/lib/io-util.js
var io_util = __nccwpck_require__(90);
;// CONCATENATED MODULE: external "timers"
const external_timers_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");
;// CONCATENATED MODULE: ./node_modules/@actions/exec/lib/toolrunner.js
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};







/* eslint-disable @typescript-eslint/unbound-method */
const IS_WINDOWS = process.platform === 'win32';
/*
 * Class for running command line tools. Handles quoting and arg parsing in a platform agnostic way.
 */
class ToolRunner extends external_events_.EventEmitter {
    constructor(toolPath, args, options) {
        super();
        if (!toolPath) {
            throw new Error("Parameter 'toolPath' cannot be null or empty.");
        }
        this.toolPath = toolPath;
        this.args = args || [];
        this.options = options || {};
    }
    _debug(message) {
        if (this.options.listeners && this.options.listeners.debug) {
            this.options.listeners.debug(message);
        }
    }
    _getCommandString(options, noPrefix) {
        const toolPath = this._getSpawnFileName();
        const args = this._getSpawnArgs(options);
        let cmd = noPrefix ? '' : '[command]'; // omit prefix when piped to a second tool
        if (IS_WINDOWS) {
            // Windows + cmd file
            if (this._isCmdFile()) {
                cmd += toolPath;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows + verbatim
            else if (options.windowsVerbatimArguments) {
                cmd += `"${toolPath}"`;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows (regular)
            else {
                cmd += this._windowsQuoteCmdArg(toolPath);
                for (const a of args) {
                    cmd += ` ${this._windowsQuoteCmdArg(a)}`;
                }
            }
        }
        else {
            // OSX/Linux - this can likely be improved with some form of quoting.
            // creating processes on Unix is fundamentally different than Windows.
            // on Unix, execvp() takes an arg array.
            cmd += toolPath;
            for (const a of args) {
                cmd += ` ${a}`;
            }
        }
        return cmd;
    }
    _processLineBuffer(data, strBuffer, onLine) {
        try {
            let s = strBuffer + data.toString();
            let n = s.indexOf(external_os_.EOL);
            while (n > -1) {
                const line = s.substring(0, n);
                onLine(line);
                // the rest of the string ...
                s = s.substring(n + external_os_.EOL.length);
                n = s.indexOf(external_os_.EOL);
            }
            return s;
        }
        catch (err) {
            // streaming lines to console is best effort.  Don't fail a build.
            this._debug(`error processing line. Failed with error ${err}`);
            return '';
        }
    }
    _getSpawnFileName() {
        if (IS_WINDOWS) {
            if (this._isCmdFile()) {
                return process.env['COMSPEC'] || 'cmd.exe';
            }
        }
        return this.toolPath;
    }
    _getSpawnArgs(options) {
        if (IS_WINDOWS) {
            if (this._isCmdFile()) {
                let argline = `/D /S /C "${this._windowsQuoteCmdArg(this.toolPath)}`;
                for (const a of this.args) {
                    argline += ' ';
                    argline += options.windowsVerbatimArguments
                        ? a
                        : this._windowsQuoteCmdArg(a);
                }
                argline += '"';
                return [argline];
            }
        }
        return this.args;
    }
    _endsWith(str, end) {
        return str.endsWith(end);
    }
    _isCmdFile() {
        const upperToolPath = this.toolPath.toUpperCase();
        return (this._endsWith(upperToolPath, '.CMD') ||
            this._endsWith(upperToolPath, '.BAT'));
    }
    _windowsQuoteCmdArg(arg) {
        // for .exe, apply the normal quoting rules that libuv applies
        if (!this._isCmdFile()) {
            return this._uvQuoteCmdArg(arg);
        }
        // otherwise apply quoting rules specific to the cmd.exe command line parser.
        // the libuv rules are generic and are not designed specifically for cmd.exe
        // command line parser.
        //
        // for a detailed description of the cmd.exe command line parser, refer to
        // http://stackoverflow.com/questions/4094699/how-does-the-windows-command-interpreter-cmd-exe-parse-scripts/7970912#7970912
        // need quotes for empty arg
        if (!arg) {
            return '""';
        }
        // determine whether the arg needs to be quoted
        const cmdSpecialChars = [
            ' ',
            '\t',
            '&',
            '(',
            ')',
            '[',
            ']',
            '{',
            '}',
            '^',
            '=',
            ';',
            '!',
            "'",
            '+',
            ',',
            '`',
            '~',
            '|',
            '<',
            '>',
            '"'
        ];
        let needsQuotes = false;
        for (const char of arg) {
            if (cmdSpecialChars.some(x => x === char)) {
                needsQuotes = true;
                break;
            }
        }
        // short-circuit if quotes not needed
        if (!needsQuotes) {
            return arg;
        }
        // the following quoting rules are very similar to the rules that by libuv applies.
        //
        // 1) wrap the string in quotes
        //
        // 2) double-up quotes - i.e. " => ""
        //
        //    this is different from the libuv quoting rules. libuv replaces " with \", which unfortunately
        //    doesn't work well with a cmd.exe command line.
        //
        //    note, replacing " with "" also works well if the arg is passed to a downstream .NET console app.
        //    for example, the command line:
        //          foo.exe "myarg:""my val"""
        //    is parsed by a .NET console app into an arg array:
        //          [ "myarg:\"my val\"" ]
        //    which is the same end result when applying libuv quoting rules. although the actual
        //    command line from libuv quoting rules would look like:
        //          foo.exe "myarg:\"my val\""
        //
        // 3) double-up slashes that precede a quote,
        //    e.g.  hello \world    => "hello \world"
        //          hello\"world    => "hello\\""world"
        //          hello\\"world   => "hello\\\\""world"
        //          hello world\    => "hello world\\"
        //
        //    technically this is not required for a cmd.exe command line, or the batch argument parser.
        //    the reasons for including this as a .cmd quoting rule are:
        //
        //    a) this is optimized for the scenario where the argument is passed from the .cmd file to an
        //       external program. many programs (e.g. .NET console apps) rely on the slash-doubling rule.
        //
        //    b) it's what we've been doing previously (by deferring to node default behavior) and we
        //       haven't heard any complaints about that aspect.
        //
        // note, a weakness of the quoting rules chosen here, is that % is not escaped. in fact, % cannot be
        // escaped when used on the command line directly - even though within a .cmd file % can be escaped
        // by using %%.
        //
        // the saving grace is, on the command line, %var% is left as-is if var is not defined. this contrasts
        // the line parsing rules within a .cmd file, where if var is not defined it is replaced with nothing.
        //
        // one option that was explored was replacing % with ^% - i.e. %var% => ^%var^%. this hack would
        // often work, since it is unlikely that var^ would exist, and the ^ character is removed when the
        // variable is used. the problem, however, is that ^ is not removed when %* is used to pass the args
        // to an external program.
        //
        // an unexplored potential solution for the % escaping problem, is to create a wrapper .cmd file.
        // % can be escaped within a .cmd file.
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\'; // double the slash
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '"'; // double the quote
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _uvQuoteCmdArg(arg) {
        // Tool runner wraps child_process.spawn() and needs to apply the same quoting as
        // Node in certain cases where the undocumented spawn option windowsVerbatimArguments
        // is used.
        //
        // Since this function is a port of quote_cmd_arg from Node 4.x (technically, lib UV,
        // see https://github.com/nodejs/node/blob/v4.x/deps/uv/src/win/process.c for details),
        // pasting copyright notice from Node within this function:
        //
        //      Copyright Joyent, Inc. and other Node contributors. All rights reserved.
        //
        //      Permission is hereby granted, free of charge, to any person obtaining a copy
        //      of this software and associated documentation files (the "Software"), to
        //      deal in the Software without restriction, including without limitation the
        //      rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
        //      sell copies of the Software, and to permit persons to whom the Software is
        //      furnished to do so, subject to the following conditions:
        //
        //      The above copyright notice and this permission notice shall be included in
        //      all copies or substantial portions of the Software.
        //
        //      THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
        //      IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
        //      FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
        //      AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
        //      LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
        //      FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
        //      IN THE SOFTWARE.
        if (!arg) {
            // Need double quotation for empty argument
            return '""';
        }
        if (!arg.includes(' ') && !arg.includes('\t') && !arg.includes('"')) {
            // No quotation needed
            return arg;
        }
        if (!arg.includes('"') && !arg.includes('\\')) {
            // No embedded double quotes or backslashes, so I can just wrap
            // quote marks around the whole thing.
            return `"${arg}"`;
        }
        // Expected input/output:
        //   input : hello"world
        //   output: "hello\"world"
        //   input : hello""world
        //   output: "hello\"\"world"
        //   input : hello\world
        //   output: hello\world
        //   input : hello\\world
        //   output: hello\\world
        //   input : hello\"world
        //   output: "hello\\\"world"
        //   input : hello\\"world
        //   output: "hello\\\\\"world"
        //   input : hello world\
        //   output: "hello world\\" - note the comment in libuv actually reads "hello world\"
        //                             but it appears the comment is wrong, it should be "hello world\\"
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\';
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '\\';
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _cloneExecOptions(options) {
        options = options || {};
        const result = {
            cwd: options.cwd || process.cwd(),
            env: options.env || process.env,
            silent: options.silent || false,
            windowsVerbatimArguments: options.windowsVerbatimArguments || false,
            failOnStdErr: options.failOnStdErr || false,
            ignoreReturnCode: options.ignoreReturnCode || false,
            delay: options.delay || 10000
        };
        result.outStream = options.outStream || process.stdout;
        result.errStream = options.errStream || process.stderr;
        return result;
    }
    _getSpawnOptions(options, toolPath) {
        options = options || {};
        const result = {};
        result.cwd = options.cwd;
        result.env = options.env;
        result['windowsVerbatimArguments'] =
            options.windowsVerbatimArguments || this._isCmdFile();
        if (options.windowsVerbatimArguments) {
            result.argv0 = `"${toolPath}"`;
        }
        return result;
    }
    /**
     * Exec a tool.
     * Output will be streamed to the live console.
     * Returns promise with return code
     *
     * @param     tool     path to tool to exec
     * @param     options  optional exec options.  See ExecOptions
     * @returns   number
     */
    exec() {
        return __awaiter(this, void 0, void 0, function* () {
            // root the tool path if it is unrooted and contains relative pathing
            if (!io_util/* isRooted */.Qh(this.toolPath) &&
                (this.toolPath.includes('/') ||
                    (IS_WINDOWS && this.toolPath.includes('\\')))) {
                // prefer options.cwd if it is specified, however options.cwd may also need to be rooted
                this.toolPath = external_path_.resolve(process.cwd(), this.options.cwd || process.cwd(), this.toolPath);
            }
            // if the tool is only a file name, then resolve it from the PATH
            // otherwise verify it exists (add extension on Windows if necessary)
            this.toolPath = yield io/* which */.K7(this.toolPath, true);
            return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
                this._debug(`exec tool: ${this.toolPath}`);
                this._debug('arguments:');
                for (const arg of this.args) {
                    this._debug(`   ${arg}`);
                }
                const optionsNonNull = this._cloneExecOptions(this.options);
                if (!optionsNonNull.silent && optionsNonNull.outStream) {
                    optionsNonNull.outStream.write(this._getCommandString(optionsNonNull) + external_os_.EOL);
                }
                const state = new ExecState(optionsNonNull, this.toolPath);
                state.on('debug', (message) => {
                    this._debug(message);
                });
                if (this.options.cwd && !(yield io_util/* exists */.t2(this.options.cwd))) {
                    return reject(new Error(`The cwd: ${this.options.cwd} does not exist!`));
                }
                const fileName = this._getSpawnFileName();
                const cp = external_child_process_.spawn(fileName, this._getSpawnArgs(optionsNonNull), this._getSpawnOptions(this.options, fileName));
                let stdbuffer = '';
                if (cp.stdout) {
                    cp.stdout.on('data', (data) => {
                        if (this.options.listeners && this.options.listeners.stdout) {
                            this.options.listeners.stdout(data);
                        }
                        if (!optionsNonNull.silent && optionsNonNull.outStream) {
                            optionsNonNull.outStream.write(data);
                        }
                        stdbuffer = this._processLineBuffer(data, stdbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.stdline) {
                                this.options.listeners.stdline(line);
                            }
                        });
                    });
                }
                let errbuffer = '';
                if (cp.stderr) {
                    cp.stderr.on('data', (data) => {
                        state.processStderr = true;
                        if (this.options.listeners && this.options.listeners.stderr) {
                            this.options.listeners.stderr(data);
                        }
                        if (!optionsNonNull.silent &&
                            optionsNonNull.errStream &&
                            optionsNonNull.outStream) {
                            const s = optionsNonNull.failOnStdErr
                                ? optionsNonNull.errStream
                                : optionsNonNull.outStream;
                            s.write(data);
                        }
                        errbuffer = this._processLineBuffer(data, errbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.errline) {
                                this.options.listeners.errline(line);
                            }
                        });
                    });
                }
                cp.on('error', (err) => {
                    state.processError = err.message;
                    state.processExited = true;
                    state.processClosed = true;
                    state.CheckComplete();
                });
                cp.on('exit', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    this._debug(`Exit code ${code} received from tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                cp.on('close', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    state.processClosed = true;
                    this._debug(`STDIO streams have closed for tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                state.on('done', (error, exitCode) => {
                    if (stdbuffer.length > 0) {
                        this.emit('stdline', stdbuffer);
                    }
                    if (errbuffer.length > 0) {
                        this.emit('errline', errbuffer);
                    }
                    cp.removeAllListeners();
                    if (error) {
                        reject(error);
                    }
                    else {
                        resolve(exitCode);
                    }
                });
                if (this.options.input) {
                    if (!cp.stdin) {
                        throw new Error('child process missing stdin');
                    }
                    cp.stdin.end(this.options.input);
                }
            }));
        });
    }
}
/**
 * Convert an arg string to an array of args. Handles escaping
 *
 * @param    argString   string of arguments
 * @returns  string[]    array of arguments
 */
function argStringToArray(argString) {
    const args = [];
    let inQuotes = false;
    let escaped = false;
    let arg = '';
    function append(c) {
        // we only escape double quotes.
        if (escaped && c !== '"') {
            arg += '\\';
        }
        arg += c;
        escaped = false;
    }
    for (let i = 0; i < argString.length; i++) {
        const c = argString.charAt(i);
        if (c === '"') {
            if (!escaped) {
                inQuotes = !inQuotes;
            }
            else {
                append(c);
            }
            continue;
        }
        if (c === '\\' && escaped) {
            append(c);
            continue;
        }
        if (c === '\\' && inQuotes) {
            escaped = true;
            continue;
        }
        if (c === ' ' && !inQuotes) {
            if (arg.length > 0) {
                args.push(arg);
                arg = '';
            }
            continue;
        }
        append(c);
    }
    if (arg.length > 0) {
        args.push(arg.trim());
    }
    return args;
}
class ExecState extends external_events_.EventEmitter {
    constructor(options, toolPath) {
        super();
        this.processClosed = false; // tracks whether the process has exited and stdio is closed
        this.processError = '';
        this.processExitCode = 0;
        this.processExited = false; // tracks whether the process has exited
        this.processStderr = false; // tracks whether stderr was written to
        this.delay = 10000; // 10 seconds
        this.done = false;
        this.timeout = null;
        if (!toolPath) {
            throw new Error('toolPath must not be empty');
        }
        this.options = options;
        this.toolPath = toolPath;
        if (options.delay) {
            this.delay = options.delay;
        }
    }
    CheckComplete() {
        if (this.done) {
            return;
        }
        if (this.processClosed) {
            this._setResult();
        }
        else if (this.processExited) {
            this.timeout = (0,external_timers_namespaceObject.setTimeout)(ExecState.HandleTimeout, this.delay, this);
        }
    }
    _debug(message) {
        this.emit('debug', message);
    }
    _setResult() {
        // determine whether there is an error
        let error;
        if (this.processExited) {
            if (this.processError) {
                error = new Error(`There was an error when attempting to execute the process '${this.toolPath}'. This may indicate the process failed to start. Error: ${this.processError}`);
            }
            else if (this.processExitCode !== 0 && !this.options.ignoreReturnCode) {
                error = new Error(`The process '${this.toolPath}' failed with exit code ${this.processExitCode}`);
            }
            else if (this.processStderr && this.options.failOnStdErr) {
                error = new Error(`The process '${this.toolPath}' failed because one or more lines were written to the STDERR stream`);
            }
        }
        // clear the timeout
        if (this.timeout) {
            clearTimeout(this.timeout);
            this.timeout = null;
        }
        this.done = true;
        this.emit('done', error, this.processExitCode);
    }
    static HandleTimeout(state) {
        if (state.done) {
            return;
        }
        if (!state.processClosed && state.processExited) {
            const message = `The STDIO streams did not close within ${state.delay / 1000} seconds of the exit event from process '${state.toolPath}'. This may indicate a child process inherited the STDIO streams and has not yet exited.`;
            state._debug(message);
        }
        state._setResult();
    }
}
//# sourceMappingURL=toolrunner.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/exec/lib/exec.js
var exec_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


/**
 * Exec a command.
 * Output will be streamed to the live console.
 * Returns promise with return code
 *
 * @param     commandLine        command to execute (can include additional args). Must be correctly escaped.
 * @param     args               optional arguments for tool. Escaping is handled by the lib.
 * @param     options            optional exec options.  See ExecOptions
 * @returns   Promise<number>    exit code
 */
function exec(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        const commandArgs = argStringToArray(commandLine);
        if (commandArgs.length === 0) {
            throw new Error(`Parameter 'commandLine' cannot be null or empty.`);
        }
        // Path to tool to execute should be first arg
        const toolPath = commandArgs[0];
        args = commandArgs.slice(1).concat(args || []);
        const runner = new ToolRunner(toolPath, args, options);
        return runner.exec();
    });
}
/**
 * Exec a command and get the output.
 * Output will be streamed to the live console.
 * Returns promise with the exit code and collected stdout and stderr
 *
 * @param     commandLine           command to execute (can include additional args). Must be correctly escaped.
 * @param     args                  optional arguments for tool. Escaping is handled by the lib.
 * @param     options               optional exec options.  See ExecOptions
 * @returns   Promise<ExecOutput>   exit code, stdout, and stderr
 */
function getExecOutput(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        var _a, _b;
        let stdout = '';
        let stderr = '';
        //Using string decoder covers the case where a mult-byte character is split
        const stdoutDecoder = new StringDecoder('utf8');
        const stderrDecoder = new StringDecoder('utf8');
        const originalStdoutListener = (_a = options === null || options === void 0 ? void 0 : options.listeners) === null || _a === void 0 ? void 0 : _a.stdout;
        const originalStdErrListener = (_b = options === null || options === void 0 ? void 0 : options.listeners) === null || _b === void 0 ? void 0 : _b.stderr;
        const stdErrListener = (data) => {
            stderr += stderrDecoder.write(data);
            if (originalStdErrListener) {
                originalStdErrListener(data);
            }
        };
        const stdOutListener = (data) => {
            stdout += stdoutDecoder.write(data);
            if (originalStdoutListener) {
                originalStdoutListener(data);
            }
        };
        const listeners = Object.assign(Object.assign({}, options === null || options === void 0 ? void 0 : options.listeners), { stdout: stdOutListener, stderr: stdErrListener });
        const exitCode = yield exec(commandLine, args, Object.assign(Object.assign({}, options), { listeners }));
        //flush any remaining characters
        stdout += stdoutDecoder.end();
        stderr += stderrDecoder.end();
        return {
            exitCode,
            stdout,
            stderr
        };
    });
}
//# sourceMappingURL=exec.js.map

/***/ }),

/***/ 90:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $1: () => (/* binding */ lstat),
/* harmony export */   Ck: () => (/* binding */ mkdir),
/* harmony export */   Cy: () => (/* binding */ readdir),
/* harmony export */   H8: () => (/* binding */ IS_WINDOWS),
/* harmony export */   Qh: () => (/* binding */ isRooted),
/* harmony export */   YN: () => (/* binding */ symlink),
/* harmony export */   dJ: () => (/* binding */ stat),
/* harmony export */   h_: () => (/* binding */ readlink),
/* harmony export */   k6: () => (/* binding */ chmod),
/* harmony export */   m3: () => (/* binding */ copyFile),
/* harmony export */   rm: () => (/* binding */ rm),
/* harmony export */   t2: () => (/* binding */ exists),
/* harmony export */   vr: () => (/* binding */ tryGetExecutablePath),
/* harmony export */   y1: () => (/* binding */ unlink)
/* harmony export */ });
/* unused harmony exports open, rename, rmdir, UV_FS_O_EXLOCK, READONLY, isDirectory, getCmdPath */
/* harmony import */ var fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9896);
/* harmony import */ var path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6928);
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs__WEBPACK_IMPORTED_MODULE_0__.promises;
// export const {open} = 'fs'
const IS_WINDOWS = process.platform === 'win32';
/**
 * Custom implementation of readlink to ensure Windows junctions
 * maintain trailing backslash for backward compatibility with Node.js < 24
 *
 * In Node.js 20, Windows junctions (directory symlinks) always returned paths
 * with trailing backslashes. Node.js 24 removed this behavior, which breaks
 * code that relied on this format for path operations.
 *
 * This implementation restores the Node 20 behavior by adding a trailing
 * backslash to all junction results on Windows.
 */
function readlink(fsPath) {
    return __awaiter(this, void 0, void 0, function* () {
        const result = yield fs__WEBPACK_IMPORTED_MODULE_0__.promises.readlink(fsPath);
        // On Windows, restore Node 20 behavior: add trailing backslash to all results
        // since junctions on Windows are always directory links
        if (IS_WINDOWS && !result.endsWith('\\')) {
            return `${result}\\`;
        }
        return result;
    });
}
// See https://github.com/nodejs/node/blob/d0153aee367422d0858105abec186da4dff0a0c5/deps/uv/include/uv/win.h#L691
const UV_FS_O_EXLOCK = 0x10000000;
const READONLY = fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_RDONLY;
function exists(fsPath) {
    return __awaiter(this, void 0, void 0, function* () {
        try {
            yield stat(fsPath);
        }
        catch (err) {
            if (err.code === 'ENOENT') {
                return false;
            }
            throw err;
        }
        return true;
    });
}
function isDirectory(fsPath_1) {
    return __awaiter(this, arguments, void 0, function* (fsPath, useStat = false) {
        const stats = useStat ? yield stat(fsPath) : yield lstat(fsPath);
        return stats.isDirectory();
    });
}
/**
 * On OSX/Linux, true if path starts with '/'. On Windows, true for paths like:
 * \, \hello, \\hello\share, C:, and C:\hello (and corresponding alternate separator cases).
 */
function isRooted(p) {
    p = normalizeSeparators(p);
    if (!p) {
        throw new Error('isRooted() parameter "p" cannot be empty');
    }
    if (IS_WINDOWS) {
        return (p.startsWith('\\') || /^[A-Z]:/i.test(p) // e.g. \ or \hello or \\hello
        ); // e.g. C: or C:\hello
    }
    return p.startsWith('/');
}
/**
 * Best effort attempt to determine whether a file exists and is executable.
 * @param filePath    file path to check
 * @param extensions  additional file extensions to try
 * @return if file exists and is executable, returns the file path. otherwise empty string.
 */
function tryGetExecutablePath(filePath, extensions) {
    return __awaiter(this, void 0, void 0, function* () {
        let stats = undefined;
        try {
            // test file exists
            stats = yield stat(filePath);
        }
        catch (err) {
            if (err.code !== 'ENOENT') {
                // eslint-disable-next-line no-console
                console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
            }
        }
        if (stats && stats.isFile()) {
            if (IS_WINDOWS) {
                // on Windows, test for valid extension
                const upperExt = path__WEBPACK_IMPORTED_MODULE_1__.extname(filePath).toUpperCase();
                if (extensions.some(validExt => validExt.toUpperCase() === upperExt)) {
                    return filePath;
                }
            }
            else {
                if (isUnixExecutable(stats)) {
                    return filePath;
                }
            }
        }
        // try each extension
        const originalFilePath = filePath;
        for (const extension of extensions) {
            filePath = originalFilePath + extension;
            stats = undefined;
            try {
                stats = yield stat(filePath);
            }
            catch (err) {
                if (err.code !== 'ENOENT') {
                    // eslint-disable-next-line no-console
                    console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
                }
            }
            if (stats && stats.isFile()) {
                if (IS_WINDOWS) {
                    // preserve the case of the actual file (since an extension was appended)
                    try {
                        const directory = path__WEBPACK_IMPORTED_MODULE_1__.dirname(filePath);
                        const upperName = path__WEBPACK_IMPORTED_MODULE_1__.basename(filePath).toUpperCase();
                        for (const actualName of yield readdir(directory)) {
                            if (upperName === actualName.toUpperCase()) {
                                filePath = path__WEBPACK_IMPORTED_MODULE_1__.join(directory, actualName);
                                break;
                            }
                        }
                    }
                    catch (err) {
                        // eslint-disable-next-line no-console
                        console.log(`Unexpected error attempting to determine the actual case of the file '${filePath}': ${err}`);
                    }
                    return filePath;
                }
                else {
                    if (isUnixExecutable(stats)) {
                        return filePath;
                    }
                }
            }
        }
        return '';
    });
}
function normalizeSeparators(p) {
    p = p || '';
    if (IS_WINDOWS) {
        // convert slashes on Windows
        p = p.replace(/\//g, '\\');
        // remove redundant slashes
        return p.replace(/\\\\+/g, '\\');
    }
    // remove redundant slashes
    return p.replace(/\/\/+/g, '/');
}
// on Mac/Linux, test the execute bit
//     R   W  X  R  W X R W X
//   256 128 64 32 16 8 4 2 1
function isUnixExecutable(stats) {
    return ((stats.mode & 1) > 0 ||
        ((stats.mode & 8) > 0 &&
            process.getgid !== undefined &&
            stats.gid === process.getgid()) ||
        ((stats.mode & 64) > 0 &&
            process.getuid !== undefined &&
            stats.uid === process.getuid()));
}
// Get the path of cmd.exe in windows
function getCmdPath() {
    var _a;
    return (_a = process.env['COMSPEC']) !== null && _a !== void 0 ? _a : `cmd.exe`;
}
//# sourceMappingURL=io-util.js.map

/***/ }),

/***/ 8701:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   K7: () => (/* binding */ which),
/* harmony export */   U$: () => (/* binding */ mkdirP),
/* harmony export */   Yz: () => (/* binding */ rmRF),
/* harmony export */   cp: () => (/* binding */ cp)
/* harmony export */ });
/* unused harmony exports mv, findInPath */
/* harmony import */ var assert__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(2613);
/* harmony import */ var path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6928);
/* harmony import */ var _io_util_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(90);
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



/**
 * Copies a file or folder.
 * Based off of shelljs - https://github.com/shelljs/shelljs/blob/9237f66c52e5daa40458f94f9565e18e8132f5a6/src/cp.js
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See CopyOptions.
 */
function cp(source_1, dest_1) {
    return __awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        const { force, recursive, copySourceDirectory } = readCopyOptions(options);
        const destStat = (yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .exists */ .t2(dest)) ? yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .stat */ .dJ(dest) : null;
        // Dest is an existing file, but not forcing
        if (destStat && destStat.isFile() && !force) {
            return;
        }
        // If dest is an existing directory, should copy inside.
        const newDest = destStat && destStat.isDirectory() && copySourceDirectory
            ? path__WEBPACK_IMPORTED_MODULE_1__.join(dest, path__WEBPACK_IMPORTED_MODULE_1__.basename(source))
            : dest;
        if (!(yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .exists */ .t2(source))) {
            throw new Error(`no such file or directory: ${source}`);
        }
        const sourceStat = yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .stat */ .dJ(source);
        if (sourceStat.isDirectory()) {
            if (!recursive) {
                throw new Error(`Failed to copy. ${source} is a directory, but tried to copy without recursive flag.`);
            }
            else {
                yield cpDirRecursive(source, newDest, 0, force);
            }
        }
        else {
            if (path__WEBPACK_IMPORTED_MODULE_1__.relative(source, newDest) === '') {
                // a file cannot be copied to itself
                throw new Error(`'${newDest}' and '${source}' are the same file`);
            }
            yield copyFile(source, newDest, force);
        }
    });
}
/**
 * Moves a path.
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See MoveOptions.
 */
function mv(source_1, dest_1) {
    return __awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        if (yield ioUtil.exists(dest)) {
            let destExists = true;
            if (yield ioUtil.isDirectory(dest)) {
                // If dest is directory copy src into dest
                dest = path.join(dest, path.basename(source));
                destExists = yield ioUtil.exists(dest);
            }
            if (destExists) {
                if (options.force == null || options.force) {
                    yield rmRF(dest);
                }
                else {
                    throw new Error('Destination already exists');
                }
            }
        }
        yield mkdirP(path.dirname(dest));
        yield ioUtil.rename(source, dest);
    });
}
/**
 * Remove a path recursively with force
 *
 * @param inputPath path to remove
 */
function rmRF(inputPath) {
    return __awaiter(this, void 0, void 0, function* () {
        if (_io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .IS_WINDOWS */ .H8) {
            // Check for invalid characters
            // https://docs.microsoft.com/en-us/windows/win32/fileio/naming-a-file
            if (/[*"<>|]/.test(inputPath)) {
                throw new Error('File path must not contain `*`, `"`, `<`, `>` or `|` on Windows');
            }
        }
        try {
            // note if path does not exist, error is silent
            yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__.rm(inputPath, {
                force: true,
                maxRetries: 3,
                recursive: true,
                retryDelay: 300
            });
        }
        catch (err) {
            throw new Error(`File was unable to be removed ${err}`);
        }
    });
}
/**
 * Make a directory.  Creates the full path with folders in between
 * Will throw if it fails
 *
 * @param   fsPath        path to create
 * @returns Promise<void>
 */
function mkdirP(fsPath) {
    return __awaiter(this, void 0, void 0, function* () {
        (0,assert__WEBPACK_IMPORTED_MODULE_0__.ok)(fsPath, 'a path argument must be provided');
        yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .mkdir */ .Ck(fsPath, { recursive: true });
    });
}
/**
 * Returns path of a tool had the tool actually been invoked.  Resolves via paths.
 * If you check and the tool does not exist, it will throw.
 *
 * @param     tool              name of the tool
 * @param     check             whether to check if tool exists
 * @returns   Promise<string>   path to tool
 */
function which(tool, check) {
    return __awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // recursive when check=true
        if (check) {
            const result = yield which(tool, false);
            if (!result) {
                if (_io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .IS_WINDOWS */ .H8) {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also verify the file has a valid extension for an executable file.`);
                }
                else {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable.`);
                }
            }
            return result;
        }
        const matches = yield findInPath(tool);
        if (matches && matches.length > 0) {
            return matches[0];
        }
        return '';
    });
}
/**
 * Returns a list of all occurrences of the given tool on the system path.
 *
 * @returns   Promise<string[]>  the paths of the tool
 */
function findInPath(tool) {
    return __awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // build the list of extensions to try
        const extensions = [];
        if (_io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .IS_WINDOWS */ .H8 && process.env['PATHEXT']) {
            for (const extension of process.env['PATHEXT'].split(path__WEBPACK_IMPORTED_MODULE_1__.delimiter)) {
                if (extension) {
                    extensions.push(extension);
                }
            }
        }
        // if it's rooted, return it if exists. otherwise return empty.
        if (_io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .isRooted */ .Qh(tool)) {
            const filePath = yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .tryGetExecutablePath */ .vr(tool, extensions);
            if (filePath) {
                return [filePath];
            }
            return [];
        }
        // if any path separators, return empty
        if (tool.includes(path__WEBPACK_IMPORTED_MODULE_1__.sep)) {
            return [];
        }
        // build the list of directories
        //
        // Note, technically "where" checks the current directory on Windows. From a toolkit perspective,
        // it feels like we should not do this. Checking the current directory seems like more of a use
        // case of a shell, and the which() function exposed by the toolkit should strive for consistency
        // across platforms.
        const directories = [];
        if (process.env.PATH) {
            for (const p of process.env.PATH.split(path__WEBPACK_IMPORTED_MODULE_1__.delimiter)) {
                if (p) {
                    directories.push(p);
                }
            }
        }
        // find all matches
        const matches = [];
        for (const directory of directories) {
            const filePath = yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .tryGetExecutablePath */ .vr(path__WEBPACK_IMPORTED_MODULE_1__.join(directory, tool), extensions);
            if (filePath) {
                matches.push(filePath);
            }
        }
        return matches;
    });
}
function readCopyOptions(options) {
    const force = options.force == null ? true : options.force;
    const recursive = Boolean(options.recursive);
    const copySourceDirectory = options.copySourceDirectory == null
        ? true
        : Boolean(options.copySourceDirectory);
    return { force, recursive, copySourceDirectory };
}
function cpDirRecursive(sourceDir, destDir, currentDepth, force) {
    return __awaiter(this, void 0, void 0, function* () {
        // Ensure there is not a run away recursive copy
        if (currentDepth >= 255)
            return;
        currentDepth++;
        yield mkdirP(destDir);
        const files = yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .readdir */ .Cy(sourceDir);
        for (const fileName of files) {
            const srcFile = `${sourceDir}/${fileName}`;
            const destFile = `${destDir}/${fileName}`;
            const srcFileStat = yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .lstat */ .$1(srcFile);
            if (srcFileStat.isDirectory()) {
                // Recurse
                yield cpDirRecursive(srcFile, destFile, currentDepth, force);
            }
            else {
                yield copyFile(srcFile, destFile, force);
            }
        }
        // Change the mode for the newly created directory
        yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .chmod */ .k6(destDir, (yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .stat */ .dJ(sourceDir)).mode);
    });
}
// Buffered file copy
function copyFile(srcFile, destFile, force) {
    return __awaiter(this, void 0, void 0, function* () {
        if ((yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .lstat */ .$1(srcFile)).isSymbolicLink()) {
            // unlink/re-link it
            try {
                yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .lstat */ .$1(destFile);
                yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .unlink */ .y1(destFile);
            }
            catch (e) {
                // Try to override file permission
                if (e.code === 'EPERM') {
                    yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .chmod */ .k6(destFile, '0666');
                    yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .unlink */ .y1(destFile);
                }
                // other errors = it doesn't exist, no work to do
            }
            // Copy over symlink
            const symlinkFull = yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .readlink */ .h_(srcFile);
            yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .symlink */ .YN(symlinkFull, destFile, _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .IS_WINDOWS */ .H8 ? 'junction' : null);
        }
        else if (!(yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .exists */ .t2(destFile)) || force) {
            yield _io_util_js__WEBPACK_IMPORTED_MODULE_2__/* .copyFile */ .m3(srcFile, destFile);
        }
    });
}
//# sourceMappingURL=io.js.map

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(5648);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
