/** Error helpers for errors of unknown shape (including errors from another realm). */
import { describe, expect, it } from '@jest/globals'
import { errorChain, errorCode, lastLine, messageOf } from '../../src/core/errors.js'

describe('messageOf', () => {
  it.each<[unknown, string]>([
    [new Error('boom'), 'boom'],
    [{ message: 'from another realm' }, 'from another realm'],
    ['a string', 'a string'],
    [42, '42'],
    [{ message: 7 }, '[object Object]']
  ])('%p -> %j', (error, expected) => {
    expect(messageOf(error)).toBe(expected)
  })
})

describe('errorCode', () => {
  it.each<[unknown, string | undefined]>([
    [Object.assign(new Error('x'), { code: 'ENOENT' }), 'ENOENT'],
    [{ code: 'ECONNREFUSED' }, 'ECONNREFUSED'],
    [{ code: 404 }, '404'],
    [{ code: { nested: true } }, undefined],
    [new Error('no code'), undefined],
    [null, undefined],
    ['ENOENT', undefined]
  ])('%p -> %p', (error, expected) => {
    expect(errorCode(error)).toBe(expected)
  })
})

describe('errorChain', () => {
  it('collects codes and messages along the cause chain, outermost first', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const outer = new Error('fetch failed', { cause: inner })
    expect(errorChain(outer)).toEqual({
      codes: ['ECONNREFUSED'],
      messages: ['fetch failed', 'connect ECONNREFUSED']
    })
  })

  it('stops on a cycle after 8 levels', () => {
    const a: { message: string; cause?: unknown } = { message: 'a' }
    a.cause = a
    expect(errorChain(a).messages).toHaveLength(8)
  })

  it('a thrown string or nothing usable still gives one message', () => {
    expect(errorChain('plain')).toEqual({ codes: [], messages: ['plain'] })
    expect(errorChain(undefined)).toEqual({ codes: [], messages: ['unknown error'] })
  })
})

describe('lastLine', () => {
  it.each([
    ['one\ntwo\n', 'two'],
    ['  only  ', 'only'],
    ['', '']
  ])('%j -> %j', (text, expected) => {
    expect(lastLine(text)).toBe(expected)
  })
})
