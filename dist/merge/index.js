import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 770:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

module.exports = __nccwpck_require__(218);


/***/ }),

/***/ 218:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var net = __nccwpck_require__(9278);
var tls = __nccwpck_require__(4756);
var http = __nccwpck_require__(8611);
var https = __nccwpck_require__(5692);
var events = __nccwpck_require__(4434);
var assert = __nccwpck_require__(2613);
var util = __nccwpck_require__(9023);


exports.httpOverHttp = httpOverHttp;
exports.httpsOverHttp = httpsOverHttp;
exports.httpOverHttps = httpOverHttps;
exports.httpsOverHttps = httpsOverHttps;


function httpOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  return agent;
}

function httpsOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}

function httpOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  return agent;
}

function httpsOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}


function TunnelingAgent(options) {
  var self = this;
  self.options = options || {};
  self.proxyOptions = self.options.proxy || {};
  self.maxSockets = self.options.maxSockets || http.Agent.defaultMaxSockets;
  self.requests = [];
  self.sockets = [];

  self.on('free', function onFree(socket, host, port, localAddress) {
    var options = toOptions(host, port, localAddress);
    for (var i = 0, len = self.requests.length; i < len; ++i) {
      var pending = self.requests[i];
      if (pending.host === options.host && pending.port === options.port) {
        // Detect the request to connect same origin server,
        // reuse the connection.
        self.requests.splice(i, 1);
        pending.request.onSocket(socket);
        return;
      }
    }
    socket.destroy();
    self.removeSocket(socket);
  });
}
util.inherits(TunnelingAgent, events.EventEmitter);

TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
  var self = this;
  var options = mergeOptions({request: req}, self.options, toOptions(host, port, localAddress));

  if (self.sockets.length >= this.maxSockets) {
    // We are over limit so we'll add it to the queue.
    self.requests.push(options);
    return;
  }

  // If we are under maxSockets create a new one.
  self.createSocket(options, function(socket) {
    socket.on('free', onFree);
    socket.on('close', onCloseOrRemove);
    socket.on('agentRemove', onCloseOrRemove);
    req.onSocket(socket);

    function onFree() {
      self.emit('free', socket, options);
    }

    function onCloseOrRemove(err) {
      self.removeSocket(socket);
      socket.removeListener('free', onFree);
      socket.removeListener('close', onCloseOrRemove);
      socket.removeListener('agentRemove', onCloseOrRemove);
    }
  });
};

TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
  var self = this;
  var placeholder = {};
  self.sockets.push(placeholder);

  var connectOptions = mergeOptions({}, self.proxyOptions, {
    method: 'CONNECT',
    path: options.host + ':' + options.port,
    agent: false,
    headers: {
      host: options.host + ':' + options.port
    }
  });
  if (options.localAddress) {
    connectOptions.localAddress = options.localAddress;
  }
  if (connectOptions.proxyAuth) {
    connectOptions.headers = connectOptions.headers || {};
    connectOptions.headers['Proxy-Authorization'] = 'Basic ' +
        new Buffer(connectOptions.proxyAuth).toString('base64');
  }

  debug('making CONNECT request');
  var connectReq = self.request(connectOptions);
  connectReq.useChunkedEncodingByDefault = false; // for v0.6
  connectReq.once('response', onResponse); // for v0.6
  connectReq.once('upgrade', onUpgrade);   // for v0.6
  connectReq.once('connect', onConnect);   // for v0.7 or later
  connectReq.once('error', onError);
  connectReq.end();

  function onResponse(res) {
    // Very hacky. This is necessary to avoid http-parser leaks.
    res.upgrade = true;
  }

  function onUpgrade(res, socket, head) {
    // Hacky.
    process.nextTick(function() {
      onConnect(res, socket, head);
    });
  }

  function onConnect(res, socket, head) {
    connectReq.removeAllListeners();
    socket.removeAllListeners();

    if (res.statusCode !== 200) {
      debug('tunneling socket could not be established, statusCode=%d',
        res.statusCode);
      socket.destroy();
      var error = new Error('tunneling socket could not be established, ' +
        'statusCode=' + res.statusCode);
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    if (head.length > 0) {
      debug('got illegal response body from proxy');
      socket.destroy();
      var error = new Error('got illegal response body from proxy');
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    debug('tunneling connection has established');
    self.sockets[self.sockets.indexOf(placeholder)] = socket;
    return cb(socket);
  }

  function onError(cause) {
    connectReq.removeAllListeners();

    debug('tunneling socket could not be established, cause=%s\n',
          cause.message, cause.stack);
    var error = new Error('tunneling socket could not be established, ' +
                          'cause=' + cause.message);
    error.code = 'ECONNRESET';
    options.request.emit('error', error);
    self.removeSocket(placeholder);
  }
};

TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
  var pos = this.sockets.indexOf(socket)
  if (pos === -1) {
    return;
  }
  this.sockets.splice(pos, 1);

  var pending = this.requests.shift();
  if (pending) {
    // If we have pending requests and a socket gets closed a new one
    // needs to be created to take over in the pool for the one that closed.
    this.createSocket(pending, function(socket) {
      pending.request.onSocket(socket);
    });
  }
};

function createSecureSocket(options, cb) {
  var self = this;
  TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
    var hostHeader = options.request.getHeader('host');
    var tlsOptions = mergeOptions({}, self.options, {
      socket: socket,
      servername: hostHeader ? hostHeader.replace(/:.*$/, '') : options.host
    });

    // 0 is dummy port for v0.6
    var secureSocket = tls.connect(0, tlsOptions);
    self.sockets[self.sockets.indexOf(socket)] = secureSocket;
    cb(secureSocket);
  });
}


function toOptions(host, port, localAddress) {
  if (typeof host === 'string') { // since v0.10
    return {
      host: host,
      port: port,
      localAddress: localAddress
    };
  }
  return host; // for v0.11 or later
}

function mergeOptions(target) {
  for (var i = 1, len = arguments.length; i < len; ++i) {
    var overrides = arguments[i];
    if (typeof overrides === 'object') {
      var keys = Object.keys(overrides);
      for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
        var k = keys[j];
        if (overrides[k] !== undefined) {
          target[k] = overrides[k];
        }
      }
    }
  }
  return target;
}


var debug;
if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
  debug = function() {
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] === 'string') {
      args[0] = 'TUNNEL: ' + args[0];
    } else {
      args.unshift('TUNNEL:');
    }
    console.error.apply(console, args);
  }
} else {
  debug = function() {};
}
__webpack_unused_export__ = debug; // for test


/***/ }),

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

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

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
/* harmony export */   T: () => (/* binding */ parseRegistryHost),
/* harmony export */   c: () => (/* binding */ isLoopbackHost)
/* harmony export */ });
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
    if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv4)(name))
        return name.startsWith('127.');
    if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv6)(name)) {
        const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
        if (mapped)
            return isLoopbackHost(mapped[1] ?? '');
        const normalized = new URL(`http://[${name}]`).hostname;
        return normalized === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normalized);
    }
    return false;
}


/***/ }),

/***/ 6336:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  OG: () => (/* binding */ generateBuildkitdConfig),
  HO: () => (/* binding */ registrySettings)
});

// UNUSED EXPORTS: mergeBuildkitdConfigs, parseBuildkitdToml, renderBuildkitdConfig

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
        else if (entry.httpsFrom.size > 0 && (0,registry_name/* isLoopbackHost */.c)(host))
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
function registrySettings(table, host) {
    const registries = Object.hasOwn(table, 'registry') ? table.registry : undefined;
    const settings = isTable(registries) && Object.hasOwn(registries, host) ? registries[host] : undefined;
    if (settings === undefined)
        return { plainHttp: (0,registry_name/* isLoopbackHost */.c)(host), insecure: false, ca: [] };
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
    return { plainHttp: flag('http') ?? (0,registry_name/* isLoopbackHost */.c)(host), insecure: flag('insecure') ?? false, ca };
}


/***/ }),

/***/ 3651:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   YP: () => (/* binding */ failureOutput),
/* harmony export */   uK: () => (/* binding */ hintsFor)
/* harmony export */ });
/* unused harmony exports hostOf, QEMU_CRASH, emulatorCrashHint, crossCompileHint, transientReason, buildxFailureReason */
/* harmony import */ var _core_runner_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6741);
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
    return error instanceof _core_runner_js__WEBPACK_IMPORTED_MODULE_0__/* .CommandError */ .Qd ? `${error.stderr}\n${error.stdout}` : undefined;
}
/** The retry classifier for buildx commands: a command whose output shows a transient failure. */
function buildxFailureReason(error) {
    const output = failureOutput(error);
    return output === undefined ? undefined : transientReason(output);
}


/***/ }),

/***/ 3828:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CA: () => (/* binding */ errorCode),
/* harmony export */   bD: () => (/* binding */ messageOf),
/* harmony export */   eB: () => (/* binding */ errorChain)
/* harmony export */ });
/* unused harmony export lastLine */
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

/***/ 1094:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ escapeHtml),
/* harmony export */   k: () => (/* binding */ SummaryHtml)
/* harmony export */ });
/**
 * A small HTML builder for the job summary: headings, lists, tables and raw fragments, each on its own
 * line. The text it is given is HTML already (callers escape what they take from inputs or registries).
 */
class SummaryHtml {
    parts = [];
    heading(text, level = 2) {
        return this.raw(`<h${level}>${text}</h${level}>`);
    }
    list(items) {
        return this.raw(`<ul>${items.map(item => `<li>${item}</li>`).join('')}</ul>`);
    }
    table(rows) {
        const row = (cells) => `<tr>${cells.map(cell => (typeof cell === 'string' ? `<td>${cell}</td>` : tableCell(cell))).join('')}</tr>`;
        return this.raw(`<table>${rows.map(row).join('')}</table>`);
    }
    raw(html) {
        this.parts.push(html);
        return this;
    }
    /** The fragments, one a line, ending with a newline. */
    toString() {
        return this.parts.map(part => `${part}\n`).join('');
    }
}
/** Text (from inputs, registries, commands) made safe to put into the summary's HTML. */
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}
function tableCell(cell) {
    const tag = cell.header ? 'th' : 'td';
    return `<${tag}>${cell.data}</${tag}>`;
}


/***/ }),

/***/ 7493:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   LH: () => (/* binding */ withRetries),
/* harmony export */   yy: () => (/* binding */ sleep)
/* harmony export */ });
/* unused harmony export backoffDelays */
/**
 * Retries for failures that a second attempt can fix. What counts as such a failure is the caller's
 * classifier (buildx output: src/buildx/output.ts; registry reads: the registry client).
 */
function backoffDelays(options) {
    const max = options.maxDelayMs ?? 30_000;
    return Array.from({ length: options.retries }, (_, i) => Math.min(options.initialDelayMs * 2 ** i, max));
}
/** Runs `attempt`; on an error the classifier calls transient, waits and tries again, up to `retries` times. */
async function withRetries(options, attempt) {
    const delays = backoffDelays(options);
    for (let n = 0;; n++) {
        try {
            return await attempt(n);
        }
        catch (error) {
            const reason = options.classify(error);
            const delay = delays[n];
            if (reason === undefined || delay === undefined)
                throw error;
            options.log(`${options.what}: attempt ${n + 1} of ${delays.length + 1} failed (${reason}); retrying in ${Math.round(delay / 1000)}s`);
            await options.sleep(delay);
        }
    }
}
/** Real time: the production `sleep`. */
function sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
}


/***/ }),

/***/ 6741:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ec: () => (/* binding */ withEnvironment),
/* harmony export */   M6: () => (/* binding */ execRunner),
/* harmony export */   Qd: () => (/* binding */ CommandError),
/* harmony export */   X4: () => (/* binding */ runChecked)
/* harmony export */ });
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5260);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3828);
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
                const out = await _actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .getExecOutput */ .H(command, [...args], {
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
                return { exitCode: 127, stdout: '', stderr: (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(error) };
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

/***/ 5924:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   H$: () => (/* binding */ verifyArgs),
/* harmony export */   Ng: () => (/* binding */ signArgs),
/* harmony export */   a9: () => (/* binding */ publicKeyArgs),
/* harmony export */   p0: () => (/* binding */ verifyCommand),
/* harmony export */   xL: () => (/* binding */ SIGN_MODES)
/* harmony export */ });
/* unused harmony export registryFlags */
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


/***/ }),

/***/ 5965:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Rc: () => (/* binding */ signerIdentity),
/* harmony export */   T5: () => (/* binding */ NO_IDENTITY),
/* harmony export */   _M: () => (/* binding */ identityToken),
/* harmony export */   f: () => (/* binding */ tokenClaims),
/* harmony export */   rr: () => (/* binding */ hasIdentity)
/* harmony export */ });
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
const text = (value) => (typeof value === 'string' ? value : '');
/** The identity and issuer Fulcio puts in the certificate for this token, as Fulcio derives them. */
function signerIdentity(claims) {
    const issuer = text(claims['iss']);
    if (issuer === '')
        throw new Error('the identity token names no issuer (iss)');
    const workflow = text(claims['job_workflow_ref']);
    if (workflow !== '' && issuer === 'https://token.actions.githubusercontent.com')
        return { identity: `https://github.com/${workflow}`, issuer };
    const ciConfig = text(claims['ci_config_ref_uri']);
    if (ciConfig !== '')
        return { identity: `https://${ciConfig}`, issuer };
    const email = text(claims['email']);
    if (email !== '' && claims['email_verified'] === true)
        return { identity: email, issuer };
    const subject = text(claims['sub']);
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


/***/ }),

/***/ 6958:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  j: () => (/* binding */ signImage),
  g: () => (/* binding */ signatureHtml)
});

// EXTERNAL MODULE: ./lib/core/html.js
var html = __nccwpck_require__(1094);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./lib/buildkitd/toml.js + 9 modules
var toml = __nccwpck_require__(6336);
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

;// CONCATENATED MODULE: ./lib/core/stall.js
/**
 * A time limit for work whose progress can be watched (a download growing a file): it fails when the
 * progress stands still for too long, however long the whole work takes while it moves.
 */
