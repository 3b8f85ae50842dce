export const id = 798;
export const ids = [798];
export const modules = {

/***/ 7798:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  reportFailure: () => (/* binding */ reportFailure),
  runMain: () => (/* binding */ runMain)
});

// UNUSED EXPORTS: defaultDeps, maskSecrets

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./lib/builder.js
var lib_builder = __webpack_require__(6356);
// EXTERNAL MODULE: ./lib/runner.js
var lib_runner = __webpack_require__(869);
;// CONCATENATED MODULE: ./lib/build.js

function buildArgs({ builder, metadataFile, settings: s }) {
    const args = ['buildx', 'build', '--builder', builder, '--platform', s.platforms.join(',')];
    if (s.file)
        args.push('--file', s.file);
    for (const tag of s.tags)
        args.push('--tag', tag);
    for (const arg of s.buildArgs)
        args.push('--build-arg', arg);
    for (const label of s.labels)
        args.push('--label', label);
    if (s.target)
        args.push('--target', s.target);
    for (const from of s.cacheFrom)
        args.push('--cache-from', from);
    for (const to of s.cacheTo)
        args.push('--cache-to', to);
    if (s.noCache)
        args.push('--no-cache');
    if (s.pull)
        args.push('--pull');
    if (s.provenance)
        args.push(`--provenance=${s.provenance}`);
    if (s.network)
        args.push('--network', s.network);
    if (s.network === 'host')
        args.push('--allow', 'network.host');
    args.push('--metadata-file', metadataFile);
    if (s.push)
        args.push('--push');
    args.push(s.context);
    return args;
}
/** Runs the build with its output streaming to the log; a failure carries buildx's own error. */
async function runBuild(runner, options) {
    return (0,lib_runner/* runChecked */.X4)(runner, 'docker', buildArgs(options), { what: 'docker buildx build' });
}

// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __webpack_require__(3292);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./lib/registry-name.js
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
        if (!literal || !(0,external_node_net_.isIPv6)(literal[1] ?? ''))
            fail('is not a valid bracketed IPv6 address such as [::1]:5000');
        name = `[${literal[1] ?? ''}]`;
        port = literal[2];
    }
    else {
        const parts = NAME_AND_PORT.exec(rest.toLowerCase());
        if (!parts) {
            if ((0,external_node_net_.isIPv6)(rest))
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
        return (0,external_node_net_.isIPv4)(name);
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
    if ((0,external_node_net_.isIPv4)(name))
        return name.startsWith('127.');
    if ((0,external_node_net_.isIPv6)(name)) {
        const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
        if (mapped)
            return isLoopbackHost(mapped[1] ?? '');
        const normalized = new URL(`http://[${name}]`).hostname;
        return normalized === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normalized);
    }
    return false;
}

;// CONCATENATED MODULE: ./lib/buildkitd-config.js
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
const BARE_KEY = /^[A-Za-z0-9_-]+$/;
function formatKeyPath(path) {
    return path.map(key => (BARE_KEY.test(key) ? key : JSON.stringify(key))).join('.');
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
        return (0,dist/* parse */.qg)(text, { unsafeKeyBehaviour: 'throw' });
    }
    catch (error) {
        if (error instanceof dist/* TomlError */.zx) {
            const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
            throw new Error(`${sourceName}: invalid TOML at line ${error.line}, column ${error.column}: ${reason}; ` +
                'expected a buildkitd.toml document', { cause: error });
        }
        throw error;
    }
}
/** Renders a table as TOML text; '' for an empty table. */
function renderBuildkitdConfig(table) {
    return Object.keys(table).length === 0 ? '' : (0,dist/* stringify */.As)(table);
}
/**
 * The settings BuildKit will apply to one registry host (exactly as keyed, e.g. '127.0.0.1:5443') in the
 * final config, for code that must talk to the same registry the way BuildKit does. plainHttp follows
 * `http` when set, else true for loopback hosts (BuildKit's default), else false; insecure follows
 * `insecure`; ca lists the `ca` paths. Throws when one of these keys has the wrong type.
 */
