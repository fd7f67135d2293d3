// Starts s3rver on 127.0.0.1, on a free port, with a temporary data
// directory, and prints "PORT <n>" on a line of its own once it listens.
//
// Run it as `node --openssl-legacy-provider start.js`: s3rver 3.7 makes
// its ListObjectsV2 continuation tokens with DES, which Node 17 and later
// only offer through OpenSSL's legacy provider (without it, a listing that
// needs a second page fails with "digital envelope routines::unsupported").
//
// It stops, and removes the directory, on SIGTERM or SIGINT, and when its
// standard input closes, so that it does not outlive the test that started
// it with a pipe, even if that test crashes.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const S3rver = require('s3rver');

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  // Path-style requests only: a test endpoint is an IP address.
  vhostBuckets: false,
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  const done = () => {
    fs.rmSync(directory, { recursive: true, force: true });
    process.exit(code);
  };
  // Bounded: connections kept alive must not hold the exit up.
  setTimeout(done, 2000).unref();
  server.close().then(done, done);
}

process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
process.stdin.on('end', () => stop(0));
process.stdin.on('error', () => stop(0));
process.stdin.resume();

server.run().then(
  ({ port }) => {
    process.stdout.write(`PORT ${port}\n`);
  },
  (error) => {
    process.stderr.write(`s3rver did not start: ${error.stack || error}\n`);
    fs.rmSync(directory, { recursive: true, force: true });
    process.exit(1);
  },
);