/** `work`, or a rejection with `message` once its progress has not moved for `stallMs`. */
function withStallLimit(work, limit) {
    return new Promise((resolve, reject) => {
        let last = limit.progress();
        let since = Date.now();
        const timer = setInterval(() => {
            const now = limit.progress();
            if (now !== last) {
                last = now;
                since = Date.now();
            }
            else if (Date.now() - since >= limit.stallMs) {
                clearInterval(timer);
                reject(new Error(limit.message()));
            }
        }, limit.pollMs ?? Math.min(1000, limit.stallMs / 10));
        work.then(value => {
            clearInterval(timer);
            resolve(value);
        }, (error) => {
            clearInterval(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
}

// EXTERNAL MODULE: ./lib/registry/registry-errors.js
var registry_errors = __nccwpck_require__(5786);
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
        throw new release_BuildxInstallError(`The checksum file ${(0,registry_errors/* displayUrl */.Qy)(checksumUrl)} has no entry for ${[...new Set(names)].join(' or ')}` +
            ` (it lists ${listed.length > 0 ? listed.join(', ') : 'no sha256 checksums'}), so the download` +
            ` from ${(0,registry_errors/* displayUrl */.Qy)(binaryUrl)} cannot be verified. Nothing was installed.`);
    }
    if (expected !== actual.toLowerCase()) {
        throw new release_BuildxInstallError(`Checksum mismatch for ${tool} downloaded from ${(0,registry_errors/* displayUrl */.Qy)(binaryUrl)}: expected sha256 ${expected}` +
            ` (${name ?? ''} in ${(0,registry_errors/* displayUrl */.Qy)(checksumUrl)}), got sha256 ${actual}. The download is corrupt or` +
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
const toolCache = () => Promise.all(/* import() */[__nccwpck_require__.e(58), __nccwpck_require__.e(805)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9805));
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
function runnerDirs(env) {
    return { toolCache: env.RUNNER_TOOL_CACHE ?? '', temp: env.RUNNER_TEMP ?? '' };
}
async function sha256File(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    await (0,promises_namespaceObject.pipeline)(external_node_fs_.createReadStream(file), hash);
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
    const tc = await toolCache();
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
        const actual = await sha256File(downloaded);
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
        const dir = await (await toolCache()).cacheFile(downloaded, cachedBinaryName(platform), install_TOOL_NAME, version, platform.arch);
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
        file = await downloadWithLimit(checksumUrl, path.join(dirs.temp, randomUUID()));
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
        return await downloadWithLimit(url, dest);
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
async function downloadWithLimit(url, dest) {
    const tc = await toolCache();
    return withStallLimit(tc.downloadTool(url, dest), {
        progress: () => external_node_fs_.statSync(dest, { throwIfNoEntry: false })?.size ?? -1,
        stallMs: DOWNLOAD_STALL_MS,
        message: () => `${new URL(url).host} stalled: no data for ${DOWNLOAD_STALL_MS / 1000} s while downloading ${(0,registry_errors/* displayUrl */.Qy)(url)}`
    });
}
function downloadFailure(error) {
    if (isHttpError(error))
        return `HTTP ${httpStatus(error) ?? 'error'}`;
    return messageOf(error);
}

// EXTERNAL MODULE: ./lib/core/runner.js
var core_runner = __nccwpck_require__(6741);
// EXTERNAL MODULE: ./lib/oci/reference.js
var reference = __nccwpck_require__(3940);
// EXTERNAL MODULE: ./lib/cosign/cosign.js
var cosign_cosign = __nccwpck_require__(5924);
// EXTERNAL MODULE: ./lib/cosign/identity.js
var cosign_identity = __nccwpck_require__(5965);
// EXTERNAL MODULE: ./lib/core/errors.js
var errors = __nccwpck_require__(3828);
;// CONCATENATED MODULE: ./lib/buildx/version.js
/**
 * Versions of the docker buildx CLI: the oldest this action drives (`--metadata-file`, `--bootstrap`,
 * `--provenance`, driver-opt `env.*`), and how to read and compare them.
 */
const MIN_BUILDX = '0.10.0';
/** `github.com/docker/buildx v0.13.1 abc` / `github.com/docker/buildx 0.13.1+unknown` -> '0.13.1'. */
function version_parseBuildxVersion(output) {
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
async function findCosign(options) {
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
        return external_node_path_.join(cached, 'cosign');
    }
    if (!dirs.temp || !dirs.toolCache)
        throw new Error('RUNNER_TEMP and RUNNER_TOOL_CACHE must be set to download cosign');
    const base = `${(options.releases ?? COSIGN_RELEASES).replace(/\/+$/, '')}/v${COSIGN_VERSION}`;
    const binaryUrl = `${base}/${asset}`;
    const checksumUrl = `${base}/cosign_checksums.txt`;
    const download = async (url) => {
        try {
            return await downloadWithLimit(url, external_node_path_.join(dirs.temp, (0,external_node_crypto_.randomUUID)()));
        }
        catch (error) {
            throw new Error(`Downloading cosign from ${(0,registry_errors/* displayUrl */.Qy)(url)} failed: ${(0,errors/* messageOf */.bD)(error)}`, {
                cause: error
            });
        }
    };
    log.info(`downloading cosign ${COSIGN_VERSION} from ${(0,registry_errors/* displayUrl */.Qy)(binaryUrl)}`);
    const binary = await download(binaryUrl);
    const sums = await download(checksumUrl);
    try {
        const actual = await sha256File(binary);
        const checksums = release_parseChecksums(external_node_fs_.readFileSync(sums, 'utf8'));
        release_verifyChecksum({ actual, checksums, names: [asset], checksumUrl, binaryUrl, tool: 'cosign' });
        log.info(`sha256 ${actual} matches ${(0,registry_errors/* displayUrl */.Qy)(checksumUrl)}`);
        const dir = await tc.cacheFile(binary, 'cosign', 'cosign', COSIGN_VERSION, options.arch);
        const cosign = external_node_path_.join(dir, 'cosign');
        external_node_fs_.chmodSync(cosign, 0o755);
        return cosign;
    }
    finally {
        external_node_fs_.rmSync(binary, { force: true });
        external_node_fs_.rmSync(sums, { force: true });
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
    const dir = external_node_path_.join(options.work, 'signing');
    external_node_fs_.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const cosign = await findCosign({
        runner: options.access.runner,
        log: reporter,
        dirs: runnerDirs(deps.env),
        platform: deps.host.platform,
        arch: deps.host.arch
    });
    const way = inputs.sign === 'keyless' ? await keyless(options, dir) : await withKey(options, dir, cosign);
    const runner = (0,core_runner/* withEnvironment */.Ec)(options.access.runner, way.env);
    const transparencyLog = inputs.signTransparencyLog;
    const commands = [];
    for (const repository of (0,reference/* repositoriesOf */.Ub)(inputs.tags)) {
        const registry = cosignRegistry(repository, options.access.config, dir);
        const reference = `${repository}@${digest}`;
        await (0,core_runner/* runChecked */.X4)(runner, cosign, (0,cosign_cosign/* signArgs */.Ng)({ signer: way.signer, reference, registry, transparencyLog }), {
            what: `cosign sign ${reference}`
        });
        const references = [reference, ...Object.values(options.platforms).map(d => `${repository}@${d}`)];
        for (const signed of references)
            await (0,core_runner/* runChecked */.X4)(runner, cosign, (0,cosign_cosign/* verifyArgs */.H$)({ verifier: way.verifier, reference: signed, registry, transparencyLog }), { what: `cosign verify ${signed}`, silent: true });
        reporter.info(`signed and verified: ${reference} and its ${references.length - 1} platform manifests`);
        commands.push((0,cosign_cosign/* verifyCommand */.p0)({ verifier: way.verifier, reference, registry, transparencyLog }));
    }
    return commands[0] ?? '';
}
/** The key in a private file, its public half from cosign (a wrong password fails here, before signing). */
async function withKey(options, dir, cosign) {
    const { deps, inputs } = options;
    const keyFile = external_node_path_.join(dir, 'cosign.key');
    external_node_fs_.writeFileSync(keyFile, inputs.signKey, { mode: 0o600 });
    // Never a prompt: the input's password, else one already in the job's environment, else none.
    const env = { COSIGN_PASSWORD: inputs.signKeyPassword || deps.env.COSIGN_PASSWORD || '' };
    const publicKey = await (0,core_runner/* runChecked */.X4)((0,core_runner/* withEnvironment */.Ec)(options.access.runner, env), cosign, (0,cosign_cosign/* publicKeyArgs */.a9)(keyFile), {
        what: 'cosign public-key (is sign-key-password the password of sign-key?)',
        silent: true
    });
    const publicKeyFile = external_node_path_.join(dir, 'cosign.pub');
    external_node_fs_.writeFileSync(publicKeyFile, publicKey.stdout);
    return { signer: { keyFile }, verifier: { publicKeyFile }, env };
}
/** The job's identity token (masked, in SIGSTORE_ID_TOKEN) and the identity its certificate will name. */
async function keyless(options, dir) {
    const { deps, inputs } = options;
    const token = await (0,cosign_identity/* identityToken */._M)(deps.env, deps.idToken);
    deps.reporter.mask(token);
    const { identity, issuer } = (0,cosign_identity/* signerIdentity */.Rc)((0,cosign_identity/* tokenClaims */.f)(token));
    deps.reporter.info(`keyless: the certificate will name ${identity} (issuer ${issuer})`);
    const place = (name, json) => {
        if (json === '')
            return '';
        const file = external_node_path_.join(dir, name);
        external_node_fs_.writeFileSync(file, json);
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
    const host = (0,reference/* canonicalRegistry */.i7)((0,reference/* parseImageReference */.o_)(repository).registry);
    const settings = (0,toml/* registrySettings */.HO)(config, host);
    let caFile = '';
    if (settings.ca.length > 0) {
        // cosign takes one file: the CAs of this registry together.
        caFile = external_node_path_.join(dir, `ca-${host.replace(/[^A-Za-z0-9.-]/g, '_')}.pem`);
        external_node_fs_.writeFileSync(caFile, settings.ca.map(file => external_node_fs_.readFileSync(file, 'utf8')).join('\n'));
    }
    return { plainHttp: settings.plainHttp, insecure: settings.insecure, caFile };
}
/** The summary's word on a signature (the build's and the merge action's). */
function signatureHtml(verifyCommand) {
    return ('<p>Signed with cosign before the tags moved, and verified against the registry. To verify:</p>' +
        `<pre><code>${(0,html/* escapeHtml */.Z)(verifyCommand)}</code></pre>`);
}


/***/ }),

/***/ 5983:
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
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
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
    constructor(given, write = line => process.stdout.write(line + external_node_os_.EOL)) {
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
        external_node_fs_.appendFileSync(path, `${name}<<${delimiter}${external_node_os_.EOL}${value}${external_node_os_.EOL}${delimiter}${external_node_os_.EOL}`, 'utf8');
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

/***/ 4835:
/***/ ((__webpack_module__, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(__webpack_module__, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _github_github_reporter_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5983);
/* harmony import */ var _merge_action_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3613);
/* harmony import */ var _step_deps_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6246);
/* harmony import */ var _run_outputs_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(1091);
/** The merge sub-action's entry (merge/action.yml runs dist/merge/index.js): one index from several pushes. */




const deps = (0,_step_deps_js__WEBPACK_IMPORTED_MODULE_2__/* .defaultDeps */ .m)({ reporter: (0,_github_github_reporter_js__WEBPACK_IMPORTED_MODULE_0__/* .githubReporter */ .T)(), getInput: _github_github_reporter_js__WEBPACK_IMPORTED_MODULE_0__/* .githubInputs */ .d });
await (0,_merge_action_js__WEBPACK_IMPORTED_MODULE_1__/* .runMergeAction */ ._A)(deps).catch((error) => {
    (0,_run_outputs_js__WEBPACK_IMPORTED_MODULE_3__/* .reportFailure */ .xV)(deps.reporter, error);
});

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 3613:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  _A: () => (/* binding */ runMergeAction)
});

// UNUSED EXPORTS: MERGE_RETRIES, describeMergeInputs, mergeOptions, mergeSummaryHtml, mergeSummaryRows

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./lib/core/html.js
var html = __nccwpck_require__(1094);
// EXTERNAL MODULE: ./lib/core/retry.js
var core_retry = __nccwpck_require__(7493);
// EXTERNAL MODULE: ./lib/buildkitd/toml.js + 9 modules
var toml = __nccwpck_require__(6336);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
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
async function certificates_writeCaFiles(certs, dir) {
    const pemByHost = new Map();
    for (const { host, pem } of certs)
        pemByHost.set(host, [...(pemByHost.get(host) ?? []), pem]);
    const result = new Map();
    if (pemByHost.size === 0)
        return result;
    const directory = (0,external_node_path_.resolve)(dir);
    await (0,promises_namespaceObject.mkdir)(directory, { recursive: true });
    const usedNames = new Set();
    for (const [host, pems] of pemByHost) {
        let name = fileNameFor(host);
        for (let suffix = 2; usedNames.has(name); suffix++)
            name = fileNameFor(`${host}-${suffix}`);
        usedNames.add(name);
        const path = (0,external_node_path_.join)(directory, name);
        await (0,promises_namespaceObject.writeFile)(path, pems.join(''), { mode: FILE_MODE });
        await (0,promises_namespaceObject.chmod)(path, FILE_MODE);
        result.set(host, [path]);
    }
    return result;
}

;// CONCATENATED MODULE: ./lib/buildkitd/config.js
/**
 * The builder's buildkitd.toml: what the registry inputs generate, merged with the user's own file and
 * inline TOML (a key set twice with different values is an error naming both places).
 */





async function writeBuildkitdConfig(inputs, dir) {
    const caFiles = await writeCaFiles(inputs.caCerts, path.join(dir, 'certs'));
    const sources = [];
    if (inputs.buildkitdConfig) {
        const name = `buildkitd-config (${inputs.buildkitdConfig})`;
        sources.push({ name, table: parseBuildkitdToml(fs.readFileSync(inputs.buildkitdConfig, 'utf8'), name) });
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
    sources.push({ name: 'cache-max-size', table: cacheBudgetConfig(inputs.cacheMaxSize) });
    const table = mergeBuildkitdConfigs(sources);
    const text = renderBuildkitdConfig(table);
    let file = '';
    if (text.trim() !== '') {
        file = path.join(dir, 'buildkitd.toml');
        fs.writeFileSync(file, text, { mode: 0o644 });
    }
    return { file, table, text };
}
/**
 * The registry settings alone (insecure-registries, ca-certs), as the builder's buildkitd.toml would hold
 * them: for a step that reaches registries without a builder (the merge action).
 */
async function registriesConfig(inputs, dir) {
    const caFiles = await certificates_writeCaFiles(inputs.caCerts, external_node_path_.join(dir, 'certs'));
    return (0,toml/* generateBuildkitdConfig */.OG)({
        insecureRegistries: inputs.insecureRegistries,
        caFiles,
        mirrors: new Map()
    });
}

// EXTERNAL MODULE: ./lib/oci/reference.js
var oci_reference = __nccwpck_require__(3940);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
;// CONCATENATED MODULE: ./lib/docker/config-file.js
/**
 * Docker's config.json (`<DOCKER_CONFIG>/config.json`): where it is, reading it without ever quoting its
 * text (it holds credentials), and replacing it in place: through a symlink, keeping its mode.
 */




/** The directory whose config.json the docker CLI (and buildx) read: $DOCKER_CONFIG, else ~/.docker. */
function dockerConfigDir(env) {
    return env['DOCKER_CONFIG'] || external_node_path_.join(external_node_os_.homedir(), '.docker');
}
function dockerConfigFile(configDir) {
    return external_node_path_.join(configDir, 'config.json');
}
/**
 * Reads config.json. A missing file, or an empty one, is not an error (docker treats both as no
 * settings); an unreadable or malformed one is reported in the result, never thrown.
 */
function readDockerConfig(file) {
    let text;
    try {
        text = external_node_fs_.readFileSync(file, 'utf8');
    }
    catch (error) {
        if ((0,errors/* errorCode */.CA)(error) === 'ENOENT')
            return { status: 'missing', file };
        return { status: 'invalid', file, problem: `Cannot read docker config ${file}: ${(0,errors/* messageOf */.bD)(error)}` };
    }
    if (text.trim() === '')
        return { status: 'found', file, config: {} };
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        // Not JSON.parse's message: it quotes the text around the error, which may be someone's credentials.
        return { status: 'invalid', file, problem: `Docker config ${file} is not valid JSON; fix or remove it` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return {
            status: 'invalid',
            file,
            problem: `Docker config ${file} is not a JSON object; fix or remove it`
        };
    }
    return { status: 'found', file, config: parsed };
}
/** The config, {} when there is none; throws the read's problem when the file is malformed. */
function dockerConfigOrThrow(read) {
    if (read.status === 'invalid')
        throw new Error(read.problem);
    return read.status === 'found' ? read.config : {};
}
/**
 * Replaces config.json atomically, through a symlink to where it really lives, keeping the mode of an
 * existing file (a new one is 0600: it holds credentials).
 */
function writeDockerConfig(file, config) {
    external_node_fs_.mkdirSync(external_node_path_.dirname(file), { recursive: true });
    const target = external_node_fs_.existsSync(file) ? external_node_fs_.realpathSync(file) : file;
    const mode = external_node_fs_.existsSync(target) ? external_node_fs_.statSync(target).mode & 0o777 : 0o600;
    const tmp = `${target}.${process.pid}.tmp`;
    external_node_fs_.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode });
    external_node_fs_.chmodSync(tmp, mode);
    external_node_fs_.renameSync(tmp, target);
}

;// CONCATENATED MODULE: ./lib/docker/login.js
/**
 * Registry login without dockerd, and without touching the user's docker config: every docker and buildx
 * command of a run gets its own DOCKER_CONFIG directory (in the run's work directory) holding a copy of
 * the user's config.json plus this run's login entry. Everything else of the user's directory
 * (`buildx` with the builder instances, `cli-plugins`, `contexts`, TLS files) is linked, so builders,
 * plugins and contexts are the same. Two runs on one runner never see (or remove) each other's
 * credentials; the post step removes the run's directory with its work directory.
 */





/** The `auth` value of a login entry (base64 of `username:password`): as secret as the password. */
function loginToken(options) {
    return Buffer.from(`${options.username}:${options.password}`).toString('base64');
}
/** `config` with the login entry for `registry` (buildx reads it for the push and the pulls). */
function withLogin(config, options) {
    const token = loginToken(options);
    const key = (0,oci_reference/* configKey */.ur)(options.registry);
    const out = { ...config, auths: { ...config.auths, [key]: { auth: token } } };
    // A credential store would shadow the file entry; an empty helper makes the CLI read the file for this host.
    if (config.credsStore || config.credHelpers?.[key] !== undefined)
        out.credHelpers = { ...config.credHelpers, [key]: '' };
    return out;
}
/** Creates the run's docker config directory (see the module comment). */
function createRunDockerConfig(options) {
    const { userDir, dir } = options;
    external_node_fs_.mkdirSync(dir, { mode: 0o700 });
    const read = readDockerConfig(dockerConfigFile(userDir));
    const warning = read.status === 'invalid'
        ? `${read.problem}. buildx ignores it with a warning; this run goes on without its settings` +
            (options.login ? ` (with the login inputs for ${options.login.registry})` : '')
        : undefined;
    const base = read.status === 'found' ? read.config : {};
    writeDockerConfig(dockerConfigFile(dir), options.login ? withLogin(base, options.login) : base);
    // buildx creates its directory on first use; it must be the user's, shared by every run.
    external_node_fs_.mkdirSync(external_node_path_.join(userDir, 'buildx'), { recursive: true });
    for (const entry of external_node_fs_.readdirSync(userDir)) {
        if (entry === 'config.json' || entry.startsWith('config.json.'))
            continue;
        external_node_fs_.symlinkSync(external_node_path_.join(userDir, entry), external_node_path_.join(dir, entry));
    }
    const copied = read.status === 'found';
    return warning === undefined ? { dir, copied } : { dir, copied, warning };
}

// EXTERNAL MODULE: ./lib/cosign/sign-image.js + 7 modules
var sign_image = __nccwpck_require__(6958);
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
function buildOptionArgs(o, provenance) {
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
        const type = build_options_attestType(attest);
        if ((type === 'provenance' && provenance) || (type === 'sbom' && o.sbom))
            continue;
        args.push('--attest', attest);
    }
    if (evaluates(o.call)) {
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
function evaluates(call) {
    const method = call.split(',')[0]?.trim() ?? '';
    return method !== '' && method !== 'build';
}
/** The `type=` of an attest line ('' when it has none). */
function build_options_attestType(attest) {
    for (const field of attest.split(',')) {
        const [key, value] = splitOnce(field.trim(), '=');
        if (key === 'type')
            return value;
    }
    return '';
}
/** The exporter of an `outputs` line: its `type=`, or local for a bare path (tar for `-`), as buildx reads it. */
function build_options_outputType(output) {
    if (!output.includes('='))
        return output.trim() === '-' ? 'tar' : 'local';
    return build_options_attestType(output);
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

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __nccwpck_require__(7030);
;// CONCATENATED MODULE: ./lib/inputs/option-values.js
/**
 * Checks of the build-push-action option values that need no file system or environment: annotations,
 * attestations, outputs, hosts, limits, entitlements, stage names, call, image references, and the list
 * syntax they share. Each throws a message saying what is accepted (readInputs adds the input's name).
 */



/** Dockerfile stage names (BuildKit's rule) and what no-cache-filters and target accept. */
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const ANNOTATION = /^(?:(?:index|manifest|index-descriptor|manifest-descriptor)(?:\[[A-Za-z0-9/._-]+\])?(?:,(?:index|manifest|index-descriptor|manifest-descriptor)(?:\[[A-Za-z0-9/._-]+\])?)*:)?[A-Za-z0-9][A-Za-z0-9._/-]*=/;
const SHM_SIZE = /^\d+(\.\d+)?\s*([kmgtp]i?b?|b)?$/i;
const ULIMIT_TYPES = [
    'core',
    'cpu',
    'data',
    'fsize',
    'locks',
    'memlock',
    'msgqueue',
    'nice',
    'nofile',
    'nproc',
    'rss',
    'rtprio',
    'rttime',
    'sigpending',
    'stack'
];
const OUTPUT_TYPES = ['local', 'tar', 'oci', 'docker', 'image', 'registry', 'cacheonly'];
const ENTITLEMENTS = ['network.host', 'security.insecure', 'device', 'fs', 'fs.read', 'fs.write'];
const CALL_METHODS = ['build', 'check', 'outline', 'targets'];
const ATTEST_TYPES = ['provenance', 'sbom'];
const BOOLEAN = /^(true|false)$/i;
/**
 * A list input as build-push-action reads it: one item per line (or per comma, with `commas`), blanks
 * dropped; an item wrapped in double quotes is taken whole, commas and newlines included (`""` is a
 * quote), which is how a multi-line secret is written: `"KEY=line 1<newline>line 2"`.
 */
function parseList(value, commas) {
    const items = [];
    let i = 0;
    while (i < value.length) {
        while (i < value.length && /[\s,]/.test(value[i] ?? '') && (commas || value[i] !== ','))
            i++;
        if (i >= value.length)
            break;
        if (value[i] === '"') {
            let item = '';
            let j = i + 1;
            for (;;) {
                if (j >= value.length)
                    throw new Error('a quoted item has no closing double quote');
                if (value[j] === '"') {
                    if (value[j + 1] === '"') {
                        item += '"';
                        j += 2;
                        continue;
                    }
                    break;
                }
                item += value.charAt(j);
                j++;
            }
            items.push(item);
            i = j + 1;
        }
        else {
            const end = value.slice(i).search(commas ? /[\n,]/ : /\n/);
            const item = end === -1 ? value.slice(i) : value.slice(i, i + end);
            items.push(item.trim());
            i = end === -1 ? value.length : i + end;
        }
    }
    return items.filter(item => item !== '');
}
/** `[index:|manifest:|index-descriptor:|manifest-descriptor:[PLATFORM]]KEY=VALUE`, one per line. */
function parseAnnotations(value) {
    return parseList(value, false).map(item => {
        if (!ANNOTATION.test(item)) {
            throw new Error(`"${item}" is not [LEVEL:]KEY=VALUE (LEVEL: index, manifest, index-descriptor or manifest-descriptor)`);
        }
        return item;
    });
}
/** provenance / sbom: '', true, false, or attributes `key=value,...` (e.g. mode=max, generator=IMAGE). */
function parseAttestValue(value, kind) {
    if (value === '' || BOOLEAN.test(value))
        return value.toLowerCase();
    for (const field of value.split(',')) {
        const [key, attr] = option_values_splitOnce(field.trim());
        if (!/^[a-z][a-z0-9-]*$/.test(key) || attr === undefined || attr === '' || /\s/.test(attr))
            throw new Error(`"${value}" is not true, false or KEY=VALUE attributes (e.g. ${example(kind)})`);
        if (key === 'type')
            throw new Error(`"${value}": the type is implied (${kind}); leave type= out`);
        if (kind === 'provenance' && key === 'mode' && !['min', 'max'].includes(attr))
            throw new Error(`mode=${attr} is not a provenance mode; use mode=min or mode=max`);
        if (key === 'generator')
            imageReference(attr);
    }
    return value;
}
function example(kind) {
    return kind === 'provenance' ? 'mode=max' : 'generator=docker/buildkit-syft-scanner:stable-1';
}
/** Lines of `type=provenance|sbom,KEY=VALUE...`. */
function parseAttests(value) {
    return parseList(value, false).map(item => {
        const fields = item.split(',').map(f => option_values_splitOnce(f.trim()));
        const type = fields.find(([key]) => key === 'type')?.[1] ?? '';
        if (!ATTEST_TYPES.includes(type))
            throw new Error(`"${item}" needs type=provenance or type=sbom`);
        parseAttestValue(fields
            .filter(([key]) => key !== 'type')
            .map(([key, v]) => (v === undefined ? key : `${key}=${v}`))
            .join(','), type);
        return item;
    });
}
/** Lines as buildx --output: `type=TYPE,...`, or a bare directory (type=local). */
function parseOutputs(value) {
    return parseList(value, false).map(item => {
        if (!item.includes('='))
            return item;
        const type = item
            .split(',')
            .map(f => option_values_splitOnce(f.trim()))
            .find(([key]) => key === 'type')?.[1];
        if (type === undefined || !OUTPUT_TYPES.includes(type))
            throw new Error(`"${item}" needs type= one of ${OUTPUT_TYPES.join(', ')}`);
        return item;
    });
}
/** `host:ip` (or host=ip), comma or newline separated; ip may be host-gateway. Returned as host=ip. */
function parseAddHosts(value) {
    return parseList(value, true).map(item => {
        const at = item.search(/[=:]/);
        const host = at === -1 ? '' : item.slice(0, at);
        const ip = at === -1 ? '' : item.slice(at + 1).replace(/^\[(.*)\]$/, '$1');
        if (!HOST_NAME.test(host) || (external_node_net_.isIP(ip) === 0 && ip !== 'host-gateway'))
            throw new Error(`"${item}" is not HOST:IP (e.g. registry.corp:10.0.0.5)`);
        return `${host}=${ip}`;
    });
}
function parseShmSize(value) {
    if (value !== '' && !SHM_SIZE.test(value))
        throw new Error(`"${value}" is not a size (e.g. 512m or 2g)`);
    return value;
}
/** `type=soft[:hard]` lines, e.g. nofile=1024:4096. */
function parseUlimits(value) {
    return parseList(value, false).map(item => {
        const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(item);
        if (!m?.[1] || !ULIMIT_TYPES.includes(m[1]))
            throw new Error(`"${item}" is not TYPE=SOFT[:HARD] with TYPE one of ${ULIMIT_TYPES.join(', ')}`);
        if (m[3] !== undefined && Number(m[3]) !== -1 && (Number(m[2]) > Number(m[3]) || Number(m[2]) === -1))
            throw new Error(`"${item}": the soft limit is above the hard one`);
        return item;
    });
}
function parseCgroupParent(value) {
    if (/[\s,]/.test(value))
        throw new Error(`"${value}" is not a cgroup path`);
    return value;
}
/** Entitlements, comma or newline separated: network.host, security.insecure, device[=...], fs...=PATH. */
function parseAllow(value) {
    return [
        ...new Set(parseList(value, true).map(item => {
            if (!ENTITLEMENTS.includes(item.split('=')[0] ?? ''))
                throw new Error(`"${item}" is not an entitlement; use ${ENTITLEMENTS.join(', ')}`);
            return item;
        }))
    ];
}
function parseStageNames(value, commas) {
    return parseList(value, commas).map(item => parseStageName(item));
}
function parseStageName(value) {
    if (value !== '' && !STAGE_NAME.test(value))
        throw new Error(`"${value}" is not a stage name (letters, digits, '_', '.', '-', starting with a letter)`);
    return value;
}
/** build (default), check, outline or targets, optionally with `,format=...` / `,ignorestatus=BOOL`. */
function parseCall(value) {
    if (value === '')
        return '';
    const [method, ...options] = value.split(',').map(f => f.trim());
    if (!CALL_METHODS.includes(method ?? ''))
        throw new Error(`"${value}" is not a call method; use ${CALL_METHODS.join(', ')}`);
    for (const option of options) {
        const [key, v] = option_values_splitOnce(option);
        if (!(key === 'format' && v) && !(key === 'ignorestatus' && BOOLEAN.test(v ?? '')))
            throw new Error(`"${option}" is not a call option; use format=FORMAT or ignorestatus=true|false`);
    }
    return value;
}
/** An image reference input (buildkit-image, qemu-image, an SBOM generator, a docker-image:// context). */
function imageReference(value) {
    try {
        (0,oci_reference/* parseImageReference */.o_)(value);
    }
    catch (error) {
        throw new Error((0,errors/* messageOf */.bD)(error), { cause: error });
    }
    return value;
}
function option_values_splitOnce(field) {
    const at = field.indexOf('=');
    return at === -1 ? [field, undefined] : [field.slice(0, at), field.slice(at + 1)];
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
function secretsOf(fields, source) {
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

;// CONCATENATED MODULE: ./lib/inputs/build-option-inputs.js
/**
 * Reading and checking the build-push-action inputs (secrets, ssh, build-contexts, annotations, sbom,
 * attests, outputs, load, add-hosts, shm-size, ulimit, cgroup-parent, allow, no-cache-filters, call,
 * github-token), with build-push-action's names and syntax. Each parser throws a message that says what
 * is accepted; the input table prefixes it with the input's name. A message about `secrets` never quotes the
 * entry (it may hold the secret).
 */





const SECRET_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * The id of an `ID=` entry (an id, then nothing), else undefined. build-push-action warns about such an
 * entry and builds without it (a pull request from a fork gets an empty value for every repository secret):
 * the parsers leave it out and warn.
 */
function emptyEntryId(item) {
    const eq = item.indexOf('=');
    const id = item.slice(0, eq).trim();
    return eq !== -1 && SECRET_ID.test(id) && item.slice(eq + 1).trim() === '' ? id : undefined;
}
/** Leaves an `ID=` entry out, with a warning: the build goes on without it. */
function skipsEmpty(item, warn) {
    const id = emptyEntryId(item);
    if (id !== undefined)
        warn(`${id} has an empty value; the build goes on without it`);
    return id !== undefined;
}
const ignore = () => undefined;
/** `id=value` entries; the message for a bad one gives its position, never its text. */
function parseSecrets(value, warn = ignore) {
    return parseList(value, false).flatMap((item, i) => {
        if (skipsEmpty(item, warn))
            return [];
        const eq = item.indexOf('=');
        const id = eq === -1 ? '' : item.slice(0, eq).trim();
        const secret = eq === -1 ? '' : item.slice(eq + 1).replace(/\r$/, '');
        if (eq === -1 || !SECRET_ID.test(id) || secret === '') {
            throw new Error(`entry ${i + 1} is not ID=VALUE (an id of letters, digits, '_', '.', '-', then a value); ` +
                'put one per line, and a multi-line value in double quotes: "ID=line 1<newline>line 2"');
        }
        return [{ id, value: secret }];
    });
}
/**
 * What to mask of the secrets input: each value, line by line for a multi-line one (the runner masks per
 * line) and whole. When the input does not parse, every line (the input check reports entries by position).
 */
function secretValues(value) {
    let values;
    try {
        values = parseSecrets(value).map(s => s.value);
    }
    catch {
        values = value.split('\n');
    }
    return values.flatMap(secret => [
        ...secret.split(/\r?\n/).map(line => line.trim()),
        ...(secret.includes('\n') ? [secret] : [])
    ]);
}
function idPairs(value, commas, what, warn) {
    return parseList(value, commas).flatMap((item) => {
        if (skipsEmpty(item, warn))
            return [];
        const eq = item.indexOf('=');
        const id = eq === -1 ? '' : item.slice(0, eq).trim();
        const rest = eq === -1 ? '' : item.slice(eq + 1).trim();
        if (!SECRET_ID.test(id) || rest === '')
            throw new Error(`"${item}" is not ID=${what}; put one per line`);
        return [[id, rest]];
    });
}
function parseSecretFiles(value, cwd, warn = ignore) {
    return idPairs(value, false, 'PATH', warn).map(([id, file]) => {
        if (!external_node_fs_.statSync(external_node_path_.resolve(cwd, file), { throwIfNoEntry: false })?.isFile())
            throw new Error(`${id}: "${file}" is not a file (relative paths start at ${cwd})`);
        return { id, path: file };
    });
}
function parseSecretEnvs(value, env, warn = ignore) {
    return idPairs(value, true, 'ENV_VARIABLE', warn).map(([id, name]) => {
        if (!ENV_NAME.test(name))
            throw new Error(`${id}: "${name}" is not an environment variable name`);
        if (env[name] === undefined)
            throw new Error(`${id}: ${name} is not set in this step's environment (set it with env:)`);
        return { id, env: name };
    });
}
/** `default`, `id` (the agent at SSH_AUTH_SOCK) or `id=path[,path...]` (sockets or keys), one per line. */
function parseSsh(value, cwd, env) {
    return parseList(value, false).map(item => {
        const eq = item.indexOf('=');
        const id = eq === -1 ? item : item.slice(0, eq);
        if (!SECRET_ID.test(id))
            throw new Error(`"${item}" is not default, ID or ID=PATH[,PATH]`);
        const paths = eq === -1 ? [] : item.slice(eq + 1).split(',');
        if (paths.length === 0 && !env.SSH_AUTH_SOCK) {
            throw new Error(`${id} forwards the SSH agent at SSH_AUTH_SOCK, which is not set: start an agent in an earlier ` +
                'step (and export SSH_AUTH_SOCK), or give a key or socket path as ID=PATH');
        }
        for (const p of paths) {
            if (p === '' || !external_node_fs_.existsSync(external_node_path_.resolve(cwd, p)))
                throw new Error(`${id}: "${p}" does not exist (relative paths start at ${cwd})`);
        }
        return item;
    });
}
const REMOTE_SOURCE = /^(docker-image|oci-layout|https?|git|ssh):\/\/|^git@|^github\.com\/|^target:/;
/** `name=source`, where source is a directory, a URL, docker-image://REF or oci-layout://PATH. */
function parseBuildContexts(value, cwd) {
    return parseList(value, false).map(item => {
        const eq = item.indexOf('=');
        const name = eq === -1 ? '' : item.slice(0, eq).trim();
        const source = eq === -1 ? '' : item.slice(eq + 1).trim();
        if (name === '' || /\s/.test(name) || source === '')
            throw new Error(`"${item}" is not NAME=SOURCE (e.g. base=docker-image://alpine:3.20 or src=./dir)`);
        if (source.startsWith('docker-image://'))
            imageReference(source.slice('docker-image://'.length));
        else if (!REMOTE_SOURCE.test(source)) {
            if (!external_node_fs_.statSync(external_node_path_.resolve(cwd, source), { throwIfNoEntry: false })?.isDirectory())
                throw new Error(`${name}: "${source}" is not a directory (relative paths start at ${cwd})`);
        }
        return `${name}=${source}`;
    });
}
/**
 * The secret a Git context on the GitHub server authenticates with: buildx reads a secret named
 * GIT_AUTH_TOKEN.<host> when it fetches a Git URL of that host. Only added when the context or a named
 * context is such a URL, and `secrets` does not already give one.
 */
function gitAuthSecret(options) {
    if (options.token === '')
        return undefined;
    let host;
    try {
        host = new URL(options.serverUrl || 'https://github.com').host;
    }
    catch {
        return undefined;
    }
    const id = `GIT_AUTH_TOKEN.${host}`;
    if (options.secrets.some(s => s.id === id || s.id === 'GIT_AUTH_TOKEN'))
        return undefined;
    const onServer = options.sources.some(source => [`https://${host}/`, `http://${host}/`, `git@${host}:`, `ssh://git@${host}/`, `${host}/`].some(prefix => source.startsWith(prefix)));
    return onServer ? { id, value: options.token } : undefined;
}
/** The build-push-action inputs, as fields of the build's input table (inputs.ts). */
const BUILD_OPTION_FIELDS = {
    secrets: secret(field([], (value, { warn }) => parseSecrets(value, warn)), secretValues),
    'secret-files': field([], (value, { cwd, warn }) => parseSecretFiles(value, cwd, warn)),
    'secret-envs': field([], (value, { env, warn }) => parseSecretEnvs(value, env, warn)),
    'github-token': secret(table_text),
    ssh: field([], (value, { cwd, env }) => parseSsh(value, cwd, env)),
    'build-contexts': field([], (value, { cwd }) => parseBuildContexts(value, cwd)),
    annotations: field([], parseAnnotations),
    sbom: field('', value => parseAttestValue(value, 'sbom')),
    attests: field([], parseAttests),
    outputs: field([], parseOutputs),
    load: bool(false),
    'add-hosts': field([], parseAddHosts),
    'shm-size': field('', parseShmSize),
    ulimit: field([], parseUlimits),
    'cgroup-parent': field('', parseCgroupParent),
    allow: field([], parseAllow),
    'no-cache-filters': field([], value => parseStageNames(value, true)),
    call: field('', parseCall)
};
/**
 * The build options of a table's values (see BuildOptionSettings). A Git context on the GitHub server
 * (`context`, or a named context) gets github-token as its secret.
 */
function buildOptionSettings(values, where) {
    const { githubToken, ...options } = values;
    const token = gitAuthSecret({
        token: githubToken,
        serverUrl: where.serverUrl,
        sources: [where.context, ...options.buildContexts.map(c => c.slice(c.indexOf('=') + 1))],
        secrets: options.secrets
    });
    return { ...options, secrets: token ? [...options.secrets, token] : options.secrets };
}
/** Log lines for the options that are set; secrets by id only, outputs and attests by type only. */
function build_option_inputs_describeBuildOptions(o) {
    const lines = [
        ['secrets', o.secrets.map(s => s.id).join(', ')],
        ['secret-files', o.secretFiles.map(s => s.id).join(', ')],
        ['secret-envs', o.secretEnvs.map(s => `${s.id} (${s.env})`).join(', ')],
        ['ssh', o.ssh.map(s => s.split('=')[0] ?? '').join(', ')],
        ['build-contexts', o.buildContexts.map(c => c.slice(0, c.indexOf('='))).join(', ')],
        ['annotations', o.annotations.length > 0 && `${o.annotations.length}`],
        ['sbom', o.sbom],
        ['attests', o.attests.map(attestType).join(', ')],
        ['outputs', o.outputs.map(outputType).join(', ')],
        ['load', o.load && 'true'],
        ['add-hosts', o.addHosts.join(', ')],
        ['shm-size', o.shmSize],
        ['ulimit', o.ulimit.join(', ')],
        ['cgroup-parent', o.cgroupParent],
        ['allow', o.allow.join(', ')],
        ['no-cache-filters', o.noCacheFilters.join(', ')],
        ['call', o.call]
    ];
    return lines.flatMap(([name, value]) => (value ? [[name, value]] : []));
}

// EXTERNAL MODULE: ./lib/core/runner.js
var core_runner = __nccwpck_require__(6741);
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
function proxyEnvironment(env) {
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
function nodes_nodeLabel(node) {
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

;// CONCATENATED MODULE: ./lib/inputs/describe.js



const hosts = (list) => list.map(h => (h.http ? `http://${h.host}` : h.host)).join(', ');
const cacheTypes = (entries) => entries.map(e => /(?:^|,)type=([^,]*)/.exec(e)?.[1] ?? 'registry').join(', ');
/** `key (transparency log: no)`, `keyless (your own sigstore instance)`: no key, no password. */
function signing(inputs) {
    const own = inputs.sign === 'keyless' && inputs.signSigningConfig !== '' ? ', your own sigstore instance' : '';
    return `${inputs.sign} (transparency log: ${inputs.signTransparencyLog ? 'yes' : 'no'}${own})`;
}
function describeInputs(inputs) {
    const lines = [
        ['platforms', inputs.platforms.join(', ')],
        ['tags', inputs.tags.join(', ') || '(none)'],
        ['push', inputs.pushByDigest ? 'true, by digest (no tag)' : String(inputs.push)],
        ['context', inputs.context],
        ['file', inputs.file || '(Dockerfile in the context)'],
        [
            'builder',
            inputs.builderName ? `${inputs.builderName}${inputs.reuseBuilder ? ' (reuse)' : ''}` : '(unique name)'
        ],
        ['buildkit-image', inputs.buildkitImage],
        ['buildx-version', inputs.buildxVersion || "(the runner's if recent enough)"],
        ['qemu', `${inputs.qemu} (${inputs.qemuImage})`],
        ['host-network', String(inputs.hostNetwork)],
        ['network', inputs.network || 'default'],
        ['proxy', String(inputs.proxy)],
        ['retries', String(inputs.retries)],
        [
            'check-binaries',
            inputs.checkBinaries === 'false'
                ? 'false'
                : `${inputs.checkBinaries} (up to ${Math.round(inputs.checkBinariesBudget / 1024 / 1024)} MiB of layers per platform)`
        ],
        ['media-types', inputs.mediaTypes]
    ];
    for (const node of inputs.nodes)
        lines.push(['node', `${node.platforms.join(', ')} on ${nodeLabel(node)}`]);
    if (inputs.smokeTest.length > 0)
        lines.push([
            'smoke-test',
            `${inputs.smokeTest.join(' ')} (at most ${inputs.smokeTestTimeout} s per platform)`
        ]);
    if (inputs.cacheMaxSize !== undefined)
        lines.push(['cache-max-size', formatBytes(inputs.cacheMaxSize)]);
    if (inputs.sign !== 'false')
        lines.push(['sign', signing(inputs)]);
    if (inputs.insecureRegistries.length > 0)
        lines.push(['insecure-registries', hosts(inputs.insecureRegistries)]);
    if (inputs.caCerts.length > 0) {
        const certs = inputs.caCerts.map(c => c.source === 'file' ? `${c.host} (${c.value})` : `${c.host} (PEM)`);
        lines.push(['ca-certs', certs.join(', ')]);
    }
    for (const [registry, mirrors] of inputs.registryMirrors)
        lines.push(['registry-mirrors', `${registry} -> ${hosts(mirrors)}`]);
    if (inputs.buildkitdConfig)
        lines.push(['buildkitd-config', inputs.buildkitdConfig]);
    if (inputs.buildkitdConfigInline) {
        const count = inputs.buildkitdConfigInline.split('\n').length;
        lines.push(['buildkitd-config-inline', `${count} line${count === 1 ? '' : 's'} of TOML`]);
    }
    if (inputs.registry) {
        lines.push([
            'login',
            inputs.username ? `${inputs.registry} (username and password given)` : inputs.registry
        ]);
    }
    // Cache entries may carry credentials (s3 keys): only their types are shown.
    if (inputs.cache)
        lines.push(['cache', `${inputs.cache}, one per platform`]);
    if (inputs.cacheFrom.length > 0)
        lines.push(['cache-from', cacheTypes(inputs.cacheFrom)]);
    if (inputs.cacheTo.length > 0)
        lines.push(['cache-to', cacheTypes(inputs.cacheTo)]);
    lines.push(...describeBuildOptions(inputs.buildOptions));
    return lines.map(([name, value]) => `${name}: ${value}`);
}

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

// EXTERNAL MODULE: ./lib/oci/platforms.js
var oci_platforms = __nccwpck_require__(9537);
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
            digest = (0,oci_reference/* parseImageReference */.o_)(tag).digest;
        }
        catch (error) {
            throw new Error(`"${tag}" is not a valid image reference: ${(0,errors/* messageOf */.bD)(error)}`, { cause: error });
        }
        if (digest !== undefined) {
            throw new Error(`"${tag}" has a digest (@${digest.slice(0, 15)}…): a pushed image gets its digest from its content; ` +
                'give repository:tag only');
        }
    }
    return tags;
}
const BINARIES_MODES = (/* unused pure expression or super */ null && (['error', 'warning', 'false']));
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

// EXTERNAL MODULE: ./lib/cosign/cosign.js
var cosign = __nccwpck_require__(5924);
// EXTERNAL MODULE: ./lib/cosign/identity.js
var identity = __nccwpck_require__(5965);
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
        const mode = value === '' ? 'false' : cosign/* SIGN_MODES */.xL.find(m => m === value.toLowerCase());
        if (mode === undefined)
            throw new Error(`"${value}" is not a way to sign; use false, key or keyless`);
        // Known now, not after the build: the job can have no identity token.
        if (mode === 'keyless' && !(0,identity/* hasIdentity */.rr)(env))
            throw new Error(identity/* NO_IDENTITY */.T5);
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

;// CONCATENATED MODULE: ./lib/inputs/merge-inputs.js
/**
 * The merge action's inputs (merge/action.yml), read once and checked together: the sources, the tags
 * of the new index, its annotations, the platforms it must hold, and the registry inputs, which mean
 * what they mean for the build.
 */








/**
 * The merge action's table: sources (image references by tag or digest, as written), tags (where the index
 * is pushed: references with a tag), annotations (of the index), platforms (the exact set the index must
 * hold; undefined: whatever the sources hold), and the registry and signing inputs.
 */
const MERGE_FIELDS = {
    sources: field([], parseSources),
    tags: field([], parseIndexTags),
    annotations: field({}, merge_inputs_parseAnnotations),
    platforms: field(undefined, parseExpectedPlatforms),
    ...REGISTRY_FIELDS,
    ...SIGNING_FIELDS
};
/**
 * Reads and checks every input of the merge action; throws an InputError listing all problems. Relative
 * paths (a CA file, the signing key) start at `cwd`, the job's working directory.
 */
function readMergeInputs(source, cwd = '.', env = {}) {
    return readTable(MERGE_FIELDS, [...REGISTRY_RULES, ...SIGNING_RULES], {
        source,
        specs: MERGE_INPUTS,
        cwd,
        env
    }).values;
}
/** One image reference per line (commas work too); blank lines are skipped. */
function parseSources(value) {
    const sources = splitList(value, true);
    if (sources.length === 0) {
        throw new Error('no source is given; list the images to merge, one per line (registry/name@sha256:…)');
    }
    for (const item of sources) {
        try {
            (0,oci_reference/* parseImageReference */.o_)(item);
        }
        catch (error) {
            throw new Error(`"${item}" is not a valid image reference: ${(0,errors/* messageOf */.bD)(error)}`, { cause: error });
        }
    }
    return sources;
}
/** The index's tags: at least one, each with a tag (or none, meaning latest), never with a digest. */
function parseIndexTags(value) {
    const tags = parseTags(value, true);
    for (const tag of tags) {
        if ((0,oci_reference/* parseImageReference */.o_)(tag).digest !== undefined) {
            throw new Error(`"${tag}" has a digest; the index is pushed under a tag, e.g. registry/name:1.0`);
        }
    }
    return tags;
}
const ANNOTATION_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
/**
 * `key=value` lines, for the index itself; an `index:` prefix (as buildx writes index annotations) is
 * accepted and dropped. Other buildx prefixes (manifest:, index-descriptor:, …) are refused: the merge
 * writes only the index.
 */
function merge_inputs_parseAnnotations(value) {
    const annotations = {};
    for (const item of splitList(value, false)) {
        const eq = item.indexOf('=');
        let key = eq === -1 ? '' : item.slice(0, eq).trim();
        if (key.startsWith('index:'))
            key = key.slice('index:'.length);
        if (key === '' || !ANNOTATION_KEY.test(key)) {
            const why = /^[a-z-]+(\[[^\]]*\])?:/.test(key)
                ? 'only index annotations can be set here (no prefix, or index:)'
                : 'expected key=value, e.g. org.opencontainers.image.source=https://github.com/o/r';
            throw new Error(`"${item}": ${why}; one annotation per line`);
        }
        if (key in annotations)
            throw new Error(`${key} is set twice`);
        annotations[key] = item.slice(eq + 1).trim();
    }
    return annotations;
}
/** The platforms the index must hold exactly; undefined when the input is empty. */
function parseExpectedPlatforms(value) {
    const items = splitList(value, true);
    if (items.length === 0)
        return undefined;
    const platforms = [];
    for (const item of items) {
        const platform = (0,oci_platforms/* normalizePlatform */.FL)(item);
        if (platforms.includes(platform))
            throw new Error(`${platform} is listed twice`);
        platforms.push(platform);
    }
    return platforms;
}

// EXTERNAL MODULE: ./lib/registry/registry-errors.js
var registry_errors = __nccwpck_require__(5786);
;// CONCATENATED MODULE: ./lib/core/pool.js
/** Work on many items with a bounded number in flight (registry requests, blob copies). */
/** Runs `work` on every item, at most `limit` at a time; results in the items' order. */
async function mapLimit(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index], index);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}

// EXTERNAL MODULE: ./lib/oci/oci.js
var oci = __nccwpck_require__(1396);
;// CONCATENATED MODULE: ./lib/oci/index-checks.js
/**
 * Checks of an image index's content, for anything that assembles or pushes one: every platform exactly
 * once (and, when asked, exactly the expected set), and each platform manifest's image config naming the
 * same os/architecture/variant as its index entry; for an index as pushed (pushedIndexProblems) also no
 * index nested in it, and attestation manifests only as attestation entries. Pure: the caller fetches the
 * bytes. Each check returns its problems (one sentence each); `throwProblems` turns them into one error.
 */


/** The `platform` object of a descriptor or the os/architecture/variant of an image config, or undefined. */
function platformOf(value) {
    if (!(0,oci/* isRecord */.u4)(value))
        return undefined;
    const { os, architecture, variant } = value;
    if (typeof os !== 'string' || typeof architecture !== 'string' || os === '' || architecture === '') {
        return undefined;
    }
    return typeof variant === 'string' && variant !== '' ? { os, architecture, variant } : { os, architecture };
}
/**
 * Each platform exactly once; with `expected`, exactly those platforms. Problems name the sources of a
 * duplicate, the platforms missing from every source, and platforms that `expected` does not list.
 */
function platformSetProblems(placed, expected) {
    const problems = [];
    const byPlatform = new Map();
    for (const { platform, from } of placed) {
        const key = (0,oci_platforms/* normalizePlatform */.FL)(platform);
        byPlatform.set(key, [...(byPlatform.get(key) ?? []), from]);
    }
    for (const [platform, froms] of byPlatform) {
        if (froms.length > 1)
            problems.push(`${platform} is in more than one source: ${froms.join(', ')}`);
    }
    if (expected === undefined)
        return problems;
    const wanted = expected.map(oci_platforms/* normalizePlatform */.FL);
    const held = [...byPlatform.keys()];
    const missing = wanted.filter(p => !byPlatform.has(p));
    if (missing.length > 0) {
        problems.push(`${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} in platforms but in none of the sources ` +
            `(they hold ${held.length > 0 ? held.join(', ') : 'no platform image'})`);
    }
    for (const platform of held.filter(p => !wanted.includes(p))) {
        const froms = byPlatform.get(platform) ?? [];
        problems.push(`${platform} (from ${froms.join(', ')}) is not in platforms (${wanted.join(', ')})`);
    }
    return problems;
}
/**
 * The image config's os/architecture/variant against the index entry's platform (both normalised, so
 * arm64/v8 equals arm64). `where` names the image for the message.
 */
function configPlatformProblems(entry, config, where) {
    const parsed = (0,oci/* parseJsonObject */.dw)(config);
    const fromConfig = platformOf(parsed);
    if (fromConfig === undefined) {
        return [`${where}: its image config has no os/architecture, so its platform cannot be checked`];
    }
    const listed = (0,oci_platforms/* formatPlatform */.Bq)(entry);
    const actual = (0,oci_platforms/* formatPlatform */.Bq)(fromConfig);
    return listed === actual
        ? []
        : [`${where} is listed as ${listed}, but its image config says ${actual} (os/architecture/variant)`];
}
/**
 * The platform images of an index (attestation manifests and unknown/unknown entries left out), each
 * placed as `entry N (digest)`: the input of platformSetProblems for an index already pushed.
 */
function indexPlatforms(raw, mediaType) {
    const parsed = (0,oci/* parseJsonObject */.dw)(raw);
    if (parsed === undefined || (0,oci/* manifestKind */.QS)(mediaType, parsed) !== 'index') {
        throw new Error(`Expected an image index (${mediaType || 'no media type'}), got something else`);
    }
    const manifests = Array.isArray(parsed['manifests']) ? parsed['manifests'] : [];
    const placed = [];
    for (const [n, entry] of manifests.entries()) {
        if (!(0,oci/* isRecord */.u4)(entry) || (0,oci/* isAttestation */.H3)(entry))
            continue;
        const platform = platformOf(entry['platform']);
        if (platform === undefined || (platform.os === 'unknown' && platform.architecture === 'unknown'))
            continue;
        placed.push({ platform: (0,oci_platforms/* formatPlatform */.Bq)(platform), from: `entry ${n} (${String(entry['digest'])})` });
    }
    return placed;
}
/** Checks a pushed (or about to be pushed) index: each platform once, and exactly `expected` if given. */
function indexProblems(raw, mediaType, expected) {
    return platformSetProblems(indexPlatforms(raw, mediaType), expected);
}
/** An error listing every problem, or nothing when there is none. */
function throwProblems(what, problems) {
    if (problems.length === 0)
        return;
    throw new Error(problems.length === 1
        ? `${what}: ${problems[0] ?? ''}`
        : `${what}:\n${problems.map(p => `  - ${p}`).join('\n')}`);
}
const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';
/**
 * Every problem of an index as pushed: each requested platform exactly once and no other
 * (platformSetProblems), each config's platform (configPlatformProblems), no nested index, attestation
 * manifests only as attestation entries (unknown/unknown, pointing at an image of the index).
 */
function pushedIndexProblems(input) {
    const problems = [];
    const placed = [];
    const attestations = [];
    const entries = Array.isArray(input.index['manifests']) ? input.index['manifests'] : [];
    for (const [n, entry] of entries.entries()) {
        if (!isRecord(entry) || typeof entry['digest'] !== 'string') {
            problems.push(`entry ${n} of the index has no digest`);
            continue;
        }
        const from = `entry ${n} (${entry['digest']})`;
        const platform = platformOf(entry['platform']);
        if (isAttestation(entry)) {
            const annotations = entry['annotations'];
            attestations.push({ from, platform, refersTo: annotations[REFERENCE_DIGEST_ANNOTATION] });
            continue;
        }
        const name = platform ? formatPlatform(platform) : '';
        if (typeof entry['mediaType'] === 'string' && INDEX_MEDIA_TYPES.includes(entry['mediaType'])) {
            problems.push(`${name || 'an entry'}: ${from} is an index nested in the index`);
            continue;
        }
        if (!platform || (platform.os === 'unknown' && platform.architecture === 'unknown')) {
            problems.push(`${from} has ${platform ? 'platform unknown/unknown' : 'no platform'} but is not marked as an ` +
                'attestation manifest (vnd.docker.reference.type)');
            continue;
        }
        placed.push({ platform: name, from });
        problems.push(...listedProblems(platform, `${name}: ${from}`, input.manifests.get(entry['digest'])));
    }
    const images = new Set(placed.map(p => /\((.*)\)$/.exec(p.from)?.[1]));
    for (const { from, platform, refersTo } of attestations) {
        if (platform && !(platform.os === 'unknown' && platform.architecture === 'unknown')) {
            problems.push(`${formatPlatform(platform)}: ${from} is an attestation manifest listed with that platform, not unknown/unknown`);
        }
        if (typeof refersTo !== 'string' || !images.has(refersTo)) {
            problems.push(`${from} is an attestation manifest for ${String(refersTo)}, which is no image of the index`);
        }
    }
    return [...problems, ...platformSetProblems(placed, input.requested)];
}
/** The problems of a single image manifest pushed without an index (one platform requested). */
function singleManifestProblems(requested, manifest) {
    const [only] = requested;
    if (requested.length !== 1 || only === undefined) {
        return [`a single image manifest was pushed for ${requested.length} platforms`];
    }
    const [os = '', architecture = '', variant] = normalizePlatform(only).split('/');
    const platform = variant ? { os, architecture, variant } : { os, architecture };
    return listedProblems(platform, `${formatPlatform(platform)}: the pushed manifest`, manifest);
}
function listedProblems(platform, where, manifest) {
    if (!manifest)
        return [`${where} was not read`];
    if (manifest.kind === 'index')
        return [`${where} is an index nested in the index`];
    if (manifest.kind === undefined)
        return [`${where} is not an image manifest`];
    if (manifest.attestation)
        return [`${where} is an attestation manifest (${MEDIA_TYPES.inToto} layers), not an image`];
    return configPlatformProblems(platform, manifest.config ?? Buffer.from('{}'), where);
}

;// CONCATENATED MODULE: ./lib/oci/merge-plan.js
/**
 * Planning a merge: which platform images each source contributes (an index gives its platform manifests,
 * each with the attestation manifests that refer to it, so nothing is nested), the checks every merge
 * passes before anything is pushed, and the bytes of the new index. Pure: the caller fetches and pushes.
 */



/** The annotation of an attestation manifest that names the image it describes. */
const merge_plan_REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';
/** The platform images of a source: its own manifest, or the platform entries of its index. */
function sourceParts(source) {
    const parsed = (0,oci/* parseJsonObject */.dw)(source.raw);
    const kind = parsed === undefined ? undefined : (0,oci/* manifestKind */.QS)(source.mediaType, parsed);
    if (parsed === undefined || kind === undefined) {
        throw new Error(`${source.source} is neither an image index nor an image manifest (${source.mediaType})`);
    }
    if (kind === 'manifest') {
        const descriptor = { mediaType: source.mediaType, digest: source.digest, size: source.raw.length };
        return [{ source: source.source, descriptor, platform: undefined, attestations: [] }];
    }
    const entries = (Array.isArray(parsed['manifests']) ? parsed['manifests'] : []).map(entry => descriptorOf(entry, source.source));
    const parts = [];
    for (const entry of entries) {
        if ((0,oci/* isAttestation */.H3)(entry))
            continue;
        if (oci/* INDEX_MEDIA_TYPES */.kA.includes(entry.mediaType)) {
            throw new Error(`${source.source} holds another index (${entry.digest}); give that index as a source of its own`);
        }
        const platform = platformOf(entry['platform']);
        if (platform === undefined || (platform.os === 'unknown' && platform.architecture === 'unknown'))
            continue;
        const attestations = entries.filter(other => (0,oci/* isAttestation */.H3)(other) && annotation(other, merge_plan_REFERENCE_DIGEST_ANNOTATION) === entry.digest);
        parts.push({ source: source.source, descriptor: entry, platform, attestations });
    }
    if (parts.length === 0)
        throw new Error(`${source.source} is an index without any platform image`);
    return parts;
}
/**
 * The index of the images, after the checks: every platform exactly once (exactly `platforms` when
 * given) and each config's os/architecture/variant equal to its entry. Throws one error with every
 * problem. A Docker manifest list when every image is a Docker manifest and there are no attestations
 * and no annotations (a manifest list has no place for them); else an OCI image index.
 */
function planIndex(images, options) {
    const problems = [];
    const placed = [];
    for (const image of images) {
        const where = `${image.source} (${image.descriptor.digest})`;
        if (image.platform !== undefined) {
            problems.push(...configPlatformProblems(image.platform, image.config, where));
            placed.push({ ...image, key: (0,oci_platforms/* formatPlatform */.Bq)(image.platform), entry: image.descriptor });
            continue;
        }
        const config = (0,oci/* parseJsonObject */.dw)(image.config);
        const platform = platformOf(config);
        if (platform === undefined) {
            problems.push(`${where}: its image config has no os/architecture, so its platform is unknown`);
            continue;
        }
        const osVersion = config?.['os.version'];
        const entry = {
            ...image.descriptor,
            platform: { ...platform, ...(typeof osVersion === 'string' ? { 'os.version': osVersion } : {}) }
        };
        placed.push({ ...image, platform, key: (0,oci_platforms/* formatPlatform */.Bq)(platform), entry });
    }
    const sets = placed.map(p => ({ platform: p.key, from: p.source }));
    problems.push(...platformSetProblems(sets, options.platforms));
    throwProblems('Cannot merge the sources', problems);
    const attestations = placed.flatMap(p => p.attestations);
    const annotations = Object.keys(options.annotations).length > 0 ? { ...options.annotations } : undefined;
    const docker = placed.every(p => p.entry.mediaType === oci/* MEDIA_TYPES */.Z2.dockerManifest) &&
        attestations.length === 0 &&
        annotations === undefined;
    const mediaType = docker ? oci/* MEDIA_TYPES */.Z2.dockerManifestList : oci/* MEDIA_TYPES */.Z2.ociIndex;
    const index = {
        schemaVersion: 2,
        mediaType,
        manifests: [...placed.map(p => p.entry), ...attestations],
        ...(annotations ? { annotations } : {})
    };
    const raw = Buffer.from(`${JSON.stringify(index, null, 2)}\n`);
    return {
        mediaType,
        raw,
        digest: (0,oci/* sha256Digest */.sI)(raw),
        platforms: Object.fromEntries(placed.map(p => [p.key, p.entry.digest])),
        images: placed
    };
}
/** The blobs an image manifest refers to: its config and its layers. */
function manifestBlobs(raw, where) {
    const parsed = (0,oci/* parseJsonObject */.dw)(raw);
    const layers = Array.isArray(parsed?.['layers']) ? parsed['layers'] : [];
    const config = parsed?.['config'];
    if (!(0,oci/* isRecord */.u4)(config))
        throw new Error(`${where} is not an image manifest: it has no config`);
    return [config, ...layers].map(blob => {
        const digest = (0,oci/* isRecord */.u4)(blob) ? blob['digest'] : undefined;
        const size = (0,oci/* isRecord */.u4)(blob) ? blob['size'] : undefined;
        if (typeof digest !== 'string' || !(0,oci/* isDigest */.Bc)(digest) || typeof size !== 'number' || size < 0) {
            throw new Error(`${where} lists a blob without a sha256 digest and size`);
        }
        return { digest, size };
    });
}
function descriptorOf(value, source) {
    const ok = (0,oci/* isRecord */.u4)(value) &&
        typeof value['mediaType'] === 'string' &&
        typeof value['digest'] === 'string' &&
        (0,oci/* isDigest */.Bc)(value['digest']) &&
        typeof value['size'] === 'number';
    if (!ok)
        throw new Error(`${source} has an index entry without mediaType, sha256 digest and size`);
    return value;
}
function annotation(descriptor, key) {
    const annotations = descriptor['annotations'];
    const value = (0,oci/* isRecord */.u4)(annotations) ? annotations[key] : undefined;
    return typeof value === 'string' ? value : undefined;
}

;// CONCATENATED MODULE: ./lib/registry/copy.js
/**
 * Copying an image manifest and its blobs from one repository to another, by digest: within one registry
 * each blob is mounted (the registry copies it itself when it will not mount), between registries each
 * blob the target lacks is streamed from the source into the target. The manifest is PUT by its digest,
 * with the exact bytes the source served, after its blobs.
 */

function emptyCounts() {
    return { mounted: 0, copied: 0, present: 0, manifests: 0 };
}
/** Whether two repositories are the same one (then there is nothing to copy). */
function sameRepository(a, b) {
    return a.registry === b.registry && a.repository === b.repository;
}
/** Makes the manifest and its blobs part of the target repository (nothing to do when it is the source). */
async function copyManifest(options) {
    const { from, to, manifest, counts, retry } = options;
    if (sameRepository(from, to))
        return;
    const where = `${to.registry}/${to.repository}`;
    const done = options.blobsDone ?? new Map();
    await mapLimit(manifest.blobs, options.concurrency ?? 4, blob => {
        const key = `${to.registry}/${to.repository}@${blob.digest}`;
        let transfer = done.get(key);
        if (transfer === undefined) {
            transfer = copyBlob(options, blob);
            transfer.catch(() => undefined); // awaited below; a failure elsewhere must not leave it unhandled
            done.set(key, transfer);
        }
        return transfer;
    });
    await retry(`Pushing manifest ${manifest.digest} to ${where}`, () => to.client.putManifest(to.repository, manifest.digest, manifest));
    counts.manifests++;
}
/** Brings one blob to the target: mounted within a registry, else streamed unless the target has it. */
async function copyBlob(options, blob) {
    const { from, to, counts, retry } = options;
    const where = `${to.registry}/${to.repository}`;
    if (from.registry === to.registry) {
        const how = await retry(`Mounting blob ${blob.digest} into ${where}`, () => to.client.mountBlob({
            repository: to.repository,
            from: from.repository,
            digest: blob.digest,
            maxBytes: blob.size
        }));
        counts[how]++;
        return;
    }
    const present = await retry(`Looking up blob ${blob.digest} in ${where}`, () => to.client.headBlob(to.repository, blob.digest));
    if (present !== undefined) {
        counts.present++;
        return;
    }
    await retry(`Copying blob ${blob.digest} to ${where}`, async () => {
        const stream = await from.client.getBlob(from.repository, blob.digest, blob.size);
        await to.client.uploadBlob(to.repository, blob.digest, { size: blob.size, body: stream.body });
    });
    counts.copied++;
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __nccwpck_require__(7067);
var external_node_http_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_node_http_, 2);
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
var external_node_https_namespaceObject_0 = /*#__PURE__*/__nccwpck_require__.t(external_node_https_namespaceObject, 2);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __nccwpck_require__(1692);
// EXTERNAL MODULE: ./node_modules/tunnel/index.js
var tunnel = __nccwpck_require__(770);
;// CONCATENATED MODULE: ./lib/registry/transport.js
/**
 * HTTP(S) to one registry, the way BuildKit reached it to push: plain HTTP or TLS, with extra CAs or
 * without verification, through the proxy chosen for each URL (a CONNECT tunnel, as @actions/http-client
 * does). Node's own http/https clients: nothing outlives the request, so the step can end when its work is
 * done. Every request has a time limit; buffered bodies have a size limit, streamed ones the caller's.
 */








const USER_AGENT = 'multiarch-build-push-action';
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECTS = [301, 302, 303, 307, 308];
class Transport {
    options;
    secureContext;
    agents = new Map();
    timeoutMs;
    constructor(options, 
    /** The system roots plus the CAs, parsed once for every connection (~150 certificates: costly). */
    secureContext) {
        this.options = options;
        this.secureContext = secureContext;
        this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    }
    /** Reads the CA files; throws naming the `ca-certs` input when one cannot be read. */
    static async open(options) {
        const ca = await loadCa(options.settings.caFiles, options.extraCaFile);
        return new Transport(options, ca === undefined ? undefined : external_node_tls_.createSecureContext({ ca }));
    }
    /** The origin of the registry's API: http(s)://host[:port]. */
    origin(apiHost) {
        return `${this.options.settings.plainHttp ? 'http' : 'https'}://${apiHost}`;
    }
    /** One request, redirects followed for GET and HEAD; the whole body read (up to the size limit). */
    async send(request) {
        const response = await this.follow(request, this.options.maxBodyBytes ?? MAX_BODY_BYTES, false);
        return { ...response, body: await readAll(response.body) };
    }
    /**
     * Like send, but the body is a stream that fails once it passes `maxBytes` or stalls for the time
     * limit. The caller reads it to the end (or destroys it).
     */
    stream(request, maxBytes) {
        return this.follow(request, maxBytes, true);
    }
    /** Drops kept-alive connections. */
    close() {
        // Direct agents keep sockets alive between requests; tunnels close their own.
        for (const agent of this.agents.values())
            if (agent instanceof external_node_http_.Agent)
                agent.destroy();
        this.agents.clear();
    }
    async follow(request, maxBytes, streaming) {
        let url = request.url;
        let headers = { 'user-agent': USER_AGENT, ...request.headers };
        const redirectable = request.method === 'GET' || request.method === 'HEAD';
        for (let hop = 0;; hop++) {
            const response = await this.once({ ...request, url, headers }, maxBytes, streaming);
            const location = firstHeader(response.headers['location']);
            if (!redirectable || !REDIRECTS.includes(response.status) || location === undefined)
                return response;
            response.body.resume();
            if (hop === MAX_REDIRECTS) {
                throw new registry_errors/* RegistryError */.gl(`Too many redirects from ${(0,registry_errors/* displayUrl */.Qy)(request.url)}`, {
                    url: (0,registry_errors/* displayUrl */.Qy)(request.url),
                    status: response.status
                });
            }
            const next = new URL(location, url);
            // Credentials are for the host that asked for them, not for wherever it redirects.
            if (next.origin !== url.origin) {
                headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'authorization'));
            }
            url = next;
        }
    }
    once(request, maxBytes, streaming) {
        const { method, url } = request;
        const shown = (0,registry_errors/* displayUrl */.Qy)(url);
        return new Promise((resolve, reject) => {
            let stage = 'to accept the connection for';
            let body;
            let timer;
            const stop = () => {
                clearTimeout(timer);
            };
            const arm = () => {
                stop();
                timer = setTimeout(() => {
                    const what = `${this.who(url)} ${stage} ${method} ${shown}${this.via(url)}`;
                    const error = new registry_errors/* RegistryError */.gl(`Timed out after ${this.timeoutMs} ms waiting for ${what}`, {
                        url: shown,
                        code: 'ETIMEDOUT'
                    });
                    if (body === undefined)
                        client.destroy(error);
                    else
                        body.destroy(error);
                }, this.timeoutMs);
                timer.unref();
            };
            const wrap = (error) => error instanceof registry_errors/* RegistryError */.gl ? error : (0,registry_errors/* networkError */.x6)(url, error, this.via(url));
            const client = (url.protocol === 'https:' ? external_node_https_namespaceObject_0 : external_node_http_namespaceObject).request(url, {
                method,
                headers: request.headers,
                agent: this.agentFor(url),
                ...(url.protocol === 'https:' ? this.tlsOptions() : {})
            }, response => {
                stage = 'to send the rest of the body of';
                let size = 0;
                const limited = new external_node_stream_.Transform({
                    transform(chunk, _encoding, done) {
                        size += chunk.length;
                        if (streaming)
                            arm();
                        if (size <= maxBytes)
                            done(null, chunk);
                        else
                            done(new registry_errors/* RegistryError */.gl(`${shown} sent more than ${maxBytes} bytes`, { url: shown }));
                    }
                });
                body = limited;
                // The error stays on the destroyed stream for whoever reads it, even if it came before they did.
                limited.on('error', () => undefined);
                response.on('error', error => limited.destroy(wrap(error)));
                limited.on('end', stop);
                limited.on('close', () => {
                    stop();
                    if (!response.complete)
                        response.destroy();
                });
                response.pipe(limited);
                resolve({ status: response.statusCode ?? 0, headers: response.headers, body: limited, url });
            });
            client.on('socket', socket => {
                if (!socket.connecting)
                    stage = 'to answer';
                else
                    socket.once('connect', () => (stage = 'to answer'));
            });
            client.on('error', error => {
                stop();
                if (body === undefined)
                    reject(wrap(error));
                else
                    body.destroy(wrap(error));
            });
            arm();
            if (request.body instanceof external_node_stream_.Readable) {
                request.body.on('error', error => client.destroy(error));
                request.body.pipe(client);
            }
            else {
                client.end(request.body);
            }
        });
    }
    /** The host waited for, and the registry it was reached for when that is another host (token service). */
    who(url) {
        return url.host === this.options.registry
            ? url.host
            : `${url.host} (for registry ${this.options.registry})`;
    }
    via(url) {
        const proxy = this.options.proxyFor(url);
        return proxy === undefined ? '' : ` via proxy ${proxy.host}`;
    }
    /** TLS settings for the registry: BuildKit's (skip verification, or the system roots plus the CAs). */
    tlsOptions() {
        const context = this.secureContext ? { secureContext: this.secureContext } : {};
        return { rejectUnauthorized: !this.options.settings.insecure, ...context };
    }
    /** A direct agent, or a CONNECT tunnel through the proxy chosen for this URL. */
    agentFor(url) {
        const proxy = this.options.proxyFor(url);
        const key = `${url.protocol}${proxy?.href ?? ''}`;
        const existing = this.agents.get(key);
        if (existing !== undefined)
            return existing;
        let agent;
        if (proxy === undefined) {
            agent =
                url.protocol === 'https:'
                    ? new external_node_https_namespaceObject.Agent({ keepAlive: true, ...this.tlsOptions() })
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
            const viaTls = proxy.protocol === 'https:';
            agent =
                url.protocol === 'https:'
                    ? (viaTls ? tunnel.httpsOverHttps : tunnel.httpsOverHttp)({ proxy: through, ...this.tlsOptions() })
                    : (viaTls ? tunnel.httpOverHttps : tunnel.httpOverHttp)({ proxy: through });
        }
        this.agents.set(key, agent);
        return agent;
    }
}
/** The whole body. */
async function readAll(body) {
    const chunks = [];
    for await (const chunk of body)
        chunks.push(chunk);
    return Buffer.concat(chunks);
}
function firstHeader(value) {
    return Array.isArray(value) ? value[0] : value;
}
async function loadCa(files, extraCaFile) {
    // Without extra CA files, keep node's defaults (which include NODE_EXTRA_CA_CERTS).
    if (files.length === 0)
        return undefined;
    const ca = [...external_node_tls_.rootCertificates];
    if (extraCaFile) {
        try {
            ca.push(await (0,promises_namespaceObject.readFile)(extraCaFile, 'utf8'));
        }
        catch {
            // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
        }
    }
    for (const file of files) {
        try {
            ca.push(await (0,promises_namespaceObject.readFile)(file, 'utf8'));
        }
        catch (error) {
            const detail = (0,errors/* errorChain */.eB)(error).messages[0] ?? 'unknown error';
            throw new Error(`Cannot read the CA certificate file ${file} (ca-certs): ${detail}`, { cause: error });
        }
    }
    return ca;
}

;// CONCATENATED MODULE: ./lib/merge/resolve.js
/**
 * Reading the sources of a merge: each source's manifest (by tag or digest), the platform manifests of
 * a source index, their image configs (to check their platform) and the attestation manifests that come
 * along. Nothing is written anywhere.
 */





/** Image configs are small JSON documents; a larger one is refused. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
async function resolveSources(options) {
    const { registries, retry } = options;
    const manifests = new Map();
    const perSource = await mapLimit(options.sources, options.concurrency, async (source) => {
        const reference = (0,oci_reference/* parseImageReference */.o_)(source);
        const from = { registry: reference.registry, repository: reference.repository };
        const client = await registries.client(reference.registry);
        const ref = reference.digest ?? reference.tag ?? 'latest';
        const top = await retry(`Reading ${source}`, () => client.getManifest(reference.repository, ref));
        const parts = sourceParts({ source, ...top });
        /** A manifest of this source's repository, as served (the source's own when it is one). */
        const fetch = async (digest, what) => {
            const fetched = digest === top.digest
                ? top
                : await retry(`Reading ${what} of ${source}`, () => client.getManifest(reference.repository, digest));
            const parsed = (0,oci/* parseJsonObject */.dw)(fetched.raw);
            if (parsed === undefined || (0,oci/* manifestKind */.QS)(fetched.mediaType, parsed) !== 'manifest') {
                throw new Error(`${source}: ${digest} is not an image manifest (${fetched.mediaType})`);
            }
            const blobs = manifestBlobs(fetched.raw, `${source} (${digest})`);
            const manifest = { ...fetched, blobs };
            manifests.set(digest, { from, manifest });
            return manifest;
        };
        return mapLimit(parts, options.concurrency, async (part) => {
            const manifest = await fetch(part.descriptor.digest, 'a platform manifest');
            await Promise.all(part.attestations.map(a => fetch(a.digest, 'an attestation manifest')));
            const config = manifest.blobs[0];
            if (config === undefined)
                throw new Error(`${source}: ${manifest.digest} has no config`);
            if (config.size > MAX_CONFIG_BYTES) {
                throw new Error(`${source}: the image config of ${manifest.digest} is ${config.size} bytes, too large`);
            }
            const bytes = await retry(`Reading the image config of ${source}`, async () => {
                const blob = await client.getBlob(reference.repository, config.digest, config.size);
                return readAll(blob.body);
            });
            return { ...part, config: bytes };
        });
    });
    return { images: perSource.flat(), manifests };
}