function registrySettings(table, host) {
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
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./lib/certificates.js
/**
 * The ca-certs input: CA certificates for registries with a private CA, given per registry host as a file
 * path or as PEM text (often from a secret). Entries are parsed, every certificate is checked with
 * node:crypto, and the PEM is written to one file per host for buildkitd.toml's `ca = [...]`.
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
            const host = parseRegistryHost(start[1] ?? '', { input, allowHttpScheme: false }).host;
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
 * Reads (for file entries) and validates every entry, then writes one PEM file per host as
 * `<dir>/ca-<host with ':' and other characters replaced by '_'>.crt` (mode 0644; dir created if missing).
 * Several entries for the same host are concatenated into its file. Nothing is written unless every entry
 * is valid. Relative file paths are resolved against the current directory. Returns host -> [absolute path].
 */
async function writeCaFiles(entries, dir, input = DEFAULT_INPUT) {
    const pemByHost = new Map();
    for (const entry of entries) {
        const host = parseRegistryHost(entry.host, { input, allowHttpScheme: false }).host;
        let text = entry.value;
        let file;
        if (entry.source === 'file') {
            file = (0,external_node_path_.resolve)(entry.value);
            try {
                text = await (0,promises_.readFile)(file, 'utf8');
            }
            catch (error) {
                // Not `instanceof Error`: errors from node:fs may come from another realm (e.g. under jest's vm).
                const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
                throw new Error(`${input}: cannot read the CA certificate file ${JSON.stringify(file)} for ${host} (${code}); ` +
                    'expected the path of a readable PEM file, or the PEM text itself', { cause: error });
            }
        }
        const { pem } = validateCertificatePem(text, file === undefined ? { input, host } : { input, host, file });
        const list = pemByHost.get(host) ?? [];
        list.push(pem);
        pemByHost.set(host, list);
    }
    const result = new Map();
    if (pemByHost.size === 0)
        return result;
    const directory = (0,external_node_path_.resolve)(dir);
    await (0,promises_.mkdir)(directory, { recursive: true });
    const usedNames = new Set();
    for (const [host, pems] of pemByHost) {
        let name = fileNameFor(host);
        for (let suffix = 2; usedNames.has(name); suffix++)
            name = fileNameFor(`${host}-${suffix}`);
        usedNames.add(name);
        const path = (0,external_node_path_.join)(directory, name);
        await (0,promises_.writeFile)(path, pems.join(''), { mode: FILE_MODE });
        await (0,promises_.chmod)(path, FILE_MODE);
        result.set(host, [path]);
    }
    return result;
}

;// CONCATENATED MODULE: ./lib/config.js
/**
 * The builder's buildkitd.toml: what the registry inputs generate, merged with the user's own file and
 * inline TOML (a key set twice with different values is an error naming both places).
 */




async function writeBuildkitdConfig(inputs, dir) {
    const caFiles = await writeCaFiles(inputs.caCerts, external_node_path_.join(dir, 'certs'));
    const sources = [];
    if (inputs.buildkitdConfig) {
        const name = `buildkitd-config (${inputs.buildkitdConfig})`;
        sources.push({ name, table: parseBuildkitdToml(external_node_fs_.readFileSync(inputs.buildkitdConfig, 'utf8'), name) });
    }
    if (inputs.buildkitdConfigInline) {
        const name = 'buildkitd-config-inline';
        sources.push({ name, table: parseBuildkitdToml(inputs.buildkitdConfigInline, name) });
    }
    const generated = generateBuildkitdConfig({
        insecureRegistries: inputs.insecureRegistries,
        caFiles,
        mirrors: inputs.registryMirrors
    });
    sources.push({ name: 'generated from inputs', table: generated });
    const table = mergeBuildkitdConfigs(sources);
    const text = renderBuildkitdConfig(table);
    let file = '';
    if (text.trim() !== '') {
        file = external_node_path_.join(dir, 'buildkitd.toml');
        external_node_fs_.writeFileSync(file, text, { mode: 0o644 });
    }
    return { file, table, text };
}

// EXTERNAL MODULE: ./lib/buildx-version.js
var buildx_version = __webpack_require__(1186);
// EXTERNAL MODULE: ./lib/buildx-install.js
var buildx_install = __webpack_require__(5753);
;// CONCATENATED MODULE: ./lib/hints.js
/**
 * Turns the errors users meet most with private registries and emulation into a sentence that names the
 * input that fixes them.
 */
const HINTS = [
    {
        pattern: /x509: certificate signed by unknown authority|certificate is not trusted|tls: failed to verify certificate/i,
        hint: {
            title: 'Registry certificate not trusted',
            message: 'BuildKit does not trust the registry certificate. Give its CA with the ca-certs input ' +
                '(host:port=PEM or a path), or list the registry in insecure-registries to skip verification.'
        }
    },
    {
        pattern: /server gave HTTP response to HTTPS client/i,
        hint: {
            title: 'Registry speaks plain HTTP',
            message: 'The registry serves plain HTTP. List it in insecure-registries as http://host:port.'
        }
    },
    {
        pattern: /dial tcp: lookup [^ ]+.*no such host|no such host/i,
        hint: {
            title: 'Registry name not resolvable from the builder',
            message: 'The builder container cannot resolve the registry name (private DNS or /etc/hosts). ' +
                'Set host-network: true so the builder uses the runner’s network and resolver.'
        }
    },
    {
        pattern: /multiple platforms feature is currently not supported for docker driver/i,
        hint: {
            title: 'Builder cannot build several platforms',
            message: 'The build ran on the docker driver. This action creates a docker-container builder; do not override ' +
                'it with a builder that uses the docker driver.'
        }
    },
    {
        pattern: /exec format error/i,
        hint: {
            title: 'Emulator missing for a platform',
            message: 'A RUN step ran a binary for another architecture without QEMU. Leave qemu: auto (or image/package), ' +
                'or cross-compile with FROM --platform=$BUILDPLATFORM.'
        }
    },
    {
        pattern: /401 Unauthorized|failed to authorize|insufficient_scope|authentication required|denied: requested access/i,
        hint: {
            title: 'Registry refused the credentials',
            message: 'The registry needs credentials: set registry, username and password (or log in before this step) ' +
                'for the registry in tags.'
        }
    }
];
function hintsFor(output) {
    return HINTS.filter(h => h.pattern.test(output)).map(h => h.hint);
}

;// CONCATENATED MODULE: ./lib/platforms.js
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
function hostArchitecture(nodeArch = process.arch) {
    const map = {
        x64: 'amd64',
        ia32: '386',
        arm64: 'arm64',
        arm: 'arm',
        s390x: 's390x'
    };
    return map[nodeArch] ?? nodeArch;
}
/** Architectures a host runs without emulation (amd64 runs 386; arm64 usually runs arm). */
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

// EXTERNAL MODULE: ./lib/reference.js
var lib_reference = __webpack_require__(2206);
// EXTERNAL MODULE: ./lib/errors.js
var errors = __webpack_require__(452);
;// CONCATENATED MODULE: ./lib/inputs.js
/**
 * The action's inputs, read once into a typed object and validated in one place. Every rejection names
 * the input and says what is accepted; all problems are reported together, before any command runs.
 */







/** Defaults, the same as action.yml's (a unit test keeps the two in agreement). */
const DEFAULTS = {
    platforms: 'linux/amd64,linux/arm64',
    context: '.',
    push: 'true',
    'buildkit-image': 'moby/buildkit:buildx-stable-1',
    'host-network': 'false',
    proxy: 'true',
    qemu: 'auto',
    'qemu-image': 'tonistiigi/binfmt:qemu-v8.1.5-43',
    'no-cache': 'false',
    pull: 'false',
    retries: '2',
    'reuse-builder': 'false',
    'buildx-download-url': buildx_install/* DEFAULT_DOWNLOAD_URL */.h2
};
/** All the problems found in the inputs, one line each. */
class InputError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid input${problems.length > 1 ? 's' : ''}:\n${problems.map(p => `  - ${p}`).join('\n')}`);
        this.name = 'InputError';
        this.problems = problems;
    }
}
const BUILDER_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$/;
const BUILD_ARG_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NETWORK_MODES = ['', 'default', 'none', 'host'];
const QEMU_MODES = ['auto', 'image', 'package', 'false'];
/** A list input: items separated by newlines, or by commas when `commas` is set; blanks dropped. */
function splitList(value, commas) {
    return value
        .split(commas ? /[\n,]/ : /\n/)
        .map(s => s.trim())
        .filter(s => s !== '');
}
function readInputs(source, cwd = process.cwd()) {
    const problems = [];
    const get = (name) => {
        const value = source(name);
        if (value !== '')
            return value;
        return DEFAULTS[name] ?? '';
    };
    /** Runs a parser; a thrown message becomes a problem (prefixed with the input name unless it has it). */
    const check = (name, fallback, parse) => {
        try {
            return parse();
        }
        catch (error) {
            const message = (0,errors/* messageOf */.b)(error);
            problems.push(message.startsWith(`${name}:`) ? message : `${name}: ${message}`);
            return fallback;
        }
    };
    const bool = (name) => check(name, false, () => {
        const value = get(name).toLowerCase();
        if (value === 'true')
            return true;
        if (value === 'false')
            return false;
        throw new Error(`"${get(name)}" is not a boolean; use true or false`);
    });
    const existingPath = (name, kind) => check(name, '', () => {
        const value = get(name);
        if (value === '')
            return '';
        const stat = external_node_fs_.statSync(resolvePath(cwd, value), { throwIfNoEntry: false });
        if (!stat)
            throw new Error(`"${value}" does not exist (relative paths start at ${cwd})`);
        if (kind === 'file' ? !stat.isFile() : !stat.isDirectory())
            throw new Error(`"${value}" is not a ${kind}`);
        return value;
    });
    const platforms = check('platforms', [], () => parsePlatforms(get('platforms')));
    const context = check('context', '.', () => {
        const value = get('context');
        if (isRemoteContext(value))
            return value;
        return existingPath('context', 'directory') || value;
    });
    const file = existingPath('file', 'file');
    const push = bool('push');
    const tags = check('tags', [], () => parseTags(get('tags'), push));
    const buildArgs = check('build-args', [], () => parseKeyValues(get('build-args'), true));
    const labels = check('labels', [], () => parseKeyValues(get('labels'), false));
    const network = check('network', '', () => {
        const value = get('network');
        if (!NETWORK_MODES.includes(value))
            throw new Error(`"${value}" is not a RUN network mode; use default, none or host`);
        return value;
    });
    const builderName = check('builder-name', '', () => {
        const value = get('builder-name');
        if (value !== '' && !BUILDER_NAME.test(value)) {
            throw new Error(`"${value}" is not a builder name; use letters, digits, '_', '.', '-', starting with a letter`);
        }
        return value;
    });
    const driverOpts = check('driver-opts', [], () => parseKeyValues(get('driver-opts'), false));
    const insecureRegistries = check('insecure-registries', [], () => splitList(get('insecure-registries'), true).map(v => parseRegistryHost(v, { input: 'insecure-registries', allowHttpScheme: true })));
    const caCerts = check('ca-certs', [], () => parseCaCertsInput(get('ca-certs'), 'ca-certs'));
    const registryMirrors = check('registry-mirrors', new Map(), () => parseMirrors(get('registry-mirrors')));
    const buildkitdConfig = existingPath('buildkitd-config', 'file');
    const registry = check('registry', '', () => {
        const value = get('registry');
        return value === '' ? '' : parseRegistryHost(value, { input: 'registry', allowHttpScheme: false }).host;
    });
    const username = get('username');
    const password = get('password');
    if ((username === '') !== (password === '')) {
        problems.push(`${username ? 'password' : 'username'}: username and password go together; set both or neither`);
    }
    if (username !== '' && registry === '' && !problems.some(p => p.startsWith('registry:'))) {
        problems.push('registry: set the registry host that username/password log in to (docker.io for Docker Hub)');
    }
    const qemu = check('qemu', 'auto', () => {
        const value = get('qemu').toLowerCase();
        const mode = QEMU_MODES.find(m => m === value);
        if (!mode)
            throw new Error(`"${get('qemu')}" is not a QEMU mode; use auto, image, package or false`);
        return mode;
    });
    const noCache = bool('no-cache');
    const pull = bool('pull');
    const hostNetwork = bool('host-network');
    const proxy = bool('proxy');
    const retries = check('retries', 0, () => {
        const value = get('retries');
        if (!/^\d+$/.test(value) || Number(value) > 10)
            throw new Error(`"${value}" is not a retry count; use 0 to 10`);
        return Number(value);
    });
    const reuseBuilder = bool('reuse-builder');
    const buildxVersion = check('buildx-version', '', () => (0,buildx_install/* normalizeBuildxVersion */.Wi)(get('buildx-version')));
    const buildxDownloadUrl = check('buildx-download-url', buildx_install/* DEFAULT_DOWNLOAD_URL */.h2, () => (0,buildx_install/* parseDownloadUrlTemplate */.Jr)(get('buildx-download-url')));
    const buildxChecksumUrl = check('buildx-checksum-url', '', () => get('buildx-checksum-url') === '' ? '' : (0,buildx_install/* parseDownloadUrlTemplate */.Jr)(get('buildx-checksum-url')));
    if (reuseBuilder && builderName === '') {
        problems.push('reuse-builder: needs builder-name (the builder to reuse); a generated name is never reused');
    }
    if (problems.length > 0)
        throw new InputError(problems);
    return {
        platforms,
        context,
        file,
        tags,
        push,
        buildArgs,
        labels,
        target: get('target'),
        cacheFrom: splitList(get('cache-from'), false),
        cacheTo: splitList(get('cache-to'), false),
        noCache,
        pull,
        provenance: get('provenance'),
        network,
        builderName,
        buildkitImage: get('buildkit-image'),
        driverOpts,
        buildkitdFlags: get('buildkitd-flags'),
        hostNetwork,
        insecureRegistries,
        caCerts,
        registryMirrors,
        proxy,
        buildkitdConfig,
        buildkitdConfigInline: get('buildkitd-config-inline'),
        registry,
        username,
        password,
        qemu,
        qemuImage: get('qemu-image'),
        retries,
        reuseBuilder,
        buildxVersion,
        buildxDownloadUrl,
        buildxChecksumUrl
    };
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
        throw new Error('push is true but no tag is given; set tags, e.g. registry.example.com/team/app:1.0');
    }
    for (const tag of tags) {
        try {
            (0,lib_reference/* parseImageReference */.o_)(tag);
        }
        catch (error) {
            throw new Error(`"${tag}" is not a valid image reference: ${(0,errors/* messageOf */.b)(error)}`, { cause: error });
        }
    }
    return tags;
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
    return /^(https?:\/\/|git@|github\.com\/)/.test(value) || value === '-';
}
function resolvePath(cwd, value) {
    return value.startsWith('/') ? value : `${cwd}/${value}`;
}

// EXTERNAL MODULE: ./lib/login.js
var login = __webpack_require__(78);
;// CONCATENATED MODULE: ./lib/qemu.js
/**
 * QEMU user-mode emulation through binfmt_misc: work out which platforms need an emulator on this host,
 * look at what the kernel already has, install only what is missing, and check again.
 *
 * A handler counts only when it is enabled and registered with the F ("fix binary") flag: without F the
 * kernel opens the interpreter lazily by path, which does not exist inside build containers, and RUN steps
 * fail with `exec format error`.
 */





const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
/** Where distributions' qemu-user-static ships systemd-binfmt registrations (with the F flag). */
const BINFMT_CONF_DIRS = ['/usr/lib/binfmt.d', '/etc/binfmt.d'];
function parseBinfmtEntry(text) {
    const lines = text.split('\n').map(l => l.trim());
    const field = (name) => lines.find(l => l.startsWith(`${name} `) || l.startsWith(`${name}:`))?.replace(/^[^ :]+:? */, '') ?? '';
    return { enabled: lines[0] === 'enabled', flags: field('flags'), interpreter: field('interpreter') };
}
function isUsable(entry) {
    return entry !== undefined && entry.enabled && entry.flags.includes('F');
}
/** The platforms that need an emulator on a host of `hostArch`, each with its handler. */
function emulationNeeds(platforms, hostArch) {
    const needs = [];
    for (const platform of platforms) {
        const parsed = parsePlatform(platform);
        const handler = emulatorFor(parsed, hostArch);
        if (handler)
            needs.push({ platform, handler, architecture: parsed.architecture });
    }
    return needs;
}
function readHandler(dir, handler) {
    try {
        return parseBinfmtEntry(external_node_fs_.readFileSync(external_node_path_.join(dir, `qemu-${handler}`), 'utf8'));
    }
    catch {
        return undefined;
    }
}
/** The handlers among `handlers` that binfmt_misc does not have in a usable state. */
function missingHandlers(dir, handlers) {
    return unique(handlers).filter(h => !isUsable(readHandler(dir, h)));
}
/** The image's --install argv for the architectures that are missing. */
function binfmtImageArgs(image, architectures) {
    // The installer needs no network; `none` also works on engines without a bridge network.
    return [
        'run',
        '--rm',
        '--privileged',
        '--network',
        'none',
        image,
        '--install',
        unique(architectures).join(',')
    ];
}
/** A systemd-binfmt line (`:name:type:offset:magic:mask:interpreter:flags`) with the F flag ensured. */
function withFixBinaryFlag(line) {
    const fields = line.trim().split(':');
    if (fields.length < 8)
        throw new Error(`not a binfmt_misc registration: ${line}`);
    const flags = fields[fields.length - 1] ?? '';
    if (!flags.includes('F'))
        fields[fields.length - 1] = `${flags}F`;
    return fields.join(':');
}
async function ensureEmulation(options) {
    const dir = options.binfmtDir ?? BINFMT_DIR;
    const log = options.log ?? (() => undefined);
    const needs = emulationNeeds(options.platforms, options.hostArch ?? hostArchitecture());
    const emulated = needs.map(n => n.platform);
    if (needs.length === 0)
        return { emulated, installed: [], method: 'none' };
    const isRoot = options.isRoot ?? process.getuid?.() === 0;
    const privileged = (command, args) => isRoot ? [command, args] : ['sudo', ['-n', command, ...args]];
    if (options.mode !== 'false')
        await mountBinfmt(options.runner, dir, privileged, log);
    let missing = missingHandlers(dir, needs.map(n => n.handler));
    if (missing.length === 0) {
        log(`binfmt_misc already has ${unique(needs.map(n => `qemu-${n.handler}`)).join(', ')} (enabled, F flag)`);
        return { emulated, installed: [], method: 'none' };
    }
    const missingPlatforms = () => needs
        .filter(n => missing.includes(n.handler))
        .map(n => n.platform)
        .join(', ');
    if (options.mode === 'false') {
        throw new Error(`${missingPlatforms()} need${missing.length > 1 ? '' : 's'} QEMU emulation on this ${options.hostArch ?? hostArchitecture()} host, ` +
            `but binfmt_misc has no usable handler (qemu-${missing.join(', qemu-')}) and qemu is false. ` +
            'Set qemu: auto (or image/package), register the emulators before this step, or drop those platforms.');
    }
    const attempts = [];
    let method = 'none';
    if (options.mode === 'image' || options.mode === 'auto') {
        const archs = needs.filter(n => missing.includes(n.handler)).map(n => n.architecture);
        const result = await options.runner.run('docker', binfmtImageArgs(options.image, archs));
        method = 'image';
        if (result.exitCode === 0)
            missing = missingHandlers(dir, missing);
        attempts.push(result.exitCode === 0
            ? `${options.image} ran, but ${missing.length ? 'handlers are still missing' : 'all handlers are in place'}`
            : `docker run ${options.image} failed: ${(0,errors/* lastLine */.f)(result.stderr)}`);
    }
    if (missing.length > 0 && (options.mode === 'package' || options.mode === 'auto')) {
        if (options.mode === 'auto')
            log(`falling back to the system package: ${attempts.join('; ')}`);
        method = 'package';
        try {
            await installPackage({ ...options, dir, missing, privileged, log });
        }
        catch (error) {
            attempts.push(`qemu-user-static: ${(0,errors/* messageOf */.b)(error)}`);
        }
        missing = missingHandlers(dir, missing);
    }
    if (missing.length > 0) {
        throw new Error(`QEMU emulation for ${missingPlatforms()} could not be set up (missing: qemu-${missing.join(', qemu-')}). ` +
            `Tried: ${attempts.join('; ') || options.mode}. ` +
            'Register the emulators before this step (privileged), or use a runner of that architecture.');
    }
    return { emulated, installed: unique(needs.map(n => n.handler)), method };
}
async function mountBinfmt(runner, dir, privileged, log) {
    if (external_node_fs_.existsSync(external_node_path_.join(dir, 'register')))
        return;
    const [command, args] = privileged('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir]);
    const result = await runner.run(command, args, { silent: true });
    if (result.exitCode !== 0)
        log(`could not mount binfmt_misc at ${dir}: ${(0,errors/* lastLine */.f)(result.stderr)}`);
}
/** Installs the distribution's qemu-user-static when its registrations are absent, then registers the
 * missing handlers from its binfmt.d files with the F flag. */
async function installPackage(options) {
    const confDirs = options.confDirs ?? BINFMT_CONF_DIRS;
    const confFor = (handler) => confDirs.map(d => external_node_path_.join(d, `qemu-${handler}.conf`)).find(f => external_node_fs_.existsSync(f));
    if (options.missing.some(h => confFor(h) === undefined)) {
        const env = { DEBIAN_FRONTEND: 'noninteractive' };
        const apt = (args) => {
            const [command, argv] = options.privileged('apt-get', args);
            return (0,lib_runner/* runChecked */.X4)(options.runner, command, argv, { env, what: `apt-get ${args[0] ?? ''}` });
        };
        await apt(['update', '-qq']);
        await apt(['install', '-y', '-qq', '--no-install-recommends', 'qemu-user-static']);
    }
    for (const handler of options.missing) {
        const conf = confFor(handler);
        if (!conf)
            throw new Error(`qemu-user-static has no registration for qemu-${handler} on this system`);
        const line = external_node_fs_.readFileSync(conf, 'utf8')
            .split('\n')
            .find(l => l.startsWith(':'));
        if (!line)
            throw new Error(`${conf} holds no binfmt_misc registration`);
        // An entry that is disabled or lacks F must go before it can be registered again.
        if (readHandler(options.dir, handler))
            await writePrivileged(options, external_node_path_.join(options.dir, `qemu-${handler}`), '-1');
        await writePrivileged(options, external_node_path_.join(options.dir, 'register'), withFixBinaryFlag(line));
        options.log(`registered qemu-${handler} from ${conf} with the F flag`);
    }
}
async function writePrivileged(options, file, text) {
    const [command, args] = options.privileged('tee', [file]);
    try {
        await (0,lib_runner/* runChecked */.X4)(options.runner, command, args, { input: text, silent: true, what: `writing ${file}` });
    }
    catch (error) {
        if (error instanceof lib_runner/* CommandError */.Qd) {
            throw new Error(`cannot write ${file}: ${(0,errors/* lastLine */.f)(error.stderr)}`, { cause: error });
        }
        throw error;
    }
}
function unique(items) {
    return [...new Set(items)];
}

;// CONCATENATED MODULE: ./lib/retry.js
/**
 * Retries for failures that a second attempt can fix (network, registry overload, builder start-up), and
 * never for the build's own errors: a Dockerfile that fails fails the same way every time. The build
 * cache makes a retried build cheap: finished steps are not run again.
 */

/** Output that shows the build itself failed: never retried, whatever else the output says. */
const PERMANENT = [
    /did not complete successfully/i,
    /dockerfile parse error/i,
    /failed to compute cache key/i,
    /failed to parse (stage|platform|dockerfile)/i,
    /unknown instruction/i,
    /invalid reference format/i,
    /certificate signed by unknown authority/i,
    /server gave HTTP response to HTTPS client/i,
    /no such host/i,
    /401 Unauthorized|403 Forbidden|insufficient_scope|authentication required|unauthorized:/i
];
/** Transient failures, each with the reason the log gives for retrying. */
const TRANSIENT = [
    { pattern: /connection refused/i, reason: 'connection refused' },
    { pattern: /connection reset by peer/i, reason: 'connection reset' },
    { pattern: /broken pipe|unexpected EOF/i, reason: 'connection dropped' },
    {
        pattern: /i\/o timeout|TLS handshake timeout|context deadline exceeded|Client\.Timeout/i,
        reason: 'timeout'
    },
    {
        pattern: /\b(500|502|503|504) (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)/i,
        reason: 'registry server error'
    },
    { pattern: /\b429 Too Many Requests|toomanyrequests/i, reason: 'registry rate limit (429)' },
    {
        pattern: /failed to (push|fetch|copy|do request).*(EOF|reset|refused|timeout)/i,
        reason: 'network failure during push/pull'
    },
    {
        pattern: /error reading from server|transport is closing|failed to dial gRPC|connection error: desc/i,
        reason: 'builder connection lost'
    },
    {
        pattern: /error while booting|failed to bootstrap|timeout waiting for buildkitd/i,
        reason: 'builder start-up failed'
    }
];
/** Why the failure looks transient, or undefined when it must not be retried. */
function transientReason(output) {
    if (PERMANENT.some(p => p.test(output)))
        return undefined;
    return TRANSIENT.find(t => t.pattern.test(output))?.reason;
}
function backoffDelays(options) {
    const max = options.maxDelayMs ?? 30_000;
    return Array.from({ length: options.retries }, (_, i) => Math.min(options.initialDelayMs * 2 ** i, max));
}
/** Runs `attempt`; on a transient CommandError, waits and tries again, up to `retries` times. */
async function withRetries(options, attempt) {
    const delays = backoffDelays(options);
    const sleep = options.sleep ?? ((ms) => new Promise(resolve => setTimeout(resolve, ms)));
    for (let n = 0;; n++) {
        try {
            return await attempt(n);
        }
        catch (error) {
            const reason = error instanceof lib_runner/* CommandError */.Qd ? transientReason(`${error.stderr}\n${error.stdout}`) : undefined;
            const delay = delays[n];
            if (reason === undefined || delay === undefined)
                throw error;
            options.log(`${options.what}: attempt ${n + 1} of ${delays.length + 1} failed (${reason}); retrying in ${Math.round(delay / 1000)}s`);
            await sleep(delay);
        }
    }
}

// EXTERNAL MODULE: ./lib/state.js
var state = __webpack_require__(7390);
;// CONCATENATED MODULE: ./lib/summary.js
/** The job summary: what was pushed, where, and each platform's digest. */

function summaryTable(report, emulated) {
    return Object.entries(report.platforms).map(([platform, digest]) => [
        `<code>${platform}</code>`,
        `<code>${digest}</code>`,
        emulated.includes(platform) ? 'QEMU' : 'native'
    ]);
}
async function writeSummary(options) {
    const { report } = options;
    const summary = core/* summary */.z.addHeading('Multi-platform image', 2);
    if (options.tags.length > 0)
        summary.addList(options.tags.map(t => `<code>${escapeHtml(t)}</code>`));
    if (options.pushed && report.digest) {
        summary.addRaw(`<p>Index digest: <code>${report.digest}</code> (checked in ${report.verified.length} registr${report.verified.length === 1 ? 'y' : 'ies'})</p>`);
        summary.addTable([
            [
                { data: 'Platform', header: true },
                { data: 'Digest', header: true },
                { data: 'Built', header: true }
            ],
            ...summaryTable(report, options.emulated)
        ]);
    }
    else {
        summary.addRaw('<p>Built without pushing: the result stays in the builder cache.</p>');
    }
    summary.addRaw(`<p>Builder: <code>${escapeHtml(options.builder)}</code></p>`);
    await summary.write();
}
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

;// CONCATENATED MODULE: ./lib/digests.js
/**
 * Digests of a pushed image: what buildx reported (its --metadata-file) and what the registry serves,
 * and the comparison of the two. Pure functions; the registry client fetches the bytes.
 */



const MEDIA_TYPES = {
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
};
const INDEX_TYPES = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList];
const MANIFEST_TYPES = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest];
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Parses the JSON buildx writes with --metadata-file. */
function parseBuildMetadata(json) {
    let parsed;
    try {
        parsed = JSON.parse(json);
    }
    catch (error) {
        throw new Error(`The buildx metadata file is not valid JSON: ${(0,errors/* messageOf */.b)(error)}`, { cause: error });
    }
    if (!isRecord(parsed))
        throw new Error('The buildx metadata file does not hold a JSON object');
    const names = parsed['image.name'];
    const imageNames = typeof names === 'string'
        ? names
            .split(',')
            .map(name => name.trim())
            .filter(name => name !== '')
        : [];
    const result = { imageNames, raw: parsed };
    const descriptor = parsed['containerimage.descriptor'];
    const digest = parsed['containerimage.digest'] ?? (isRecord(descriptor) ? descriptor['digest'] : undefined);
    if (digest !== undefined) {
        if (typeof digest !== 'string' || !DIGEST.test(digest)) {
            throw new Error(`The buildx metadata has an invalid containerimage.digest: ${JSON.stringify(digest)}`);
        }
        result.digest = digest;
    }
    if (isRecord(descriptor)) {
        if (typeof descriptor['mediaType'] === 'string')
            result.mediaType = descriptor['mediaType'];
        const platform = platformOf(descriptor['platform']);
        if (platform !== undefined)
            result.platform = formatPlatform(platform);
    }
    return result;
}
/**
 * From the raw bytes the registry served: digest (sha256 of the bytes) and platform -> digest.
 * Index/manifest-list: every entry with a platform, EXCLUDING attestation manifests (annotation
 * vnd.docker.reference.type = attestation-manifest, or platform unknown/unknown); the first entry wins
 * when two share a platform. Single image manifest: { [fallbackPlatform]: digest } (fallbackPlatform from
 * metadata; if absent, throws a clear error).
 */
function digestsFromManifest(raw, mediaType, fallbackPlatform) {
    const digest = sha256Digest(raw);
    let parsed;
    try {
        parsed = JSON.parse(raw.toString('utf8'));
    }
    catch (error) {
        throw new Error(`The manifest ${digest} is not valid JSON: ${(0,errors/* messageOf */.b)(error)}`, { cause: error });
    }
    if (!isRecord(parsed))
        throw new Error(`The manifest ${digest} is not a JSON object`);
    const kind = manifestKind(mediaType, parsed);
    if (kind === undefined) {
        throw new Error(`The manifest ${digest} has media type "${mediaType}", which is neither an image index nor an image manifest`);
    }
    if (kind === 'manifest') {
        if (fallbackPlatform === undefined || fallbackPlatform.trim() === '') {
            throw new Error(`The registry serves a single-platform image manifest (${digest}), and the build metadata does not say ` +
                'which platform it is for (containerimage.descriptor.platform is missing)');
        }
        return { digest, platforms: { [normalizePlatform(fallbackPlatform)]: digest } };
    }
    const manifests = parsed['manifests'];
    if (!Array.isArray(manifests))
        throw new Error(`The image index ${digest} has no "manifests" list`);
    const platforms = {};
    for (const entry of manifests) {
        if (!isRecord(entry) || isAttestation(entry))
            continue;
        const platform = platformOf(entry['platform']);
        const entryDigest = entry['digest'];
        if (platform === undefined || typeof entryDigest !== 'string')
            continue;
        if (platform.os === 'unknown' && platform.architecture === 'unknown')
            continue;
        const key = formatPlatform(platform);
        if (!(key in platforms))
            platforms[key] = entryDigest;
    }
    return { digest, platforms };
}
/**
 * Compares what the registry served with what buildx reported; throws an Error naming both digests and
 * the image when they differ, or when expectedPlatforms (e.g. ['linux/amd64','linux/arm64']) are missing
 * from what is served, or when nothing served has a platform.
 */
function verifyDigests(options) {
    const { image, expectedDigest, served } = options;
    if (served.digest.toLowerCase() !== expectedDigest.toLowerCase()) {
        throw new Error(`The registry serves ${served.digest} for ${image}, but buildx reported pushing ${expectedDigest}; ` +
            'the tag was changed by something else, or the push did not complete');
    }
    const servedPlatforms = Object.keys(served.platforms);
    if (servedPlatforms.length === 0) {
        throw new Error(`The registry serves ${served.digest} for ${image}, but it lists no platform images`);
    }
    const missing = options.expectedPlatforms.filter(p => !(normalizePlatform(p) in served.platforms));
    if (missing.length > 0) {
        throw new Error(`The registry serves ${served.digest} for ${image} without ${missing.join(', ')}; ` +
            `it has ${servedPlatforms.join(', ')}`);
    }
}
/** 'sha256:<hex>' of the bytes. */
function sha256Digest(bytes) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex')}`;
}
function manifestKind(mediaType, parsed) {
    const declared = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (INDEX_TYPES.includes(declared))
        return 'index';
    if (MANIFEST_TYPES.includes(declared))
        return 'manifest';
    // A registry that serves a generic Content-Type: go by the document itself.
    const own = parsed['mediaType'];
    if (typeof own === 'string' && INDEX_TYPES.includes(own))
        return 'index';
    if (typeof own === 'string' && MANIFEST_TYPES.includes(own))
        return 'manifest';
    if (own === undefined && Array.isArray(parsed['manifests']))
        return 'index';
    if (own === undefined && isRecord(parsed['config']) && Array.isArray(parsed['layers']))
        return 'manifest';
    return undefined;
}
function isAttestation(entry) {
    const annotations = entry['annotations'];
    return isRecord(annotations) && annotations['vnd.docker.reference.type'] === 'attestation-manifest';
}
function platformOf(value) {
    if (!isRecord(value))
        return undefined;
    const { os, architecture, variant } = value;
    if (typeof os !== 'string' || typeof architecture !== 'string' || os === '' || architecture === '') {
        return undefined;
    }
    return typeof variant === 'string' && variant !== '' ? { os, architecture, variant } : { os, architecture };
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

;// CONCATENATED MODULE: ./lib/docker-credentials.js
/**
 * Reads registry credentials the way the docker CLI does: `credHelpers`, then `credsStore`, then the
 * `auths` section of `<DOCKER_CONFIG>/config.json`. Secrets are returned to the caller only; nothing here
 * logs them.
 */




/** Username a credential helper reports when Secret is an identity (refresh) token. */
const TOKEN_USERNAME = '<token>';
/**
 * Credentials for `registry` (as in ImageReference.registry) from `<configDir>/config.json`, or undefined
 * when the config has none (or does not exist). Throws when config.json is not valid JSON or a configured
 * credential helper fails for a reason other than "credentials not found", like the docker CLI.
 */
async function credentialsFor(registry, options) {
    const file = external_node_path_.join(options.configDir, 'config.json');
    const config = await readConfig(file);
    if (config === undefined)
        return undefined;
    const key = (0,lib_reference/* configKey */.ur)(registry);
    const helpers = config['credHelpers'];
    let helper;
    if (docker_credentials_isRecord(helpers) && typeof helpers[key] === 'string') {
        // An empty helper name means "use the file", even when credsStore is set.
        helper = helpers[key];
    }
    else if (typeof config['credsStore'] === 'string') {
        helper = config['credsStore'];
    }
    if (helper)
        return fromHelper(helper, key, options.runner);
    const auths = config['auths'];
    return docker_credentials_isRecord(auths) ? fromAuths(auths, key, file) : undefined;
}
async function readConfig(file) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        if (errorCode(error) === 'ENOENT')
            return undefined;
        throw new Error(`Cannot read docker config ${file}: ${(0,errors/* messageOf */.b)(error)}`, { cause: error });
    }
    if (text.trim() === '')
        return undefined;
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        // JSON.parse quotes the text near the error, which may be a secret: say only where the problem is.
        throw new Error(`Docker config ${file} is not valid JSON`);
    }
    if (!docker_credentials_isRecord(parsed))
        throw new Error(`Docker config ${file} is not a JSON object`);
    return parsed;
}
async function fromHelper(helper, key, runner) {
    const program = `docker-credential-${helper}`;
    const result = await runner.run(program, ['get'], { input: key, silent: true });
    if (result.exitCode !== 0) {
        const said = `${result.stdout}\n${result.stderr}`;
        if (/credentials not found/i.test(said))
            return undefined;
        // Helpers print their error on stdout; neither stream carries the secret on failure.
        const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
        throw new Error(`Docker credential helper ${program} failed for ${key} (exit code ${result.exitCode})${detail ? `: ${detail}` : ''}`);
    }
    let answer;
    try {
        answer = JSON.parse(result.stdout);
    }
    catch {
        // Do not echo the output: it may hold the secret.
        throw new Error(`Docker credential helper ${program} printed something that is not JSON for ${key}`);
    }
    if (!docker_credentials_isRecord(answer))
        throw new Error(`Docker credential helper ${program} printed no JSON object for ${key}`);
    // The answer is {ServerURL, Username, Secret}.
    const username = answer['Username'];
    const secret = answer['Secret'];
    if (typeof secret !== 'string' || secret === '')
        return undefined;
    const user = typeof username === 'string' ? username : '';
    if (user === TOKEN_USERNAME)
        return { username: '', password: '', identityToken: secret };
    return { username: user, password: secret };
}
function fromAuths(auths, key, file) {
    const entry = auths[key] ?? findByHostname(auths, key);
    if (!docker_credentials_isRecord(entry))
        return undefined;
    let username = typeof entry['username'] === 'string' ? entry['username'] : '';
    let password = typeof entry['password'] === 'string' ? entry['password'] : '';
    const auth = entry['auth'];
    if (typeof auth === 'string' && auth !== '') {
        const decoded = Buffer.from(auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon === -1)
            throw new Error(`Docker config ${file}: the "auth" value for ${key} is not base64 "user:password"`);
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
    }
    const identityToken = entry['identitytoken'];
    if (typeof identityToken === 'string' && identityToken !== '') {
        return { username, password: '', identityToken };
    }
    if (username === '' && password === '')
        return undefined;
    return { username, password };
}
/** Like the docker CLI: an `auths` key matches when its host (scheme and path stripped) is the wanted one. */
function findByHostname(auths, key) {
    const wanted = hostnameOf(key);
    for (const [candidate, value] of Object.entries(auths)) {
        if (hostnameOf(candidate) === wanted)
            return value;
    }
    return undefined;
}
function hostnameOf(key) {
    const withoutScheme = key.replace(/^https?:\/\//i, '');
    const slash = withoutScheme.indexOf('/');
    return (slash === -1 ? withoutScheme : withoutScheme.slice(0, slash)).toLowerCase();
}
function docker_credentials_isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
// Errors from node:fs may come from another realm (jest's VM modules), so no instanceof checks.
function errorCode(error) {
    return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/proxy.js
var lib_proxy = __webpack_require__(9783);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_namespaceObject = /*#__PURE__*/__webpack_require__.t(external_node_http_, 2);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_namespaceObject = /*#__PURE__*/__webpack_require__.t(external_node_https_, 2);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./node_modules/tunnel/index.js
var tunnel = __webpack_require__(770);
;// CONCATENATED MODULE: ./lib/registry.js
/**
 * A minimal OCI distribution client: fetches one manifest (by tag or digest) exactly as the registry
 * serves it, so its digest can be checked against what buildx reported. It reaches the registry the way
 * BuildKit did to push (plain HTTP, skipped TLS verification, extra CAs), honours HTTP(S)_PROXY/NO_PROXY,
 * and speaks the registry token (Bearer) and Basic auth flows. Tokens are kept in memory for the process,
 * so repeated fetches from one repository cost one request each.
 */








/** A failed registry request. `url` never carries credentials. */
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
const MANIFEST_ACCEPT = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');
const DEFAULT_TIMEOUT_MS = 30_000;
/** The distribution spec's manifest size limit; also bounds token responses and error bodies. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const USER_AGENT = 'multiarch-build-push-action';
const TAG = /^\w[\w.-]{0,127}$/;
const registry_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Fetches the manifest `ref` (a tag or a digest) of `reference`'s repository. */
async function fetchManifest(options) {
    const { reference, ref, transport, credentials } = options;
    if (!TAG.test(ref) && !registry_DIGEST.test(ref)) {
        throw new Error(`Cannot fetch manifest "${ref}": it is neither a tag nor a sha256 digest`);
    }
    const scheme = transport.plainHttp ? 'http' : 'https';
    const url = new URL(`${scheme}://${(0,lib_reference/* apiHost */.nz)(reference.registry)}/v2/${reference.repository}/manifests/${ref}`);
    const where = `${reference.registry}/${reference.repository}`;
    const session = await Session.open(transport, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    try {
        const cacheKey = authCacheKey(url.origin, reference.repository, credentials);
        const cached = authCache.get(cacheKey);
        let authorization = cached !== undefined && cached.expiresAt > Date.now() ? cached.authorization : undefined;
        let response = await session.send('GET', url, manifestHeaders(authorization));
        if (response.status === 401) {
            authCache.delete(cacheKey);
            const challenge = chooseChallenge(parseChallenges(response.headers['www-authenticate']));
            const granted = await authorize(session, {
                challenge,
                manifestUrl: url,
                repository: reference.repository,
                where,
                credentials
            });
            authorization = granted.authorization;
            response = await session.send('GET', url, manifestHeaders(authorization));
            if (response.status === 401) {
                throw credentials === undefined
                    ? needsCredentials(where, url)
                    : new RegistryError(`${where} refused the credentials (HTTP 401 from ${display(url)}): they are wrong, or they do not grant pull access to ${reference.repository}`, { url: display(url), status: 401 });
            }
            if (response.status === 200)
                remember(cacheKey, authorization, granted.expiresInSeconds);
        }
        if (response.status === 404) {
            throw new RegistryError(`Manifest ${ref} not found in ${where} (HTTP 404 from ${display(url)})${registryErrors(response.body)}`, { url: display(url), status: 404 });
        }
        if (response.status !== 200) {
            throw new RegistryError(`Fetching manifest ${ref} of ${where} failed: HTTP ${response.status} from ${display(url)}${registryErrors(response.body)}`, { url: display(url), status: response.status });
        }
        return checkedManifest(response, ref, url);
    }
    finally {
        await session.close();
    }
}
/** Forgets every token and Basic authorization kept from earlier fetches. */
function clearAuthCache() {
    authCache.clear();
}
function manifestHeaders(authorization) {
    const headers = { accept: MANIFEST_ACCEPT };
    if (authorization !== undefined)
        headers['authorization'] = authorization;
    return headers;
}
function checkedManifest(response, ref, url) {
    const raw = response.body;
    const digest = `sha256:${(0,external_node_crypto_.createHash)('sha256').update(raw).digest('hex')}`;
    if (registry_DIGEST.test(ref) && digest !== ref) {
        throw new RegistryError(`${display(url)} served content whose sha256 is ${digest}, not the requested ${ref}`, { url: display(url), status: 200 });
    }
    const claimed = firstHeader(response.headers['docker-content-digest']);
    if (claimed?.startsWith('sha256:') && claimed !== digest) {
        throw new RegistryError(`${display(url)} says its manifest is ${claimed} (Docker-Content-Digest), but the bytes it served hash to ${digest}`, { url: display(url), status: 200 });
    }
    return { raw, mediaType: mediaTypeOf(firstHeader(response.headers['content-type']), raw), digest };
}
function mediaTypeOf(contentType, raw) {
    const declared = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (declared !== '' && declared !== 'application/json' && declared !== 'text/plain')
        return declared;
    try {
        const parsed = JSON.parse(raw.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && 'mediaType' in parsed) {
            if (typeof parsed.mediaType === 'string')
                return parsed.mediaType;
        }
    }
    catch {
        // Not JSON: report what the server said; the caller's parser explains the problem.
    }
    return declared;
}
async function authorize(session, context) {
    const { challenge, manifestUrl, credentials, where } = context;
    if (challenge === undefined) {
        throw new RegistryError(`${where} answered HTTP 401 from ${display(manifestUrl)} without a Bearer or Basic WWW-Authenticate challenge`, { url: display(manifestUrl), status: 401 });
    }
    if (challenge.scheme === 'basic') {
        if (credentials === undefined)
            throw needsCredentials(where, manifestUrl);
        return { authorization: basic(credentials), expiresInSeconds: undefined };
    }
    const realm = challenge.params['realm'];
    let tokenUrl;
    try {
        tokenUrl = new URL(realm ?? '');
    }
    catch {
        throw new RegistryError(`${where} asked for a Bearer token without a usable realm (${JSON.stringify(realm ?? null)}) at ${display(manifestUrl)}`, { url: display(manifestUrl), status: 401 });
    }
    const service = challenge.params['service'];
    const scopes = (challenge.params['scope'] ?? `repository:${context.repository}:pull`)
        .split(' ')
        .filter(s => s);
    let response;
    if (credentials?.identityToken !== undefined) {
        // An OAuth2 refresh token, exchanged like docker does.
        const form = new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: credentials.identityToken,
            client_id: USER_AGENT
        });
        if (service !== undefined)
            form.set('service', service);
        form.set('scope', scopes.join(' '));
        response = await session.send('POST', tokenUrl, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
    }
    else {
        if (service !== undefined)
            tokenUrl.searchParams.set('service', service);
        for (const scope of scopes)
            tokenUrl.searchParams.append('scope', scope);
        const headers = {};
        if (credentials !== undefined)
            headers['authorization'] = basic(credentials);
        response = await session.send('GET', tokenUrl, headers);
    }
    if (response.status === 401 || response.status === 403) {
        if (credentials === undefined)
            throw needsCredentials(where, manifestUrl);
        throw new RegistryError(`The token service of ${where} refused the credentials (HTTP ${response.status} from ${display(tokenUrl)})${registryErrors(response.body)}`, { url: display(tokenUrl), status: response.status });
    }
    if (response.status !== 200) {
        throw new RegistryError(`Getting a token for ${where} failed: HTTP ${response.status} from ${display(tokenUrl)}${registryErrors(response.body)}`, { url: display(tokenUrl), status: response.status });
    }
    let parsed;
    try {
        parsed = JSON.parse(response.body.toString('utf8'));
    }
    catch {
        parsed = undefined;
    }
    const token = pick(parsed, 'token') ?? pick(parsed, 'access_token');
    if (typeof token !== 'string' || token === '') {
        throw new RegistryError(`The token service ${display(tokenUrl)} answered without a token`, {
            url: display(tokenUrl),
            status: 200
        });
    }
    const expiresIn = pick(parsed, 'expires_in');
    return {
        authorization: `Bearer ${token}`,
        expiresInSeconds: typeof expiresIn === 'number' ? expiresIn : 60
    };
}
function needsCredentials(where, url) {
    return new RegistryError(`${where} needs credentials to read the pushed manifest (HTTP 401 from ${display(url)}). Give them with the ` +
        '`registry`, `username` and `password` inputs, or run docker login before this step.', { url: display(url), status: 401 });
}
function basic(credentials) {
    const secret = credentials.password !== '' ? credentials.password : (credentials.identityToken ?? '');
    return `Basic ${Buffer.from(`${credentials.username}:${secret}`).toString('base64')}`;
}
/** Parses WWW-Authenticate values into challenges (scheme lowercased, parameter names lowercased). */
function parseChallenges(header) {
    const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
    const challenges = [];
    const param = /^[\s,]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/;
    for (const value of values) {
        let rest = value;
        for (;;) {
            rest = rest.replace(/^[\s,]+/, '');
            const scheme = /^[^\s,=]+/.exec(rest);
            if (scheme === null)
                break;
            rest = rest.slice(scheme[0].length);
            const challenge = { scheme: scheme[0].toLowerCase(), params: {} };
            challenges.push(challenge);
            for (let m = param.exec(rest); m !== null; m = param.exec(rest)) {
                const [whole, name = '', quoted, bare] = m;
                challenge.params[name.toLowerCase()] =
                    quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
                rest = rest.slice(whole.length);
            }
        }
    }
    return challenges;
}
function chooseChallenge(challenges) {
    return challenges.find(c => c.scheme === 'bearer') ?? challenges.find(c => c.scheme === 'basic');
}
const authCache = new Map();
const AUTH_CACHE_LIMIT = 64;
function authCacheKey(origin, repository, credentials) {
    const who = credentials === undefined
        ? 'anonymous'
        : (0,external_node_crypto_.createHash)('sha256')
            .update(JSON.stringify([credentials.username, credentials.password, credentials.identityToken ?? '']))
            .digest('hex');
    return `${origin} ${repository} ${who}`;
}
function remember(key, authorization, expiresInSeconds) {
    if (authorization === undefined)
        return;
    // Basic never expires; tokens are dropped 10 s early so they are not used as they run out.
    const ttlMs = expiresInSeconds === undefined ? 3_600_000 : Math.max(0, expiresInSeconds - 10) * 1000;
    if (ttlMs === 0)
        return;
    if (authCache.size >= AUTH_CACHE_LIMIT)
        authCache.clear();
    authCache.set(key, { authorization, expiresAt: Date.now() + ttlMs });
}
/**
 * The connections, CA list and deadline of one fetchManifest call. Node's own http/https clients (and
 * `tunnel` for proxies, as @actions/http-client does): they start nothing that outlives the request, so
 * the step can end the moment its work is done.
 */
class Session {
    transport;
    ca;
    timeoutMs;
    agents = new Map();
    controller = new AbortController();
    timer;
    timedOut = false;
    constructor(transport, ca, timeoutMs) {
        this.transport = transport;
        this.ca = ca;
        this.timeoutMs = timeoutMs;
        this.timer = setTimeout(() => {
            this.timedOut = true;
            this.controller.abort();
        }, timeoutMs);
        this.timer.unref();
    }
    static async open(transport, timeoutMs) {
        return new Session(transport, await loadCa(transport.caFiles), timeoutMs);
    }
    async send(method, url, headers, body) {
        let current = url;
        let sendHeaders = { 'user-agent': USER_AGENT, ...headers };
        for (let hop = 0;; hop++) {
            const response = await this.once(method, current, sendHeaders, body);
            const location = firstHeader(response.headers['location']);
            if (method !== 'GET' ||
                ![301, 302, 303, 307, 308].includes(response.status) ||
                location === undefined) {
                return response;
            }
            if (hop === MAX_REDIRECTS) {
                throw new RegistryError(`Too many redirects from ${display(url)}`, {
                    url: display(url),
                    status: response.status
                });
            }
            const next = new URL(location, current);
            // Credentials are for the host that asked for them, not for wherever it redirects.
            if (next.origin !== current.origin) {
                sendHeaders = Object.fromEntries(Object.entries(sendHeaders).filter(([k]) => k !== 'authorization'));
            }
            current = next;
        }
    }
    once(method, url, headers, body) {
        return new Promise((resolve, reject) => {
            const fail = (error) => {
                reject(error instanceof RegistryError ? error : this.networkError(url, error));
            };
            const client = url.protocol === 'https:' ? external_node_https_namespaceObject : external_node_http_namespaceObject;
            const request = client.request(url, {
                method,
                headers,
                agent: this.agentFor(url),
                signal: this.controller.signal,
                ...(url.protocol === 'https:' ? this.tlsOptions() : {})
            }, response => {
                const chunks = [];
                let size = 0;
                response.on('data', (chunk) => {
                    size += chunk.length;
                    if (size > MAX_BODY_BYTES) {
                        request.destroy(new RegistryError(`${display(url)} sent more than ${MAX_BODY_BYTES} bytes`, {
                            url: display(url),
                            status: response.statusCode
                        }));
                    }
                    else {
                        chunks.push(chunk);
                    }
                });
                response.on('error', fail);
                response.on('end', () => {
                    resolve({
                        status: response.statusCode ?? 0,
                        headers: response.headers,
                        body: Buffer.concat(chunks)
                    });
                });
            });
            request.on('error', fail);
            request.end(body);
        });
    }
    /** TLS settings for the registry: BuildKit's (skip verification, or the system roots plus the CAs). */
    tlsOptions() {
        return {
            rejectUnauthorized: !this.transport.insecure,
            ...(this.ca !== undefined ? { ca: this.ca.map(pem => Buffer.from(pem)) } : {})
        };
    }
    /** A direct agent, or a CONNECT tunnel through the proxy that HTTP(S)_PROXY/NO_PROXY choose for this URL. */
    agentFor(url) {
        const proxy = (0,lib_proxy/* getProxyUrl */.s)(url);
        const key = `${url.protocol}${proxy?.href ?? ''}`;
        const existing = this.agents.get(key);
        if (existing !== undefined)
            return existing;
        let agent;
        if (proxy === undefined) {
            agent =
                url.protocol === 'https:'
                    ? new external_node_https_.Agent({ keepAlive: true, ...this.tlsOptions() })
                    : new external_node_http_.Agent({ keepAlive: true });
        }
        else {
            const auth = proxy.username
                ? `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
                : undefined;
            const through = {
                host: proxy.hostname,
                port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
                ...(auth !== undefined ? { proxyAuth: auth } : {})
            };
            const viaTlsProxy = proxy.protocol === 'https:';
            agent =
                url.protocol === 'https:'
                    ? (viaTlsProxy ? tunnel.httpsOverHttps : tunnel.httpsOverHttp)({
                        proxy: through,
                        ...this.tlsOptions()
                    })
                    : (viaTlsProxy ? tunnel.httpOverHttps : tunnel.httpOverHttp)({ proxy: through });
        }
        this.agents.set(key, agent);
        return agent;
    }
    networkError(url, error) {
        const shown = display(url);
        const { codes, messages } = unwrap(error);
        const code = codes.find(c => TLS_VERIFY_CODES.has(c)) ?? codes[0];
        const detail = messages[messages.length - 1] ?? 'unknown error';
        const viaProxy = (0,lib_proxy/* getProxyUrl */.s)(url);
        const via = viaProxy === undefined ? '' : ` via proxy ${viaProxy.host}`;
        const fail = (message) => new RegistryError(message, { url: shown, ...(code ? { code } : {}) });
        if (this.timedOut || codes.some(c => TIMEOUT_CODES.has(c))) {
            return fail(`Timed out after ${this.timeoutMs} ms waiting for ${shown}${via}`);
        }
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
    close() {
        clearTimeout(this.timer);
        // Direct agents keep sockets alive between the token and manifest requests; tunnels close their own.
        for (const agent of this.agents.values())
            if (agent instanceof external_node_http_.Agent)
                agent.destroy();
        this.agents.clear();
        return Promise.resolve();
    }
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
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
/** Error codes and messages along an error's cause chain (errors may come from another realm). */
function unwrap(error) {
    const codes = [];
    const messages = [];
    let current = error;
    for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
        if ('code' in current && typeof current.code === 'string')
            codes.push(current.code);
        if ('message' in current && typeof current.message === 'string' && current.message !== '') {
            messages.push(current.message);
        }
        current = 'cause' in current ? current.cause : undefined;
    }
    if (messages.length === 0)
        messages.push(typeof error === 'string' ? error : 'unknown error');
    return { codes, messages };
}
async function loadCa(files) {
    // Without extra CA files, keep node's defaults (which include NODE_EXTRA_CA_CERTS).
    if (files.length === 0)
        return undefined;
    const ca = [...external_node_tls_.rootCertificates];
    const extra = process.env['NODE_EXTRA_CA_CERTS'];
    if (extra) {
        try {
            ca.push(await (0,promises_.readFile)(extra, 'utf8'));
        }
        catch {
            // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
        }
    }
    for (const file of files) {
        try {
            ca.push(await (0,promises_.readFile)(file, 'utf8'));
        }
        catch (error) {
            const { messages } = unwrap(error);
            throw new Error(`Cannot read the CA certificate file ${file} (ca-certs): ${messages[0] ?? 'unknown error'}`, {
                cause: error
            });
        }
    }
    return ca;
}
function firstHeader(value) {
    return Array.isArray(value) ? value[0] : value;
}
/** The URL for messages: never with user info. */
function display(url) {
    if (url.username === '' && url.password === '')
        return url.href;
    const copy = new URL(url.href);
    copy.username = '';
    copy.password = '';
    return copy.href;
}
/** ': CODE: message' from a registry's JSON error body, if it has one. */
function registryErrors(body) {
    let parsed;
    try {
        parsed = JSON.parse(body.toString('utf8'));
    }
    catch {
        return '';
    }
    const errors = pick(parsed, 'errors');
    if (!Array.isArray(errors))
        return '';
    const parts = errors
        .slice(0, 3)
        .map(e => [pick(e, 'code'), pick(e, 'message')].filter(x => typeof x === 'string' && x !== '').join(': '))
        .filter(s => s !== '');
    const text = parts.join('; ');
    return text === '' ? '' : `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}
function pick(value, key) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && key in value
        ? value[key]
        : undefined;
}

;// CONCATENATED MODULE: ./lib/verify.js
/**
 * The digests this action reports: the index digest from buildx's metadata file, checked against what the
 * registry serves (one manifest fetch per pushed repository, talking to each registry the way BuildKit
 * did: same HTTP/HTTPS choice, CAs and verification), and the per-platform digests from that index.
 */






async function reportDigests(options) {
    const metadata = parseBuildMetadata(external_node_fs_.readFileSync(options.metadataFile, 'utf8'));
    const digest = metadata.digest ?? '';
    if (!options.pushed || !digest)
        return { digest, platforms: {}, verified: [], metadata };
    // One fetch per repository: tags of the same repository share the pushed index.
    const repositories = new Map();
    for (const name of metadata.imageNames) {
        const ref = (0,lib_reference/* parseImageReference */.o_)(name);
        repositories.set(`${ref.registry}/${ref.repository}`, name);
    }
    const results = await Promise.all([...repositories.values()].map(async (image) => {
        const reference = (0,lib_reference/* parseImageReference */.o_)(image);
        const transport = registrySettings(options.config, reference.registry);
        const credentials = await credentialsFor(reference.registry, {
            configDir: options.dockerConfigDir,
            runner: options.runner
        });
        const fetched = await fetchManifest({
            reference,
            ref: digest,
            transport: { plainHttp: transport.plainHttp, insecure: transport.insecure, caFiles: transport.ca },
            ...(credentials ? { credentials } : {})
        });
        const served = digestsFromManifest(fetched.raw, fetched.mediaType, metadata.platform);
        verifyDigests({ image, expectedDigest: digest, served, expectedPlatforms: options.platforms });
        return served;
    }));
    return { digest, platforms: results[0]?.platforms ?? {}, verified: [...repositories.values()], metadata };
}

;// CONCATENATED MODULE: ./lib/main.js
/**
 * One run of the action, in order. Each phase lives in its own module; this file is the table of contents.
 */



















function defaultDeps() {
    return {
        runner: lib_runner/* execRunner */.M6,
        getInput: name => core/* getInput */.V4(name),
        env: process.env,
        binfmtDir: BINFMT_DIR,
        retryDelayMs: 3000
    };
}
async function runMain(given = defaultDeps()) {
    state/* markMainStarted */.UM();
    maskSecrets(given.getInput, given.env);
    const inputs = await core/* group */.Os('Inputs', () => Promise.resolve(readInputs(given.getInput)));
    const work = createWorkDir(given.env);
    const config = await core/* group */.Os('BuildKit configuration (buildkitd.toml)', async () => {
        const written = await writeBuildkitdConfig(inputs, work);
        core/* info */.pq(written.text || '(nothing to configure: BuildKit defaults)');
        return written;
    });
    const builder = inputs.builderName || (0,lib_builder/* uniqueBuilderName */.Ak)(given.env.GITHUB_RUN_ID);
    core/* setOutput */.uH('builder-name', builder);
    const emulationLog = [];
    // Emulators are checked (and installed if missing) while the builder starts.
    const [emulation, deps] = await Promise.all([
        ensureEmulation({
            platforms: inputs.platforms,
            mode: inputs.qemu,
            image: inputs.qemuImage,
            runner: given.runner,
            binfmtDir: given.binfmtDir,
            log: message => emulationLog.push(message)
        }),
        core/* group */.Os(`Builder ${builder}`, () => prepareBuilder(given, inputs, builder, config.file))
    ]);
    await core/* group */.Os('QEMU emulation', () => {
        reportEmulation(emulation, emulationLog);
        return Promise.resolve();
    });
    const configDir = (0,login/* dockerConfigDir */.kG)(deps.env);
    if (inputs.username) {
        await core/* group */.Os(`Registry login (${inputs.registry})`, () => {
            const restore = (0,login/* login */.iD)({ ...inputs, configDir });
            state/* save */.UN('loginRestore', JSON.stringify(restore));
            core/* info */.pq(`credentials for ${inputs.registry} written to ${restore.configFile}`);
            return Promise.resolve();
        });
    }
    const metadataFile = external_node_path_.join(work, 'metadata.json');
    await core/* group */.Os(`Build ${inputs.platforms.join(', ')}${inputs.push ? ' and push' : ''}`, () => withRetries(retryOptions(deps, inputs, 'Build'), () => runBuild(deps.runner, { builder, metadataFile, settings: inputs })));
    const report = await core/* group */.Os('Digests', async () => {
        const r = await reportDigests({
            metadataFile,
            pushed: inputs.push,
            platforms: inputs.platforms,
            config: config.table,
            dockerConfigDir: configDir,
            runner: deps.runner
        });
        core/* info */.pq(`index ${r.digest || '(none)'}; checked in ${r.verified.join(', ') || 'no registry (push is false)'}`);
        for (const [platform, digest] of Object.entries(r.platforms))
            core/* info */.pq(`${platform}  ${digest}`);
        return r;
    });
    core/* setOutput */.uH('digest', report.digest);
    core/* setOutput */.uH('platform-digests', JSON.stringify(report.platforms));
    core/* setOutput */.uH('metadata', JSON.stringify(report.metadata.raw));
    core/* setOutput */.uH('emulated-platforms', emulation.emulated.join(','));
    await writeSummary({
        tags: inputs.tags,
        pushed: inputs.push,
        report,
        emulated: emulation.emulated,
        builder
    });
}
/**
 * Chooses the buildx this job runs and creates the builder with it; returns the dependencies with a runner
 * that sends every later `docker buildx` to that buildx. With no buildx-version asked for, the runner's
 * buildx is checked while the builder already starts with it: only when that buildx turns out to be
 * missing or too old is the attempt discarded and the builder created again with a downloaded one.
 */
async function prepareBuilder(given, inputs, name, configFile) {
    const messages = [];
    const choice = (0,buildx_install/* setupBuildx */.Gr)({
        version: inputs.buildxVersion,
        urlTemplate: inputs.buildxDownloadUrl,
        checksumUrlTemplate: inputs.buildxChecksumUrl,
        minimum: buildx_version/* MIN_BUILDX */.q4,
        runner: given.runner,
        log: {
            info: message => messages.push(message),
            warning: message => {
                core/* warning */.$e(message);
            }
        }
    });
    const using = (cli) => ({ ...given, runner: (0,buildx_install/* withBuildx */.xG)(given.runner, cli) });
    const optimistic = inputs.buildxVersion === '' ? setUpBuilder(using(buildx_install/* DOCKER_BUILDX */.kc), inputs, name, configFile) : undefined;
    const [chosen, attempt] = await Promise.allSettled([choice, optimistic]);
    for (const message of messages)
        core/* info */.pq(message);
    if (chosen.status === 'rejected')
        throw chosen.reason;
    const deps = using(chosen.value.cli);
    if (chosen.value.cli === buildx_install/* DOCKER_BUILDX */.kc && optimistic) {
        if (attempt.status === 'rejected')
            throw attempt.reason;
        return deps;
    }
    if (optimistic && attempt.status === 'fulfilled')
        await (0,lib_builder/* removeBuilder */.iq)(using(buildx_install/* DOCKER_BUILDX */.kc).runner, name).catch(() => 'absent');
    state/* save */.UN('buildx', (0,buildx_install/* serializeBuildxCli */.dK)(chosen.value.cli));
    await setUpBuilder(deps, inputs, name, configFile);
    return deps;
}
/** Creates this run's builder (retrying start-up flakes), or reuses an existing one when asked. */
async function setUpBuilder(deps, inputs, name, configFile) {
    if (inputs.reuseBuilder && (await (0,lib_builder/* builderExists */.cv)(deps.runner, name))) {
        core/* warning */.$e(`Reusing the existing builder ${name}: it keeps its own configuration (this run's buildkitd.toml is not ` +
            'applied) and is not removed after the job.', { title: 'Builder reused' });
        return;
    }
    state/* save */.UN('builder', name); // before create: a half-created builder is still removed by the post step
    await withRetries(retryOptions(deps, inputs, 'Creating the builder'), async (attempt) => {
        if (attempt > 0)
            await (0,lib_builder/* removeBuilder */.iq)(deps.runner, name).catch(() => 'absent');
        await (0,lib_builder/* createBuilder */.Ij)(deps.runner, {
            name,
            buildkitImage: inputs.buildkitImage,
            hostNetwork: inputs.hostNetwork,
            allowHostNetwork: inputs.hostNetwork || inputs.network === 'host',
            driverOpts: inputs.driverOpts,
            proxyEnv: inputs.proxy ? (0,lib_builder/* proxyEnvironment */.wP)(deps.env) : {},
            buildkitdFlags: inputs.buildkitdFlags,
            configFile
        });
    });
}
function retryOptions(deps, inputs, what) {
    return {
        retries: inputs.retries,
        initialDelayMs: deps.retryDelayMs,
        what,
        log: message => {
            core/* warning */.$e(message, { title: 'Retrying' });
        }
    };
}
/** Reports a failure: buildx's error is in the message; known registry/emulation errors get a hint. */
function reportFailure(error) {
    const message = (0,errors/* messageOf */.b)(error);
    const output = error instanceof lib_runner/* CommandError */.Qd ? `${error.stderr}\n${error.stdout}` : message;
    for (const hint of hintsFor(output))
        core/* error */.z3(hint.message, { title: hint.title });
    core/* setFailed */.C1(message);
}
/** Inputs whose text may carry secrets: masked before anything is parsed or logged. */
const SENSITIVE_INPUTS = ['password', 'ca-certs', 'buildkitd-config-inline'];
/**
 * Masks the password, every line of any PEM private key pasted into an input (the runner masks line by
 * line), and a proxy URL's password (http://user:secret@proxy:3128).
 */
function maskSecrets(getInput, env) {
    const password = getInput('password');
    if (password)
        core/* setSecret */.Pq(password);
    for (const name of SENSITIVE_INPUTS) {
        for (const block of getInput(name).matchAll(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g)) {
            for (const line of block[0].split(/\r?\n/))
                if (line.trim() && !line.startsWith('-----'))
                    core/* setSecret */.Pq(line.trim());
        }
    }
    for (const value of Object.values((0,lib_builder/* proxyEnvironment */.wP)(env))) {
        const secret = URL.canParse(value) ? new URL(value).password : '';
        if (secret)
            core/* setSecret */.Pq(decodeURIComponent(secret));
    }
}
/** This run's own directory under RUNNER_TEMP, removed by the post step. */
function createWorkDir(env) {
    const base = env.RUNNER_TEMP || external_node_os_.tmpdir();
    external_node_fs_.mkdirSync(base, { recursive: true });
    const dir = external_node_fs_.mkdtempSync(external_node_path_.join(base, 'multiarch-'));
    state/* save */.UN('tempDir', dir);
    return dir;
}
function reportEmulation(emulation, log) {
    for (const line of log)
        core/* info */.pq(line);
    if (emulation.emulated.length === 0) {
        core/* info */.pq('every platform runs natively on this host: no emulation needed');
        return;
    }
    if (emulation.method !== 'none')
        core/* info */.pq(`installed qemu-${emulation.installed.join(', qemu-')} (${emulation.method})`);
    core/* notice */.lm(`${emulation.emulated.join(', ')} ${emulation.emulated.length > 1 ? 'are' : 'is'} built under QEMU emulation, ` +
        'which is several times slower than native. To avoid it, cross-compile in the Dockerfile ' +
        '(FROM --platform=$BUILDPLATFORM with TARGETOS/TARGETARCH) or build on native runners.', { title: 'Emulated platforms' });
}


/***/ })

};
