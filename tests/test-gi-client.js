// The S3dlio client through GObject Introspection, from GJS: a client
// against an S3dlio.Server started in this process (it runs its own
// thread), GLib.Bytes, files, async calls on a main loop with progress,
// listing, signing, errors, cancellation, and the GJS examples in
// examples/.
//
//   gjs -m tests/test-gi-client.js [TEST-NAME...]
//
// Output is TAP. The program first runs itself again in a clean
// environment (GLib reads HOME once, before any line here runs): no AWS_*,
// S3DLIO_* or proxy variable, a temporary HOME. Every wait is bounded by a
// GLib.timeout_add guard.
//
// SPDX-License-Identifier: Apache-2.0

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';

const ISOLATED = 'GJS_S3DLIO_TEST_ISOLATED';
const CHILD_TIMEOUT_SECONDS = 170;

const THIS_FILE = GLib.filename_from_uri(import.meta.url)[0];
const SOURCE_DIR = GLib.path_get_dirname(THIS_FILE);
const EXAMPLES_DIR = GLib.build_filenamev([GLib.path_get_dirname(SOURCE_DIR), 'examples']);
const GJS = GLib.file_read_link('/proc/self/exe');

const KiB = 1024;
const MiB = 1024 * 1024;
const ACCESS_KEY = 'AKIDGJSCLIENTTEST';
const SECRET_KEY = 'gjs-client-secret-do-not-print';

// {{{ Bounded waits

function runLoop(loop, seconds, what) {
    let expired = false;
    const guard = GLib.timeout_add(GLib.PRIORITY_DEFAULT, seconds * 1000, () => {
        expired = true;
        loop.quit();
        return GLib.SOURCE_REMOVE;
    });
    loop.run();
    if (expired)
        throw new Error(`${what}: nothing after ${seconds} s`);
    GLib.source_remove(guard);
}

// Calls start(callback) to begin an _async call and runs a main loop until
// the callback comes; returns the GAsyncResult for the _finish call.
function waitFor(start, seconds = 30, what = 'async call') {
    const loop = new GLib.MainLoop(null, false);
    let result = null;
    start((source, res) => {
        result = res;
        loop.quit();
    });
    if (result === null)
        runLoop(loop, seconds, what);
    return result;
}

function runUntil(predicate, seconds, what) {
    const context = GLib.MainContext.default();
    const deadline = GLib.get_monotonic_time() + seconds * 1e6;
    while (!predicate()) {
        if (GLib.get_monotonic_time() > deadline)
            throw new Error(`${what}: not done after ${seconds} s`);
        if (!context.iteration(false))
            GLib.usleep(2000);
    }
}

// }}}
// {{{ Isolation: run again in a clean environment

function cleanEnvironment(home) {
    const keep = GLib.listenv().filter(name =>
        !name.startsWith('AWS_') && !name.startsWith('S3DLIO_') &&
        !name.toLowerCase().endsWith('_proxy') &&
        !['HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME'].includes(name));
    const environ = keep.map(name => `${name}=${GLib.getenv(name)}`);
    return environ.concat([
        `HOME=${home}`,
        `XDG_CONFIG_HOME=${home}/.config`,
        `XDG_CACHE_HOME=${home}/.cache`,
        `XDG_DATA_HOME=${home}/.local/share`,
        'GIO_USE_PROXY_RESOLVER=dummy',
        'GSETTINGS_BACKEND=memory',
        'LC_ALL=C.UTF-8',
        `${ISOLATED}=1`,
    ]);
}

function removeTree(path) {
    const file = Gio.File.new_for_path(path);
    const walk = f => {
        if (f.query_file_type(Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null) === Gio.FileType.DIRECTORY) {
            const children = f.enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
            let info;
            while ((info = children.next_file(null)) !== null)
                walk(f.get_child(info.get_name()));
            children.close(null);
        }
        f.delete(null);
    };
    walk(file);
}

function runIsolated() {
    const home = GLib.dir_make_tmp('s3dlio-gjs-client-XXXXXX');
    const launcher = new Gio.SubprocessLauncher({flags: Gio.SubprocessFlags.NONE});
    launcher.set_environ(cleanEnvironment(home));
    const child = launcher.spawnv([GJS, '-m', THIS_FILE].concat(System.programArgs));
    const loop = new GLib.MainLoop(null, false);
    child.wait_async(null, () => loop.quit());
    try {
        runLoop(loop, CHILD_TIMEOUT_SECONDS, 'isolated test run');
    } catch (e) {
        child.force_exit();
        print(`Bail out! ${e.message}`);
        return 1;
    } finally {
        removeTree(home);
    }
    return child.get_if_exited() ? child.get_exit_status() : 1;
}