;// CONCATENATED MODULE: ./lib/merge/merge-images.js
/**
 * One index from images that already exist, pushed under every tag: read the sources, check them (every
 * platform exactly once, exactly `platforms` when given, each config matching its entry) before anything
 * is written, bring every platform and attestation manifest with its blobs to each target repository
 * (mounted within a registry, copied between registries), PUT the index under each tag, and read each
 * tag back. Takes typed options, so the action and a command line can both call it.
 */






async function mergeImages(options) {
    const { registries, retry, log } = options;
    const concurrency = options.concurrency ?? 4;
    const resolved = await resolveSources({ sources: options.sources, registries, retry, concurrency });
    const plan = planIndex(resolved.images, {
        annotations: options.annotations,
        ...(options.platforms ? { platforms: options.platforms } : {})
    });
    const images = plan.images.map(image => ({
        platform: image.key,
        digest: image.entry.digest,
        source: image.source,
        attestations: image.attestations.length
    }));
    for (const image of images) {
        const extra = image.attestations > 0 ? ` (+${image.attestations} attestation manifest)` : '';
        log(`${image.platform}  ${image.digest}  from ${image.source}${extra}`);
    }
    log(`index ${plan.digest} (${plan.mediaType}): checks passed, pushing`);
    const targets = new Map();
    for (const tag of options.tags) {
        const reference = (0,oci_reference/* parseImageReference */.o_)(tag);
        const key = `${reference.registry}/${reference.repository}`;
        const target = targets.get(key) ?? {
            registry: reference.registry,
            repository: reference.repository,
            tags: []
        };
        target.tags.push(reference.tag ?? 'latest');
        targets.set(key, target);
    }
    const manifests = plan.images.flatMap(image => [image.entry, ...image.attestations]);
    const counts = emptyCounts();
    const tagged = [];
    for (const [where, target] of targets) {
        const client = await registries.client(target.registry);
        const to = { client, registry: target.registry, repository: target.repository };
        const before = { ...counts };
        const blobsDone = new Map();
        await mapLimit(manifests, concurrency, async (descriptor) => {
            const source = resolved.manifests.get(descriptor.digest);
            if (source === undefined)
                throw new Error(`${descriptor.digest} was not read from any source`);
            const from = { ...source.from, client: await registries.client(source.from.registry) };
            await copyManifest({ from, to, manifest: source.manifest, counts, retry, concurrency, blobsDone });
        });
        log(`${registries.describe(target.registry)} ${target.repository}: ` +
            `${counts.mounted - before.mounted} blobs mounted, ${counts.copied - before.copied} copied, ` +
            `${counts.present - before.present} already there; ${counts.manifests - before.manifests} manifests pushed`);
        if (options.beforeTags)
            await retry(`Pushing the index to ${where}@${plan.digest}`, () => client.putManifest(target.repository, plan.digest, { raw: plan.raw, mediaType: plan.mediaType }));
        tagged.push(async () => {
            for (const tag of target.tags) {
                await retry(`Pushing the index to ${where}:${tag}`, () => client.putManifest(target.repository, tag, { raw: plan.raw, mediaType: plan.mediaType }));
                const served = await retry(`Reading ${where}:${tag} back`, () => client.getManifest(target.repository, tag));
                if (served.digest !== plan.digest) {
                    throw new Error(`${where}:${tag} serves ${served.digest} after pushing ${plan.digest}: something else changed the tag`);
                }
                throwProblems(`${where}:${tag}`, indexProblems(served.raw, served.mediaType, options.platforms));
                log(`${where}:${tag} -> ${plan.digest}`);
            }
        });
    }
    // Every target holds every manifest (and, to be signed, the index by digest) before any tag moves.
    await options.beforeTags?.({ digest: plan.digest, platforms: plan.platforms });
    for (const putTags of tagged)
        await putTags();
    return {
        digest: plan.digest,
        mediaType: plan.mediaType,
        platforms: plan.platforms,
        images,
        tags: options.tags,
        counts
    };
}

