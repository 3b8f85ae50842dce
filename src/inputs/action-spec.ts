// Generated from action.yml, merge/action.yml and plan/action.yml by scripts/action-spec.js
// (npm run docs). Do not edit.

export interface InputSpec {
  readonly name: string
  readonly description: string
  /** action.yml's default ('' when it has none, or when it is an expression GitHub evaluates). */
  readonly default: string
  readonly required: boolean
  /** A list input (its description says "one ... per line" or "comma or newline separated"). */
  readonly list: boolean
}

export interface OutputSpec {
  readonly name: string
  readonly description: string
}

export const VERSION = '0.1.0'

/** action.yml */
// prettier-ignore
export const INPUTS: readonly InputSpec[] = [
  {"name":"platforms","description":"Target platforms, comma or newline separated (os/arch[/variant]).","default":"linux/amd64,linux/arm64","required":false,"list":true},
  {"name":"context","description":"Build context: a directory, or a Git/HTTP URL.","default":".","required":false,"list":false},
  {"name":"file","description":"Path of the Dockerfile (default: Dockerfile in the context).","default":"","required":false,"list":false},
  {"name":"tags","description":"Image references to tag and push (repository:tag, no @digest), comma or newline separated. Required when push is true.","default":"","required":false,"list":true},
  {"name":"push","description":"Push the image (and check its digests in the registry).","default":"true","required":false,"list":false},
  {"name":"push-by-digest","description":"Push without any tag, for one-platform-per-job flows whose images are merged later: tags then names the repository only (exactly one entry, no tag or digest part), and the digest output finds the image.","default":"false","required":false,"list":false},
  {"name":"build-args","description":"Build arguments, one KEY=VALUE per line.","default":"","required":false,"list":true},
  {"name":"labels","description":"Image labels, one KEY=VALUE per line.","default":"","required":false,"list":true},
  {"name":"target","description":"Dockerfile stage to build.","default":"","required":false,"list":false},
  {"name":"cache-from","description":"External cache sources, one per line (as docker buildx build --cache-from).","default":"","required":false,"list":true},
  {"name":"cache-to","description":"Cache export destinations, one per line (as docker buildx build --cache-to).","default":"","required":false,"list":true},
  {"name":"cache","description":"A build cache that survives from one job to the next, one per platform: registry (REPOSITORY:buildcache-<platform> next to the first tag, with this run's registry settings and login) or gha (GitHub's cache service). An export that fails is a warning. cache-from and cache-to, when given, win. Empty: none. See docs/cache.md.","default":"","required":false,"list":false},
  {"name":"no-cache","description":"Do not use the build cache.","default":"false","required":false,"list":false},
  {"name":"pull","description":"Always pull newer versions of base images.","default":"false","required":false,"list":false},
  {"name":"provenance","description":"Provenance attestation (--provenance), e.g. false or mode=max. Empty: build-push-action's default, mode=max for a public repository and mode=min,inline-only=true for a private one, with the run as builder-id (none with load without push, a docker output, an attests provenance line or media-types: docker).","default":"","required":false,"list":false},
  {"name":"media-types","description":"oci: push an OCI image index and OCI manifests. docker: push a Docker manifest list and Docker v2 manifests, for registries and runtimes that refuse OCI indexes; it pushes no attestations (BuildKit would switch back to OCI for them), so provenance must be empty or false.","default":"oci","required":false,"list":false},
  {"name":"smoke-test","description":"Arguments to run in the pushed image of every platform after the push, e.g. --version or sh -c 'test -x /app' (split like a shell command, or a JSON array): docker run --rm --platform P --network host IMAGE@DIGEST ARGS, so the image's entrypoint runs with them. All platforms at once, under QEMU where needed; a non-zero exit fails the step. Empty: no smoke test.","default":"","required":false,"list":false},
  {"name":"smoke-test-timeout","description":"Time limit of each platform's smoke test, in seconds.","default":"120","required":false,"list":false},
  {"name":"cache-max-size","description":"Most disk space the builder's cache may use (e.g. 10GB, 512MB, 2GiB): a garbage-collection budget written to buildkitd.toml with the keys both old and new BuildKit releases apply. Empty: BuildKit's default.","default":"","required":false,"list":false},
  {"name":"network","description":"Network mode for RUN steps: default, none or host (host also enables the network.host entitlement).","default":"","required":false,"list":false},
  {"name":"builder-name","description":"Name of the builder to create (not default). Empty: a unique name per run, so jobs on one runner never collide.","default":"","required":false,"list":false},
  {"name":"buildkit-image","description":"BuildKit image for the docker-container builder (set your mirror of it here).","default":"moby/buildkit:buildx-stable-1","required":false,"list":false},
  {"name":"driver-opts","description":"Extra docker-container driver options, one KEY=VALUE per line (as docker buildx create --driver-opt).","default":"","required":false,"list":true},
  {"name":"buildkitd-flags","description":"Extra flags for buildkitd (as docker buildx create --buildkitd-flags): --debug, --trace, --log-format, --allow-insecure-entitlement, --root and the --oci-worker-... and --containerd-worker-... flags. Settings go in buildkitd-config.","default":"","required":false,"list":false},
  {"name":"nodes","description":"Machines joined to the builder as BuildKit nodes, one PLATFORMS=ENDPOINT per line (e.g. linux/arm64=ssh://ci@arm-box.internal): each builds its platforms natively, with the same driver options and buildkitd.toml as the runner's node; the runner builds (and emulates) only the rest. The endpoint is a Docker engine (anything docker buildx create takes: a docker context name, unix://, tcp:// or ssh://), or a BuildKit daemon of your build farm as remote+tcp://HOST:PORT (mutual TLS with the remote-tls-* inputs) or remote+kube-pod://POD?namespace=NS (a BuildKit pod, through kubectl with kubeconfig); a daemon keeps its own buildkitd.toml. Engines and daemons cannot be mixed.","default":"","required":false,"list":true},
  {"name":"remote-tls-ca","description":"CA certificate that signed the remote+tcp:// daemons' certificates: PEM text (e.g. from a secret) or a file path. Required with a remote+tcp:// node.","default":"","required":false,"list":false},
  {"name":"remote-tls-cert","description":"Client certificate for the remote+tcp:// daemons (mutual TLS): PEM text or a file path.","default":"","required":false,"list":false},
  {"name":"remote-tls-key","description":"Private key of remote-tls-cert: PEM text (from a secret; masked, written to a private file that the post step removes) or a file path.","default":"","required":false,"list":false},
  {"name":"kubeconfig","description":"kubeconfig for remote+kube-pod:// nodes (buildx reaches BuildKit pods with kubectl exec): the file's text, e.g. from a secret (written to a private file, its tokens and keys masked), or a path. Empty: kubectl's own default.","default":"","required":false,"list":false},
  {"name":"remote-tls-server-name","description":"Name to check the daemons' certificates against, when it is not the host of the node's address.","default":"","required":false,"list":false},
  {"name":"host-network","description":"Run the builder container on the host network, so registry names that only the runner resolves (/etc/hosts, internal DNS) work; also allows RUN steps to use it with network: host. Turned on by itself (and logged) when a tag, insecure registry, CA or mirror is on the runner's loopback (localhost, 127.0.0.1), which the builder container reaches no other way.","default":"false","required":false,"list":false},
  {"name":"insecure-registries","description":"Registries to reach without TLS verification (host[:port]) or over plain HTTP (http://host[:port]), comma or newline separated.","default":"","required":false,"list":true},
  {"name":"ca-certs","description":"CA certificates to trust per registry, one host[:port]=VALUE per line, where VALUE is a file path or PEM text (which may span several lines, e.g. from a secret).","default":"","required":false,"list":true},
  {"name":"registry-mirrors","description":"Registry mirrors, one REGISTRY=MIRROR per line (e.g. docker.io=mirror.example.com:5000).","default":"","required":false,"list":true},
  {"name":"proxy","description":"Pass the job's HTTP_PROXY, HTTPS_PROXY and NO_PROXY into the builder container.","default":"true","required":false,"list":false},
  {"name":"buildkitd-config","description":"Path of a buildkitd.toml to merge with the generated settings.","default":"","required":false,"list":false},
  {"name":"buildkitd-config-inline","description":"buildkitd.toml content to merge with the generated settings.","default":"","required":false,"list":false},
  {"name":"registry","description":"Registry host to log in to with username and password (docker.io for Docker Hub).","default":"","required":false,"list":false},
  {"name":"username","description":"Registry user name.","default":"","required":false,"list":false},
  {"name":"password","description":"Registry password or token (pass it from a secret).","default":"","required":false,"list":false},
  {"name":"qemu","description":"QEMU emulators for platforms this host cannot run natively: auto (binfmt image, then the system package), image, package, or false (install nothing; a platform whose emulator is missing is an error, so register emulators before this step or cross-compile everything).","default":"auto","required":false,"list":false},
  {"name":"qemu-image","description":"Image that registers the QEMU emulators (qemu: auto or image).","default":"tonistiigi/binfmt:qemu-v10.2.3-68","required":false,"list":false},
  {"name":"secrets","description":"Build secrets, one ID=VALUE per line (a multi-line value in double quotes: \"ID=line 1 ... line n\"), for RUN --mount=type=secret,id=ID. Values are masked and reach buildx through its environment, never its command line or a file.","default":"","required":false,"list":true},
  {"name":"secret-files","description":"Build secrets read from files, one ID=PATH per line.","default":"","required":false,"list":true},
  {"name":"secret-envs","description":"Build secrets read from this step's environment variables, ID=VARIABLE, comma or newline separated.","default":"","required":false,"list":true},
  {"name":"github-token","description":"Token for Git contexts on this GitHub server (context or build-contexts that are its Git URLs), given to BuildKit as the secret GIT_AUTH_TOKEN.<host>.","default":"","required":false,"list":false},
  {"name":"ssh","description":"SSH agent sockets or keys for RUN --mount=type=ssh, one per line: default (the agent at SSH_AUTH_SOCK), ID, or ID=PATH[,PATH].","default":"","required":false,"list":true},
  {"name":"build-contexts","description":"Additional named build contexts, one NAME=SOURCE per line (a directory, a URL, docker-image://REF or oci-layout://PATH); a name that a FROM uses replaces that image or stage.","default":"","required":false,"list":true},
  {"name":"annotations","description":"OCI annotations, one KEY=VALUE per line, optionally prefixed with the level: index:, manifest: (the default), index-descriptor: or manifest-descriptor: (docker/metadata-action's annotations output fits as it is).","default":"","required":false,"list":true},
  {"name":"sbom","description":"SBOM attestation (--sbom): true, false, or attributes such as generator=IMAGE. Empty: none.","default":"","required":false,"list":false},
  {"name":"attests","description":"Attestations, one per line, as buildx --attest (type=sbom,generator=IMAGE or type=provenance,mode=max); the provenance and sbom inputs win over a line of the same type.","default":"","required":false,"list":true},
  {"name":"outputs","description":"Extra build outputs, one per line, as buildx --output (type=local,dest=DIR, type=oci,dest=FILE, type=docker, ...). Set push to false when the registry is not a destination.","default":"","required":false,"list":true},
  {"name":"load","description":"Load the image into the Docker engine. With push: the image of the engine's platform (else the first platform) is copied from the registry into the engine under every tag, after the checks and tags. Without push: buildx --load, and with several platforms the engine must use the containerd image store.","default":"false","required":false,"list":false},
  {"name":"add-hosts","description":"Extra /etc/hosts entries for RUN steps, HOST:IP, comma or newline separated.","default":"","required":false,"list":true},
  {"name":"shm-size","description":"Size of /dev/shm in RUN steps (e.g. 512m, 2g).","default":"","required":false,"list":false},
  {"name":"ulimit","description":"Resource limits for RUN steps, one TYPE=SOFT[:HARD] per line (e.g. nofile=1024:4096).","default":"","required":false,"list":true},
  {"name":"cgroup-parent","description":"Parent cgroup of the RUN step containers.","default":"","required":false,"list":false},
  {"name":"allow","description":"Extra entitlements, comma or newline separated (network.host, security.insecure, ...); the builder this action creates is started with the ones buildkitd must grant too.","default":"","required":false,"list":true},
  {"name":"no-cache-filters","description":"Stages to build without the cache, comma or newline separated.","default":"","required":false,"list":true},
  {"name":"call","description":"How buildx evaluates the build: build (the default), check (report Dockerfile problems; needs buildx 0.15 and BuildKit 0.15 or newer), outline or targets. Anything but build pushes nothing.","default":"","required":false,"list":false},
  {"name":"retries","description":"How many times to retry after a transient failure (connection refused or reset, timeouts, registry 5xx/429, builder start-up). Build errors such as a failing RUN are never retried.","default":"2","required":false,"list":false},
  {"name":"reuse-builder","description":"Reuse the builder named by builder-name when it already exists (it is then left in place after the job, and this run's buildkitd.toml is not applied to it). Otherwise an existing name is an error.","default":"false","required":false,"list":false},
  {"name":"buildx-version","description":"buildx release to run for this job (e.g. 0.13.1), downloaded once into the runner's tool cache and checked against the release's checksums.txt. Empty: the runner's docker buildx, or buildx 0.38.0 when that is missing or older than 0.10.0.","default":"","required":false,"list":false},
  {"name":"buildx-download-url","description":"Where to download buildx from, for runners that reach only a mirror of GitHub releases: a URL with {version}, {os} (linux, darwin, windows), {arch} (amd64, arm64, arm-v7, ...) and {ext} (.exe on Windows). checksums.txt is read from the same directory.","default":"https://github.com/docker/buildx/releases/download/v{version}/buildx-v{version}.{os}-{arch}{ext}","required":false,"list":false},
  {"name":"buildx-checksum-url","description":"URL of the checksum file (sha256sum format), with the same placeholders as buildx-download-url. Empty: checksums.txt next to the binary. When the file is absent (HTTP 404) the download is used unverified, with a warning.","default":"","required":false,"list":false},
  {"name":"check-binaries","description":"After the push, and before any tag points at the image: check that the ELF executables the build added, and the program the container starts, are built for each platform (machine, 32/64-bit, byte order), reading the layers from the registry. error (a mismatch fails the step and no tag is moved), warning, or false.","default":"error","required":false,"list":false},
  {"name":"check-binaries-budget","description":"Compressed layer bytes the binaries check reads per platform at most (e.g. 256MiB, 1GiB, 500MB); the check stops there and says what it did not read.","default":"256MiB","required":false,"list":false},
  {"name":"sign","description":"Sign the pushed image with cosign after the checks and before any tag moves: key (the private key in sign-key), keyless (the job's OIDC identity, certified by sigstore's Fulcio or your own: on GitHub the job needs permissions id-token: write), or false (also empty, the default). The index and every manifest it lists are signed by digest in each repository of tags, then the signature is verified against the registry; a failure fails the step and moves no tag. Uses the runner's cosign 3 (or cosign 3.1.1 from the tool cache) with this run's registry settings (HTTP, CA, unverified HTTPS) and login.","default":"","required":false,"list":false},
  {"name":"sign-key","description":"cosign private key for sign: key, as cosign generate-key-pair writes cosign.key: the text (from a secret; masked, written to a private file the post step removes) or a path.","default":"","required":false,"list":false},
  {"name":"sign-key-password","description":"Password of sign-key (from a secret; given to cosign as COSIGN_PASSWORD, never in argv). Empty: the job's own COSIGN_PASSWORD, if set.","default":"","required":false,"list":false},
  {"name":"sign-transparency-log","description":"Record the signature in sigstore's public transparency log (Rekor), as cosign does by default. false: no log (for private registries and networks without access to it); verify then with --insecure-ignore-tlog=true, as the signature-verify-command output does.","default":"true","required":false,"list":false},
  {"name":"sign-signing-config","description":"For sign: keyless with your own sigstore instance: its signing config (the JSON naming its Fulcio, Rekor and timestamp authority), as text or a path. Empty: sigstore's public instance.","default":"","required":false,"list":false},
  {"name":"sign-trusted-root","description":"For sign: keyless with your own sigstore instance: its trusted root (JSON: the CA, log and timestamp keys), as text or a path; the verification uses it too. Empty: sigstore's public instance.","default":"","required":false,"list":false},
]

