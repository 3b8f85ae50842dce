// The post step's entry, copied to dist/post.js by `npm run bundle`: the same bundle as main, told that it
// runs as the post step (src/index.ts, POST_STEP_FLAG in src/run/state.ts).
process.argv.push('--post-step')
await import('./index.js')