;// CONCATENATED MODULE: ./lib/step/docker-config.js
/**
 * A step's own docker config directory (see docker/login.ts): the user's config.json copied, with the login
 * inputs' credentials; every command of the step gets it. It lives in the step's work directory and goes
 * with it: the user's docker config is never written.
 */




/**
 * Creates the step's docker config in `work` and says which it is; returns the step's dependencies with a
 * runner that gives it to every command. `readers` says who reads it, for the log line.
 */
function useRunDockerConfig(deps, inputs, work, readers = 'docker and buildx use') {
    const userDir = dockerConfigDir(deps.env);
    const login = loginOf(inputs);
    const created = createRunDockerConfig({
        userDir,
        dir: external_node_path_.join(work, 'docker-config'),
        ...(login ? { login } : {})
    });
    if (login)
        deps.reporter.mask(loginToken(login));
    if (created.warning)
        deps.reporter.warning(created.warning, { title: 'Docker config ignored' });
    const userConfig = external_node_path_.join(userDir, 'config.json');
    deps.reporter.info(`${readers} ${created.dir}: ` +
        (created.copied
            ? `a copy of ${userConfig}`
            : `a new config (${created.warning ? `${userConfig} is left out` : `there is no ${userConfig}`})`) +
        (login ? ` with the credentials for ${login.registry}` : '') +
        `; builders, plugins and contexts are those of ${userDir}`);
    const runner = (0,core_runner/* withEnvironment */.Ec)(deps.runner, { DOCKER_CONFIG: created.dir });
    return { deps: { ...deps, runner }, dockerConfigDir: created.dir };
}

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/proxy.js
var lib_proxy = __nccwpck_require__(9783);
;// CONCATENATED MODULE: ./lib/docker/credentials.js
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
    const file = dockerConfigFile(options.configDir);
    const read = readDockerConfig(file);
    if (read.status === 'missing')
        return undefined;
    const config = dockerConfigOrThrow(read);
    const key = (0,oci_reference/* configKey */.ur)(registry);
    const helpers = config['credHelpers'];
    let helper;
    if ((0,oci/* isRecord */.u4)(helpers) && typeof helpers[key] === 'string') {
        // An empty helper name means "use the file", even when credsStore is set.
        helper = helpers[key];
    }
    else if (typeof config['credsStore'] === 'string') {
        helper = config['credsStore'];
    }
    if (helper)
        return fromHelper(helper, key, options.runner);
    const auths = config['auths'];
    return (0,oci/* isRecord */.u4)(auths) ? fromAuths(auths, key, file) : undefined;
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
    if (!(0,oci/* isRecord */.u4)(answer))
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
    if (!(0,oci/* isRecord */.u4)(entry))
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

