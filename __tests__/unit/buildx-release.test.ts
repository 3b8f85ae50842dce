/** buildx release facts: version grammar, release asset names, URL templates, checksum files. */
import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_DOWNLOAD_URL,
  defaultChecksumUrl,
  displayUrl,
  normalizeBuildxVersion,
  parseChecksums,
  parseDownloadUrlTemplate,
  releaseAssetName,
  releasePlatform,
  renderUrlTemplate,
  verifyChecksum,
  type ReleasePlatform
} from '../../src/buildx/release.js'

const LINUX_AMD64: ReleasePlatform = { os: 'linux', arch: 'amd64', ext: '' }

describe('normalizeBuildxVersion', () => {
  it.each([
    ['', ''],
    ['0.13.1', '0.13.1'],
    ['v0.13.1', '0.13.1'],
    [' v0.14.0-rc1 ', '0.14.0-rc1'],
    ['0.10.0', '0.10.0']
  ])('%j -> %j', (input, expected) => {
    expect(normalizeBuildxVersion(input)).toBe(expected)
  })

  it.each(['latest', '0.13', 'v', '>=0.13.1', '0.13.1.2', 'buildx-v0.13.1'])('rejects %j', input => {
    expect(() => normalizeBuildxVersion(input)).toThrow(
      /is not a buildx release version; use an exact version/
    )
  })
})

describe('releasePlatform (Node platform/arch -> release asset names)', () => {
  it.each<[string, string, string, string]>([
    ['linux', 'x64', '7', 'linux-amd64'],
    ['linux', 'arm64', '7', 'linux-arm64'],
    ['linux', 'arm', '7', 'linux-arm-v7'],
    ['linux', 'arm', '6', 'linux-arm-v6'],
    ['linux', 'ppc64', '7', 'linux-ppc64le'],
    ['linux', 's390x', '7', 'linux-s390x'],
    ['linux', 'riscv64', '7', 'linux-riscv64'],
    ['darwin', 'arm64', '7', 'darwin-arm64'],
    ['darwin', 'x64', '7', 'darwin-amd64'],
    ['win32', 'x64', '7', 'windows-amd64.exe'],
    ['win32', 'arm64', '7', 'windows-arm64.exe'],
    ['freebsd', 'x64', '7', 'freebsd-amd64']
  ])('%s/%s (arm v%s) -> %s', (platform, arch, armVersion, expected) => {
    const p = releasePlatform(platform, arch, armVersion)
    expect(`${p.os}-${p.arch}${p.ext}`).toBe(expected)
  })

  it('names this runner', () => {
    expect(releasePlatform(process.platform, process.arch, '7').os).toMatch(
      /^(linux|darwin|windows|freebsd)$/
    )
  })

  it.each([
    ['aix', 'ppc64', /OS \(aix\)/],
    ['linux', 'mips', /architecture \(mips\)/]
  ])('%s/%s has no release', (platform, arch, message) => {
    expect(() => releasePlatform(platform, arch, '7')).toThrow(message)
  })
})

