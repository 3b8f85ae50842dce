#!/usr/bin/env bash
# The end-to-end tests' environment (npm run e2e:env), then `. .e2e/env.sh` and `npm run e2e`.
#
#   scripts/e2e-env.sh [up]            start what the e2e tests need and write .e2e/env.sh (idempotent)
#   scripts/e2e-env.sh down [--purge]  stop it (--purge also removes the containers, images and files)
#   scripts/e2e-env.sh certs           only write the test CA, the registry certificate and env.sh
#
# Options, as environment variables (the same names the project's CI stack takes):
#   E2E_NODE2=1            a second Docker engine ($E2E_NODE2_HOST), joined as a builder node
#   E2E_GOLANG=1           a Go toolchain image ($E2E_GOLANG_IMAGE) in every registry
#   E2E_BUILDX_LATEST=1    the newest buildx tested ($E2E_BUILDX_LATEST), for npm run e2e:latest
#   E2E_BUILDKIT_LATEST=1  the newest BuildKit tested ($E2E_BUILDKIT_LATEST_IMAGE), for npm run e2e:latest
#   E2E_NEWEST=1           buildx v0.36.1 and BuildKit v0.32.2, the pair docker/github-builder pins
#                          ($E2E_BUILDX_NEWEST, $E2E_BUILDKIT_NEWEST_IMAGE), for npm run e2e:newest
#   E2E_COSIGN=1           cosign 3 for the signing tests ($E2E_COSIGN): Debian unstable's package with the
#                          shared stack, else the v3.1.1 release checked against its checksums; kept in
#                          E2E_COSIGN_DIR (default ~/.cache/multiarch-e2e/cosign) for the next run
#   E2E_ENV_DIR            where state and env.sh go (default: .e2e in the repository)
#   E2E_HTTP_PORT, E2E_HTTPS_PORT, E2E_AUTH_PORT   the registries' ports (default 5000, 5443, 5444)
#   E2E_REGISTRY_IMAGE     the registry image (default registry:2; its /bin/registry is E2E_REGISTRY_BIN)
#
# When ../shared/e2e-stack/up exists next to the repository (this project's CI machines, which reach no
# registry), it brings the stack up and env.sh sources the stack's own; set E2E_STANDALONE=1 to skip it.
# Otherwise it needs Linux, Docker (with buildx 0.10 or later), internet access, openssl and skopeo, and
# sudo for one /etc/hosts line; the registries and the second engine run as containers on the host
# network, by default on the ports of the CI stack.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${E2E_ENV_DIR:-$REPO/.e2e}
SHARED=${E2E_SHARED_STACK:-$(dirname "$REPO")/shared/e2e-stack}
COMMAND=${1:-up}
[ $# -gt 0 ] && shift

HTTP_REG=127.0.0.1:${E2E_HTTP_PORT:-5000}
HTTPS_REG=127.0.0.1:${E2E_HTTPS_PORT:-5443}
AUTH_REG=127.0.0.1:${E2E_AUTH_PORT:-5444}
PRIVATE_NAME=registry.e2e.test
AUTH_USER=e2e-user
BUILDKIT_VERSION=v0.13.2          # the pair CI runs every e2e file on (with buildx 0.13)
BUILDKIT_LATEST_VERSION=v0.25.2   # the newest pair (with buildx 0.29.1)
BUILDX_LATEST_VERSION=v0.29.1
BUILDKIT_NEWEST_VERSION=v0.32.2   # the pair docker/github-builder pins (with buildx 0.36.1)
BUILDX_NEWEST_VERSION=v0.36.1
COSIGN_VERSION=v3.1.1              # without the shared stack (with it: Debian unstable's cosign 3)
COSIGN_DIR=${E2E_COSIGN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/multiarch-e2e/cosign}
REGISTRY_IMAGE=${E2E_REGISTRY_IMAGE:-docker.io/library/registry:2}
BINFMT_IMAGE=${E2E_BINFMT_IMAGE:-docker.io/tonistiigi/binfmt:qemu-v10.2.3-68}
PREFIX=multiarch-e2e              # every container this script starts is named $PREFIX-*

say() { printf '==> %s\n' "$*"; }
die() { printf 'e2e-env: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed: $2"; }

shared_stack() { [ "${E2E_STANDALONE:-}" != 1 ] && [ -x "$SHARED/up" ]; }

# certs: a test CA and a certificate for 127.0.0.1, localhost and the private name, signed by it. ca/
# holds only ca.crt (the tests give it to skopeo as --cert-dir, which reads every file there), tls/ what
# the registries mount, and ca-key/ the CA's key, which no container sees.
certs() {
  need openssl 'install it (apt-get install openssl)'
  mkdir -p "$DIR/ca" "$DIR/ca-key" "$DIR/tls"
  if [ -s "$DIR/ca/ca.crt" ] && [ -s "$DIR/tls/registry.crt" ]; then return 0; fi
  say "test CA and registry certificate"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=multiarch e2e test CA' \
    -keyout "$DIR/ca-key/ca.key" -out "$DIR/ca/ca.crt" \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$PRIVATE_NAME" \
    -keyout "$DIR/tls/registry.key" -out "$DIR/tls/registry.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:%s\nextendedKeyUsage=serverAuth\n' "$PRIVATE_NAME" \
    > "$DIR/tls/registry.ext"
  openssl x509 -req -in "$DIR/tls/registry.csr" -CA "$DIR/ca/ca.crt" -CAkey "$DIR/ca-key/ca.key" \
    -CAserial "$DIR/ca-key/ca.srl" -CAcreateserial -days 3650 -extfile "$DIR/tls/registry.ext" -out "$DIR/tls/registry.crt" 2>/dev/null
  openssl verify -CAfile "$DIR/ca/ca.crt" "$DIR/tls/registry.crt" >/dev/null
  chmod 600 "$DIR/ca-key/ca.key" "$DIR/tls/registry.key"
}

# The basic-auth password: made once, kept in the state directory.
password() {
  if [ ! -s "$DIR/auth/password" ]; then
    mkdir -p "$DIR/auth"
    (umask 077 && openssl rand -hex 12 > "$DIR/auth/password")
  fi
  cat "$DIR/auth/password"
}

# write_env: env.sh with the variables the e2e tests read (see docs/development.md).
write_env() {
  local tmp="$DIR/env.sh.tmp"
  {
    echo "# written by scripts/e2e-env.sh; source it: . .e2e/env.sh"
    [ -n "${DOCKER_HOST:-}" ] && echo "export DOCKER_HOST=$DOCKER_HOST"
    echo "export DOCKER_CONFIG=${DOCKER_CONFIG:-$HOME/.docker}"
    echo "export E2E_HTTP_REGISTRY=$HTTP_REG"
    echo "export E2E_HTTPS_REGISTRY=$HTTPS_REG"
    echo "export E2E_PRIVATE_REGISTRY=$PRIVATE_NAME:${HTTPS_REG##*:}"
    echo "export E2E_AUTH_REGISTRY=$AUTH_REG"
    echo "export E2E_AUTH_USER=$AUTH_USER"
    echo "export E2E_AUTH_PASSWORD=$(password)"
    echo "export E2E_REGISTRY_CA=$DIR/ca/ca.crt"
    echo "export E2E_BUILDKIT_IMAGE=$HTTP_REG/buildkit:$BUILDKIT_VERSION"
    echo "export E2E_BASE_IMAGE=base/busybox:latest"
    echo "export E2E_PLATFORMS=linux/amd64,linux/arm64,linux/arm/v7"
    echo "export E2E_SBOM_GENERATOR=$HTTP_REG/tools/sbom-scanner:test"
    echo "export E2E_REGISTRY_BIN=$DIR/bin/docker-registry"
    [ "${E2E_GOLANG:-}" = 1 ] && echo "export E2E_GOLANG_IMAGE=base/golang:1.24"
    [ "${E2E_NODE2:-}" = 1 ] && echo "export E2E_NODE2_HOST=unix://$DIR/node2/docker.sock"
    [ "${E2E_BUILDX_LATEST:-}" = 1 ] && echo "export E2E_BUILDX_LATEST=$DIR/buildx-latest/docker-buildx"
    [ "${E2E_BUILDKIT_LATEST:-}" = 1 ] &&
      echo "export E2E_BUILDKIT_LATEST_IMAGE=$HTTP_REG/buildkit:$BUILDKIT_LATEST_VERSION"
    [ "${E2E_COSIGN:-}" = 1 ] && echo "export E2E_COSIGN=$COSIGN_DIR/cosign"
    if [ "${E2E_NEWEST:-}" = 1 ]; then
      echo "export E2E_BUILDX_NEWEST=$DIR/buildx-newest/docker-buildx"
      echo "export E2E_BUILDKIT_NEWEST_IMAGE=$HTTP_REG/buildkit:$BUILDKIT_NEWEST_VERSION"
    fi
    true
  } > "$tmp"
  mv "$tmp" "$DIR/env.sh"
  say "wrote $DIR/env.sh"
}

running() { [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }

# registry NAME ADDR [docker run options...]: a registry container on the host network, started once.
registry() {
  local name=$PREFIX-$1 addr=$2; shift 2
  if running "$name"; then return 0; fi
  if docker inspect "$name" >/dev/null 2>&1; then docker start "$name" >/dev/null; return 0; fi
  say "registry $name on $addr"
  docker run -d --name "$name" --network host --restart unless-stopped \
    -e "REGISTRY_HTTP_ADDR=$addr" -e REGISTRY_STORAGE_DELETE_ENABLED=true "$@" "$REGISTRY_IMAGE" >/dev/null
}

wait_http() { # wait_http URL [curl options...]
  local url=$1 _; shift
  for _ in $(seq 1 30); do
    curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url" 2>/dev/null)" = 401 ] && return 0
    sleep 1
  done
  die "$url does not answer (docker logs the $PREFIX-* containers)"
}

# copy SOURCE NAME [--all]: an image from a public registry into every test registry under NAME.
copy_everywhere() {
  local source=$1 name=$2 all=()
  [ "${3:-}" = --all ] && all=(--all)
  # Copied in this order, so the last registry holds it only when all do.
  if skopeo inspect --raw --cert-dir "$DIR/ca" --creds "$AUTH_USER:$(password)" "docker://$AUTH_REG/$name" \
    >/dev/null 2>&1; then return 0; fi
  say "image $name (from $source)"
  skopeo copy -q --retry-times 3 "${all[@]}" "docker://$source" "docker://$HTTP_REG/$name" --dest-tls-verify=false
  skopeo copy -q "${all[@]}" "docker://$HTTP_REG/$name" "docker://$HTTPS_REG/$name" \
    --src-tls-verify=false --dest-cert-dir "$DIR/ca"
  skopeo copy -q "${all[@]}" "docker://$HTTP_REG/$name" "docker://$AUTH_REG/$name" \
    --src-tls-verify=false --dest-cert-dir "$DIR/ca" --dest-creds "$AUTH_USER:$(password)"
}

# copy_http SOURCE NAME: an image the builder pulls (only the runner's platform), into the HTTP registry.
copy_http() {
  skopeo inspect --raw --tls-verify=false "docker://$HTTP_REG/$2" >/dev/null 2>&1 && return 0
  say "image $HTTP_REG/$2 (from $1)"
  skopeo copy -q --retry-times 3 "docker://$1" "docker://$HTTP_REG/$2" --dest-tls-verify=false
}

hosts_entry() {
  if getent hosts "$PRIVATE_NAME" | grep -q '^127\.0\.0\.1\b'; then return 0; fi
  say "/etc/hosts: 127.0.0.1 $PRIVATE_NAME"
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "127.0.0.1 $PRIVATE_NAME" | $sudo tee -a /etc/hosts >/dev/null
}

qemu() { # emulators for the test platforms the host does not run natively, unless already registered
  local host pair wanted=()
  host=$(uname -m)
  for pair in aarch64=arm64 arm=arm x86_64=amd64; do
    [ "${pair%%=*}" = "$host" ] && continue
    [ -e "/proc/sys/fs/binfmt_misc/qemu-${pair%%=*}" ] || wanted+=("${pair#*=}")
  done
  [ ${#wanted[@]} -gt 0 ] || return 0
  local list; list=$(IFS=,; echo "${wanted[*]}")
  say "QEMU emulators: $list"
  docker run --privileged --rm "$BINFMT_IMAGE" --install "$list" >/dev/null
}

registry_bin() { # the registry binary some hardening tests start on their own, from the registry image
  [ -x "$DIR/bin/docker-registry" ] && return 0
  mkdir -p "$DIR/bin"
  local id; id=$(docker create "$REGISTRY_IMAGE")
  docker cp "$id:/bin/registry" "$DIR/bin/docker-registry" && docker rm "$id" >/dev/null
}

node2() { # a second engine: Docker-in-Docker on the host network, no bridge, its socket under $DIR
  local name=$PREFIX-node2
  running "$name" && return 0
  docker rm -f "$name" >/dev/null 2>&1 || true
  say "second engine $name"
  mkdir -p "$DIR/node2"
  local group; group=$(getent group docker | cut -d: -f3 || true)
  docker run -d --name "$name" --privileged --network host -v "$DIR/node2:/run/node2" docker:28-dind \
    dockerd --host "unix:///run/node2/docker.sock" --bridge=none --iptables=false \
    --data-root /var/lib/docker-node2 --exec-root /run/node2-exec --pidfile /run/node2-exec/docker.pid \
    ${group:+--group "$group"} >/dev/null
  local _; for _ in $(seq 1 30); do docker -H "unix://$DIR/node2/docker.sock" info >/dev/null 2>&1 && return 0; sleep 1; done
  die "the second engine did not start (docker logs $name)"
}

# checked_binary BASE FILE CHECKSUMS BIN: BASE/FILE downloaded into BIN (executable), only if its sha256 is
# the one BASE/CHECKSUMS lists for FILE (`HASH  FILE` or `HASH *FILE`). Fails with die, which also stops a
# caller in an `&&` list, where set -e does not.
checked_binary() {
  local base=$1 file=$2 sums=$3 bin=$4 expected actual
  mkdir -p "$(dirname "$bin")"
  curl -fsSL -o "$bin.tmp" "$base/$file" || die "cannot download $base/$file"
  expected=$(curl -fsSL "$base/$sums" | awk -v f="$file" '$2 == f || $2 == "*" f { print $1; exit }' || true)
  actual=$(sha256sum "$bin.tmp" | cut -d' ' -f1)
  if [ -z "$expected" ] || [ "$actual" != "$expected" ]; then
    rm -f "$bin.tmp"
    die "$file: sha256 $actual, but $base/$sums lists ${expected:-nothing} for it; nothing installed"
  fi
  chmod +x "$bin.tmp" && mv "$bin.tmp" "$bin"
}

# release_arch TOOL: this machine's architecture as the release files name it.
release_arch() {
  case $(uname -m) in x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) die "no $1 release for $(uname -m)" ;; esac
}

# buildx_release VERSION DIR: a buildx release binary in DIR/docker-buildx, checked against its checksums.
buildx_release() {
  local version=$1 bin=$2/docker-buildx
  [ -x "$bin" ] && return 0
  local arch; arch=$(release_arch buildx)
  say "buildx $version"
  checked_binary "https://github.com/docker/buildx/releases/download/$version" "buildx-$version.linux-$arch" \
    checksums.txt "$bin"
}

# cosign_release: the cosign release binary in $COSIGN_DIR/cosign, checked against the release's checksums.
cosign_release() {
  local bin=$COSIGN_DIR/cosign
  [ -x "$bin" ] && return 0
  local arch; arch=$(release_arch cosign)
  say "cosign $COSIGN_VERSION"
  checked_binary "https://github.com/sigstore/cosign/releases/download/$COSIGN_VERSION" "cosign-linux-$arch" \
    cosign_checksums.txt "$bin"
}

# cosign_debian: Debian unstable's cosign package (3.x), unpacked into $COSIGN_DIR, for machines that reach
# Debian's archives and not GitHub (this project's CI), fetched as the shared stack fetches its newest buildx.
cosign_debian() {
  local bin=$COSIGN_DIR/cosign
  [ -x "$bin" ] && return 0
  need apt-get 'the shared stack machines have it'
  local mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  mirror=${E2E_MIRROR:-$(awk '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i=="bookworm"){print u; exit}}' /etc/apt/sources.list.d/*.sources 2>/dev/null)}
  mirror=${mirror:-http://deb.debian.org/debian}
  local L=$COSIGN_DIR/apt; rm -rf "$L"; mkdir -p "$L/lists/partial" "$L/archives/partial" "$L/x"
  echo "deb [signed-by=$keyring] $mirror sid main" > "$L/sid.list"
  local opts=(-o Dir::Etc::SourceList="$L/sid.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::status=/dev/null
              -o Dir::State::Lists="$L/lists" -o Dir::Cache::archives="$L/archives"
              -o Dir::Cache::pkgcache="$L/pkgcache.bin" -o Dir::Cache::srcpkgcache="$L/srcpkgcache.bin")
  say "cosign (Debian unstable)"
  apt-get "${opts[@]}" update -qq 2>&1 | grep -v '^W: Download' || true
  ( cd "$L" && apt-get "${opts[@]}" download -qq cosign 2>&1 | grep -v '^W: Download' || true )
  dpkg-deb -x "$L"/cosign_*.deb "$L/x"
  mv "$L/x/usr/bin/cosign" "$bin"
  rm -rf "$L"
}

up_standalone() {
  [ "$(uname -s)" = Linux ] || die "the e2e environment needs Linux (found $(uname -s))"
  need docker 'install Docker Engine (https://docs.docker.com/engine/install/)'
  need skopeo 'install it (apt-get install skopeo): the tests read back what was pushed with it'
  need curl 'install it (apt-get install curl)'
  docker info >/dev/null 2>&1 || die "docker cannot reach an engine: start Docker, or set DOCKER_HOST"
  docker buildx version >/dev/null 2>&1 || die "docker buildx is missing: install the docker-buildx plugin"
  certs
  mkdir -p "$DIR/auth"
  if [ ! -s "$DIR/auth/htpasswd" ]; then # bcrypt, the only hash the registry takes
    if command -v htpasswd >/dev/null 2>&1; then htpasswd -Bbn "$AUTH_USER" "$(password)" > "$DIR/auth/htpasswd"
    else docker run --rm --entrypoint htpasswd docker.io/library/httpd:2 -Bbn "$AUTH_USER" "$(password)" > "$DIR/auth/htpasswd"
    fi
  fi
  local tls=(-v "$DIR/tls:/tls:ro" -e REGISTRY_HTTP_TLS_CERTIFICATE=/tls/registry.crt -e REGISTRY_HTTP_TLS_KEY=/tls/registry.key)
  registry http "$HTTP_REG"
  registry https "$HTTPS_REG" "${tls[@]}"
  registry auth "$AUTH_REG" "${tls[@]}" -v "$DIR/auth:/auth:ro" -e REGISTRY_AUTH=htpasswd \
    -e REGISTRY_AUTH_HTPASSWD_REALM=e2e -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd
  wait_http "http://$HTTP_REG/v2/"
  wait_http "https://$HTTPS_REG/v2/" --cacert "$DIR/ca/ca.crt"
  wait_http "https://$AUTH_REG/v2/" --cacert "$DIR/ca/ca.crt"
  hosts_entry
  qemu
  registry_bin
  copy_everywhere docker.io/library/busybox:latest base/busybox:latest --all
  copy_http "docker.io/moby/buildkit:$BUILDKIT_VERSION" "buildkit:$BUILDKIT_VERSION"
  copy_http docker.io/docker/buildkit-syft-scanner:stable-1 tools/sbom-scanner:test
  [ "${E2E_GOLANG:-}" = 1 ] && copy_everywhere docker.io/library/golang:1.24-alpine base/golang:1.24 --all
  [ "${E2E_BUILDKIT_LATEST:-}" = 1 ] &&
    copy_http "docker.io/moby/buildkit:$BUILDKIT_LATEST_VERSION" "buildkit:$BUILDKIT_LATEST_VERSION"
  [ "${E2E_BUILDX_LATEST:-}" = 1 ] && buildx_release "$BUILDX_LATEST_VERSION" "$DIR/buildx-latest"
  if [ "${E2E_NEWEST:-}" = 1 ]; then
    copy_http "docker.io/moby/buildkit:$BUILDKIT_NEWEST_VERSION" "buildkit:$BUILDKIT_NEWEST_VERSION"
    buildx_release "$BUILDX_NEWEST_VERSION" "$DIR/buildx-newest"
  fi
  [ "${E2E_NODE2:-}" = 1 ] && node2
  [ "${E2E_COSIGN:-}" = 1 ] && cosign_release
  write_env
}

up_shared() { # this project's CI machines: the shared stack, with the same options
  say "the shared e2e stack ($SHARED/up)"
  "$SHARED/up" "$@"
  mkdir -p "$DIR"
  printf '# written by scripts/e2e-env.sh: the shared e2e stack'"'"'s variables\n. %s/env.sh\n' \
    "${E2E_ROOT:-/tmp/e2e-stack}" > "$DIR/env.sh"
  if [ "${E2E_COSIGN:-}" = 1 ]; then
    cosign_debian
    echo "export E2E_COSIGN=$COSIGN_DIR/cosign" >> "$DIR/env.sh"
  fi
  say "wrote $DIR/env.sh"
}

down_standalone() {
  local name
  for name in node2 auth https http; do
    docker inspect "$PREFIX-$name" >/dev/null 2>&1 || continue
    if [ "${1:-}" = --purge ]; then
      docker rm -f "$PREFIX-$name" >/dev/null
      say "removed $PREFIX-$name"
    else
      docker stop "$PREFIX-$name" >/dev/null
      say "stopped $PREFIX-$name"
    fi
  done
  if [ "${1:-}" = --purge ]; then
    rm -rf "$DIR"
    say "removed $DIR"
  fi
}

case $COMMAND in
  up) if shared_stack; then up_shared "$@"; else up_standalone; fi ;;
  down) if shared_stack; then "$SHARED/down" "$@"; rm -f "$DIR/env.sh"; else down_standalone "$@"; fi ;;
  certs) certs && write_env ;;
  *) die "unknown command $COMMAND: use up, down [--purge] or certs" ;;
esac