;// CONCATENATED MODULE: ./lib/registry/auth.js
/**
 * Registry authentication: answers a 401's WWW-Authenticate challenge with Basic credentials or a Bearer
 * token from the registry's token service (docker's flow: Basic credentials, anonymous, or an OAuth2
 * refresh token exchanged with grant_type=refresh_token). What was granted is kept in this object only,
 * until it expires, so one client's later requests to the same repository cost one request each.
 */




/** Basic authorizations are kept this long; tokens as long as they last, less a margin. */
const BASIC_TTL_MS = 3_600_000;
const TOKEN_MARGIN_SECONDS = 10;
const DEFAULT_TOKEN_SECONDS = 60;
/** Sends requests with the authorization they need, for one registry and one set of credentials. */
class RegistryAuth {
    options;
    granted = new Map();
    constructor(options) {
        this.options = options;
    }
    /** Sends the request (body read whole), answering one 401 challenge and sending it again. */
    send(request, access) {
        return this.exchange(request, access, r => this.options.transport.send(r));
    }
    /** Like send, with the answer's body as a stream of at most maxBytes. */
    stream(request, access, maxBytes) {
        return this.exchange(request, access, r => this.options.transport.stream(r, maxBytes));
    }
    async exchange(request, access, send) {
        const key = `${request.url.origin} ${[...access.scopes, ...(access.extraScopes ?? [])].join(' ')}`;
        const kept = this.kept(key) ?? this.kept(`${request.url.origin} basic`);
        let response = await send(withAuthorization(request, kept));
        if (response.status !== 401)
            return response;
        discard(response.body);
        this.granted.delete(key);
        // A streamed body was sent already: it cannot be sent again with the new authorization.
        if (request.body instanceof external_node_stream_.Readable)
            throw this.refused(request.url, access);
        const granted = await this.authorize(response.headers['www-authenticate'], request.url, access);
        response = await send(withAuthorization(request, granted.authorization));
        if (response.status === 401) {
            discard(response.body);
            throw this.refused(request.url, access);
        }
        // Accepted (whatever the answer): later requests, and retries, send it at once.
        this.keep(granted.expiresInSeconds === undefined ? `${request.url.origin} basic` : key, granted);
        return response;
    }
    kept(key) {
        const entry = this.granted.get(key);
        return entry !== undefined && entry.expiresAt > this.options.now() ? entry.authorization : undefined;
    }
    keep(key, granted) {
        const seconds = granted.expiresInSeconds;
        const ttlMs = seconds === undefined ? BASIC_TTL_MS : Math.max(0, seconds - TOKEN_MARGIN_SECONDS) * 1000;
        if (ttlMs > 0) {
            this.granted.set(key, { authorization: granted.authorization, expiresAt: this.options.now() + ttlMs });
        }
    }
    async authorize(header, url, access) {
        const { credentials } = this.options;
        const challenge = chooseChallenge(parseChallenges(header));
        if (challenge === undefined) {
            throw new registry_errors/* RegistryError */.gl(`${access.where} answered HTTP 401 from ${(0,registry_errors/* displayUrl */.Qy)(url)} without a Bearer or Basic WWW-Authenticate challenge`, { url: (0,registry_errors/* displayUrl */.Qy)(url), status: 401 });
        }
        if (challenge.scheme === 'basic') {
            if (credentials === undefined)
                throw this.refused(url, access);
            return { authorization: basic(credentials), expiresInSeconds: undefined };
        }
        const realm = challenge.params['realm'];
        if (realm === undefined || !URL.canParse(realm)) {
            throw new registry_errors/* RegistryError */.gl(`${access.where} asked for a Bearer token without a usable realm (${JSON.stringify(realm ?? null)}) at ${(0,registry_errors/* displayUrl */.Qy)(url)}`, { url: (0,registry_errors/* displayUrl */.Qy)(url), status: 401 });
        }
        const challenged = challenge.params['scope']?.split(' ').filter(s => s !== '');
        const scopes = challenged === undefined
            ? [...access.scopes, ...(access.extraScopes ?? [])]
            : [...challenged, ...(access.extraScopes ?? []).filter(s => !challenged.includes(s))];
        return this.token(new URL(realm), challenge.params['service'], scopes, url, access);
    }
    async token(tokenUrl, service, scopes, url, access) {
        const { credentials, transport } = this.options;
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
            response = await transport.send({
                method: 'POST',
                url: tokenUrl,
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: form.toString()
            });
        }
        else {
            if (service !== undefined)
                tokenUrl.searchParams.set('service', service);
            for (const scope of scopes)
                tokenUrl.searchParams.append('scope', scope);
            const headers = {};
            if (credentials !== undefined)
                headers['authorization'] = basic(credentials);
            response = await transport.send({ method: 'GET', url: tokenUrl, headers });
        }
        const shown = (0,registry_errors/* displayUrl */.Qy)(tokenUrl);
        if (response.status === 401 || response.status === 403) {
            if (credentials === undefined)
                throw this.refused(url, access);
            throw new registry_errors/* RegistryError */.gl(`The token service of ${access.where} refused the credentials (HTTP ${response.status} from ${shown})${(0,registry_errors/* registryErrors */.Ji)(response.body)}`, { url: shown, status: response.status });
        }
        if (response.status !== 200) {
            throw new registry_errors/* RegistryError */.gl(`Getting a token for ${access.where} failed: HTTP ${response.status} from ${shown}${(0,registry_errors/* registryErrors */.Ji)(response.body)}`, { url: shown, status: response.status });
        }
        const answer = (0,oci/* parseJsonObject */.dw)(response.body);
        const token = answer?.['token'] ?? answer?.['access_token'];
        if (typeof token !== 'string' || token === '') {
            throw new registry_errors/* RegistryError */.gl(`The token service ${shown} answered without a token`, {
                url: shown,
                status: 200
            });
        }
        const expiresIn = answer?.['expires_in'];
        return {
            authorization: `Bearer ${token}`,
            expiresInSeconds: typeof expiresIn === 'number' ? expiresIn : DEFAULT_TOKEN_SECONDS
        };
    }
    /** A final 401: no credentials where some are needed, or credentials that do not allow this. */
    refused(url, access) {
        const shown = (0,registry_errors/* displayUrl */.Qy)(url);
        if (this.options.credentials === undefined) {
            return new registry_errors/* RegistryError */.gl(`${access.where} needs credentials to ${access.purpose} (HTTP 401 from ${shown}). Give them with the ` +
                '`registry`, `username` and `password` inputs, or run docker login before this step.', { url: shown, status: 401 });
        }
        return new registry_errors/* RegistryError */.gl(`${access.where} refused the credentials (HTTP 401 from ${shown}): they are wrong, or they do not grant ${access.permission}`, { url: shown, status: 401 });
    }
}
function withAuthorization(request, authorization) {
    if (authorization === undefined)
        return request;
    return { ...request, headers: { ...request.headers, authorization } };
}
function discard(body) {
    if (body instanceof external_node_stream_.Readable)
        body.resume();
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
/** Bearer when offered (it works for token-only registries), else Basic. */
function chooseChallenge(challenges) {
    return challenges.find(c => c.scheme === 'bearer') ?? challenges.find(c => c.scheme === 'basic');
}

;// CONCATENATED MODULE: ./lib/registry/responses.js
/** Checks of what goes to a registry and of what comes back, shared by the client's operations. */





/** The ref, when it is a tag or a digest; else an Error saying it is neither. */
function checkedRef(ref, verb) {
    if (!(0,oci/* isTag */.dz)(ref) && !(0,oci/* isDigest */.Bc)(ref)) {
        throw new Error(`Cannot ${verb} manifest "${ref}": it is neither a tag nor a sha256 digest`);
    }
    return ref;
}
/** The digest, when it is a sha256 digest. */
function checkedDigest(digest) {
    if (!(0,oci/* isDigest */.Bc)(digest))
        throw new Error(`"${digest}" is not a sha256 digest (sha256:<64 lowercase hex>)`);
    return digest;
}
/** An unexpected answer: the action, status, URL and the registry's own error codes. */
function failed(action, response) {
    const shown = (0,registry_errors/* displayUrl */.Qy)(response.url);
    return new registry_errors/* RegistryError */.gl(`${action} failed: HTTP ${response.status} from ${shown}${(0,registry_errors/* registryErrors */.Ji)(response.body)}`, { url: shown, status: response.status });
}
/** Content-Length, when the answer has a usable one. */
function sizeOf(response) {
    const length = Number(firstHeader(response.headers['content-length']) ?? NaN);
    return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}
/** Where an upload session continues (its Location, relative to the answer's URL). */
function uploadLocation(response) {
    const location = firstHeader(response.headers['location']);
    if (location === undefined) {
        throw new registry_errors/* RegistryError */.gl(`${(0,registry_errors/* displayUrl */.Qy)(response.url)} opened an upload without a Location`, {
            url: (0,registry_errors/* displayUrl */.Qy)(response.url),
            status: response.status
        });
    }
    return new URL(location, response.url);
}
/** Passes the bytes on, and fails at the end unless they hash to `digest`. */
function verified(digest, shown) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const check = new external_node_stream_.Transform({
        transform(chunk, _encoding, done) {
            hash.update(chunk);
            done(null, chunk);
        },
        flush(done) {
            const actual = `sha256:${hash.digest('hex')}`;
            done(actual === digest
                ? null
                : new registry_errors/* RegistryError */.gl(`${shown} served a blob whose sha256 is ${actual}, not the requested ${digest}`, {
                    url: shown,
                    status: 200
                }));
        }
    });
    return check;
}