// prettier-ignore
export const OUTPUTS: readonly OutputSpec[] = [
  {"name":"digest","description":"Digest of the pushed image index (the manifest list every platform pulls through)."},
  {"name":"platform-digests","description":"JSON object: platform -> digest of that platform's image manifest, as served by the registry."},
  {"name":"metadata","description":"buildx's build metadata (JSON)."},
  {"name":"builder-name","description":"Name of the builder this run created (removed by the post step)."},
  {"name":"emulated-platforms","description":"Platforms built under QEMU emulation on the runner, comma separated (never those of nodes)."},
  {"name":"imageid","description":"Image ID. With load: the ID docker image inspect shows for the loaded image (the config digest on the classic image store, the manifest or index digest on the containerd store). Otherwise as buildx reports it: the config digest of a single-platform image, else the index digest."},
  {"name":"smoke-results","description":"JSON object: platform -> smoke test result (passed, exitCode, timedOut, seconds, image, output). Set only when smoke-test is."},
  {"name":"signature-verify-command","description":"With sign: the cosign verify command that checks the signature of the pushed index (cosign.pub is the public key of sign-key; CA.pem the registry's CA, when it has one)."},
]

/** merge/action.yml */
// prettier-ignore
export const MERGE_INPUTS: readonly InputSpec[] = [
  {"name":"sources","description":"Images to merge, one reference per line, by digest or tag (registry/name@sha256:... or registry/name:tag). A source that is an index gives its platform images, each with its attestation manifests; blank lines are skipped.","default":"","required":true,"list":true},
  {"name":"tags","description":"Where to push the index: image references with a tag, comma or newline separated. Platform images in another repository are mounted (same registry) or copied (another registry) there first.","default":"","required":true,"list":true},
  {"name":"annotations","description":"Annotations of the index, one KEY=VALUE per line (an index: prefix is accepted).","default":"","required":false,"list":true},
  {"name":"platforms","description":"The exact platforms the index must hold, comma or newline separated; a platform the sources lack, or one they hold that is not listed, is an error. Empty: whatever the sources hold (each once).","default":"","required":false,"list":true},
  {"name":"insecure-registries","description":"Registries to reach without TLS verification (host[:port]) or over plain HTTP (http://host[:port]), comma or newline separated.","default":"","required":false,"list":true},
  {"name":"ca-certs","description":"CA certificates to trust per registry, one host[:port]=VALUE per line, where VALUE is a file path or PEM text (which may span several lines, e.g. from a secret).","default":"","required":false,"list":true},
  {"name":"registry","description":"Registry host that username and password are for (docker.io for Docker Hub).","default":"","required":false,"list":false},
  {"name":"username","description":"Registry user name (other registries: the credentials in the docker config).","default":"","required":false,"list":false},
  {"name":"password","description":"Registry password or token (pass it from a secret).","default":"","required":false,"list":false},
  {"name":"sign","description":"Sign the merged index with cosign before it is tagged: key (the private key in sign-key), keyless (the job's OIDC identity; on GitHub the job needs id-token: write), or false (also empty, the default). The index and every manifest it lists are signed by digest in each repository of tags and verified against the registry; a failure fails the step and moves no tag. As the build's sign input.","default":"","required":false,"list":false},
  {"name":"sign-key","description":"cosign private key for sign: key, as cosign generate-key-pair writes cosign.key: the text (from a secret; masked) or a path.","default":"","required":false,"list":false},
  {"name":"sign-key-password","description":"Password of sign-key (from a secret; given to cosign as COSIGN_PASSWORD, never in argv). Empty: the job's own COSIGN_PASSWORD, if set.","default":"","required":false,"list":false},
  {"name":"sign-transparency-log","description":"Record the signature in sigstore's public transparency log (Rekor), as cosign does by default. false: no log (for private registries); verify then with --insecure-ignore-tlog=true.","default":"true","required":false,"list":false},
  {"name":"sign-signing-config","description":"For sign: keyless with your own sigstore instance: its signing config (the JSON naming its Fulcio, Rekor and timestamp authority), as text or a path. Empty: sigstore's public instance.","default":"","required":false,"list":false},
  {"name":"sign-trusted-root","description":"For sign: keyless with your own sigstore instance: its trusted root (JSON: the CA, log and timestamp keys), as text or a path; the verification uses it too. Empty: sigstore's public instance.","default":"","required":false,"list":false},
]