describe('URL templates', () => {
  it.each<[string, string, string]>([
    ['linux', 'x64', 'https://github.com/docker/buildx/releases/download/v0.13.1/buildx-v0.13.1.linux-amd64'],
    [
      'linux',
      'arm',
      'https://github.com/docker/buildx/releases/download/v0.13.1/buildx-v0.13.1.linux-arm-v7'
    ],
    [
      'darwin',
      'arm64',
      'https://github.com/docker/buildx/releases/download/v0.13.1/buildx-v0.13.1.darwin-arm64'
    ],
    [
      'win32',
      'x64',
      'https://github.com/docker/buildx/releases/download/v0.13.1/buildx-v0.13.1.windows-amd64.exe'
    ]
  ])('the default for %s/%s is the GitHub release asset', (platform, arch, expected) => {
    const p = releasePlatform(platform, arch, '7')
    expect(renderUrlTemplate(DEFAULT_DOWNLOAD_URL, '0.13.1', p)).toBe(expected)
    expect(expected.endsWith(releaseAssetName('0.13.1', p))).toBe(true)
  })

  it('a mirror template puts the placeholders where the mirror wants them', () => {
    expect(
      renderUrlTemplate(
        'https://mirror.corp:8443/gh/buildx/{version}/{os}/{arch}/docker-buildx{ext}',
        '0.13.1',
        {
          os: 'windows',
          arch: 'arm64',
          ext: '.exe'
        }
      )
    ).toBe('https://mirror.corp:8443/gh/buildx/0.13.1/windows/arm64/docker-buildx.exe')
  })

  it.each([
    [
      'https://m/{version}/{platform}',
      /unknown placeholder \{platform\}; use \{version\}, \{os\}, \{arch\}, \{ext\}/
    ],
    ['mirror/{version}', /does not make a URL/],
    ['ftp://m/{version}', /is not an http\(s\) URL/]
  ])('rejects %j', (template, message) => {
    expect(() => renderUrlTemplate(template, '0.13.1', LINUX_AMD64)).toThrow(message)
    expect(() => parseDownloadUrlTemplate(template)).toThrow(message)
  })

  it('buildx-download-url: empty is GitHub, {version} is required', () => {
    expect(parseDownloadUrlTemplate('')).toBe(DEFAULT_DOWNLOAD_URL)
    expect(parseDownloadUrlTemplate(' https://m/v{version}/b.{os}-{arch} ')).toBe(
      'https://m/v{version}/b.{os}-{arch}'
    )
    expect(() => parseDownloadUrlTemplate('https://m/buildx.{os}-{arch}')).toThrow(
      /has no \{version\} placeholder/
    )
  })

  it('the checksum file is checksums.txt next to the binary', () => {
    expect(
      defaultChecksumUrl(
        'https://github.com/docker/buildx/releases/download/v0.13.1/buildx-v0.13.1.linux-amd64'
      )
    ).toBe('https://github.com/docker/buildx/releases/download/v0.13.1/checksums.txt')
    expect(defaultChecksumUrl('http://127.0.0.1:8080/buildx?x=1')).toBe('http://127.0.0.1:8080/checksums.txt')
  })

  it('displayUrl hides a password', () => {
    expect(displayUrl('https://bot:s3cret@mirror/x')).toBe('https://bot:***@mirror/x')
    expect(displayUrl('https://mirror/x')).toBe('https://mirror/x')
  })
})

describe('checksum files', () => {
  const a = 'a'.repeat(64)
  const b = 'B'.repeat(64)
  it('reads both sha256sum formats, CRLF, paths and stray lines', () => {
    const sums = parseChecksums(
      [
        `${a} *buildx-v0.13.1.linux-amd64`,
        `${b}  buildx-v0.13.1.linux-arm64\r`,
        `${a}  ./release-out/buildx-v0.13.1.linux-arm-v7`,
        '# signed by nobody',
        'deadbeef  too-short',
        ''
      ].join('\n')
    )
    expect(sums.get('buildx-v0.13.1.linux-amd64')).toBe(a)
    expect(sums.get('buildx-v0.13.1.linux-arm64')).toBe('b'.repeat(64))
    expect(sums.get('buildx-v0.13.1.linux-arm-v7')).toBe(a)
    expect(sums.has('too-short')).toBe(false)
  })

  const common = {
    checksumUrl: 'https://m/v0.13.1/checksums.txt',
    binaryUrl: 'https://m/v0.13.1/buildx-v0.13.1.linux-amd64'
  }
  it('accepts a matching entry, under the URL name or the release name', () => {
    const checksums = parseChecksums(`${a}  buildx-v0.13.1.linux-amd64\n`)
    expect(
      verifyChecksum({
        ...common,
        actual: a,
        checksums,
        names: ['docker-buildx', 'buildx-v0.13.1.linux-amd64']
      })
    ).toBe(a)
  })

  it('a mismatch names expected and actual sha256 and the URLs', () => {
    const checksums = parseChecksums(`${a}  buildx-v0.13.1.linux-amd64\n`)
    const c = 'c'.repeat(64)
    expect(() =>
      verifyChecksum({ ...common, actual: c, checksums, names: ['buildx-v0.13.1.linux-amd64'] })
    ).toThrow(
      new RegExp(
        `Checksum mismatch for buildx downloaded from https://m/v0.13.1/buildx-v0.13.1.linux-amd64: expected sha256 ${a} ` +
          `\\(buildx-v0.13.1.linux-amd64 in https://m/v0.13.1/checksums.txt\\), got sha256 ${c}`
      )
    )
  })

  it('a missing entry says what the file lists', () => {
    const checksums = parseChecksums(`${a}  buildx-v0.13.1.linux-arm64\n`)
    expect(() =>
      verifyChecksum({ ...common, actual: a, checksums, names: ['buildx-v0.13.1.linux-amd64'] })
    ).toThrow(
      /checksums.txt has no entry for buildx-v0.13.1.linux-amd64 \(it lists buildx-v0.13.1.linux-arm64\)/
    )
    expect(() =>
      verifyChecksum({ ...common, actual: a, checksums: parseChecksums('<html>'), names: ['x'] })
    ).toThrow(/it lists no sha256 checksums/)
  })
})

// ---------------------------------------------------------------------------------------------------------
// The install flow against a real HTTP server on 127.0.0.1 and the real @actions/tool-cache