;// CONCATENATED MODULE: ./lib/registry/client.js
/**
 * An OCI distribution client for one registry: manifests (GET, HEAD, PUT) and blobs (HEAD, GET as a
 * stream, cross-repository mount with a copy when the registry will not mount). Content is checked
 * against its digest. Create one per registry and run; close it when done.
 */







class RegistryClient {
    transport;
    auth;
    where;
    origin;
    constructor(transport, auth, registry) {
        this.transport = transport;
        this.auth = auth;
        this.where = repository => `${registry}/${repository}`;
        this.origin = transport.origin((0,oci_reference/* registryNames */.SB)(registry).apiHost);
    }
    static async open(options) {
        const transport = await Transport.open({
            registry: (0,oci_reference/* registryNames */.SB)(options.registry).apiHost,
            settings: options.transport,
            proxyFor: options.proxyFor,
            ...(options.extraCaFile !== undefined ? { extraCaFile: options.extraCaFile } : {}),
            ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {})
        });
        const credentials = options.credentials;
        const auth = new RegistryAuth({ transport, now: options.now, ...(credentials ? { credentials } : {}) });
        return new RegistryClient(transport, auth, options.registry);
    }
    /** The manifest `ref` (a tag or a digest) exactly as served, checked against its digest. */
    async getManifest(repository, ref) {
        const url = this.url(repository, 'manifests', checkedRef(ref, 'fetch'));
        const response = await this.auth.send({ method: 'GET', url, headers: { accept: oci/* MANIFEST_ACCEPT */.dY } }, this.pull(repository));
        if (response.status === 404) {
            throw new registry_errors/* RegistryError */.gl(`Manifest ${ref} not found in ${this.where(repository)} (HTTP 404 from ${(0,registry_errors/* displayUrl */.Qy)(url)})${(0,registry_errors/* registryErrors */.Ji)(response.body)}`, { url: (0,registry_errors/* displayUrl */.Qy)(url), status: 404 });
        }
        if (response.status !== 200)
            throw failed(`Fetching manifest ${ref} of ${this.where(repository)}`, response);
        const raw = response.body;
        const digest = (0,oci/* sha256Digest */.sI)(raw);
        if ((0,oci/* isDigest */.Bc)(ref) && digest !== ref) {
            throw new registry_errors/* RegistryError */.gl(`${(0,registry_errors/* displayUrl */.Qy)(url)} served content whose sha256 is ${digest}, not the requested ${ref}`, {
                url: (0,registry_errors/* displayUrl */.Qy)(url),
                status: 200
            });
        }
        const claimed = firstHeader(response.headers['docker-content-digest']);
        if (claimed?.startsWith('sha256:') && claimed !== digest) {
            throw new registry_errors/* RegistryError */.gl(`${(0,registry_errors/* displayUrl */.Qy)(url)} says its manifest is ${claimed} (Docker-Content-Digest), but the bytes it served hash to ${digest}`, { url: (0,registry_errors/* displayUrl */.Qy)(url), status: 200 });
        }
        return { raw, mediaType: (0,oci/* manifestMediaType */.gp)(firstHeader(response.headers['content-type']), raw), digest };
    }
    /** Digest, media type and size of the manifest `ref`, or undefined when there is none. */
    async headManifest(repository, ref) {
        const url = this.url(repository, 'manifests', checkedRef(ref, 'look up'));
        const response = await this.auth.send({ method: 'HEAD', url, headers: { accept: oci/* MANIFEST_ACCEPT */.dY } }, this.pull(repository));
        if (response.status === 404)
            return undefined;
        if (response.status !== 200)
            throw failed(`Looking up manifest ${ref} of ${this.where(repository)}`, response);
        return {
            digest: firstHeader(response.headers['docker-content-digest']),
            mediaType: (0,oci/* bareMediaType */.ZX)(firstHeader(response.headers['content-type'])),
            size: sizeOf(response)
        };
    }
    /** Stores a manifest under `ref` (a tag, or its own digest); returns its digest. */
    async putManifest(repository, ref, manifest) {
        const url = this.url(repository, 'manifests', checkedRef(ref, 'push'));
        const digest = (0,oci/* sha256Digest */.sI)(manifest.raw);
        if ((0,oci/* isDigest */.Bc)(ref) && ref !== digest) {
            throw new Error(`Cannot push manifest ${ref}: its bytes hash to ${digest}`);
        }
        const response = await this.auth.send({ method: 'PUT', url, headers: { 'content-type': manifest.mediaType }, body: manifest.raw }, this.push(repository));
        if (response.status !== 201 && response.status !== 200) {
            throw failed(`Pushing manifest ${ref} to ${this.where(repository)}`, response);
        }
        return digest;
    }
    /** The size of a blob, or undefined when the repository does not have it. */
    async headBlob(repository, digest) {
        const url = this.url(repository, 'blobs', checkedDigest(digest));
        const response = await this.auth.send({ method: 'HEAD', url }, this.pull(repository, 'blobs'));
        if (response.status === 404)
            return undefined;
        if (response.status !== 200)
            throw failed(`Looking up blob ${digest} in ${this.where(repository)}`, response);
        return { size: sizeOf(response) };
    }
    /** A blob as a stream of at most maxBytes, which fails unless its bytes hash to the digest. */
    async getBlob(repository, digest, maxBytes) {
        const url = this.url(repository, 'blobs', checkedDigest(digest));
        const response = await this.auth.stream({ method: 'GET', url }, this.pull(repository, 'blobs'), maxBytes);
        if (response.status !== 200) {
            const body = await readAll(response.body);
            throw failed(`Fetching blob ${digest} of ${this.where(repository)}`, { ...response, body });
        }
        const check = verified(digest, (0,registry_errors/* displayUrl */.Qy)(response.url));
        (0,external_node_stream_.pipeline)(response.body, check, () => undefined);
        return { size: sizeOf(response), body: check };
    }
    /**
     * Makes blob `digest` of repository `from` part of `repository` (same registry): mounted when the
     * registry allows it, else copied through this client (the registry's upload session, one PUT).
     */
    async mountBlob(options) {
        const { repository, from, digest } = options;
        const url = this.url(repository, 'blobs', 'uploads/');
        url.searchParams.set('mount', checkedDigest(digest));
        url.searchParams.set('from', from);
        const access = { ...this.push(repository), extraScopes: [`repository:${from}:pull`] };
        const response = await this.auth.send({ method: 'POST', url }, access);
        if (response.status === 201)
            return 'mounted';
        if (response.status !== 202)
            throw failed(`Mounting blob ${digest} from ${from} into ${this.where(repository)}`, response);
        const blob = await this.getBlob(from, digest, options.maxBytes);
        await this.finishUpload(access, digest, uploadLocation(response), blob);
        return 'copied';
    }
    /** Uploads a blob in one piece: POST to open an upload session, PUT its bytes. */
    async uploadBlob(repository, digest, blob) {
        const url = this.url(repository, 'blobs', 'uploads/');
        const access = this.push(repository);
        const response = await this.auth.send({ method: 'POST', url }, access);
        if (response.status !== 202)
            throw failed(`Starting an upload to ${this.where(repository)}`, response);
        await this.finishUpload(access, checkedDigest(digest), uploadLocation(response), blob);
    }
    /**
     * Whether these credentials may push to `repository`, asked the way a push begins: an upload session
     * is opened (the registry's token handshake with push scope, or its Basic check) and cancelled at once.
     * 'allowed', or the registry's answer when it is no verdict (404, 405, 5xx); a refusal (401, 403)
     * throws a RegistryError that says which.
     */
    async checkPush(repository) {
        const url = this.url(repository, 'blobs', 'uploads/');
        const access = this.push(repository);
        const response = await this.auth.send({ method: 'POST', url }, access);
        if (response.status === 202) {
            // Cancelled so that it holds nothing; a registry that cannot cancel lets it expire.
            await this.auth.send({ method: 'DELETE', url: uploadLocation(response) }, access).catch(() => undefined);
            return 'allowed';
        }
        if (response.status === 401 || response.status === 403)
            throw new registry_errors/* RegistryError */.gl(`${this.where(repository)} refused to let these credentials push (HTTP ${response.status} from ${(0,registry_errors/* displayUrl */.Qy)(url)})${(0,registry_errors/* registryErrors */.Ji)(response.body)}`, { url: (0,registry_errors/* displayUrl */.Qy)(url), status: response.status });
        return { inconclusive: `HTTP ${response.status} from ${(0,registry_errors/* displayUrl */.Qy)(url)}${(0,registry_errors/* registryErrors */.Ji)(response.body)}` };
    }
    close() {
        this.transport.close();
    }
    /** PUTs the bytes into an open upload session, with the access (and so the token) that opened it. */
    async finishUpload(access, digest, location, blob) {
        location.searchParams.set('digest', digest);
        const headers = { 'content-type': 'application/octet-stream' };
        if (blob.size !== undefined)
            headers['content-length'] = String(blob.size);
        const response = await this.auth.send({ method: 'PUT', url: location, headers, body: blob.body }, access);
        if (response.status !== 201)
            throw failed(`Uploading blob ${digest} to ${access.where}`, response);
    }
    url(repository, kind, ref) {
        return new URL(`${this.origin}/v2/${repository}/${kind}/${ref}`);
    }
    pull(repository, what = 'manifests') {
        return {
            where: this.where(repository),
            scopes: [`repository:${repository}:pull`],
            purpose: `read its ${what}`,
            permission: `pull access to ${repository}`
        };
    }
    push(repository) {
        return {
            where: this.where(repository),
            scopes: [`repository:${repository}:pull,push`],
            purpose: 'push to it',
            permission: `push access to ${repository}`
        };
    }
}

