// Generated from merge/action.yml by scripts/action-spec.js (npm run docs). Do not edit.

import type { InputSpec, OutputSpec } from './action-spec.js'

// prettier-ignore
export const MERGE_INPUTS: readonly InputSpec[] = [
  {"name":"sources","description":"Images to merge, one reference per line, by digest or tag (registry/name@sha256:... or registry/name:tag). A source that is an index gives its platform images, each with its attestation manifests; blank lines are skipped.","default":"","required":true},
  {"name":"tags","description":"Where to push the index: image references with a tag, comma or newline separated. Platform images in another repository are mounted (same registry) or copied (another registry) there first.","default":"","required":true},
  {"name":"annotations","description":"Annotations of the index, one KEY=VALUE per line (an index: prefix is accepted).","default":"","required":false},
  {"name":"platforms","description":"The exact platforms the index must hold, comma or newline separated; a platform the sources lack, or one they hold that is not listed, is an error. Empty: whatever the sources hold (each once).","default":"","required":false},
  {"name":"insecure-registries","description":"Registries to reach without TLS verification (host[:port]) or over plain HTTP (http://host[:port]), comma or newline separated.","default":"","required":false},
  {"name":"ca-certs","description":"CA certificates to trust per registry: host[:port]=VALUE lines, where VALUE is a file path or PEM text (which may span several lines, e.g. from a secret).","default":"","required":false},
  {"name":"registry","description":"Registry host that username and password are for (docker.io for Docker Hub).","default":"","required":false},
  {"name":"username","description":"Registry user name (other registries: the credentials in the docker config).","default":"","required":false},
  {"name":"password","description":"Registry password or token (pass it from a secret).","default":"","required":false},
]

// prettier-ignore
export const MERGE_OUTPUTS: readonly OutputSpec[] = [
  {"name":"digest","description":"Digest of the pushed index (sha256 of the exact bytes pushed under every tag)."},
  {"name":"platform-digests","description":"JSON object: platform -> digest of that platform's image manifest in the index."},
]