if (GLib.getenv(ISOLATED) === null)
    System.exit(runIsolated());

// }}}

const S3dlio = (await import('gi://S3dlio?version=1.0')).default;
const Soup = (await import('gi://Soup?version=3.0')).default;
const HOME = GLib.getenv('HOME');

// {{{ Helpers

function assert(condition, message = 'assertion failed') {
    if (!condition)
        throw new Error(message);
}

function assertEqual(actual, expected, what = 'value') {
    if (actual !== expected)
        throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

function assertBytesEqual(actual, expected, what = 'bytes') {
    assertEqual(actual.length, expected.length, `${what} length`);
    for (let i = 0; i < expected.length; i++) {
        if (actual[i] !== expected[i])
            throw new Error(`${what}: differ at byte ${i}`);
    }
}

// Deterministic bytes.
function payload(size, seed = 1) {
    const data = new Uint8Array(size);
    let x = (seed * 2654435761) >>> 0 || 1;
    for (let i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        data[i] = x & 0xff;
    }
    return data;
}

function text(string) {
    return new TextEncoder().encode(string);
}

function uri(string) {
    return S3dlio.Uri.parse(string);
}

// Calls func, which must throw a GLib.Error of @domain and @code.
function expectError(domain, code, func) {
    try {
        func();
    } catch (e) {
        if (!(e instanceof GLib.Error))
            throw new Error(`expected a GLib.Error, got ${e}`);
        if (!e.matches(domain, code))
            throw new Error(`expected ${GLib.quark_to_string(domain)} ${code}, got ${GLib.quark_to_string(e.domain)} ${e.code}: ${e.message}`);
        assert(!e.message.includes(SECRET_KEY), 'the secret key appears in an error');
        return e;
    }
    throw new Error(`no error, expected ${GLib.quark_to_string(domain)} ${code}`);
}

const S3_ERROR = S3dlio.error_quark();
const IO_ERROR = Gio.io_error_quark();

class Loopback {
    constructor({pageSize = null, minPartSize = null} = {}) {
        this.credentials = S3dlio.Credentials.new(ACCESS_KEY, SECRET_KEY, null);
        this.server = S3dlio.Server.new(null);
        this.server.credentials = this.credentials;
        if (pageSize !== null)
            this.server.page_size = pageSize;
        if (minPartSize !== null)
            this.server.min_part_size = minPartSize;
        this.server.start();
        this.server.create_bucket('bucket');
        this.url = this.server.get_uri();
        this.endpoint = S3dlio.Endpoint.new(this.url, 'us-east-1');
    }

    config(knobs = {}) {
        const config = new S3dlio.Config({
            worker_threads: 2,
            max_inflight: 4,
            max_retries: 2,
            connect_timeout_ms: 5000,
            io_timeout_ms: 10000,
            operation_timeout: 60,
        });
        for (const [name, value] of Object.entries(knobs))
            config[name] = value;
        return config;
    }

    client(knobs = {}) {
        return S3dlio.Client.new(this.endpoint, this.credentials, this.config(knobs));
    }

    put(key, data) {
        this.server.put_object('bucket', key, new GLib.Bytes(data));
    }

    data(key) {
        const stored = this.server.get_object_data('bucket', key);
        return stored === null ? null : stored.toArray();
    }

    environ() {
        return {
            AWS_ENDPOINT_URL: this.url,
            AWS_ACCESS_KEY_ID: ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY: SECRET_KEY,
            AWS_REGION: 'us-east-1',
        };
    }

    stop() {
        this.server.stop();
    }
}

function withLoopback(options, func) {
    const lb = new Loopback(options);
    try {
        func(lb);
    } finally {
        lb.stop();
    }
}

function stallFault({afterBytes = 1024, stallMs = 4000, skip = 0, onlyRanged = false} = {}) {
    const fault = S3dlio.ServerFault.new(S3dlio.FaultKind.STALL);
    fault.method = 'GET';
    fault.after_bytes = afterBytes;
    fault.stall_ms = stallMs;
    fault.skip = skip;
    fault.only_ranged = onlyRanged;
    fault.count = 1;
    return fault;
}

// }}}
// {{{ Tests

const tests = [];

function test(name, func) {
    tests.push([name, func]);
}

test('client_from_environment', () => withLoopback({}, lb => {
    lb.put('env/object', text('found through the environment'));
    const variables = Object.assign(lb.environ(), {S3DLIO_GET_PART_SIZE: '1MiB'});
    for (const [name, value] of Object.entries(variables))
        GLib.setenv(name, value, true);
    let client;
    try {
        client = S3dlio.Client.new_from_environment(null);
    } finally {
        for (const name of Object.keys(variables))
            GLib.unsetenv(name);
    }
    assertEqual(client.get_endpoint().url, lb.url, 'endpoint URL');
    assertEqual(client.endpoint.region, 'us-east-1', 'region');
    assertEqual(client.credentials.source, 'environment', 'credentials source');
    assertEqual(client.config.part_size, MiB, 'part size');
    const bytes = client.get(uri('s3://bucket/env/object'), null);
    assert(bytes instanceof GLib.Bytes, 'get returns GLib.Bytes');
    assertEqual(new TextDecoder().decode(bytes.toArray()), 'found through the environment');

    GLib.setenv('AWS_ENDPOINT_URL', lb.url, true);
    try {
        expectError(S3_ERROR, S3dlio.Error.NO_CREDENTIALS, () => S3dlio.Client.new_from_environment(null));
    } finally {
        GLib.unsetenv('AWS_ENDPOINT_URL');
    }
}));

test('client_explicit_settings_and_notify', () => withLoopback({}, lb => {
    const config = lb.config({part_size: 64 * KiB});
    const seen = [];
    config.connect('notify::max-inflight', obj => seen.push(obj.max_inflight));
    config.max_inflight = 3;
    config.max_inflight = 3;
    config.set_max_inflight(5);
    config.set_from_string('max-inflight', '7');
    assertEqual(seen.join(), '3,5,7', 'notifications');
    assertEqual(config.get_max_inflight(), 7);
    const e = expectError(S3_ERROR, S3dlio.Error.INVALID_CONFIG, () => config.set_from_string('part-size', 'abc'));
    assert(e.message.includes('abc'), e.message);

    const client = new S3dlio.Client({endpoint: lb.endpoint, credentials: lb.credentials, config});
    assert(client.config === config, 'the client keeps its config');
    lb.put('explicit', text('explicit settings'));
    assertEqual(new TextDecoder().decode(client.get(uri('s3://bucket/explicit'), null).toArray()), 'explicit settings');

    const url = client.presign(uri('s3://bucket/explicit'), 'GET', 300);
    assert(url.startsWith(`${lb.url}/bucket/explicit?`) && url.includes('X-Amz-Signature='), url);
    assert(!url.includes(SECRET_KEY), 'the secret key appears in a presigned URL');
}));

test('get_into_glib_bytes', () => withLoopback({}, lb => {
    const small = payload(1000, 1), large = payload(3 * MiB + 17, 2);
    lb.put('get/small', small);
    lb.put('get/large', large);
    const client = lb.client({part_size: 256 * KiB, threshold: 512 * KiB});

    assertBytesEqual(client.get(uri('s3://bucket/get/small'), null).toArray(), small, 'small object');
    lb.server.reset_counters();
    const bytes = client.get(uri('s3://bucket/get/large'), null);
    assertEqual(bytes.get_size(), large.length, 'size');
    assertBytesEqual(bytes.toArray(), large, 'large object');
    assertEqual(lb.server.get_request_count('GET'), 13, 'ranged GETs');
    assertBytesEqual(client.get_range(uri('s3://bucket/get/large'), MiB - 5, 10, null).toArray(),
        large.subarray(MiB - 5, MiB + 5), 'range');

    const result = waitFor(cb => client.get_async(uri('s3://bucket/get/large'), null, cb));
    assertBytesEqual(client.get_finish(result).toArray(), large, 'async get');

    const info = client.stat(uri('s3://bucket/get/small'), null);
    assertEqual(info.size, 1000, 'stat size');
    assertEqual(info.etag, lb.server.get_object_etag('bucket', 'get/small'), 'etag');
}));

test('async_download_with_progress', () => withLoopback({}, lb => {
    const data = payload(4 * MiB, 7);
    lb.put('progress', data);
    // One ranged part stalls for 300 ms and is retried: long enough for
    // many progress updates.
    lb.server.add_fault(stallFault({afterBytes: 4096, stallMs: 300, skip: 2, onlyRanged: true}));
    const client = lb.client({part_size: 256 * KiB, threshold: 512 * KiB, max_inflight: 2});

    const transfer = S3dlio.Transfer.new(uri('s3://bucket/progress'));
    transfer.progress_interval = 10;
    const updates = [], states = [];
    transfer.connect('progress', t => updates.push([t.bytes_done, t.parts_done]));
    transfer.connect('notify::state', t => states.push(t.state));

    const result = waitFor(cb => client.download_async(transfer, null, cb), 30, 'download');
    assert(client.download_finish(result), 'download_finish');
    assertBytesEqual(transfer.get_bytes().toArray(), data, 'downloaded bytes');
    assert(updates.length >= 5, `only ${updates.length} progress updates`);
    assert(updates.some(([done]) => done > 0 && done < data.length), 'no intermediate progress');
    const [lastDone, lastParts] = updates[updates.length - 1];
    assert(lastDone >= data.length && lastParts === 16, `last update ${lastDone} bytes, ${lastParts} parts`);
    assertEqual(states.join(), [S3dlio.TransferState.RUNNING, S3dlio.TransferState.DONE].join(), 'states');
    assert(transfer.retries >= 1, 'no retry');
    const partStates = transfer.get_part_states().toArray();
    assert(partStates.length === 16 && partStates.every(s => s === S3dlio.PartState.DONE), 'part states');
}));

test('get_to_file', () => withLoopback({}, lb => {
    const data = payload(MiB + 3, 3);
    lb.put('file/object', data);
    const client = lb.client({part_size: 128 * KiB, threshold: 256 * KiB});
    const directory = GLib.dir_make_tmp('s3dlio-gjs-file-XXXXXX');
    try {
        const syncPath = GLib.build_filenamev([directory, 'sync']);
        assert(client.get_to_file(uri('s3://bucket/file/object'), syncPath, null), 'get_to_file');
        assertBytesEqual(GLib.file_get_contents(syncPath)[1], data, 'file from get_to_file');

        const asyncPath = GLib.build_filenamev([directory, 'async']);
        const result = waitFor(cb => client.get_to_file_async(uri('s3://bucket/file/object'), asyncPath, null, cb));
        assert(client.get_to_file_finish(result), 'get_to_file_finish');
        assertBytesEqual(GLib.file_get_contents(asyncPath)[1], data, 'file from get_to_file_async');

        // A failed download leaves no file that looks complete.
        const missing = GLib.build_filenamev([directory, 'missing']);
        expectError(S3_ERROR, S3dlio.Error.NO_SUCH_KEY,
            () => client.get_to_file(uri('s3://bucket/file/missing'), missing, null));
        assert(!GLib.file_test(missing, GLib.FileTest.EXISTS), 'a failed download left a file');
    } finally {
        removeTree(directory);
    }
}));

// Sends @request, signed or not, with a plain Soup.Session: the headers
// are exactly the request's (Soup sets Host from the URL).
function sendRequest(request) {
    const session = new Soup.Session({timeout: 10});
    const message = Soup.Message.new(request.get_method(), request.to_uri_string());
    const headers = message.get_request_headers();
    for (const name of request.get_header_names())
        headers.replace(name, request.get_header(name));
    const body = session.send_and_read(message, null);
    return {status: message.get_status(), body: new TextDecoder().decode(body.toArray())};
}

test('sign_request', () => {
    // "Example: GET Object" from the S3 API Reference
    // (sig-v4-header-based-auth), the vector test-gi-foundation.py uses.
    const example = S3dlio.Credentials.new('AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', null);
    const exampleSigner = S3dlio.Signer.new(example, 'us-east-1');
    const exampleRequest = S3dlio.Request.new('GET', 'examplebucket.s3.amazonaws.com', '/test.txt');
    exampleRequest.set_header('Range', 'bytes=0-9');
    assert(exampleSigner.sign(exampleRequest, GLib.DateTime.new_utc(2013, 5, 24, 0, 0, 0)), 'sign');
    assertEqual(exampleRequest.get_header('Authorization'),
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41', 'Authorization');
    assertEqual(exampleRequest.get_header('X-Amz-Date'), '20130524T000000Z', 'X-Amz-Date');
    assertEqual(exampleRequest.get_header('x-amz-content-sha256'), S3dlio.EMPTY_PAYLOAD_SHA256, 'payload hash');

    withLoopback({}, lb => {
        lb.put('signed/a b+c.txt', text('signed from GJS'));
        const signer = S3dlio.Signer.new(lb.credentials, 'us-east-1');
        assertEqual(signer.get_region(), 'us-east-1', 'region');

        // Signed now, sent with Soup: the server checks the signature.
        const request = lb.endpoint.new_request('GET', 'bucket', 'signed/a b+c.txt');
        assert(signer.sign(request, null), 'sign');
        const authorization = request.get_header('Authorization');
        const shape = new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/us-east-1/s3/aws4_request, ` +
            'SignedHeaders=(?:[a-z0-9-]+;)*host(?:;[a-z0-9-]+)*, Signature=[0-9a-f]{64}$');
        assert(shape.test(authorization), `Authorization: ${authorization}`);
        assert(!authorization.includes(SECRET_KEY), 'the secret key appears in the Authorization header');
        let reply = sendRequest(request);
        assertEqual(reply.status, 200, `status (${reply.body})`);
        assertEqual(reply.body, 'signed from GJS', 'body');

        // The same request with a different signature is refused.
        const last = authorization.slice(-1) === '0' ? '1' : '0';
        request.set_header('Authorization', authorization.slice(0, -1) + last);
        reply = sendRequest(request);
        assertEqual(reply.status, 403, 'status of a tampered request');
        assert(reply.body.includes('SignatureDoesNotMatch'), reply.body);
    });
});

test('list_with_paging', () => withLoopback({pageSize: 4}, lb => {
    const keys = [];
    for (let i = 0; i < 25; i++)
        keys.push(`pages/${String(i).padStart(2, '0')}`);
    keys.push('pages/sub/a', 'pages/sub/b');
    keys.forEach((key, i) => lb.put(key, payload(i, i + 1)));
    const client = lb.client();

    lb.server.reset_counters();
    const objects = client.list(uri('s3://bucket/pages/'), null, null);
    assert(objects instanceof Gio.ListModel, 'a Gio.ListModel');
    const changes = [];
    objects.connect('items-changed', (model, position, removed, added) => changes.push(`${position}+${added}`));
    const loop = new GLib.MainLoop(null, false);
    objects.connect('notify::loading', model => model.loading || loop.quit());
    if (objects.loading)
        runLoop(loop, 30, 'listing');
    assert(objects.complete && objects.error === null, 'listing complete');
    assertEqual(changes.join(), '0+4,4+4,8+4,12+4,16+4,20+4,24+3', 'pages');
    assertEqual(objects.n_pages, 7, 'pages');
    assertEqual(lb.server.get_request_count('GET'), 7, 'list requests');
    const listed = [];
    for (let i = 0; i < objects.get_n_items(); i++)
        listed.push(objects.get_item(i).key);
    assertEqual(listed.join(), keys.join(), 'keys');
    assertEqual(objects.get_item(3).size, 3, 'size');

    const result = waitFor(cb => client.list_all_async(uri('s3://bucket/pages/'), '/', null, cb));
    const rolled = client.list_all_finish(result);
    assertEqual(rolled.get_n_items(), 26, 'items with a delimiter');
    const last = rolled.get_item(25);
    assert(last.is_prefix && last.key === 'pages/sub/', `last item ${last.key}`);

    const seen = [];
    const done = waitFor(cb => client.list_foreach_async(uri('s3://bucket/pages/'), null, 'pages/22',
        info => {
            seen.push(info.key);
            return true;
        }, null, cb));
    assert(client.list_foreach_finish(done), 'list_foreach_finish');
    assertEqual(seen.join(), 'pages/23,pages/24,pages/sub/a,pages/sub/b', 'foreach');
}));

test('put_and_multipart_put', () => withLoopback({minPartSize: 64 * KiB}, lb => {
    const client = lb.client({upload_part_size: 64 * KiB, upload_threshold: 128 * KiB});
    const small = text('a small put'), large = payload(4 * 64 * KiB + 123, 5);
    assert(client.put(uri('s3://bucket/put/small'), new GLib.Bytes(small), 'text/plain', null, null), 'put');
    assertBytesEqual(lb.data('put/small'), small, 'small put');

    const upload = S3dlio.Upload.new(uri('s3://bucket/put/large'));
    upload.set_source_bytes(new GLib.Bytes(large));
    upload.progress_interval = 10;
    let progress = 0;
    upload.connect('progress', () => progress++);
    const result = waitFor(cb => client.upload_async(upload, null, cb));
    assert(client.upload_finish(result), 'upload_finish');
    assertBytesEqual(lb.data('put/large'), large, 'multipart put');
    assertEqual(upload.n_parts, 5, 'parts');
    assert(progress > 0, 'no progress signal');
    assert(lb.server.get_object_etag('bucket', 'put/large').endsWith('-5"'), 'multipart ETag');

    assert(client.delete(uri('s3://bucket/put/large'), null), 'delete');
    expectError(S3_ERROR, S3dlio.Error.NO_SUCH_KEY, () => client.stat(uri('s3://bucket/put/large'), null));
}));

test('errors_have_domain_and_code', () => withLoopback({}, lb => {
    const client = lb.client({max_retries: 0});
    const e = expectError(S3_ERROR, S3dlio.Error.NO_SUCH_KEY, () => client.get(uri('s3://bucket/absent'), null));
    assertEqual(e.domain, S3dlio.error_quark(), 'domain');
    assertEqual(e.code, S3dlio.Error.NO_SUCH_KEY, 'code');
    assert(e.matches(S3dlio.Error, S3dlio.Error.NO_SUCH_KEY), 'matches the enum as a domain');
    assert(e.message.includes('absent') && e.message.includes('NoSuchKey'), e.message);
    assert(!S3dlio.error_is_retryable(e), 'NoSuchKey is not retryable');

    const result = waitFor(cb => client.get_async(uri('s3://bucket/absent'), null, cb));
    expectError(S3_ERROR, S3dlio.Error.NO_SUCH_KEY, () => client.get_finish(result));
    expectError(S3_ERROR, S3dlio.Error.NO_SUCH_BUCKET, () => client.list_all(uri('s3://absent/'), null, null));
    expectError(S3_ERROR, S3dlio.Error.INVALID_URI, () => S3dlio.Uri.parse('s3://Not_A_Bucket/key'));

    const fault = new S3dlio.ServerFault({kind: S3dlio.FaultKind.STATUS, status: 503, s3_code: 'SlowDown', count: 1});
    lb.server.add_fault(fault);
    lb.put('present', text('here'));
    const throttled = expectError(S3_ERROR, S3dlio.Error.THROTTLED, () => client.get(uri('s3://bucket/present'), null));
    assert(S3dlio.error_is_retryable(throttled), 'SlowDown is retryable');
}));

test('cancellation', () => {
    withLoopback({}, lb => {
        lb.put('object', text('x'));
        const client = lb.client();
        const cancellable = new Gio.Cancellable();
        cancellable.cancel();
        expectError(IO_ERROR, Gio.IOErrorEnum.CANCELLED, () => client.get(uri('s3://bucket/object'), cancellable));
    });

    withLoopback({}, lb => {
        lb.put('stalled', payload(MiB, 6));
        const fault = stallFault();
        lb.server.add_fault(fault);
        const client = lb.client({io_timeout_ms: 20000});
        const transfer = S3dlio.Transfer.new(uri('s3://bucket/stalled'));
        const cancellable = new Gio.Cancellable();
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20, () => {
            if (fault.get_hits() === 0)
                return GLib.SOURCE_CONTINUE;
            cancellable.cancel();
            return GLib.SOURCE_REMOVE;
        });
        const started = GLib.get_monotonic_time();
        const result = waitFor(cb => client.download_async(transfer, cancellable, cb), 10);
        expectError(IO_ERROR, Gio.IOErrorEnum.CANCELLED, () => client.download_finish(result));
        const seconds = (GLib.get_monotonic_time() - started) / 1e6;
        assert(seconds < 3, `cancelling took ${seconds} s`);
        assertEqual(transfer.state, S3dlio.TransferState.CANCELLED, 'transfer state');
    });
});

function runExample(lb, args, seconds = 60) {
    const launcher = new Gio.SubprocessLauncher({
        flags: Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE,
    });
    for (const [name, value] of Object.entries(lb.environ()))
        launcher.setenv(name, value, true);
    const child = launcher.spawnv([GJS, '-m'].concat(args));
    let out = null;
    const loop = new GLib.MainLoop(null, false);
    child.communicate_utf8_async(null, null, (proc, res) => {
        const [, stdout, stderr] = proc.communicate_utf8_finish(res);
        out = {stdout, stderr};
        loop.quit();
    });
    try {
        runLoop(loop, seconds, args.join(' '));
    } catch (e) {
        child.force_exit();
        throw e;
    }
    out.status = child.get_exit_status();
    return out;
}

test('example_download_js', () => withLoopback({}, lb => {
    const data = payload(2 * MiB + 5, 8);
    lb.put('dir/object.bin', data);
    const directory = GLib.dir_make_tmp('s3dlio-gjs-download-XXXXXX');
    const script = GLib.build_filenamev([EXAMPLES_DIR, 'download.js']);
    try {
        const destination = GLib.build_filenamev([directory, 'copy.bin']);
        let done = runExample(lb, [script, '--part-size', '256KiB', 's3://bucket/dir/object.bin', destination]);
        assertEqual(done.status, 0, `exit status (${done.stderr})`);
        const [, contents] = GLib.file_get_contents(destination);
        assertBytesEqual(contents, data, 'downloaded file');
        assert(done.stderr.includes('100%'), `no progress bar: ${done.stderr}`);
        assert(done.stdout.includes('s3://bucket/dir/object.bin') && done.stdout.includes(String(data.length)), done.stdout);

        const missing = GLib.build_filenamev([directory, 'missing']);
        done = runExample(lb, [script, 's3://bucket/dir/missing', missing]);
        assertEqual(done.status, 1, 'exit status for a missing key');
        assert(done.stderr.includes('NoSuchKey'), done.stderr);
        assert(!GLib.file_test(missing, GLib.FileTest.EXISTS), 'a failed download left a file');
    } finally {
        removeTree(directory);
    }
}));

test('example_ls_js', () => withLoopback({pageSize: 3}, lb => {
    for (let i = 0; i < 8; i++)
        lb.put(`photos/2024/${i}.jpg`, payload(100 + i, i + 1));
    lb.put('photos/index.html', text('<html/>'));
    const script = GLib.build_filenamev([EXAMPLES_DIR, 'ls.js']);

    let done = runExample(lb, [script, 's3://bucket/photos/']);
    assertEqual(done.status, 0, `exit status (${done.stderr})`);
    let lines = done.stdout.trim().split('\n').map(line => line.trim().split(/\s+/));
    assertEqual(lines.length, 2, 'lines');
    assertEqual(lines[0].join(' '), 'PRE 2024/', 'prefix line');
    assertEqual(lines[1].slice(-2).join(' '), '7 index.html', 'object line');

    done = runExample(lb, [script, '--recursive', 's3://bucket/photos/']);
    assertEqual(done.status, 0, `exit status (${done.stderr})`);
    lines = done.stdout.trim().split('\n').map(line => line.trim().split(/\s+/));
    assertEqual(lines.map(l => l[l.length - 1]).join(),
        [0, 1, 2, 3, 4, 5, 6, 7].map(i => `photos/2024/${i}.jpg`).concat(['photos/index.html']).join(), 'keys');

    done = runExample(lb, [script, 's3://missing/']);
    assertEqual(done.status, 1, 'exit status for a missing bucket');
    assert(done.stderr.includes('NoSuchBucket'), done.stderr);
}));

// }}}

function main(selected) {
    const chosen = tests.filter(([name]) => selected.length === 0 || selected.includes(name));
    print(`1..${chosen.length}`);
    let failed = 0;
    chosen.forEach(([name, func], i) => {
        const started = GLib.get_monotonic_time();
        try {
            func();
            print(`ok ${i + 1} - ${name} (${((GLib.get_monotonic_time() - started) / 1e6).toFixed(2)} s)`);
        } catch (e) {
            failed++;
            print(`not ok ${i + 1} - ${name}: ${String(e).replace(/\s+/g, ' ')}`);
            printerr(e.stack ?? '');
        }
    });
    return failed ? 1 : 0;
}

System.exit(main(System.programArgs));