;// CONCATENATED MODULE: ./lib/step/registries.js
/**
 * The one way the action's steps reach a registry after (or without) BuildKit: the way BuildKit does (HTTP
 * or HTTPS, CAs and TLS verification from the buildkitd.toml table: the builder's, or for the merge action
 * the same table made from the same inputs), with the login inputs for their registry and the docker
 * config's credentials for the others, through the job's proxy. One client per registry, opened on first
 * use and shared by every phase (its token serves them all); the caller closes them.
 */






function openRegistries(options) {
    const opened = new Map();
    const loginFor = (registry) => options.login && (0,oci_reference/* canonicalRegistry */.i7)(options.login.registry) === registry ? options.login : undefined;
    const open = async (registry) => {
        const settings = (0,toml/* registrySettings */.HO)(options.config, registry);
        const credentials = await credentialsOf(registry, loginFor(registry), options);
        const extraCaFile = options.env?.NODE_EXTRA_CA_CERTS;
        return RegistryClient.open({
            registry,
            transport: { plainHttp: settings.plainHttp, insecure: settings.insecure, caFiles: settings.ca },
            proxyFor: options.proxyFor ?? systemProxy,
            now: options.now ?? Date.now,
            ...(credentials ? { credentials } : {}),
            ...(extraCaFile ? { extraCaFile } : {}),
            ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {})
        });
    };
    return {
        config: options.config,
        client: registry => {
            let client = opened.get(registry);
            if (client === undefined) {
                client = open(registry);
                // A client that failed to open is not kept: the next phase tries again.
                const pending = client;
                pending.catch(() => {
                    if (opened.get(registry) === pending)
                        opened.delete(registry);
                });
                opened.set(registry, client);
            }
            return client;
        },
        describe: registry => {
            const s = (0,toml/* registrySettings */.HO)(options.config, registry);
            const how = s.plainHttp ? 'plain HTTP' : s.insecure ? 'HTTPS, unverified' : 'HTTPS';
            const ca = s.ca.length > 0 ? ', private CA' : '';
            const login = loginFor(registry) ? ', login inputs' : '';
            return `${registry} (${how}${ca}${login})`;
        },
        close: () => {
            for (const client of opened.values())
                client.then(c => {
                    c.close();
                }, () => undefined);
            opened.clear();
        }
    };
}
/**
 * The credentials to read `registry` with: the login inputs for their registry, else the docker config's.
 * A docker config that cannot be read (or a credential helper that fails) is a warning, and the registry is
 * read anonymously, as buildx goes on without it.
 */
async function credentialsOf(registry, login, options) {
    if (login)
        return { username: login.username, password: login.password };
    try {
        return await credentialsFor(registry, { configDir: options.dockerConfigDir, runner: options.runner });
    }
    catch (error) {
        options.reporter.warning(`${(0,errors/* messageOf */.bD)(error)}. Reading ${registry} without credentials.`, {
            title: 'Docker credentials unavailable'
        });
        return undefined;
    }
}
/** @actions/http-client's proxy choice, as a plain URL (its own decodes the user name and password). */
function systemProxy(url) {
    const proxy = (0,lib_proxy/* getProxyUrl */.s)(url);
    return proxy === undefined ? undefined : new URL(proxy.href);
}

;// CONCATENATED MODULE: ./lib/merge/action.js
/**
 * The merge action (merge/action.yml): its inputs, one log group per phase, the outputs and the job
 * summary. The merge itself is mergeImages (merge.ts); this file only wires the action to it.
 */