// prettier-ignore
export const MERGE_OUTPUTS: readonly OutputSpec[] = [
  {"name":"digest","description":"Digest of the pushed index (sha256 of the exact bytes pushed under every tag)."},
  {"name":"platform-digests","description":"JSON object: platform -> digest of that platform's image manifest in the index."},
  {"name":"signature-verify-command","description":"With sign: the cosign verify command that checks the signature of the merged index."},
]

/** plan/action.yml */
// prettier-ignore
export const PLAN_INPUTS: readonly InputSpec[] = [
  {"name":"platforms","description":"Target platforms, comma or newline separated (os/arch[/variant]); at most 10.","default":"linux/amd64,linux/arm64","required":false,"list":true},
  {"name":"runners","description":"Runner per platform, one PLATFORM=LABEL per line; several labels (all required of the runner, e.g. for self-hosted runners) separated by commas: linux/arm64=self-hosted,linux,arm64. Platforms not listed build on runs-on.","default":"linux/amd64=ubuntu-latest\nlinux/arm64=ubuntu-24.04-arm\nlinux/arm/v7=ubuntu-24.04-arm\n","required":false,"list":true},
  {"name":"runs-on","description":"Runner label(s) for platforms that runners does not list (comma separated).","default":"ubuntu-latest","required":false,"list":false},
  {"name":"tags","description":"The image tags; every platform is pushed by digest to the repository of the first one.","default":"","required":false,"list":false},
  {"name":"push","description":"Whether the per-platform builds push (false: they only build, and nothing is merged).","default":"true","required":false,"list":false},
  {"name":"nodes","description":"Refused when set: builder nodes belong to a single-job build (distribute false).","default":"","required":false,"list":false},
]