/** Retries of each registry request that fails for a transient reason (5xx, 429, resets, timeouts). */
const MERGE_RETRIES = 2;
async function runMergeAction(deps) {
    const { reporter } = deps;
    maskSecrets(reporter, MERGE_FIELDS, deps.getInput, deps.env);
    const inputs = await reporter.group('Inputs', () => {
        const parsed = readMergeInputs(deps.getInput, deps.cwd, deps.env);
        for (const line of describeMergeInputs(parsed))
            reporter.info(line);
        return Promise.resolve(parsed);
    });
    const base = deps.env.RUNNER_TEMP || deps.tmpDir;
    external_node_fs_.mkdirSync(base, { recursive: true });
    const work = external_node_fs_.mkdtempSync(external_node_path_.join(base, 'multiarch-merge-'));
    try {
        const login = loginOf(inputs);
        const registries = openRegistries({
            config: await registriesConfig(inputs, work),
            dockerConfigDir: dockerConfigDir(deps.env),
            ...(login ? { login } : {}),
            runner: deps.runner,
            reporter,
            env: deps.env
        });
        try {
            const retry = (what, operation) => (0,core_retry/* withRetries */.LH)({
                retries: MERGE_RETRIES,
                initialDelayMs: deps.retryDelayMs,
                sleep: deps.sleep,
                classify: registry_errors/* transientRegistryFailure */.Il,
                what,
                log: message => {
                    reporter.warning(message, { title: 'Retrying' });
                }
            }, operation);
            const started = Date.now();
            let signatureVerifyCommand = '';
            const result = await reporter.group(`Merge ${inputs.sources.length} sources`, () => mergeImages({
                ...mergeOptions(inputs),
                registries,
                retry,
                log: line => {
                    reporter.info(line);
                },
                // The merged index is signed (and the signature verified) before any tag points at it.
                ...(inputs.sign !== 'false'
                    ? {
                        beforeTags: async (index) => {
                            signatureVerifyCommand = await signMerged({
                                deps,
                                inputs,
                                registries,
                                work,
                                index
                            });
                        }
                    }
                    : {})
            }));
            reporter.info(`merged in ${((Date.now() - started) / 1000).toFixed(2)} s`);
            reporter.setOutput('digest', result.digest);
            reporter.setOutput('platform-digests', JSON.stringify(result.platforms));
            if (signatureVerifyCommand)
                reporter.setOutput('signature-verify-command', signatureVerifyCommand);
            await reporter.appendSummary(mergeSummaryHtml(result, signatureVerifyCommand));
        }
        finally {
            registries.close();
        }
    }
    finally {
        external_node_fs_.rmSync(work, { recursive: true, force: true });
    }
}
/**
 * Signs the merged index with cosign, through a docker config of the merge's own (the user's, with the
 * login inputs: the merge's credentials) and with the merge's registry settings.
 */
function signMerged(options) {
    const docker = useRunDockerConfig(options.deps, options.inputs, options.work, 'cosign uses');
    return (0,sign_image/* signImage */.j)({
        deps: docker.deps,
        inputs: options.inputs,
        access: { config: options.registries.config, runner: docker.deps.runner },
        digest: options.index.digest,
        platforms: options.index.platforms,
        work: options.work
    });
}
/** The merge's part of the inputs (the registry inputs go to openRegistries). */
function mergeOptions(inputs) {
    return {
        sources: inputs.sources,
        tags: inputs.tags,
        annotations: inputs.annotations,
        platforms: inputs.platforms
    };
}
/** The inputs for the log: no password, CA certificates by host only. */
function describeMergeInputs(inputs) {
    const list = (items) => (items.length > 0 ? items.join(', ') : '(none)');
    return [
        `sources: ${list(inputs.sources)}`,
        `tags: ${list(inputs.tags)}`,
        `platforms: ${inputs.platforms ? inputs.platforms.join(', ') : '(whatever the sources hold)'}`,
        `annotations: ${list(Object.keys(inputs.annotations))}`,
        `insecure-registries: ${list(inputs.insecureRegistries.map(r => (r.http ? `http://${r.host}` : r.host)))}`,
        `ca-certs: ${list(inputs.caCerts.map(c => `${c.host} (${c.source === 'file' ? c.value : 'PEM'})`))}`,
        `login: ${inputs.username ? `${inputs.username} at ${inputs.registry}` : '(none)'}`,
        `sign: ${inputs.sign === 'false' ? 'false' : signing(inputs)}`
    ];
}
/** Rows of the summary's platform table: platform, digest, source. */
function mergeSummaryRows(result) {
    return result.images.map(image => [
        `<code>${image.platform}</code>`,
        `<code>${image.digest}</code>`,
        `<code>${(0,html/* escapeHtml */.Z)(image.source)}</code>${image.attestations > 0 ? ' (with attestations)' : ''}`
    ]);
}
/** The job summary of a merge, as HTML. */
function mergeSummaryHtml(result, signatureVerifyCommand = '') {
    const summary = new html/* SummaryHtml */.k().heading('Merged multi-platform image', 2);
    summary.list(result.tags.map(t => `<code>${(0,html/* escapeHtml */.Z)(t)}</code>`));
    summary.raw(`<p>Index digest: <code>${result.digest}</code> (${result.mediaType})</p>`);
    summary.table([
        [
            { data: 'Platform', header: true },
            { data: 'Digest', header: true },
            { data: 'Source', header: true }
        ],
        ...mergeSummaryRows(result)
    ]);
    const { mounted, copied, present } = result.counts;
    summary.raw(`<p>Blobs: ${mounted} mounted, ${copied} copied, ${present} already there.</p>`);
    if (signatureVerifyCommand)
        summary.raw((0,sign_image/* signatureHtml */.g)(signatureVerifyCommand));
    return summary.toString();
}


/***/ }),

/***/ 1396:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Bc: () => (/* binding */ isDigest),
/* harmony export */   H3: () => (/* binding */ isAttestation),
/* harmony export */   QS: () => (/* binding */ manifestKind),
/* harmony export */   Z2: () => (/* binding */ MEDIA_TYPES),
/* harmony export */   ZX: () => (/* binding */ bareMediaType),
/* harmony export */   dY: () => (/* binding */ MANIFEST_ACCEPT),
/* harmony export */   dw: () => (/* binding */ parseJsonObject),
/* harmony export */   dz: () => (/* binding */ isTag),
/* harmony export */   gp: () => (/* binding */ manifestMediaType),
/* harmony export */   kA: () => (/* binding */ INDEX_MEDIA_TYPES),
/* harmony export */   sI: () => (/* binding */ sha256Digest),
/* harmony export */   u4: () => (/* binding */ isRecord)
/* harmony export */ });
/* unused harmony exports IMAGE_MANIFEST_MEDIA_TYPES, REFERENCE_TYPE_ANNOTATION, ATTESTATION_REFERENCE_TYPE */
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
    return `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(bytes).digest('hex')}`;
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

/***/ 9537:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Bq: () => (/* binding */ formatPlatform),
/* harmony export */   FL: () => (/* binding */ normalizePlatform),
/* harmony export */   m4: () => (/* binding */ hostArchitecture)
/* harmony export */ });
/* unused harmony exports knownArchitectures, parsePlatform, emulatorFor */
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


/***/ }),

/***/ 3940:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   SB: () => (/* binding */ registryNames),
/* harmony export */   Ub: () => (/* binding */ repositoriesOf),
/* harmony export */   i7: () => (/* binding */ canonicalRegistry),
/* harmony export */   o_: () => (/* binding */ parseImageReference),
/* harmony export */   ur: () => (/* binding */ configKey)
/* harmony export */ });
/* unused harmony exports DOCKER_HUB, DOCKER_HUB_ALIASES, apiHost */
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

/***/ 5786:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Il: () => (/* binding */ transientRegistryFailure),
/* harmony export */   Ji: () => (/* binding */ registryErrors),
/* harmony export */   Qy: () => (/* binding */ displayUrl),
/* harmony export */   gl: () => (/* binding */ RegistryError),
/* harmony export */   x6: () => (/* binding */ networkError)
/* harmony export */ });
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3828);
/* harmony import */ var _oci_oci_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1396);
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
function displayUrl(url) {
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
    const errors = (0,_oci_oci_js__WEBPACK_IMPORTED_MODULE_0__/* .parseJsonObject */ .dw)(body)?.['errors'];
    if (!Array.isArray(errors))
        return '';
    const parts = errors
        .slice(0, 3)
        .map((e) => (0,_oci_oci_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u4)(e) ? [e['code'], e['message']].filter(x => typeof x === 'string' && x !== '').join(': ') : '')
        .filter(s => s !== '');
    const text = parts.join('; ');
    return text === '' ? '' : `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}
/** A RegistryError that says what failed to reach `url` and what to do about it. */
function networkError(url, error, via) {
    const shown = displayUrl(url);
    const { codes, messages } = (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorChain */ .eB)(error);
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


/***/ }),

/***/ 1091:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  xV: () => (/* binding */ reportFailure)
});

// UNUSED EXPORTS: RunError, buildxImageId, publishOutputs

// EXTERNAL MODULE: ./lib/buildx/output.js
var output = __nccwpck_require__(3651);
// EXTERNAL MODULE: ./lib/core/errors.js
var errors = __nccwpck_require__(3828);
// EXTERNAL MODULE: ./lib/cosign/sign-image.js + 7 modules
var sign_image = __nccwpck_require__(6958);
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

// EXTERNAL MODULE: ./lib/oci/reference.js
var reference = __nccwpck_require__(3940);
// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __nccwpck_require__(643);
;// CONCATENATED MODULE: ./lib/docker/smoke.js
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
async function smoke_runSmokeTests(options) {
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
    for (const hint of (0,output/* hintsFor */.uK)((0,output/* failureOutput */.YP)(failure) ?? message, context))
        reporter.error(hint.message, { title: hint.title });
    reporter.fail(message);
}


/***/ }),

/***/ 6246:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  m: () => (/* binding */ defaultDeps)
});

// UNUSED EXPORTS: retryOptions

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
// EXTERNAL MODULE: ./lib/core/runner.js
var runner = __nccwpck_require__(6741);
// EXTERNAL MODULE: ./lib/core/retry.js
var retry = __nccwpck_require__(7493);
// EXTERNAL MODULE: ./lib/buildx/output.js
var output = __nccwpck_require__(3651);
// EXTERNAL MODULE: ./lib/oci/platforms.js
var platforms = __nccwpck_require__(9537);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
;// CONCATENATED MODULE: ./lib/qemu/qemu.js
/**
 * QEMU user-mode emulation through binfmt_misc: work out which platforms need an emulator on this host,
 * look at what the kernel already has, install only what is missing, and check again.
 *
 * A handler counts only when it is enabled and registered with the F ("fix binary") flag: without F the
 * kernel opens the interpreter lazily by path, which does not exist inside build containers, and RUN steps
 * fail with `exec format error`.
 */





const QEMU_MODES = (/* unused pure expression or super */ null && (['auto', 'image', 'package', 'false']));
const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
/** Where distributions' qemu-user-static ships systemd-binfmt registrations (with the F flag). */
const BINFMT_CONF_DIRS = (/* unused pure expression or super */ null && (['/usr/lib/binfmt.d', '/etc/binfmt.d']));
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
        return parseBinfmtEntry(fs.readFileSync(path.join(dir, `qemu-${handler}`), 'utf8'));
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
    const dir = options.binfmtDir;
    const log = options.log ?? (() => undefined);
    const needs = emulationNeeds(options.platforms, options.hostArch);
    const emulated = needs.map(n => n.platform);
    if (needs.length === 0)
        return { emulated, installed: [], method: 'none' };
    const { isRoot } = options;
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
    if (options.mode === 'false')
        throw missingEmulators(options) ?? new Error('unreachable');
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
            : `docker run ${options.image} failed: ${lastLine(result.stderr)}`);
    }
    if (missing.length > 0 && (options.mode === 'package' || options.mode === 'auto')) {
        if (options.mode === 'auto')
            log(`falling back to the system package: ${attempts.join('; ')}`);
        method = 'package';
        try {
            await installPackage({ ...options, dir, missing, privileged, log });
        }
        catch (error) {
            attempts.push(`qemu-user-static: ${messageOf(error)}`);
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
/**
 * With qemu: false, the emulators must already be registered: the error naming the platforms without one,
 * or undefined when every platform has its emulator (or needs none). Reads binfmt_misc only, so it runs
 * before any docker command.
 */
function missingEmulators(options) {
    const needs = emulationNeeds(options.platforms, options.hostArch);
    const missing = missingHandlers(options.binfmtDir, needs.map(n => n.handler));
    if (missing.length === 0)
        return undefined;
    const platforms = needs.filter(n => missing.includes(n.handler)).map(n => n.platform);
    return new Error(`qemu: ${platforms.join(', ')} need${platforms.length > 1 ? '' : 's'} QEMU emulation on this ` +
        `${options.hostArch} host, but binfmt_misc (${options.binfmtDir}) has no usable handler ` +
        `(qemu-${missing.join(', qemu-')}) and qemu is false. Set qemu: auto (or image/package), register the ` +
        'emulators before this step, or drop those platforms.');
}
async function mountBinfmt(runner, dir, privileged, log) {
    if (fs.existsSync(path.join(dir, 'register')))
        return;
    const [command, args] = privileged('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir]);
    const result = await runner.run(command, args, { silent: true });
    if (result.exitCode !== 0)
        log(`could not mount binfmt_misc at ${dir}: ${lastLine(result.stderr)}`);
}
/** Installs the distribution's qemu-user-static when its registrations are absent, then registers the
 * missing handlers from its binfmt.d files with the F flag. */
async function installPackage(options) {
    const confDirs = options.confDirs ?? BINFMT_CONF_DIRS;
    const confFor = (handler) => confDirs.map(d => path.join(d, `qemu-${handler}.conf`)).find(f => fs.existsSync(f));
    if (options.missing.some(h => confFor(h) === undefined)) {
        const env = { DEBIAN_FRONTEND: 'noninteractive' };
        const apt = (args) => {
            const [command, argv] = options.privileged('apt-get', args);
            return runChecked(options.runner, command, argv, { env, what: `apt-get ${args[0] ?? ''}` });
        };
        await apt(['update', '-qq']);
        await apt(['install', '-y', '-qq', '--no-install-recommends', 'qemu-user-static']);
    }
    for (const handler of options.missing) {
        const conf = confFor(handler);
        if (!conf)
            throw new Error(`qemu-user-static has no registration for qemu-${handler} on this system`);
        const line = fs
            .readFileSync(conf, 'utf8')
            .split('\n')
            .find(l => l.startsWith(':'));
        if (!line)
            throw new Error(`${conf} holds no binfmt_misc registration`);
        // An entry that is disabled or lacks F must go before it can be registered again.
        if (readHandler(options.dir, handler))
            await writePrivileged(options, path.join(options.dir, `qemu-${handler}`), '-1');
        await writePrivileged(options, path.join(options.dir, 'register'), withFixBinaryFlag(line));
        options.log(`registered qemu-${handler} from ${conf} with the F flag`);
    }
}
async function writePrivileged(options, file, text) {
    const [command, args] = options.privileged('tee', [file]);
    try {
        await runChecked(options.runner, command, args, { input: text, silent: true, what: `writing ${file}` });
    }
    catch (error) {
        if (error instanceof CommandError) {
            throw new Error(`cannot write ${file}: ${lastLine(error.stderr)}`, { cause: error });
        }
        throw error;
    }
}
function unique(items) {
    return [...new Set(items)];
}

;// CONCATENATED MODULE: ./lib/step/deps.js
/**
 * What a run gets from the outside world: the reporter it speaks through, the command runner, the inputs,
 * the environment, the host and its clock. `defaultDeps()` is the one place in the engine that reads them
 * from the process (the entry gives it the reporter and the input source); tests pass their own.
 */






function defaultDeps({ reporter, getInput }) {
    return {
        reporter,
        runner: (0,runner/* execRunner */.M6)(reporter),
        getInput,
        env: process.env,
        cwd: process.cwd(),
        tmpDir: external_node_os_.tmpdir(),
        host: { platform: process.platform, arch: process.arch, armVersion: nodeArmVersion() },
        hostArch: (0,platforms/* hostArchitecture */.m4)(process.arch),
        isRoot: process.getuid?.() === 0,
        binfmtDir: BINFMT_DIR,
        retryDelayMs: 3000,
        sleep: retry/* sleep */.yy,
        now: Date.now,
        // @actions/core (its OIDC client and HTTP stack) is loaded only when a token is asked for.
        idToken: async (audience) => (await __nccwpck_require__.e(/* import() */ 58).then(__nccwpck_require__.bind(__nccwpck_require__, 6058))).getIDToken(audience)
    };
}
/** How a step of the run retries transient failures: `inputs.retries` times, with a warning each time. */
function retryOptions(deps, inputs, what) {
    return {
        retries: inputs.retries,
        initialDelayMs: deps.retryDelayMs,
        sleep: deps.sleep,
        classify: buildxFailureReason,
        what,
        log: message => {
            deps.reporter.warning(message, { title: 'Retrying' });
        }
    };
}
/** The ARM version Node was built for (6 or 7), from its build configuration. */
function nodeArmVersion() {
    const variables = process.config.variables;
    const value = variables.arm_version;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '7';
}


/***/ }),

/***/ 5260:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  m: () => (/* binding */ exec),
  H: () => (/* binding */ getExecOutput)
});

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
        const stdoutDecoder = new external_string_decoder_.StringDecoder('utf8');
        const stderrDecoder = new external_string_decoder_.StringDecoder('utf8');
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

/***/ 9783:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ getProxyUrl)
/* harmony export */ });
/* unused harmony export checkBypass */
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map

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
/******/ var __webpack_exports__ = __nccwpck_require__(4835);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
