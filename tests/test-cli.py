#!/usr/bin/python3
# End-to-end tests of the s3dlio command-line tool: every command against
# endpoints served by "s3dlio serve" (a directory, memory, with SigV4
# credentials, with an injected stall), checking files byte for byte, the
# JSON output, the exit codes (0 ok, 1 usage, 2 failed), progress, signals
# and that secrets never show.
#
# Usage: test-cli.py PATH-TO-s3dlio [GROUP [TEST...]]
# (TEST: the name of a test function, to run only those of GROUP)
#
# SPDX-License-Identifier: Apache-2.0

import atexit
import ctypes
import hashlib
import json
import os
import pty
import random
import re
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

# The tests come in two groups, which meson runs as two tests at the same
# time: under valgrind each run of the tool costs a second, and the bad
# input sweeps alone run it hundreds of times.
GROUPS = ("commands", "bad-input")
if len(sys.argv) < 2 or (len(sys.argv) >= 3 and sys.argv[2] not in GROUPS):
    sys.exit("usage: test-cli.py PATH-TO-s3dlio [%s [TEST...]]" % "|".join(GROUPS))
TOOL = os.path.abspath(sys.argv[1])
GROUP = sys.argv[2] if len(sys.argv) >= 3 else None
ONLY = set(sys.argv[3:])

# Control our own environment: nothing from the machine (AWS profiles,
# S3DLIO_* tuning, proxies, translations) may leak into the tool.
for name in list(os.environ):
    if name.startswith(("AWS_", "S3DLIO_")) or name.lower().endswith("_proxy"):
        del os.environ[name]
TOP = tempfile.mkdtemp(prefix="s3dlio-cli-test-")
os.environ["HOME"] = os.path.join(TOP, "home")
os.makedirs(os.environ["HOME"])
os.environ["GIO_USE_PROXY_RESOLVER"] = "dummy"
os.environ["LC_ALL"] = "C.UTF-8"
os.environ["LANGUAGE"] = "C"
os.environ.pop("G_MESSAGES_DEBUG", None)

RUN_TIMEOUT = 60        # seconds for any one command
SERVE_TIMEOUT = 10      # seconds for "serve" to print its URL
STOP_TIMEOUT = 30       # seconds for "serve" to end after SIGINT (valgrind's leak check takes a while)
SECRET = "cli-test-secret/Do+Not+Print"
ACCESS_KEY_ID = "AKIDCLITEST"

tests = []
servers = []


def test(func):
    """A test of the "commands" group."""
    tests.append(("commands", func))
    return func


def bad_input_test(func):
    """A test of the "bad-input" group: usage errors and sweeps of bad values."""
    tests.append(("bad-input", func))
    return func


# {{{ Helpers

def sha256(data):
    return hashlib.sha256(data).hexdigest()


def file_sha256(path):
    with open(path, "rb") as f:
        return sha256(f.read())


def write_file(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return data


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def fresh_dir(name):
    path = os.path.join(TOP, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def tree(directory):
    """{relative path: sha256} of every file under directory."""
    result = {}
    for root, _, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            result[os.path.relpath(path, directory)] = file_sha256(path)
    return result


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode = returncode
        self.stdout = stdout            # bytes
        self.stderr = stderr.replace("\u00a0", " ")

    @property
    def text(self):
        # g_format_size() puts a no-break space before the unit.
        return self.stdout.decode("utf-8").replace("\u00a0", " ")

    @property
    def lines(self):
        return self.text.splitlines()

    def __repr__(self):
        return "exit %d, stdout %r, stderr %r" % (self.returncode, self.stdout[:500], self.stderr[:2000])


# What AddressSanitizer, UBSan, LeakSanitizer (the asan setup of meson
# test) and valgrind (the valgrind setup, run with -q: it prints nothing
# but its reports) write on stderr when they find something.
SANITIZER_REPORT = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error: "
                              r"|^==\d+== (ERROR SUMMARY: [1-9]|Invalid |Conditional jump |Use of uninitialised "
                              r"|Syscall param |Mismatched free|Source and destination overlap"
                              r"|[\d,]+ bytes in [\d,]+ blocks are definitely lost)", re.M)


def assert_no_sanitizer_report(text, where):
    match = SANITIZER_REPORT.search(text)
    assert match is None, "a sanitizer or valgrind report in %s: %s" % (
        where, text[max(0, match.start() - 500):match.start() + 3000])


def run(*args, env=None, input=None, cwd=None, timeout=RUN_TIMEOUT):
    p = subprocess.run([TOOL] + [str(a) for a in args], input=input, cwd=cwd or TOP,
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    result = Result(p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"))
    assert_no_sanitizer_report(result.stderr, "the stderr of s3dlio %s" % " ".join(str(a) for a in args[:3]))
    return result


def ok(result):
    assert result.returncode == 0, result
    return result


def usage_error(result, *fragments):
    assert result.returncode == 1, result
    assert result.stderr.startswith("s3dlio: "), result
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result)
    assert result.stdout == b"", result
    return result


def failed(result, *fragments):
    assert result.returncode == 2, result
    assert "s3dlio: " in result.stderr, result
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result)
    return result


def json_lines(result):
    """Every line of stdout parsed as one JSON object."""
    objects = [json.loads(line) for line in result.lines]
    for o in objects:
        assert isinstance(o, dict), result
    return objects


def die_with_parent():
    """Run in the child: SIGTERM when the test dies, however it dies."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Server:
    """"s3dlio serve", started and stopped by the test."""

    def __init__(self, *args, env=None):
        # Its log goes to a file: a pipe nobody reads could fill up.
        self.log_path = os.path.join(TOP, "serve-%d.log" % len(servers))
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([TOOL, "serve"] + list(args), env=env,
                                            stdout=subprocess.PIPE, stderr=log,
                                            preexec_fn=die_with_parent)
        servers.append(self)
        self.url = self._read_url()

    def _read_url(self):
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + SERVE_TIMEOUT
        output = b""
        while time.monotonic() < deadline and b"\n" not in output:
            if not selector.select(timeout=max(0, deadline - time.monotonic())):
                break
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                break
            output += chunk
        selector.close()
        # Any loopback address: --address may name another one than 127.0.0.1.
        match = re.search(rb"http://127\.\d+\.\d+\.\d+:\d+", output)
        assert match, "serve printed no URL: %r" % output
        return match.group(0).decode()

    def options(self):
        return ["--endpoint-url", self.url, "--no-sign-request"]

    def stop(self):
        """Stops it as Ctrl+C does, and checks it ended cleanly: SIGINT is
        serve's way to end (exit 0), anything else is a crash, a hang or
        (under the asan and valgrind setups) a report, which goes to its
        log and nowhere else. Checked once: the second call does nothing."""
        if self.process.stdout.closed:
            return
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
                try:
                    self.process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
                    raise AssertionError("serve (%s) did not end within %d s of SIGINT"
                                         % (self.log_path, STOP_TIMEOUT))
        finally:
            self.process.stdout.close()
        log = read_file(self.log_path).decode("utf-8", "replace")
        assert_no_sanitizer_report(log, "the log of serve (%s)" % self.log_path)
        assert self.process.returncode == 0, "serve (%s) exited with %d: %s" % (
            self.log_path, self.process.returncode, log[-3000:])


def s3(*args, **kwargs):
    """Runs the tool against the directory-backed endpoint, anonymously."""
    return run(*(list(args) + DIR.options()), **kwargs)


def run_on_terminal(*args, timeout=RUN_TIMEOUT):
    """Runs the tool with its stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([TOOL] + list(args), cwd=TOP, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        slave = -1
        output = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], max(0, deadline - time.monotonic()))
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:         # EIO: the other end is closed
                break
            if not chunk:
                break
            output += chunk
        stdout, _ = p.communicate(timeout=max(1, deadline - time.monotonic()))
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    result = Result(p.returncode, stdout, output.decode("utf-8", "replace"))
    assert_no_sanitizer_report(result.stderr, "the terminal of s3dlio %s" % " ".join(args[:3]))
    return result


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_to_listen_on():
    """A free port below the kernel's ephemeral range (32768 and up), so
    that no outgoing connection of a test running in parallel can take
    it between this check and the server's bind()."""
    rng = random.Random()
    for _ in range(100):
        port = rng.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise AssertionError("no free port between 20000 and 32000 in 100 tries")


def no_progress(result):
    assert "\r" not in result.stderr, result
    assert "GB/s" not in result.stderr, result

# }}}
# {{{ Fixtures

@atexit.register
def stop_servers():
    """Whatever happens, no server outlives the test (main() checks how
    they ended; this is for when it could not)."""
    for server in servers:
        try:
            server.stop()
        except AssertionError:
            pass


ROOT = os.path.join(TOP, "root")        # served by DIR: bucket "data"
DATA = {
    "small.txt": b"hello, s3dlio\n",
    "dir/a.bin": os.urandom(100 * 1024),
    "dir/sub/b.bin": os.urandom(3 * 1024 * 1024 + 17),
    "dir/sub/deeper/c.txt": b"c" * 1000,
    "big.bin": os.urandom(24 * 1024 * 1024 + 5),
}
for key, value in DATA.items():
    write_file(os.path.join(ROOT, "data", key), value)
os.makedirs(os.path.join(ROOT, "scratch"))

DIR = Server(ROOT)

# }}}
# {{{ Dispatch, help and usage errors


@test
def version_and_help():
    r = ok(run("version"))
    assert re.fullmatch(r"s3dlio \d+\.\d+\.\d+\n", r.text), r
    r = ok(run("help"))
    for command in ("ls", "get", "cat", "info", "put", "cp", "rm", "presign", "mb", "rb", "bench", "serve"):
        assert re.search(r"^  %s " % command, r.text, re.M), (command, r)
    for command in ("ls", "get", "put", "cp", "rm", "presign", "mb", "rb", "info", "cat"):
        r = ok(run("help", command))
        assert ("s3dlio %s" % command) in r.text, r
        r = ok(run(command, "--help"))
        assert "Usage:" in r.text, r
    r = ok(run("get", "--help-all"))
    assert "--part-size" in r.text and "--endpoint-url" in r.text, r


@bad_input_test
def usage_errors():
    usage_error(run(), "Usage:")
    usage_error(run("frobnicate"), "Unknown command")
    usage_error(run("help", "frobnicate"), "Unknown command")
    usage_error(run("get", "--bogus", "s3://data/small.txt"), "--bogus")
    usage_error(run("ls", "--bogus"), "--bogus")
    usage_error(s3("get"), "Give an object URI")
    usage_error(s3("cat"), "Give at least one object URI")
    usage_error(s3("info"), "Give one object URI")
    usage_error(s3("put", "x"), "Give a file and a URI")
    usage_error(s3("cp", "x"), "Give a source and a destination")
    usage_error(s3("rm"), "Give at least one URI")
    usage_error(s3("presign"), "Give one object URI")
    usage_error(s3("mb"), "Give one bucket")
    usage_error(s3("rb"), "Give one bucket")
    usage_error(s3("ls", "s3://data/", "s3://data/"), "at most one")
    # Bad URIs
    usage_error(s3("get", "s3://Bad_Bucket/key", "out"), "Bad_Bucket")
    usage_error(s3("get", "gopher://host/x", "out"))
    usage_error(s3("presign", "not/a/uri"), "is not an s3:// URI")
    usage_error(s3("info", "s3://"))
    usage_error(s3("mb", "s3://data/key"), "names a key")
    usage_error(s3("rb", "s3://data/key"), "names a key")
    usage_error(s3("put", "s3://data/small.txt", "s3://data/x"), "local file")
    usage_error(s3("cp", "-", "-"), "SRC and DST cannot both be “-”")
    # Bad values
    usage_error(s3("get", "--part-size", "abc", "s3://data/small.txt", "out"), "--part-size", "abc")
    usage_error(s3("get", "--inflight", "lots", "s3://data/small.txt", "out"), "--inflight")
    usage_error(s3("put", "--threshold", "1X", "x", "s3://data/x"), "--threshold")
    usage_error(s3("get", "-j", "0", "-r", "s3://data/dir/", "out"), "--jobs")
    usage_error(s3("get", "-j", "many", "s3://data/small.txt"), "many")
    usage_error(s3("presign", "--expires", "0", "s3://data/small.txt"), "--expires")
    usage_error(s3("presign", "--expires", "604801", "s3://data/small.txt"), "--expires")
    usage_error(s3("put", "--metadata", "novalue", "x", "s3://data/x"), "NAME=VALUE")
    usage_error(s3("info", "--region", "Not A Region", "s3://data/small.txt"), "region")
    usage_error(run("info", "--endpoint-url", "ftp://x", "--no-sign-request", "s3://data/small.txt"), "endpoint")
    usage_error(s3("info", "--path-style", "--virtual-hosted", "s3://data/small.txt"), "--path-style")
    usage_error(run("serve", "--fault", "explode", ROOT), "--fault")
    usage_error(run("serve", "--fault", "stall,ms=x", ROOT), "ms")
    # Missing or contradictory arguments
    usage_error(s3("get", "s3://data/dir/", "out"), "prefix", "-r")
    usage_error(s3("get", "-r", "s3://data/dir/"), "directory")
    usage_error(s3("get", "--discard", "s3://data/small.txt", "out"), "--discard")
    usage_error(s3("get", "--json", "s3://data/small.txt", "-"), "--json")
    usage_error(s3("rm", "s3://data/dir/"), "prefix", "-r")
    usage_error(s3("rm", "s3://data"), "prefix", "-r")
    usage_error(s3("put", ROOT, "s3://data/x/"), "is a directory", "-r")
    usage_error(s3("put", "-", "s3://data/x/"), "full key")
    usage_error(s3("cp", "-r", "s3://data/dir/", "s3://data/copy/"), "-r")
    usage_error(s3("ls", "-r"), "-r")
    # Nothing was written by any of them.
    assert not os.path.exists(os.path.join(TOP, "out"))


BAD_NUMBERS = ("abc", "99999999999999999999", "16E", "1e3", "-1")


def unchanged(directory, before):
    """Nothing new or partial (no temporary file) appeared in directory."""
    after = sorted(os.listdir(directory))
    assert after == before, (before, after)


@bad_input_test
def bad_values_sweep():
    """Every size and count option, of every command that has it, refuses
    non-numbers, overflows, units it does not know, negatives and (where
    it makes no sense) zero: a usage error naming the option and the value,
    and nothing written."""
    out = fresh_dir("bad-values")
    src = os.path.join(out, "src.bin")
    write_file(src, b"x" * 1000)
    before = sorted(os.listdir(out))
    dest = os.path.join(out, "dest.bin")
    commands = {
        "get": ["get", "s3://data/small.txt", dest],
        "cat": ["cat", "s3://data/small.txt"],
        "put": ["put", src, "s3://scratch/bad-values/x"],
        "cp": ["cp", "s3://data/small.txt", dest],
        "bench": ["bench", "--size", "1K", "--runs", "1"],
    }
    # Tuning options, as text: parsed by S3dlioConfig, named as the user
    # gave them (not as the library's property).
    zero_is_bad = {"--part-size", "--inflight", "--connections", "--threads"}
    for option in ("--part-size", "--inflight", "--threshold", "--connections", "--threads", "--retries"):
        for name, args in commands.items():
            values = BAD_NUMBERS + ("0",) if option in zero_is_bad else BAD_NUMBERS
            if name not in ("get", "put"):
                values = ("abc", "-1")      # the same code: a sample is enough
            for value in values:
                r = usage_error(s3(args[0], option, value, *args[1:]), option + ": “%s”" % value)
                assert not re.search(r"--[\w-]+: [\w-]+: ", r.stderr), r
    # Put tunes uploads: a 64 KiB minimum, not GET's 4 KiB.
    usage_error(s3("put", "--part-size", "4K", src, "s3://scratch/bad-values/x"), "--part-size", "“4K”", "65536")
    usage_error(s3("get", "--part-size", "6T", "s3://data/small.txt", dest), "--part-size", "out of range")

    # Whole-number options parsed by GOption, then range-checked.
    int_options = [
        (["get", "-r", "s3://data/dir/", out], "--jobs", "1 to 1024"),
        (["put", "-r", out, "s3://scratch/bad-values/"], "--jobs", "1 to 1024"),
        (["cp", "-r", "s3://data/dir/", out], "--jobs", "1 to 1024"),
        (["presign", "s3://data/small.txt"], "--expires", "1 to 604800"),
        (["bench", "--size", "1K"], "--count", "1 to 10000"),
        (["bench", "--size", "1K"], "--runs", "1 to 100"),
    ]
    for args, option, bounds in int_options:
        for value in BAD_NUMBERS[:4]:
            usage_error(s3(args[0], option, value, *args[1:]), option, "“%s”" % value)
        for value in ("-1", "0"):
            usage_error(s3(args[0], option, value, *args[1:]), option, bounds, "not " + value)
    usage_error(s3("get", "-j", "1025", "-r", "s3://data/dir/", out), "--jobs", "not 1025")
    usage_error(s3("presign", "--expires", "604801", "s3://data/small.txt"), "--expires", "not 604801")

    # bench --size and --sweep
    for value in BAD_NUMBERS + ("0", "65G", ""):
        usage_error(run("bench", "--size", value), "--size")
    usage_error(run("bench", "--size", "16E"), "--size", "“16E”", "unknown unit “E”")
    usage_error(run("bench", "--size", "65G"), "--size", "64 GiB", "not “65G”")
    usage_error(run("bench", "--size", "1G", "--count", "65"), "--count", "64 GiB")
    for value in ("abc", "0", "-1", "1025", "1,,2", "99999999999999999999"):
        usage_error(run("bench", "--size", "1K", "--sweep", value), "--sweep")

    # serve --port, --address and --fault
    for value in BAD_NUMBERS[:4]:
        usage_error(run("serve", "--port", value, ROOT), "--port", "“%s”" % value)
    for value in ("-1", "65536"):
        usage_error(run("serve", "--port", value, ROOT), "--port", "0 to 65535", "not " + value)
    for value in ("bogus", "999.1.1.1", ""):
        usage_error(run("serve", "--address", value, ROOT), "“%s”" % value, "not an IP address")
    for spec, fragment in (("stall,after=16E", "“16E”"), ("stall,ms=-1", "ms"), ("stall,ms=1e3", "ms"),
                           ("status,status=99999999999999999999", "status"), ("status,status=0", "status"),
                           ("stall,skip=-1", "skip"), ("stall,count=abc", "count"), ("stall,bogus", "bogus"),
                           ("", "kind")):
        usage_error(run("serve", "--fault", spec, ROOT), "--fault", fragment)

    unchanged(out, before)
    assert not os.path.exists(os.path.join(ROOT, "scratch", "bad-values"))


@bad_input_test
def bad_uris_sweep():
    """Malformed URIs and bucket names: a usage error from every command
    naming what is wrong, before anything is sent or written."""
    out = fresh_dir("bad-uris")
    src = os.path.join(out, "src.txt")
    write_file(src, b"src")
    before = sorted(os.listdir(out))
    bad = {
        "s3://Bad_Bucket/k": "Bad_Bucket",
        "s3://ab/k": "3 to 63",
        "s3://" + "a" * 64 + "/k": "3 to 63",
        "s3://-bad/k": "begin and end",
        "s3://bad-/k": "begin and end",
        "s3://192.168.1.1/k": "IP address",
        "s3://a..b/k": "“..”",
        "s3://xn--bad/k": "reserves",
        "s3:///key": "no bucket",
        "http://host/key": "unknown scheme “http”",
        "": "empty",
    }
    for uri, fragment in bad.items():
        for args in (["ls", uri], ["info", uri], ["cat", uri], ["rm", uri], ["presign", uri],
                     ["get", uri, os.path.join(out, "x")], ["put", src, uri],
                     ["cp", uri, os.path.join(out, "x")], ["cp", src, uri],
                     ["cp", uri, "s3://scratch/x"], ["bench", uri]):
            usage_error(s3(*args), fragment)
        if uri.startswith("s3://"):
            bucket = uri[:uri.rindex("/")]
            usage_error(s3("mb", bucket), fragment)
            usage_error(s3("rb", bucket), fragment)

    # What is not an object where one is needed: a prefix, and for the
    # commands of S3 alone a local path (see s3_only_commands_refuse_files).
    for command in ("info", "presign", "bench"):
        usage_error(s3(command, "s3://data/dir/"), "prefix")
    for command in ("presign", "bench"):
        usage_error(s3(command, src), "“%s” is not an s3:// URI" % src)
        usage_error(s3(command, "s3:"), "“s3:” is not an s3:// URI")
    usage_error(s3("cat", "s3://data/small.txt", "s3://data/dir/"), "“s3://data/dir/” is a prefix")
    usage_error(s3("cat", out + "/"), "is a prefix")
    usage_error(s3("mb", "s3://data/dir/"), "names a key")
    usage_error(s3("get", "s3://data/small.txt", "s3://data/other"), "local path")
    usage_error(s3("get", "s3://data/small.txt", "gopher://x/y"), "gopher")
    unchanged(out, before)
    assert sorted(os.listdir(os.path.join(ROOT, "data"))) == ["big.bin", "dir", "small.txt"]


@bad_input_test
def bad_environment():
    """S3DLIO_* (and AWS_*) variables with bad values: every command fails
    (exit 2), naming the variable and the value, and writes nothing."""
    out = fresh_dir("bad-env")
    src = os.path.join(out, "src.txt")
    write_file(src, b"src")
    before = sorted(os.listdir(out))
    commands = [
        ["ls", "s3://data/"], ["info", "s3://data/small.txt"], ["cat", "s3://data/small.txt"],
        ["get", "s3://data/small.txt", os.path.join(out, "x")], ["put", src, "s3://scratch/bad-env/x"],
        ["cp", "s3://data/small.txt", os.path.join(out, "x")], ["cp", src, "s3://scratch/bad-env/x"],
        ["rm", "s3://scratch/bad-env/x"], ["presign", "s3://data/small.txt"], ["mb", "s3://bad-env-bucket"],
        ["rb", "s3://bad-env-bucket"], ["bench", "--runs", "1", "s3://data/small.txt"],
    ]
    sizes = ("S3DLIO_GET_PART_SIZE", "S3DLIO_GET_THRESHOLD", "S3DLIO_PUT_PART_SIZE", "S3DLIO_PUT_THRESHOLD")
    counts = ("S3DLIO_GET_INFLIGHT", "S3DLIO_RANGE_CONCURRENCY", "S3DLIO_MAX_HTTP_CONNECTIONS",
              "S3DLIO_HTTP_MAX_CONNS", "S3DLIO_MAX_TOTAL_CONNECTIONS", "S3DLIO_HTTP_IDLE_TIMEOUT_MS",
              "S3DLIO_HTTP_IDLE_SECS", "S3DLIO_HTTP_CONNECT_MS", "S3DLIO_HTTP_IO_TIMEOUT_MS",
              "S3DLIO_OPERATION_TIMEOUT_SECS", "S3DLIO_RT_THREADS", "S3DLIO_MAX_RETRIES", "S3DLIO_PUT_INFLIGHT")
    switches = ("S3DLIO_USE_OPTIMIZED_HTTP", "S3DLIO_GET_HEAD_FIRST", "S3DLIO_GET_SINGLE_REQUEST",
                "S3DLIO_PUT_UNSIGNED_PAYLOAD")
    cases = []
    for variable in sizes:
        cases += [(variable, v) for v in ("abc", "99999999999999999999", "16E", "1e3", "-1", "")]
    for variable in counts:
        cases += [(variable, v) for v in ("abc", "99999999999999999999", "1e3", "-1", "4294967297")]
    cases += [(variable, v) for variable in switches for v in ("maybe", "2", "")]
    cases += [(v, "0") for v in ("S3DLIO_GET_PART_SIZE", "S3DLIO_PUT_PART_SIZE", "S3DLIO_GET_INFLIGHT",
                                 "S3DLIO_PUT_INFLIGHT", "S3DLIO_RT_THREADS", "S3DLIO_HTTP_CONNECT_MS",
                                 "S3DLIO_MAX_HTTP_CONNECTIONS")]
    cases += [("S3DLIO_GET_PART_SIZE", "6T"), ("S3DLIO_MAX_RETRIES", "101"), ("S3DLIO_RT_THREADS", "257")]
    # Each case with one command, in turn, so that every command meets
    # every kind of bad value; the bound keeps it quick.
    for i, (variable, value) in enumerate(cases):
        args = commands[i % len(commands)]
        env = dict(os.environ, **{variable: value})
        shown = ["“%s”" % value] if value else []     # "empty size", "“” is not a boolean"
        failed(run(*args, *DIR.options(), env=env), "%s=%s: " % (variable, value), *shown)
    # Options win over the environment, the environment is checked anyway.
    env = dict(os.environ, S3DLIO_GET_PART_SIZE="abc")
    failed(s3("get", "--part-size", "1M", "s3://data/small.txt", os.path.join(out, "x"), env=env),
           "S3DLIO_GET_PART_SIZE=abc")

    for variable, value, fragment in (("S3DLIO_ADDRESSING_STYLE", "sideways", "“sideways”"),
                                      ("AWS_REGION", "Not A Region", "“Not A Region”"),
                                      ("AWS_CA_BUNDLE", os.path.join(src, "x"), src),
                                      ("AWS_CA_BUNDLE", out, out),
                                      ("AWS_ENDPOINT_URL", "ftp://x", "“ftp://x”")):
        env = dict(os.environ, **{variable: value})
        for args in commands[:4]:
            failed(run(*args, "--no-sign-request", env=env), variable, fragment)

    # bench checks before it makes its test objects (1 GiB by default).
    env = dict(os.environ, S3DLIO_GET_INFLIGHT="lots")
    r = failed(run("bench", env=env), "S3DLIO_GET_INFLIGHT=lots")
    assert "Preparing" not in r.stderr, r
    unchanged(out, before)
    assert not os.path.exists(os.path.join(ROOT, "scratch", "bad-env"))
    assert not os.path.exists(os.path.join(ROOT, "bad-env-bucket"))


@bad_input_test
def bad_ca_bundle_option():
    """--ca-bundle is checked as AWS_CA_BUNDLE is: a readable file, or a
    usage error naming it (it used to be ignored with a GLib warning when
    relative, and to fail every request later when missing)."""
    out = fresh_dir("bad-ca")
    write_file(os.path.join(out, "file"), b"not a certificate")
    for path in ("/nonexistent/ca.pem", os.path.join(out, "file", "x"), out, "relative-missing.pem"):
        r = usage_error(s3("ls", "--ca-bundle", path), "CA bundle", "“%s”" % path)
        assert "WARNING" not in r.stderr, r
    # A relative one is taken from the current directory, and used.
    r = failed(run("ls", "--ca-bundle", "file", *DIR.options(), cwd=out), os.path.join(out, "file"))
    assert "WARNING" not in r.stderr and "No certificate" in r.stderr, r


@bad_input_test
def bad_local_paths():
    """Local paths that cannot be written or read (the tests run as root,
    so permissions do not stop them: a path under a regular file, a
    missing parent, a directory where a file goes, /proc): exit 2 naming
    the path, and no new or partial file anywhere."""
    base = fresh_dir("bad-paths")
    out = os.path.join(base, "out")
    os.makedirs(os.path.join(out, "big.bin"))           # a directory where get puts a file
    write_file(os.path.join(out, "file"), b"a file")
    before = tree(base)
    listing = sorted(os.listdir(out))

    def nothing_new():
        assert tree(base) == before, tree(base)
        unchanged(out, listing)
        assert sorted(os.listdir(os.path.join(out, "big.bin"))) == []

    under_file = os.path.join(out, "file", "x")
    missing_parent = os.path.join(out, "nope", "x")
    for args, fragment in (
            (["get", "s3://data/small.txt", under_file], "Not a directory"),
            (["get", "s3://data/small.txt", os.path.join(out, "file") + "/"], "Not a directory"),
            (["get", "s3://data/small.txt", missing_parent], "No such file or directory"),
            (["get", "s3://data/small.txt", os.path.join(out, "nope") + "/"], "No such file or directory"),
            (["get", "--part-size", "1M", "s3://data/big.bin", out + "/"], "is a directory"),
            (["get", "--part-size", "1M", "s3://data/big.bin", out], "is a directory"),
            (["get", "s3://data/big.bin", "/proc/version"], "/proc"),
            (["get", "s3://data/big.bin", "/proc/"], "/proc"),
            (["get", "-r", "s3://data/dir/", os.path.join(out, "file")], "Not a directory"),
            (["get", "-r", "s3://data/dir/", under_file], "Not a directory"),
            (["cp", "s3://data/small.txt", under_file], "Not a directory"),
            (["cp", "s3://data/dir/a.bin", missing_parent], "No such file or directory"),
            (["cp", "-r", "s3://data/dir/", under_file], "Not a directory")):
        r = failed(s3(*args), fragment)
        assert args[-1].rstrip("/") in r.stderr or "/proc" in args[-1], r
        # The object is named once, not once per layer.
        source = next(arg for arg in args if arg.startswith("s3://"))
        assert r.stderr.count(source) <= 1, r.stderr
        nothing_new()

    # Sources that cannot be read: nothing is uploaded, not even empty.
    scratch = os.path.join(ROOT, "scratch")
    objects_before = tree(scratch)
    for args, fragment in (
            (["put", under_file, "s3://scratch/bad-paths/a"], "Not a directory"),
            (["put", missing_parent, "s3://scratch/bad-paths/a"], "No such file or directory"),
            (["put", "-r", missing_parent, "s3://scratch/bad-paths/"], "No such file or directory"),
            (["cp", under_file, "s3://scratch/bad-paths/a"], "Not a directory"),
            (["put", "/dev/null", "s3://scratch/bad-paths/null"], "not a regular file"),
            # /proc files say they hold 0 bytes: uploading them was an empty object.
            (["put", "/proc/self/status", "s3://scratch/bad-paths/status"], "/proc/self/status"),
            (["cp", "/proc/self/status", "s3://scratch/bad-paths/status"], "upload it as a stream"),
            (["put", "/proc/self/mem", "s3://scratch/bad-paths/mem"], "Input/output error"),
            (["put", "--threshold", "64K", "/proc/self/mem", "s3://scratch/bad-paths/mem"], "/proc/self/mem")):
        r = failed(s3(*args), fragment)
        assert args[-2] in r.stderr, r
        assert tree(scratch) == objects_before, tree(scratch)
        failed(s3("info", args[-1].rstrip("/") + ("/a" if args[-1].endswith("/") else "")))
    # -r of a file, no -r for a directory: usage errors.
    usage_error(s3("put", "-r", os.path.join(out, "file"), "s3://scratch/bad-paths/"), "is not a directory", "-r")
    usage_error(s3("cp", "-r", os.path.join(out, "file"), "s3://scratch/bad-paths/"), "is not a directory", "-r")
    usage_error(s3("cp", out, "s3://scratch/bad-paths/"), "is a directory", "-r")
    assert tree(scratch) == objects_before, tree(scratch)

    # Standard input, for what a file cannot do.
    with open("/proc/self/status", "rb") as f:
        status = f.read()
    ok(s3("put", "-", "s3://scratch/bad-paths/status", input=status))
    assert read_file(os.path.join(scratch, "bad-paths", "status")) == status
    ok(s3("rm", "s3://scratch/bad-paths/status"))

    # serve: a directory, not a file or nothing.
    failed(run("serve", os.path.join(out, "file")), "is not a directory")
    failed(run("serve", missing_parent), "is not a directory")
    nothing_new()


class RawServer:
    """Answers every request with the same bytes, whatever it asks, then
    closes the connection: what is not S3 where S3 should be. On 127.0.0.1,
    in threads of its own; it reads at most 1 MiB of a request's head and
    waits at most 5 s for anything."""

    def __init__(self, reply):
        self.reply = reply
        self.requests = []              # their first lines
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.1)
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        with connection:
            connection.settimeout(5)
            try:
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 1 << 20:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    head += chunk
                self.requests.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
                connection.sendall(self.reply)
                connection.shutdown(socket.SHUT_WR)
                # Whatever the client still sends (a PUT's body) is read, so
                # that closing does not reset the connection (and lose the
                # reply) before the client has read it.
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and connection.recv(65536):
                    pass
            except OSError:
                pass                    # the client gave up on the reply: as it may

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=5)
        self.listener.close()


WEB_PAGE = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><p>Please sign in.</p></body></html>\n"


@bad_input_test
def web_page_or_huge_headers_for_s3():
    """An endpoint that answers with a web page (a proxy's, a captive
    portal's) or with 1 MiB of headers: every command fails (exit 2) with
    one line on stderr naming the object and the problem, nothing on
    stdout, and no file, not even a partial one, left behind."""
    base = fresh_dir("bad-server")
    src = os.path.join(base, "src.txt")
    write_file(src, b"src")
    out = os.path.join(base, "out")
    os.makedirs(out)
    before = tree(base)
    listing = sorted(os.listdir(out))
    replies = (
        ((b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/html; charset=utf-8\r\n"
          b"Content-Length: %d\r\n\r\n" % len(WEB_PAGE)) + WEB_PAGE, ("web page", "text/html")),
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\nX-Huge: " + b"h" * (1 << 20) +
         b"\r\n\r\ndata", ("headers are larger than 64 KiB",)),
    )
    commands = (
        (["get", "s3://data/x.bin", os.path.join(out, "x.bin")], "GET /data/x.bin", "s3://data/x.bin"),
        (["get", "s3://data/x.bin", out], "GET /data/x.bin", "s3://data/x.bin"),
        (["cat", "s3://data/x.bin"], "GET /data/x.bin", "s3://data/x.bin"),
        (["ls", "s3://data/"], "GET /data", "s3://data/"),
        (["ls"], "GET / ", "Listing the buckets of "),
        (["info", "s3://data/x.bin"], "HEAD /data/x.bin", "s3://data/x.bin"),
        (["rm", "s3://data/x.bin"], ("HEAD /data/x.bin", "DELETE /data/x.bin"), "s3://data/x.bin"),
        (["put", src, "s3://data/x.bin"], "PUT /data/x.bin", "s3://data/x.bin"),
        (["get", "-r", "s3://data/dir/", os.path.join(out, "tree")], "GET /data", "s3://data/dir/"),
        (["mb", "s3://new-bucket"], "PUT /new-bucket", "s3://new-bucket"),
    )
    for reply, problem in replies:
        server = RawServer(reply)
        try:
            for args, request, named in commands:
                seen = len(server.requests)
                r = failed(run(*args, "--endpoint-url", server.url, "--no-sign-request"), named, *problem)
                assert r.stderr.startswith("s3dlio: ") and r.stderr.count("\n") == 1, r
                assert r.stdout == b"", r
                assert [line for line in server.requests[seen:] if line.startswith(request)], (request, server.requests)
                assert tree(base) == before, (args, tree(base))
                unchanged(out, listing)
        finally:
            server.stop()


def run_to_full_disk(*args):
    """Runs the tool with its stdout on /dev/full."""
    with open("/dev/full", "wb") as full:
        p = subprocess.run([TOOL] + [str(a) for a in args], cwd=TOP, stdout=full,
                           stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    return Result(p.returncode, b"", p.stderr.decode("utf-8", "replace"))


@bad_input_test
def unwritable_stdout():
    """Output that cannot be written is a failure, not a success with
    nothing printed."""
    for args in (["ls", "s3://data/"], ["ls", "--json", "-r", "s3://data/"], ["info", "s3://data/small.txt"],
                 ["presign", "s3://data/small.txt"], ["get", "--json", "s3://data/small.txt",
                                                       os.path.join(fresh_dir("full"), "x")]):
        failed(run_to_full_disk(*args, *DIR.options()), "standard output")
    failed(run_to_full_disk("version"), "standard output")
    failed(run_to_full_disk("help"), "standard output")
    for args in (["get", "s3://data/big.bin", "-"], ["cat", "s3://data/small.txt"], ["cp", "s3://data/small.txt", "-"]):
        failed(run_to_full_disk(*args, *DIR.options()), "No space left on device")


# }}}
# {{{ ls and info


@test
def ls_buckets():
    r = ok(s3("ls"))
    assert r.lines == ["data", "scratch"], r
    objects = json_lines(ok(s3("ls", "--json")))
    assert [o["name"] for o in objects] == ["data", "scratch"], objects
    assert all(o["type"] == "bucket" and o["uri"] == "s3://" + o["name"] for o in objects), objects
    r = ok(s3("ls", "-l"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +data", r.lines[0]), r


@test
def ls_objects():
    r = ok(s3("ls", "s3://data/"))
    assert r.lines == ["big.bin", "dir/", "small.txt"], r
    r = ok(s3("ls", "s3://data"))
    assert r.lines == ["big.bin", "dir/", "small.txt"], r
    r = ok(s3("ls", "s3://data/dir/"))
    assert r.lines == ["dir/a.bin", "dir/sub/"], r
    # A prefix without "/" is literal, as S3 has it.
    r = ok(s3("ls", "s3://data/sm"))
    assert r.lines == ["small.txt"], r
    r = ok(s3("ls", "-r", "s3://data/"))
    assert r.lines == sorted(DATA), r
    r = ok(s3("ls", "-r", "s3://data/dir/sub/"))
    assert r.lines == ["dir/sub/b.bin", "dir/sub/deeper/c.txt"], r
    r = ok(s3("ls", "s3://data/nothing-here/"))
    assert r.stdout == b"", r


@test
def ls_long_and_human():
    r = ok(s3("ls", "-l", "s3://data/"))
    rows = {line.split()[-1]: line for line in r.lines}
    assert set(rows) == {"big.bin", "dir/", "small.txt"}, r
    assert rows["dir/"].split()[0] == "DIR", r
    fields = rows["big.bin"].split()
    assert fields[0] == str(len(DATA["big.bin"])), r
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fields[1]), r
    assert re.fullmatch(r'"[^"]+"', fields[2]), r

    r = ok(s3("ls", "-l", "-h", "s3://data/"))
    rows = {line.split()[-1]: line for line in r.lines}
    assert " 24.0 MiB " in rows["big.bin"], r
    assert " 14 bytes " in rows["small.txt"], r
    r = ok(s3("ls", "-lh", "-r", "s3://data/dir/"))
    rows = {line.split()[-1]: line for line in r.lines}
    assert " 100.0 KiB " in rows["dir/a.bin"], r
    assert " 3.0 MiB " in rows["dir/sub/b.bin"], r


@test
def ls_json():
    objects = json_lines(ok(s3("ls", "--json", "s3://data/")))
    assert [o["type"] for o in objects] == ["object", "prefix", "object"], objects
    assert objects[1] == {"type": "prefix", "uri": "s3://data/dir/", "key": "dir/"}, objects
    big = objects[0]
    assert big["uri"] == "s3://data/big.bin" and big["size"] == len(DATA["big.bin"]), big
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", big["last_modified"]), big

    objects = json_lines(ok(s3("ls", "--json", "-r", "s3://data/")))
    assert {o["key"]: o["size"] for o in objects} == {k: len(v) for k, v in DATA.items()}, objects
    info = json.loads(ok(s3("info", "--json", "s3://data/dir/a.bin")).text)
    listed = [o for o in objects if o["key"] == "dir/a.bin"][0]
    assert listed["etag"] == info["etag"], (listed, info)


@test
def info_text_and_json():
    r = ok(s3("info", "s3://data/dir/sub/b.bin"))
    fields = dict(line.split(": ", 1) for line in r.lines)
    assert fields["uri"] == "s3://data/dir/sub/b.bin", r
    assert fields["size"] == str(len(DATA["dir/sub/b.bin"])), r
    assert fields["etag"].startswith('"'), r
    assert re.match(r"\d{4}-\d\d-\d\dT", fields["last-modified"]), r
    r = ok(s3("info", "-h", "s3://data/dir/sub/b.bin"))
    assert "size: 3.0 MiB" in r.lines, r

    lines = ok(s3("info", "--json", "s3://data/small.txt")).lines
    assert len(lines) == 1
    info = json.loads(lines[0])
    assert info["uri"] == "s3://data/small.txt" and info["key"] == "small.txt", info
    assert info["size"] == len(DATA["small.txt"]), info
    assert info["metadata"] == {}, info
    assert info["content_type"], info


@test
def info_and_ls_print_the_same_dates():
    """info and ls print an object's date alike, in UTC to the second, as
    text and as JSON, so that one can be compared with the other: on S3
    (a listing has milliseconds, a HEAD whole seconds) and on files (whose
    times have fractions of a second). TZ is not UTC: neither may print
    local time."""
    ok(s3("put", "-", "s3://scratch/dates/x.bin", input=b"x"))
    base, _ = file_tree("dates")
    fraction = 1700000000 * 10**9 + 987654321           # 2023-11-14T22:13:20.987654321Z
    for path in (os.path.join(ROOT, "scratch", "dates", "x.bin"), os.path.join(base, "dir", "b.bin")):
        os.utime(path, ns=(fraction, fraction))
    env = dict(os.environ, TZ="Asia/Kolkata")
    for uri, prefix, name, options in (("s3://scratch/dates/x.bin", "s3://scratch/dates/", "dates/x.bin", DIR.options()),
                                       ("file://" + base + "/dir/b.bin", base + "/dir/", base + "/dir/b.bin", [])):
        info = json.loads(ok(run("info", "--json", uri, *options, env=env)).text)
        assert info["last_modified"] == "2023-11-14T22:13:20Z", info
        listed = [o for o in json_lines(ok(run("ls", "-l", "--json", prefix, *options, env=env))) if o["uri"] == uri]
        assert [o["last_modified"] for o in listed] == [info["last_modified"]], (listed, info)

        r = ok(run("info", uri, *options, env=env))
        assert "last-modified: 2023-11-14T22:13:20Z" in r.lines, r
        r = ok(run("ls", "-l", prefix, *options, env=env))
        assert [line.split()[1] for line in r.lines if line.split()[-1] == name] == ["2023-11-14T22:13:20Z"], r
    ok(s3("rm", "s3://scratch/dates/x.bin"))


# }}}
# {{{ get and cat


@test
def get_to_file_directory_stdout_and_discard():
    out = fresh_dir("get")
    r = ok(s3("get", "s3://data/dir/sub/b.bin", os.path.join(out, "b-copy.bin")))
    assert r.stdout == b"", r
    no_progress(r)
    assert file_sha256(os.path.join(out, "b-copy.bin")) == sha256(DATA["dir/sub/b.bin"])

    # Into an existing directory: the object's name.
    ok(s3("get", "s3://data/dir/a.bin", out))
    assert file_sha256(os.path.join(out, "a.bin")) == sha256(DATA["dir/a.bin"])

    # A file:// URI is a local path too.
    ok(s3("get", "s3://data/small.txt", "file://" + os.path.join(out, "via-uri.txt")))
    assert read_file(os.path.join(out, "via-uri.txt")) == DATA["small.txt"]
    os.unlink(os.path.join(out, "via-uri.txt"))
    usage_error(s3("get", "s3://data/small.txt", "s3://data/other.txt"), "local path")

    # No destination: the current directory.
    ok(run("get", "s3://data/small.txt", *DIR.options(), cwd=out))
    assert read_file(os.path.join(out, "small.txt")) == DATA["small.txt"]

    # Standard output, byte for byte, with a large object in many parts.
    r = ok(s3("get", "--part-size", "1M", "--inflight", "4", "s3://data/big.bin", "-"))
    assert sha256(r.stdout) == sha256(DATA["big.bin"]), len(r.stdout)

    # --discard reads everything and writes nothing.
    before = sorted(os.listdir(out))
    r = ok(s3("get", "--discard", "s3://data/big.bin"))
    assert r.stdout == b"", r
    assert str(len(DATA["big.bin"])) + " bytes" in r.stderr, r
    assert sorted(os.listdir(out)) == before
    assert not os.path.exists(os.path.join(TOP, "big.bin"))
    assert sorted(os.listdir(out)) == ["a.bin", "b-copy.bin", "small.txt"], os.listdir(out)


@test
def get_ranged_parts_and_tuning():
    out = fresh_dir("get-tuning")
    path = os.path.join(out, "big.bin")
    info = json.loads(ok(s3("get", "--json", "--part-size", "2M", "--threshold", "4M",
                            "s3://data/big.bin", path)).text)
    assert file_sha256(path) == sha256(DATA["big.bin"])
    assert info["bytes"] == len(DATA["big.bin"]) and info["path"] == path, info
    assert info["requests"] >= 12, info                     # 24 MiB in 2 MiB parts
    assert info["error"] is None and info["uri"] == "s3://data/big.bin", info

    info = json.loads(ok(s3("get", "--json", "--single", "s3://data/big.bin", path)).text)
    assert info["requests"] == 1, info
    assert file_sha256(path) == sha256(DATA["big.bin"])

    # The S3DLIO_* environment is read, and options override it.
    env = dict(os.environ, S3DLIO_GET_PART_SIZE="abc")
    failed(run("get", *DIR.options(), "s3://data/small.txt", path, env=env), "S3DLIO_GET_PART_SIZE")
    env = dict(os.environ, S3DLIO_GET_PART_SIZE="1M", S3DLIO_GET_THRESHOLD="1M")
    info = json.loads(ok(run("get", "--json", *DIR.options(), "s3://data/dir/sub/b.bin", path, env=env)).text)
    assert info["requests"] == 4, info
    info = json.loads(ok(run("get", "--json", "--part-size", "2M", *DIR.options(),
                             "s3://data/dir/sub/b.bin", path, env=env)).text)
    assert info["requests"] == 2, info


@test
def cat_in_order():
    r = ok(s3("cat", "s3://data/small.txt", "s3://data/dir/a.bin", "s3://data/small.txt",
              "s3://data/big.bin"))
    expected = DATA["small.txt"] + DATA["dir/a.bin"] + DATA["small.txt"] + DATA["big.bin"]
    assert sha256(r.stdout) == sha256(expected), len(r.stdout)
    no_progress(r)


@test
def get_recursive():
    out = fresh_dir("get-r")
    r = ok(s3("get", "-r", "-j", "3", "s3://data/dir/", out))
    assert r.stdout == b"", r
    expected = {k[len("dir/"):]: sha256(v) for k, v in DATA.items() if k.startswith("dir/")}
    assert tree(out) == expected, tree(out)

    # Without the trailing "/": the same directory, never "dirt".
    out2 = fresh_dir("get-r2")
    r = ok(s3("get", "-r", "-j", "1", "--json", "s3://data/dir", out2))
    assert tree(out2) == expected
    results = json_lines(r)
    assert sorted(o["uri"] for o in results) == sorted("s3://data/" + k for k in DATA if k.startswith("dir/"))
    for o in results:
        assert o["error"] is None, o
        assert o["bytes"] == len(DATA["dir/" + os.path.relpath(o["path"], out2)]), o

    # Into a directory that does not exist yet.
    out3 = os.path.join(fresh_dir("get-r3"), "new", "deeper")
    ok(s3("cp", "-r", "s3://data/dir/sub/", out3))
    assert tree(out3) == {"b.bin": sha256(DATA["dir/sub/b.bin"]),
                          "deeper/c.txt": sha256(DATA["dir/sub/deeper/c.txt"])}

    failed(s3("get", "-r", "s3://data/nothing/", fresh_dir("get-r4")), "no object")


# }}}
# {{{ put, cp, rm


@test
def put_single_and_multipart():
    src = fresh_dir("put-src")
    small = write_file(os.path.join(src, "small.dat"), os.urandom(1000))
    big = write_file(os.path.join(src, "multi.dat"), os.urandom(12 * 1024 * 1024 + 3))

    r = ok(s3("put", os.path.join(src, "small.dat"), "s3://scratch/p/small.dat"))
    assert r.stdout == b"", r
    no_progress(r)
    assert read_file(os.path.join(ROOT, "scratch/p/small.dat")) == small

    # Above the threshold: a multipart upload of 5 MiB parts.
    r = ok(s3("put", "--json", "--threshold", "6M", "--part-size", "5M", "--inflight", "2",
              os.path.join(src, "multi.dat"), "s3://scratch/p/"))
    result = json.loads(r.text)
    assert result["uri"] == "s3://scratch/p/multi.dat", result
    assert result["parts"] == 3 and result["bytes"] == len(big), result
    assert file_sha256(os.path.join(ROOT, "scratch/p/multi.dat")) == sha256(big)
    out = fresh_dir("put-check")
    ok(s3("get", "s3://scratch/p/multi.dat", out))
    assert file_sha256(os.path.join(out, "multi.dat")) == sha256(big)

    # Below it: one PUT.
    result = json.loads(ok(s3("put", "--json", os.path.join(src, "multi.dat"), "s3://scratch/p/one.dat")).text)
    assert result["parts"] <= 1 and result["requests"] == 1, result

    # Standard input, size unknown.
    r = ok(s3("put", "-", "s3://scratch/p/stdin.dat", input=big))
    assert file_sha256(os.path.join(ROOT, "scratch/p/stdin.dat")) == sha256(big)

    # A relative path, from the current directory.
    ok(run("put", "small.dat", "s3://scratch/p/relative.dat", *DIR.options(), cwd=src))
    assert read_file(os.path.join(ROOT, "scratch/p/relative.dat")) == small

    failed(s3("put", os.path.join(src, "missing.dat"), "s3://scratch/p/missing.dat"), "missing.dat")
    assert not os.path.exists(os.path.join(ROOT, "scratch/p/missing.dat"))
    failed(s3("put", os.path.join(src, "small.dat"), "s3://no-such-bucket/x"), "no-such-bucket")


@test
def put_recursive():
    src = fresh_dir("put-r")
    files = {
        "top.txt": b"top\n",
        "a/one.bin": os.urandom(5000),
        "a/b/two.bin": os.urandom(70000),
        "a/b/c/three.txt": b"three\n",
    }
    for name, data in files.items():
        write_file(os.path.join(src, name), data)

    r = ok(s3("put", "-r", "-j", "2", src, "s3://scratch/tree/"))
    assert r.stdout == b"", r
    assert tree(os.path.join(ROOT, "scratch/tree")) == {k: sha256(v) for k, v in files.items()}
    r = ok(s3("ls", "-r", "s3://scratch/tree/"))
    assert r.lines == sorted("tree/" + k for k in files), r

    results = json_lines(ok(s3("put", "-r", "--json", src, "s3://scratch/tree2")))
    assert sorted(o["uri"] for o in results) == sorted("s3://scratch/tree2/" + k for k in files), results
    assert all(o["error"] is None for o in results), results
    assert tree(os.path.join(ROOT, "scratch/tree2")) == {k: sha256(v) for k, v in files.items()}

    failed(s3("put", "-r", os.path.join(src, "nope"), "s3://scratch/tree3/"), "nope")


@test
def cp_all_directions():
    src = fresh_dir("cp-src")
    data = write_file(os.path.join(src, "local.bin"), os.urandom(300000))

    # local -> S3
    ok(s3("cp", os.path.join(src, "local.bin"), "s3://scratch/cp/local.bin"))
    assert file_sha256(os.path.join(ROOT, "scratch/cp/local.bin")) == sha256(data)
    # S3 -> local
    out = fresh_dir("cp-out")
    ok(s3("cp", "s3://data/dir/a.bin", os.path.join(out, "a.bin")))
    assert file_sha256(os.path.join(out, "a.bin")) == sha256(DATA["dir/a.bin"])
    ok(s3("cp", "s3://data/small.txt", out + "/"))
    assert read_file(os.path.join(out, "small.txt")) == DATA["small.txt"]
    r = ok(s3("cp", "s3://data/small.txt", "-"))
    assert r.stdout == DATA["small.txt"], r
    # S3 -> S3, on the server
    r = ok(s3("cp", "--json", "s3://data/dir/sub/b.bin", "s3://scratch/cp/b-copy.bin"))
    assert json.loads(r.text)["uri"] == "s3://scratch/cp/b-copy.bin", r
    assert file_sha256(os.path.join(ROOT, "scratch/cp/b-copy.bin")) == sha256(DATA["dir/sub/b.bin"])
    ok(s3("cp", "s3://data/small.txt", "s3://scratch/cp/"))
    assert read_file(os.path.join(ROOT, "scratch/cp/small.txt")) == DATA["small.txt"]
    # Recursive, both ways
    ok(s3("cp", "-r", src, "s3://scratch/cp-tree/"))
    assert tree(os.path.join(ROOT, "scratch/cp-tree")) == {"local.bin": sha256(data)}
    out2 = fresh_dir("cp-out2")
    ok(s3("cp", "-r", "s3://scratch/cp-tree/", out2))
    assert tree(out2) == {"local.bin": sha256(data)}

    failed(s3("cp", "s3://data/missing", "s3://scratch/cp/missing"))
    failed(s3("cp", "s3://data/missing", os.path.join(out, "missing")))
    assert not os.path.exists(os.path.join(out, "missing"))


@test
def rm_objects_and_prefixes():
    for key in ("rm/one.txt", "rm/two.txt", "rm/dir/three.txt", "rm/dir/four.txt", "rm/dirt.txt"):
        write_file(os.path.join(ROOT, "scratch", key), key.encode())

    r = ok(s3("rm", "s3://scratch/rm/one.txt"))
    assert r.stdout == b"" and r.stderr == "", r
    assert not os.path.exists(os.path.join(ROOT, "scratch/rm/one.txt"))
    failed(s3("info", "s3://scratch/rm/one.txt"))
    failed(s3("rm", "s3://scratch/rm/one.txt"), "one.txt")
    ok(s3("rm", "-f", "s3://scratch/rm/one.txt"))

    # A "directory" named without "/" is not an object either.
    usage_error(s3("rm", "s3://scratch/rm/dir"), "prefix", "-r")
    assert os.path.exists(os.path.join(ROOT, "scratch/rm/dir/three.txt"))

    # -r on "dir" deletes dir/, and leaves dirt.txt alone.
    ok(s3("rm", "-r", "s3://scratch/rm/dir"))
    assert ok(s3("ls", "-r", "s3://scratch/rm/")).lines == ["rm/dirt.txt", "rm/two.txt"]
    failed(s3("rm", "-r", "s3://scratch/rm/dir/"), "Nothing to delete")
    ok(s3("rm", "-r", "-f", "s3://scratch/rm/dir/"))

    ok(s3("rm", "s3://scratch/rm/two.txt", "s3://scratch/rm/dirt.txt"))
    assert ok(s3("ls", "-r", "s3://scratch/rm/")).lines == []


@test
def mb_and_rb():
    ok(s3("mb", "s3://fresh-bucket"))
    assert os.path.isdir(os.path.join(ROOT, "fresh-bucket"))
    assert "fresh-bucket" in ok(s3("ls")).lines
    failed(s3("mb", "s3://fresh-bucket"))

    ok(s3("put", "-", "s3://fresh-bucket/x", input=b"x"))
    failed(s3("rb", "s3://fresh-bucket"), "not empty")
    ok(s3("rb", "--force", "s3://fresh-bucket/"))
    assert "fresh-bucket" not in ok(s3("ls")).lines
    failed(s3("rb", "s3://fresh-bucket"), "fresh-bucket")


# }}}
# {{{ file:// and local paths: the same commands on the file store


def file_tree(name):
    """A directory of files for the file store, and {relative path: data}."""
    base = fresh_dir(name)
    data = {
        "a.txt": b"alpha\n",
        "dir/b.bin": os.urandom(3 * 1024 * 1024 + 5),
        "dir/sub/c.txt": b"see\n",
        "dir-x.txt": b"x\n",
    }
    for key, value in data.items():
        write_file(os.path.join(base, key), value)
    return base, data


def no_temporary_files(directory):
    for root, dirs, files in os.walk(directory):
        hidden = [n for n in dirs + files if n.startswith(".")]
        assert hidden == [], (root, hidden)


@test
def info_on_files():
    base, data = file_tree("file-info")
    path = os.path.join(base, "dir", "b.bin")
    # No AWS configuration is needed, nor read: a profile that does not
    # exist is no matter.
    env = dict(os.environ, AWS_PROFILE="no-such-profile")
    for location in ("file://" + path, path):
        r = ok(run("info", location, env=env))
        fields = dict(line.split(": ", 1) for line in r.lines)
        assert fields["uri"] == "file://" + path, r
        assert fields["size"] == str(len(data["dir/b.bin"])), r
        assert fields["etag"].startswith('"'), r
        assert re.match(r"\d{4}-\d\d-\d\dT", fields["last-modified"]), r
    r = ok(run("info", "-h", "dir/b.bin", cwd=base))
    assert "uri: file://" + path in r.lines and "size: 3.0 MiB" in r.lines, r

    info = json.loads(ok(run("info", "--json", "file://" + path)).text)
    assert info["key"] == path and info["size"] == len(data["dir/b.bin"]), info
    assert info["uri"] == "file://" + path and info["metadata"] == {}, info
    listed = json_lines(ok(run("ls", "--json", "-r", base + "/dir/")))
    assert [o["etag"] for o in listed if o["key"] == path] == [info["etag"]], (listed, info)

    # Missing: exit 2, naming the path.
    missing = os.path.join(base, "missing.txt")
    failed(run("info", "file://" + missing), missing)
    failed(run("info", missing), missing)
    usage_error(run("info", "file://" + base + "/dir/"), "prefix")


@test
def ls_on_files():
    base, data = file_tree("file-ls")
    # One level, directories as common prefixes, in key order ("-" before "/").
    r = ok(run("ls", "file://" + base + "/"))
    assert r.lines == [base + "/a.txt", base + "/dir-x.txt", base + "/dir/"], r
    # Without "/", a literal prefix, as in S3; a local path is the same.
    r = ok(run("ls", base + "/dir"))
    assert r.lines == [base + "/dir-x.txt", base + "/dir/"], r
    r = ok(run("ls", "dir/", cwd=base))
    assert r.lines == [base + "/dir/b.bin", base + "/dir/sub/"], r

    r = ok(run("ls", "-r", "file://" + base + "/"))
    assert r.lines == sorted(base + "/" + k for k in data), r
    r = ok(run("ls", "-r", base + "/dir/"))
    assert r.lines == [base + "/dir/b.bin", base + "/dir/sub/c.txt"], r
    r = ok(run("ls", "file://" + base + "/nothing-here/"))
    assert r.stdout == b"", r

    objects = json_lines(ok(run("ls", "--json", "file://" + base + "/")))
    assert [o["type"] for o in objects] == ["object", "object", "prefix"], objects
    assert objects[2] == {"type": "prefix", "uri": "file://" + base + "/dir/", "key": base + "/dir/"}, objects
    assert objects[0]["uri"] == "file://" + base + "/a.txt", objects
    assert objects[0]["size"] == len(data["a.txt"]), objects
    objects = json_lines(ok(run("ls", "--json", "-r", base + "/")))
    assert {o["key"]: o["size"] for o in objects} == {base + "/" + k: len(v) for k, v in data.items()}, objects

    r = ok(run("ls", "-l", "-h", base + "/"))
    rows = {line.split()[-1]: line for line in r.lines}
    assert rows[base + "/dir/"].split()[0] == "DIR", r
    assert " 6 bytes " in rows[base + "/a.txt"], r


@test
def cat_and_get_on_files():
    base, data = file_tree("file-get-src")
    a, b = data["a.txt"], data["dir/b.bin"]
    r = ok(run("cat", "file://" + base + "/a.txt", os.path.join(base, "dir", "b.bin"), "a.txt", cwd=base))
    assert sha256(r.stdout) == sha256(a + b + a), len(r.stdout)
    no_progress(r)
    # It stops at the first missing object, after the ones before it.
    r = failed(run("cat", base + "/a.txt", base + "/missing.txt", base + "/a.txt"), base + "/missing.txt")
    assert r.stdout == a, r

    out = fresh_dir("file-get")
    # The size-aware path: 1 MiB parts, byte for byte.
    path = os.path.join(out, "b.bin")
    info = json.loads(ok(run("get", "--json", "--part-size", "1M", "--threshold", "2M",
                             "file://" + base + "/dir/b.bin", path)).text)
    assert file_sha256(path) == sha256(b)
    assert info["uri"] == "file://" + base + "/dir/b.bin" and info["path"] == path, info
    assert info["bytes"] == len(b) and info["requests"] == 4 and info["error"] is None, info
    # A local path, into a directory, to stdout, from the current directory.
    ok(run("get", base + "/a.txt", out))
    assert read_file(os.path.join(out, "a.txt")) == a
    r = ok(run("get", base + "/dir/b.bin", "-"))
    assert sha256(r.stdout) == sha256(b), len(r.stdout)
    ok(run("get", "dir/sub/c.txt", out + "/", cwd=base))
    assert read_file(os.path.join(out, "c.txt")) == data["dir/sub/c.txt"]
    r = ok(run("get", "--progress", base + "/dir/b.bin", path))
    check_progress_lines(r, "3.0 MiB", r"\d+ parts? in flight")

    failed(run("get", base + "/missing.txt", os.path.join(out, "m")), base + "/missing.txt")
    assert not os.path.exists(os.path.join(out, "m"))
    usage_error(run("get", base + "/dir/", out), "prefix", "-r")
    assert sorted(os.listdir(out)) == ["a.txt", "b.bin", "c.txt"], os.listdir(out)

    # Recursive, from a file:// prefix.
    out2 = fresh_dir("file-get-r")
    ok(run("get", "-r", "file://" + base + "/dir/", out2))
    assert tree(out2) == {"b.bin": sha256(b), "sub/c.txt": sha256(data["dir/sub/c.txt"])}


@test
def put_on_files():
    src = fresh_dir("file-put-src")
    dest = fresh_dir("file-put")
    small = write_file(os.path.join(src, "small.dat"), os.urandom(1000))
    big = write_file(os.path.join(src, "big.dat"), os.urandom(12 * 1024 * 1024 + 3))

    r = ok(run("put", os.path.join(src, "small.dat"), "file://" + dest + "/p/small.dat"))
    assert r.stdout == b"", r
    no_progress(r)
    assert read_file(os.path.join(dest, "p", "small.dat")) == small

    # A prefix gets the file's name; one part, whatever the size.
    result = json.loads(ok(run("put", "--json", "--threshold", "6M", "--part-size", "5M",
                               os.path.join(src, "big.dat"), dest + "/p/")).text)
    assert result["uri"] == "file://" + dest + "/p/big.dat", result
    assert result["bytes"] == len(big) and result["parts"] == 1 and result["error"] is None, result
    assert file_sha256(os.path.join(dest, "p", "big.dat")) == sha256(big)
    info = json.loads(ok(run("info", "--json", dest + "/p/big.dat")).text)
    assert info["etag"] == result["etag"], (info, result)

    # Standard input, and a relative path.
    ok(run("put", "-", "file://" + dest + "/p/stdin.dat", input=big))
    assert file_sha256(os.path.join(dest, "p", "stdin.dat")) == sha256(big)
    ok(run("put", "small.dat", "../file-put/p/relative.dat", cwd=src))
    assert read_file(os.path.join(dest, "p", "relative.dat")) == small

    r = ok(run("put", "--progress", os.path.join(src, "big.dat"), dest + "/p/progress.dat"))
    check_progress_lines(r, "12.0 MiB", r"\d+ parts? in flight")
    assert file_sha256(os.path.join(dest, "p", "progress.dat")) == sha256(big)

    failed(run("put", os.path.join(src, "missing.dat"), dest + "/p/missing.dat"), "missing.dat")
    assert not os.path.exists(os.path.join(dest, "p", "missing.dat"))

    # A file keeps no content type or metadata: asking for them is an error.
    for option in (["--content-type", "text/plain"], ["--metadata", "color=blue"]):
        usage_error(run("put", *option, os.path.join(src, "small.dat"), dest + "/p/typed.dat"),
                    option[0], "s3://")
    usage_error(run("cp", "--content-type", "text/plain", os.path.join(src, "small.dat"),
                    dest + "/p/typed.dat"), "--content-type", "s3://")
    assert not os.path.exists(os.path.join(dest, "p", "typed.dat"))

    # Recursive, to a file:// prefix.
    ok(run("put", "-r", src, "file://" + dest + "/tree/"))
    assert tree(os.path.join(dest, "tree")) == tree(src)
    no_temporary_files(dest)


@test
def rm_on_files():
    base, data = file_tree("file-rm")
    r = ok(run("rm", "file://" + base + "/a.txt"))
    assert r.stdout == b"" and r.stderr == "", r
    assert not os.path.exists(os.path.join(base, "a.txt"))
    failed(run("info", base + "/a.txt"))
    failed(run("rm", base + "/a.txt"), base + "/a.txt")
    ok(run("rm", "-f", base + "/a.txt"))

    # A directory, named without "/", is not an object either.
    usage_error(run("rm", "file://" + base + "/dir"), "prefix", "-r")
    usage_error(run("rm", base + "/dir/"), "prefix", "-r")
    assert os.path.exists(os.path.join(base, "dir", "sub", "c.txt"))

    # -r on "dir" deletes dir/ (and the directories it empties), never dir-x.txt.
    r = ok(run("rm", "-r", "-v", "file://" + base + "/dir"))
    assert "deleted 2 objects under file://" + base + "/dir/" in r.stderr, r
    assert sorted(os.listdir(base)) == ["dir-x.txt"], os.listdir(base)
    assert ok(run("ls", "-r", base + "/")).lines == [base + "/dir-x.txt"]
    failed(run("rm", "-r", base + "/dir/"), "Nothing to delete")
    ok(run("rm", "-r", "-f", base + "/dir/"))

    ok(run("rm", "dir-x.txt", cwd=base))
    assert os.listdir(base) == []


@test
def cp_with_files():
    base, data = file_tree("file-cp")
    # file:// to S3 and back, through the store of each side.
    ok(s3("cp", "file://" + base + "/dir/b.bin", "s3://scratch/cp-file/b.bin"))
    assert file_sha256(os.path.join(ROOT, "scratch", "cp-file", "b.bin")) == sha256(data["dir/b.bin"])
    ok(s3("cp", "s3://data/small.txt", "file://" + base + "/from-s3.txt"))
    assert read_file(os.path.join(base, "from-s3.txt")) == DATA["small.txt"]
    ok(s3("rm", "-r", "s3://scratch/cp-file/"))
    # Local to local, and to standard output.
    ok(run("cp", base + "/a.txt", base + "/copy/"))
    assert read_file(os.path.join(base, "copy", "a.txt")) == data["a.txt"]
    r = ok(run("cp", "file://" + base + "/a.txt", "-"))
    assert r.stdout == data["a.txt"], r
    no_temporary_files(base)


@bad_input_test
def s3_only_commands_refuse_files():
    """Buckets, presigned URLs, the server-side copy and bench are S3's:
    a file:// URI or a local path is a usage error naming it."""
    base, _ = file_tree("file-s3-only")
    before = tree(base)
    path = os.path.join(base, "a.txt")
    for args in (["mb", "file://" + base], ["rb", "file://" + base], ["rb", "--force", base],
                 ["presign", "file://" + path], ["presign", path], ["bench", "file://" + path]):
        usage_error(run(*args), "“%s” is not an s3:// URI" % args[-1])
    usage_error(run("ls", "-r"), "-r lists objects: give a URI")
    assert tree(base) == before

# }}}
# {{{ Progress


def check_progress_lines(result, total, detail):
    """Every line drawn (they are separated by "\\r", end with "\\n") has
    the shape "DONE / TOTAL  P%  R GB/s  ETA M:SS  DETAIL", the percentage
    never goes back and ends at 100. Before the size is known (the first
    response has not come, as under valgrind) a line may be only
    "0 bytes  R GB/s  DETAIL"; such lines come first and are left out of
    the result. Returns [(line, percent)]."""
    assert result.stderr.endswith("\n"), result
    shape = re.compile(r"(\d+ bytes?|\d+\.\d (kB|KiB|MiB)) / %s +(\d+)%% +\d+\.\d\d GB/s"
                       r" +ETA (\d+:\d\d|-:--) +(%s) *" % (re.escape(total), detail))
    size_unknown = re.compile(r"0 bytes +\d+\.\d\d GB/s +(%s) *" % detail)
    drawn = []
    for line in result.stderr.rstrip("\n").split("\r")[1:]:
        if not drawn and size_unknown.fullmatch(line):
            continue
        match = shape.fullmatch(line)
        assert match, (line, result)
        drawn.append((line.rstrip(), int(match.group(3))))
    assert drawn, result
    percents = [p for _, p in drawn]
    assert percents == sorted(percents) and percents[-1] == 100, drawn
    assert drawn[-1][0].split("  ")[0] == "%s / %s" % (total, total), drawn
    return drawn


@test
def progress_only_on_a_terminal_or_asked():
    out = fresh_dir("progress")
    path = os.path.join(out, "big.bin")
    # The tests run without a terminal: no progress line.
    no_progress(ok(s3("get", "s3://data/big.bin", path)))
    no_progress(ok(s3("put", path, "s3://scratch/progress/big.bin")))
    no_progress(ok(s3("get", "-r", "s3://data/dir/", out)))

    r = ok(s3("get", "--progress", "s3://data/big.bin", path))
    assert "\r" in r.stderr and "GB/s" in r.stderr and "24.0 MiB" in r.stderr, r
    assert r.stderr.endswith("\n"), r
    check_progress_lines(r, "24.0 MiB", r"\d+ parts? in flight")
    assert file_sha256(path) == sha256(DATA["big.bin"])
    r = ok(s3("put", "--progress", path, "s3://scratch/progress/big.bin"))
    assert "\r" in r.stderr and "GB/s" in r.stderr, r
    r = ok(s3("get", "-r", "--progress", "s3://data/dir/", out))
    assert "\r" in r.stderr and "objects" in r.stderr, r

    # cat: on stderr, a line per object; standard output is the objects only.
    no_progress(ok(s3("cat", "s3://data/big.bin")))
    r = ok(s3("cat", "--progress", "s3://data/small.txt", "s3://data/big.bin"))
    assert r.stdout == DATA["small.txt"] + DATA["big.bin"], len(r.stdout)
    assert r.stderr.count("\n") == 2 and r.stderr.endswith("\n"), r
    small_line, big_line = r.stderr.rstrip("\n").split("\n")
    check_progress_lines(Result(0, b"", small_line + "\n"), "14 bytes", r"\d+ parts? in flight")
    check_progress_lines(Result(0, b"", big_line + "\n"), "24.0 MiB", r"\d+ parts? in flight")

    # Server-side cp: the size and the time until the copy is done, then
    # the rate. In parts (5 MiB) and in one CopyObject.
    copy = os.path.join(ROOT, "scratch", "progress", "copy.bin")
    no_progress(ok(s3("cp", "s3://data/big.bin", "s3://scratch/progress/copy.bin")))
    for args in (["--threshold", "5M", "--part-size", "5M"], []):
        os.unlink(copy)
        r = ok(s3("cp", "--progress", *args, "s3://data/big.bin", "s3://scratch/progress/copy.bin"))
        assert file_sha256(copy) == sha256(DATA["big.bin"])
        drawn = check_progress_lines(r, "24.0 MiB", r"(copying on the server, \d+ s|copied on the server)")
        assert drawn[0][1] == 0 and drawn[0][0].startswith("0 bytes / "), drawn
        assert drawn[0][0].endswith("ETA -:--  copying on the server, 0 s"), drawn
        assert drawn[-1][0].endswith("ETA 0:00  copied on the server"), drawn

    # On a terminal it is drawn without being asked.
    r = run_on_terminal("get", "s3://data/big.bin", path, *DIR.options())
    assert r.returncode == 0, r
    assert "\r" in r.stderr and "GB/s" in r.stderr, r
    r = run_on_terminal("get", "-q", "s3://data/big.bin", path, *DIR.options())
    assert r.returncode == 0 and r.stderr == "", r

    # -q and --json silence it.
    no_progress(ok(s3("get", "--progress", "-q", "s3://data/big.bin", path)))
    r = ok(s3("get", "--progress", "--json", "s3://data/big.bin", path))
    no_progress(r)
    json_lines(r)


# }}}
# {{{ Failures


@test
def operation_failures_exit_2():
    out = fresh_dir("failures")
    failed(s3("get", "s3://data/missing.bin", os.path.join(out, "m")), "missing.bin")
    failed(s3("info", "s3://data/missing.bin"))
    failed(s3("cat", "s3://data/missing.bin"))
    failed(s3("ls", "s3://no-such-bucket/"), "no-such-bucket")
    failed(s3("get", "s3://no-such-bucket/x", os.path.join(out, "m")), "no-such-bucket")
    assert os.listdir(out) == []

    # cat stops at the first missing object, after the ones before it.
    r = failed(s3("cat", "s3://data/small.txt", "s3://data/missing.bin", "s3://data/small.txt"))
    assert r.stdout == DATA["small.txt"], r

    # Nobody listens there.
    endpoint = "http://127.0.0.1:%d" % closed_port()
    r = failed(run("get", "--endpoint-url", endpoint, "--no-sign-request", "--retries", "0",
                   "s3://data/small.txt", os.path.join(out, "x"), timeout=30))
    assert os.listdir(out) == []
    failed(run("ls", "--endpoint-url", endpoint, "--no-sign-request", timeout=30))

    # No credentials anywhere: says where it looked and what to do.
    failed(run("ls", "--endpoint-url", DIR.url), "--no-sign-request")


@test
def commands_against_a_misbehaving_server():
    # serve with faults, each on a key of its own: transient ones are
    # retried and give the right bytes; lasting ones exit 2 with a message
    # naming the object and the problem, and leave no file.
    root = os.path.join(TOP, "faulty-root")
    big = DATA["big.bin"]
    for name in ("throttled.bin", "reset.bin", "short.bin", "broken.bin", "wrong.bin"):
        write_file(os.path.join(root, "flaky", name), big)
    server = Server(root,
                    "--fault", "status,key=throttled.bin,ranged,skip=1,count=2,status=503,code=SlowDown",
                    "--fault", "reset,key=reset.bin,ranged,skip=2,count=1,after=1M",
                    "--fault", "short-body,key=short.bin,ranged,skip=3,count=1,after=100K",
                    "--fault", "status,key=broken.bin,status=500,code=InternalError",
                    "--fault", "wrong-content-range,key=wrong.bin,ranged,skip=1")
    tuning = ["--part-size", "4M", "--threshold", "4M", "--inflight", "4", "--retries", "2"] + server.options()
    out = fresh_dir("misbehaving")

    r = ok(run("get", "--json", *tuning, "s3://flaky/throttled.bin", os.path.join(out, "t.bin")))
    assert read_file(os.path.join(out, "t.bin")) == big
    result = json_lines(r)[0]
    assert result["retries"] == 2 and result["requests"] == 7 + 2, result

    r = ok(run("cat", *tuning, "s3://flaky/reset.bin"))
    assert sha256(r.stdout) == sha256(big), len(r.stdout)
    ok(run("get", *tuning, "s3://flaky/short.bin", os.path.join(out, "s.bin")))
    assert read_file(os.path.join(out, "s.bin")) == big

    for command in (["get", "s3://flaky/broken.bin", os.path.join(out, "b.bin")],
                    ["get", "--discard", "s3://flaky/broken.bin"],
                    ["cat", "s3://flaky/broken.bin"]):
        r = failed(run(command[0], *tuning, *command[1:]), "s3://flaky/broken.bin", "InternalError")
        assert r.stdout == b"", (command, r.stdout[:100])
    r = failed(run("info", *server.options(), "s3://flaky/broken.bin"), "s3://flaky/broken.bin", "500")
    assert r.stdout == b"", r
    r = failed(run("get", *tuning, "s3://flaky/wrong.bin", os.path.join(out, "w.bin")),
               "s3://flaky/wrong.bin", "Content-Range")
    r = failed(run("cat", *tuning, "s3://flaky/wrong.bin"), "Content-Range")
    # cat writes in order: at most the first part, which came before the fault.
    assert len(r.stdout) <= 4 * 1024 * 1024 and big.startswith(r.stdout), len(r.stdout)
    assert sorted(os.listdir(out)) == ["s.bin", "t.bin"], os.listdir(out)
    server.stop()


@test
def interrupted_get_leaves_nothing():
    root = os.path.join(TOP, "stall-root")
    write_file(os.path.join(root, "slow", "big.bin"), DATA["big.bin"])
    # Every GET of big.bin sends 1 MiB, then nothing for 60 s.
    server = Server(root, "--fault", "stall,key=big.bin,after=1M,ms=60000")

    for args in (["get", "--inflight", "2", "--part-size", "4M", "s3://slow/big.bin"],
                 ["get", "-r", "s3://slow/"]):
        out = fresh_dir("interrupted")
        dest = os.path.join(out, "big.bin") if args[1] != "-r" else out
        p = subprocess.Popen([TOOL] + args + [dest] + server.options(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # Wait (bounded) for the temporary file to show the download is under way.
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not os.listdir(out):
                assert p.poll() is None, p.communicate()
                time.sleep(0.05)
            assert os.listdir(out), "no temporary file appeared"
            assert all(name.startswith(".") for name in os.listdir(out)), os.listdir(out)
            time.sleep(0.3)
            started = time.monotonic()
            p.send_signal(signal.SIGINT)
            stdout, stderr = p.communicate(timeout=15)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate(timeout=10)
        assert time.monotonic() - started < 10
        assert_no_sanitizer_report(stderr.decode("utf-8", "replace"), "the stderr of an interrupted get")
        assert p.returncode == 2, (p.returncode, stderr)
        assert b"s3dlio: " in stderr and b"cancelled" in stderr, stderr
        leftovers = [os.path.join(d, f) for d, _, files in os.walk(out) for f in files]
        assert leftovers == [], leftovers


@test
def interrupted_put_leaves_nothing():
    # Standard input that never ends: a multipart upload under way when
    # SIGINT comes; it is aborted, and no object appears.
    p = subprocess.Popen([TOOL, "put", "--threshold", "5M", "--part-size", "5M", "-",
                          "s3://scratch/interrupted.bin"] + DIR.options(),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdin.write(os.urandom(12 * 1024 * 1024))
        p.stdin.flush()
        time.sleep(0.5)
        assert p.poll() is None, p.communicate()
        p.send_signal(signal.SIGINT)
        stdout, stderr = p.communicate(timeout=15)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate(timeout=10)
    assert_no_sanitizer_report(stderr.decode("utf-8", "replace"), "the stderr of an interrupted put")
    assert p.returncode == 2, (p.returncode, stderr)
    assert b"s3dlio: " in stderr, stderr
    assert not os.path.exists(os.path.join(ROOT, "scratch", "interrupted.bin"))
    assert [f for f in os.listdir(os.path.join(ROOT, "scratch")) if "interrupted" in f] == []
    failed(s3("info", "s3://scratch/interrupted.bin"))


@test
def bench_json():
    modes = json_lines(ok(run("bench", "--size", "3M", "--runs", "1", "--sweep", "1,2", "--json")))
    assert [m["mode"] for m in modes] == ["single GET", "HEAD first", "size-aware",
                                          "size-aware, 1 in flight", "size-aware, 2 in flight"], modes
    assert all(m["bytes"] == 3 * 1024 * 1024 and m["gbps"] > 0 for m in modes), modes
    modes = json_lines(ok(s3("bench", "--runs", "1", "--sweep", "1", "--json", "s3://data/dir/sub/b.bin")))
    assert all(m["bytes"] == len(DATA["dir/sub/b.bin"]) for m in modes), modes


@test
def bench_count_and_default_size():
    """--count objects are all measured: every mode reports --count times
    --size bytes, and a single GET makes one request per object."""
    modes = json_lines(ok(run("bench", "--size", "1M", "--count", "3", "--runs", "2", "--sweep", "2", "--json")))
    assert [m["mode"] for m in modes] == ["single GET", "HEAD first", "size-aware", "size-aware, 2 in flight"], modes
    assert all(m["bytes"] == 3 * 1024 * 1024 and m["runs"] == 2 for m in modes), modes
    requests = {m["mode"]: m["requests"] for m in modes}
    assert requests["single GET"] == 3 and requests["HEAD first"] == 6, requests

    # The default size, 1 GiB, takes too long to measure here. The help
    # says it, and it is what --count is checked against (before --runs,
    # so --runs 0 stops either way): 65 of them pass the 64 GiB bound, 64
    # do not.
    r = ok(run("help", "bench"))
    assert re.search(r"^ +-s, --size=SIZE +Size of each test object on the loopback endpoint \(default 1GiB\)$",
                     r.text, re.M), r
    usage_error(run("bench", "--count", "65", "--runs", "0"), "--count times --size must be at most 64 GiB")
    usage_error(run("bench", "--count", "64", "--runs", "0"), "--runs", "not 0")


BENCH_ROW = re.compile(r"(.{30}) +(\d+\.\d\d) +(\d+) +(\d+\.\d\d)")


def bench_table(result, cpu_label):
    """The rows of bench's table: [(mode, GB/s, requests, CPU s/GiB)]."""
    lines = result.lines
    header = [i for i, line in enumerate(lines) if line.startswith("mode ")]
    assert len(header) == 1, result
    assert lines[header[0]].split() == ["mode", "GB/s", "requests"] + cpu_label.split(), result
    rows = []
    for line in lines[header[0] + 1:]:
        if not line:
            break
        match = BENCH_ROW.fullmatch(line)
        assert match, (line, result)
        rows.append((match.group(1).rstrip(), float(match.group(2)), int(match.group(3)),
                     float(match.group(4))))
    return rows


@test
def bench_human_table():
    # No endpoint configured: the loopback endpoint, in this process.
    r = ok(run("bench", "--size", "3M", "--runs", "1", "--sweep", "1,2"))
    assert "Preparing 1 object(s) of 3.0 MiB on a loopback S3 endpoint" in r.stderr, r
    assert re.search(r"^Endpoint http://127\.0\.0\.1:\d+; 1 run\(s\)", r.stderr, re.M), r
    rows = bench_table(r, "CPU s/GiB*")
    assert [row[0] for row in rows] == ["single GET", "HEAD first", "size-aware",
                                        "size-aware, 1 in flight", "size-aware, 2 in flight"], rows
    assert all(gbps > 0 and cpu >= 0 for _, gbps, _, cpu in rows), rows
    # 3 MiB is below the threshold: one GET, and the HEAD before it.
    assert [row[2] for row in rows] == [1, 2, 1, 1, 1], rows
    assert r.lines[-1] == "* CPU of the whole process: the client and the loopback endpoint share it.", r

    # An object of an endpoint: its CPU is the client's alone, no footnote.
    r = ok(s3("bench", "--runs", "2", "--sweep", "4", "--part-size", "1M", "--threshold", "1M",
                  "s3://data/dir/sub/b.bin"))
    rows = bench_table(r, "CPU s/GiB")
    assert [row[0] for row in rows] == ["single GET", "HEAD first", "size-aware",
                                        "size-aware, 4 in flight"], rows
    assert all(gbps > 0 and cpu >= 0 for _, gbps, _, cpu in rows), rows
    assert rows[0][2] == 1 and rows[1][2] == 5 and rows[2][2] == 4, rows   # 3 MiB + 17 in 1 MiB parts
    assert "loopback" not in r.text and "Preparing" not in r.stderr, r


@test
def bench_with_an_endpoint_needs_a_uri():
    """With an endpoint configured (an option, the environment, a profile),
    bench without URI asks for one rather than measuring its own loopback
    endpoint; with the URI it measures that endpoint's object."""
    home = fresh_dir("bench-home")
    write_file(os.path.join(home, ".aws", "config"), ("[default]\nendpoint_url = %s\n" % DIR.url).encode())
    for args, env in ((["--endpoint-url", DIR.url], None),
                      ([], dict(os.environ, AWS_ENDPOINT_URL=DIR.url)),
                      ([], dict(os.environ, HOME=home))):
        r = usage_error(run("bench", "--size", "1K", "--runs", "1", *args, env=env),
                        "An endpoint is configured (%s)" % DIR.url, "s3dlio bench s3://BUCKET/KEY")
        assert "Preparing" not in r.stderr, r
        modes = json_lines(ok(run("bench", "--runs", "1", "--sweep", "1", "--json", "--no-sign-request",
                                  *args, "s3://data/small.txt", env=env)))
        assert len(modes) == 4 and all(m["bytes"] == len(DATA["small.txt"]) for m in modes), modes


# }}}
# {{{ Connection and tuning options with good values


class RequestLog:
    """The requests an endpoint started with "serve --debug" logs."""
    LINE = re.compile(r"s3dlio-server-DEBUG: [\d:.]+: (\S+) (\S+)(.*) -> (\d+) conn=(\d+)")

    def __init__(self, server):
        self.server = server
        self.offset = os.path.getsize(server.log_path)

    def new(self):
        """[(method, path, rest, status, connection)] since the last call."""
        text = read_file(self.server.log_path)[self.offset:]
        self.offset += len(text)
        return [(m.group(1), m.group(2), m.group(3), int(m.group(4)), int(m.group(5)))
                for m in self.LINE.finditer(text.decode("utf-8", "replace"))]


LOGGED = None


def logged_server():
    global LOGGED
    if LOGGED is None:
        LOGGED = Server(ROOT, "--debug")
    return LOGGED


@test
def head_first_on_get():
    server = logged_server()
    log = RequestLog(server)
    out = fresh_dir("head-first")
    ok(run("get", *server.options(), "s3://data/dir/a.bin", out))
    assert [(m, p, s) for m, p, _, s, _ in log.new()] == [("GET", "/data/dir/a.bin", 206)]
    r = ok(run("get", "--head-first", "--json", *server.options(), "s3://data/dir/a.bin", out))
    assert file_sha256(os.path.join(out, "a.bin")) == sha256(DATA["dir/a.bin"])
    requests = log.new()
    assert [(m, p, s) for m, p, _, s, _ in requests] == [("HEAD", "/data/dir/a.bin", 200),
                                                         ("GET", "/data/dir/a.bin", 206)], requests
    # The GET is pinned to what the HEAD saw.
    assert "if-match=" in requests[1][2], requests
    assert json.loads(r.text)["requests"] == 2, r


@test
def addressing_style_and_region():
    env = signed_env()
    # No request needed: presign shows the host and the path it signs.
    def presign(*args):
        url = ok(run("presign", *args, "s3://data/small.txt", env=env)).text.strip()
        return urllib.parse.urlsplit(url)

    for args, netloc, path in (([], "data.s3.us-east-1.amazonaws.com", "/small.txt"),
                               (["--path-style"], "s3.us-east-1.amazonaws.com", "/data/small.txt"),
                               (["--endpoint-url", "http://localhost:9000"], "localhost:9000", "/data/small.txt"),
                               (["--endpoint-url", "http://localhost:9000", "--virtual-hosted"],
                                "data.localhost:9000", "/small.txt")):
        url = presign(*args)
        assert (url.netloc, url.path) == (netloc, path), (args, url)
        assert "%2Fus-east-1%2Fs3%2Faws4_request" in url.query, url
    url = presign("--region", "eu-west-1")
    assert url.netloc == "data.s3.eu-west-1.amazonaws.com", url
    assert "%2Feu-west-1%2Fs3%2Faws4_request" in url.query, url
    url = presign("--region", "ap-south-1", "--endpoint-url", "http://localhost:9000", "--path-style")
    assert (url.netloc, url.path) == ("localhost:9000", "/data/small.txt"), url
    assert "%2Fap-south-1%2Fs3%2Faws4_request" in url.query, url

    # Real requests: --path-style puts the bucket in the path.
    server = logged_server()
    log = RequestLog(server)
    r = ok(run("info", "--path-style", "--debug", *server.options(), "s3://data/small.txt"))
    assert "size: 14\n" in r.text, r
    assert [(m, p) for m, p, _, _, _ in log.new()] == [("HEAD", "/data/small.txt")]
    assert "addressing-style=path" in r.stderr, r

    # A signed endpoint in us-east-1: signed for the region given.
    root = os.path.join(TOP, "region-root")
    write_file(os.path.join(root, "private", "doc.bin"), DATA["dir/a.bin"])
    signed = Server(root, "--access-key-id", ACCESS_KEY_ID, "--secret-access-key", SECRET)
    e = ["--endpoint-url", signed.url, "--debug"]
    r = ok(run("get", *e, "--region", "us-east-1", "s3://private/doc.bin", "-", env=env))
    assert r.stdout == DATA["dir/a.bin"], r
    assert "region=us-east-1" in r.stderr and "region from the caller" in r.stderr, r
    assert re.search(r"Signed GET 127\.0\.0\.1:\d+/private/doc\.bin \(scope \d{8}/us-east-1/s3/aws4_request",
                     r.stderr), r
    assert "signing again" not in r.stderr, r
    # Another region is used, refused, and the client signs again for the
    # region the endpoint names.
    r = ok(run("get", *e, "--region", "eu-west-1", "s3://private/doc.bin", "-", env=env))
    assert r.stdout == DATA["dir/a.bin"], r
    assert "/eu-west-1/s3/aws4_request" in r.stderr, r
    assert "is in us-east-1, not eu-west-1: signing again for us-east-1" in r.stderr, r
    signed.stop()


@test
def connections_and_threads():
    server = logged_server()
    log = RequestLog(server)
    out = fresh_dir("connections")
    path = os.path.join(out, "big.bin")
    pool = re.compile(r"session pool: (\d+) workers, (\d+) connections per host")
    parts = ["--part-size", "1M", "--threshold", "1M", "--inflight", "4", "--debug"]    # 25 GETs

    # One thread, one connection: every part on the same connection.
    r = ok(run("get", "--threads", "1", "--connections", "1", *parts, *server.options(),
               "s3://data/big.bin", path))
    assert file_sha256(path) == sha256(DATA["big.bin"])
    assert pool.search(r.stderr).groups() == ("1", "1"), r.stderr[-2000:]
    requests = log.new()
    assert len(requests) == 25 and {m for m, _, _, _, _ in requests} == {"GET"}, requests
    assert len({c for _, _, _, _, c in requests}) == 1, requests

    # Two threads with three connections each: more than one is used.
    r = ok(run("get", "--threads", "2", "--connections", "3", *parts, *server.options(),
               "s3://data/big.bin", path))
    assert file_sha256(path) == sha256(DATA["big.bin"])
    assert pool.search(r.stderr).groups() == ("2", "3"), r.stderr[-2000:]
    requests = log.new()
    assert len(requests) == 25, requests
    assert 1 < len({c for _, _, _, _, c in requests}) <= 6, requests
    # Workers are named in the client's log: both took parts.
    workers = set(re.findall(r"worker (\d+), connection", r.stderr))
    assert workers == {"0", "1"}, workers


@test
def inflight_and_jobs_bound_what_runs_at_once():
    """--inflight and -j are obeyed. The endpoint holds every response for
    150 ms, so that the progress lines (one each 250 ms) find parts and
    objects waiting: none shows more in flight than asked, and some show
    as many."""
    root = os.path.join(TOP, "delay-root")
    write_file(os.path.join(root, "slow", "big.bin"), DATA["big.bin"])
    many = {"%02d.bin" % i: os.urandom(1000 + i) for i in range(12)}
    for name, value in many.items():
        write_file(os.path.join(root, "slow", "many", name), value)
    server = Server(root, "--fault", "delay,ms=150")
    out = fresh_dir("in-flight")

    # 25 parts of 1 MiB, 2 at a time: about 2 s (the default is 64 at a time).
    path = os.path.join(out, "big.bin")
    r = ok(run("get", "--progress", "--inflight", "2", "--part-size", "1M", "--threshold", "1M",
               *server.options(), "s3://slow/big.bin", path))
    assert file_sha256(path) == sha256(DATA["big.bin"])
    check_progress_lines(r, "24.0 MiB", r"\d+ parts? in flight")
    parts = [int(n) for n in re.findall(r"(\d+) parts? in flight", r.stderr)]
    assert parts and max(parts) == 2, r.stderr

    # 12 objects, 2 at a time: about 1 s (the default is 4 at a time).
    r = ok(run("get", "-r", "-j", "2", "--progress", *server.options(), "s3://slow/many/", os.path.join(out, "many")))
    assert tree(os.path.join(out, "many")) == {k: sha256(v) for k, v in many.items()}
    objects = [int(n) for n in re.findall(r"\d+/12 objects, (\d+) in flight", r.stderr)]
    assert objects and max(objects) == 2, r.stderr
    server.stop()


@test
def profiles_from_the_shared_files():
    """--profile picks the credentials and the region of a profile of
    ~/.aws/credentials and ~/.aws/config; the endpoint takes one key only."""
    root = os.path.join(TOP, "profile-root")
    write_file(os.path.join(root, "private", "doc.bin"), DATA["dir/a.bin"])
    server = Server(root, "--access-key-id", ACCESS_KEY_ID, "--secret-access-key", SECRET)
    home = fresh_dir("profile-home")
    write_file(os.path.join(home, ".aws", "credentials"),
               ("[default]\naws_access_key_id = AKIDOTHERPROFILE\naws_secret_access_key = other-secret\n\n"
                "[ci]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (ACCESS_KEY_ID, SECRET)).encode())
    write_file(os.path.join(home, ".aws", "config"),
               b"[default]\nregion = eu-west-1\n\n[profile ci]\nregion = us-east-1\n")
    env = dict(os.environ, HOME=home)
    e = ["--endpoint-url", server.url]
    out = fresh_dir("profile")

    r = ok(run("get", *e, "--profile", "ci", "--debug", "s3://private/doc.bin", out, env=env))
    assert file_sha256(os.path.join(out, "doc.bin")) == sha256(DATA["dir/a.bin"])
    assert "region=us-east-1" in r.stderr and "signing again" not in r.stderr, r
    assert SECRET not in r.stderr, r
    # AWS_PROFILE names it too; --profile wins over it.
    ok(run("ls", *e, "s3://private/", env=dict(env, AWS_PROFILE="ci")))
    r = failed(run("ls", *e, "--profile", "default", "s3://private/", env=dict(env, AWS_PROFILE="ci")),
               "InvalidAccessKeyId")
    # The default profile's key is not the endpoint's.
    failed(run("ls", *e, "s3://private/", env=env), "InvalidAccessKeyId")
    failed(run("ls", *e, "--profile", "nope", "s3://private/", env=env), "nope")
    server.stop()


@test
def serve_on_a_given_port_and_address():
    port = port_to_listen_on()
    server = Server(ROOT, "--port", str(port), "--address", "127.0.0.1")
    assert server.url == "http://127.0.0.1:%d" % port, server.url
    r = ok(run("ls", *server.options(), "s3://data/"))
    assert "small.txt" in r.text, r
    # The port is taken now: a failure, not a usage error.
    failed(run("serve", "--port", port, "--address", "127.0.0.1", ROOT, timeout=SERVE_TIMEOUT),
           "127.0.0.1 port %d" % port, "Address already in use")
    server.stop()
    assert server.process.returncode == 0, server.process.returncode

    # Another loopback address: the URL names it, and it answers there.
    server = Server(ROOT, "--address", "127.0.0.2")
    assert re.fullmatch(r"http://127\.0\.0\.2:\d+", server.url), server.url
    r = ok(run("ls", *server.options(), "s3://data/"))
    assert r.lines == ["big.bin", "dir/", "small.txt"], r
    server.stop()


# }}}
# {{{ Memory endpoint: metadata, keys that escape


@test
def content_type_and_metadata():
    server = Server("--memory")
    o = server.options()
    ok(run("mb", "s3://mem", *o))
    src = write_file(os.path.join(TOP, "mem", "page.html"), b"<p>hi</p>\n")
    ok(run("put", "--content-type", "text/html", "--metadata", "color=blue", "--metadata", "n=1",
           os.path.join(TOP, "mem", "page.html"), "s3://mem/page.html", *o))
    info = json.loads(ok(run("info", "--json", "s3://mem/page.html", *o)).text)
    assert info["content_type"] == "text/html", info
    assert info["metadata"] == {"color": "blue", "n": "1"}, info
    r = ok(run("info", "s3://mem/page.html", *o))
    assert "content-type: text/html" in r.lines and "  color: blue" in r.lines, r
    # A server-side copy keeps them.
    ok(run("cp", "s3://mem/page.html", "s3://mem/copy.html", *o))
    info = json.loads(ok(run("info", "--json", "s3://mem/copy.html", *o)).text)
    assert info["content_type"] == "text/html" and info["metadata"]["color"] == "blue", info
    r = ok(run("cat", "s3://mem/copy.html", *o))
    assert r.stdout == src
    # From --threshold on, the copy is made of parts (UploadPartCopy): the
    # ETag tells, and they are kept too.
    big = write_file(os.path.join(TOP, "mem", "big.bin"), os.urandom(11 * 1024 * 1024))
    ok(run("put", "--content-type", "application/x-big", "--metadata", "color=red",
           os.path.join(TOP, "mem", "big.bin"), "s3://mem/big.bin", *o))
    ok(run("cp", "--threshold", "6M", "--part-size", "5M", "--inflight", "2",
           "s3://mem/big.bin", "s3://mem/big-copy.bin", *o))
    info = json.loads(ok(run("info", "--json", "s3://mem/big-copy.bin", *o)).text)
    assert info["etag"].endswith('-3"'), info
    assert info["size"] == len(big), info
    assert info["content_type"] == "application/x-big" and info["metadata"] == {"color": "red"}, info
    r = ok(run("cat", "s3://mem/big-copy.bin", *o))
    assert sha256(r.stdout) == sha256(big)
    # Below it, one CopyObject keeps the source's ETag.
    ok(run("cp", "s3://mem/big.bin", "s3://mem/big-copy2.bin", *o))
    source = json.loads(ok(run("info", "--json", "s3://mem/big.bin", *o)).text)
    info = json.loads(ok(run("info", "--json", "s3://mem/big-copy2.bin", *o)).text)
    assert info["etag"] == source["etag"] and not info["etag"].endswith('-3"'), (info, source)


@test
def recursive_get_refuses_escaping_keys():
    server = Server("--memory")
    o = server.options()
    ok(run("mb", "s3://esc", *o))
    ok(run("put", "-", "s3://esc/safe/ok.txt", *o, input=b"fine"))
    ok(run("put", "-", "s3://esc/safe/../../escaped.txt", *o, input=b"evil"))
    ok(run("put", "-", "s3://esc/safe//double.txt", *o, input=b"evil"))

    base = fresh_dir("escape")
    out = os.path.join(base, "out")
    r = failed(run("get", "-r", "s3://esc/safe/", out, *o), "Refusing the key", "..")
    assert "safe/../../escaped.txt" in r.stderr, r
    assert "2 of 3 objects failed" in r.stderr, r
    assert tree(base) == {"out/ok.txt": sha256(b"fine")}, tree(base)
    assert not os.path.exists(os.path.join(TOP, "escaped.txt"))

    results = json_lines(failed(run("get", "-r", "--json", "s3://esc/safe/", fresh_dir("escape2"), *o)))
    errors = {o["uri"]: o["error"] for o in results}
    assert errors["s3://esc/safe/ok.txt"] is None, errors
    assert "Refusing" in errors["s3://esc/safe/../../escaped.txt"], errors


# }}}
# {{{ Signed requests, secrets, presigned URLs


def signed_env(secret=SECRET):
    env = dict(os.environ)
    env["AWS_ACCESS_KEY_ID"] = ACCESS_KEY_ID
    env["AWS_SECRET_ACCESS_KEY"] = secret
    return env


@test
def presign_expires():
    """--expires is the URL's X-Amz-Expires; 3600 without it."""
    def expires(*args):
        url = ok(run("presign", *args, "s3://data/small.txt", env=signed_env())).text.strip()
        return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Expires"]

    assert expires("--expires", "60") == ["60"]
    assert expires("-e", "604800") == ["604800"]
    assert expires("--put", "--expires", "1") == ["1"]
    assert expires() == ["3600"]
    assert expires("--put") == ["3600"]


@test
def signed_mode():
    root = os.path.join(TOP, "signed-root")
    write_file(os.path.join(root, "private", "doc.bin"), DATA["dir/a.bin"])
    server = Server(root, "--access-key-id", ACCESS_KEY_ID, "--secret-access-key", SECRET)
    e = ["--endpoint-url", server.url]
    out = fresh_dir("signed")
    seen = []

    def check(result):
        seen.append(result.stdout.decode("utf-8", "replace") + result.stderr)
        return result

    check(ok(run("get", *e, "s3://private/doc.bin", out, env=signed_env())))
    assert file_sha256(os.path.join(out, "doc.bin")) == sha256(DATA["dir/a.bin"])
    check(ok(run("put", *e, "--threshold", "5M", "--part-size", "5M", os.path.join(ROOT, "data", "big.bin"),
                 "s3://private/big.bin", "--debug", env=signed_env())))
    assert file_sha256(os.path.join(root, "private", "big.bin")) == sha256(DATA["big.bin"])
    r = check(ok(run("ls", *e, "-l", "-v", "--debug", "s3://private/", env=signed_env())))
    assert "doc.bin" in r.text, r
    assert "DEBUG" in r.stderr, r      # --debug really logged the requests
    # It names the endpoint the requests go to, not the one --endpoint-url replaced.
    assert "S3dlioEndpoint(url=%s, " % server.url in r.stderr, r
    assert "(url from the caller, " in r.stderr, r
    assert "amazonaws.com" not in r.stderr, r
    check(ok(run("get", *e, "-v", "--debug", "s3://private/big.bin", "-", env=signed_env())))
    check(ok(run("info", *e, "--json", "--debug", "s3://private/doc.bin", env=signed_env())))

    # Anonymous and wrong secrets are refused by the server.
    check(failed(run("get", *e, "--no-sign-request", "s3://private/doc.bin", os.path.join(out, "x"))))
    r = check(failed(run("ls", *e, "--debug", "s3://private/", env=signed_env("wrong-secret"))))
    assert "SignatureDoesNotMatch" in r.stderr, r
    check(failed(run("get", *e, "-v", "s3://private/doc.bin", os.path.join(out, "x"),
                     env=signed_env("wrong-secret"))))
    assert not os.path.exists(os.path.join(out, "x"))

    # A presigned URL works with any HTTP client, and only as signed.
    url = check(ok(run("presign", *e, "--debug", "s3://private/doc.bin", env=signed_env()))).text.strip()
    assert url.startswith(server.url + "/") and "X-Amz-Signature=" in url, url
    with urllib.request.urlopen(url, timeout=30) as response:
        assert sha256(response.read()) == sha256(DATA["dir/a.bin"])
    tampered = url.replace("doc.bin", "big.bin")
    try:
        urllib.request.urlopen(tampered, timeout=30)
        raise AssertionError("a URL signed for another key worked")
    except urllib.error.HTTPError as error:
        assert error.code == 403, error.code

    url = check(ok(run("presign", *e, "--put", "--expires", "60", "s3://private/uploaded.bin",
                       env=signed_env()))).text.strip()
    body = os.urandom(4096)
    request = urllib.request.Request(url, data=body, method="PUT")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status
    assert read_file(os.path.join(root, "private", "uploaded.bin")) == body

    # The secret never shows, even with --debug.
    assert seen
    for text in seen:
        assert SECRET not in text, text
        assert SECRET.replace("/", "%2F") not in text
    server.stop()
    assert SECRET not in read_file(server.log_path).decode("utf-8", "replace")


SESSION_TOKEN = "IQoJb3JpZ2luX2VjEA/Session+Token=Do+Not+Print/cli"


def secret_forms(secret):
    """The ways a secret could be written: as is, URL-encoded, and some of
    its distinctive middle (a partly masked secret still leaks)."""
    forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote(secret, safe="/"),
             urllib.parse.quote_plus(secret)}
    forms.update(secret[i:i + 12] for i in range(4, len(secret) - 16, 6))
    return forms


def assert_no_secret(text, where, allowed_url=None):
    if allowed_url is not None:
        text = text.replace(allowed_url, "")
    for secret in (SECRET, SESSION_TOKEN):
        for form in secret_forms(secret):
            assert form not in text, "%r shows in %s: %r" % (form, where, text[:3000])


@test
def secrets_never_show():
    """Secret key and session token, with --debug and every GLib debug message:
    in signed requests of every kind, in refusals and in failures, neither
    shows on stdout or stderr, nor in the endpoint's own log. The one
    exception is the presigned URL that presign prints on stdout: a URL
    made with temporary credentials only works with the session token in
    its X-Amz-Security-Token parameter, so it must be there, and there
    only (not in presign's stderr, nor anywhere else)."""
    root = os.path.join(TOP, "secrets-root")
    write_file(os.path.join(root, "vault", "doc.bin"), DATA["dir/a.bin"])
    debug_env = dict(os.environ, G_MESSAGES_DEBUG="all")
    server = Server(root, "--access-key-id", ACCESS_KEY_ID, "--secret-access-key", SECRET, env=debug_env)
    e = ["--endpoint-url", server.url, "--debug"]
    out = fresh_dir("secrets")
    env = signed_env()
    env["AWS_SESSION_TOKEN"] = SESSION_TOKEN
    env["G_MESSAGES_DEBUG"] = "all"
    wrong = dict(env, AWS_SECRET_ACCESS_KEY="wrong-" + SECRET)

    def check(result, what):
        assert_no_secret(result.stdout.decode("utf-8", "replace"), what + " stdout")
        assert_no_secret(result.stderr, what + " stderr")
        return result

    # Signed requests of every kind, with the session token.
    check(ok(run("ls", *e, env=env)), "ls")
    r = check(ok(run("ls", *e, "-l", "-r", "s3://vault/", env=env)), "ls -r")
    assert "doc.bin" in r.text and "DEBUG" in r.stderr, r
    check(ok(run("get", *e, "s3://vault/doc.bin", out, env=env)), "get")
    assert file_sha256(os.path.join(out, "doc.bin")) == sha256(DATA["dir/a.bin"])
    check(ok(run("put", *e, os.path.join(out, "doc.bin"), "s3://vault/copy.bin", env=env)), "put")
    check(ok(run("put", *e, "--threshold", "5M", "--part-size", "5M", os.path.join(ROOT, "data", "big.bin"),
                 "s3://vault/big.bin", env=env)), "put (multipart)")
    check(ok(run("get", *e, "--part-size", "4M", "s3://vault/big.bin", os.path.join(out, "big.bin"), env=env)),
          "get (parts)")
    assert file_sha256(os.path.join(out, "big.bin")) == sha256(DATA["big.bin"])
    check(ok(run("info", *e, "--json", "s3://vault/doc.bin", env=env)), "info")
    check(ok(run("cat", *e, "s3://vault/copy.bin", env=env)), "cat")
    check(ok(run("cp", *e, "s3://vault/copy.bin", "s3://vault/copy2.bin", env=env)), "cp")
    check(ok(run("rm", *e, "s3://vault/copy2.bin", env=env)), "rm")

    # Refusals and failures: a wrong secret (403), a missing key (404),
    # nobody listening.
    r = check(failed(run("ls", *e, "s3://vault/", env=wrong)), "ls, wrong secret")
    assert "SignatureDoesNotMatch" in r.stderr and "403" in r.stderr, r
    check(failed(run("get", *e, "s3://vault/doc.bin", os.path.join(out, "x"), env=wrong)), "get, wrong secret")
    check(failed(run("info", *e, "s3://vault/doc.bin", env=wrong)), "info, wrong secret")
    check(failed(run("put", *e, os.path.join(out, "doc.bin"), "s3://vault/x.bin", env=wrong)), "put, wrong secret")
    r = check(failed(run("get", *e, "s3://vault/missing.bin", os.path.join(out, "x"), env=env)), "get, missing key")
    assert "missing.bin" in r.stderr, r
    check(failed(run("info", *e, "s3://vault/missing.bin", env=env)), "info, missing key")
    assert not os.path.exists(os.path.join(out, "x"))
    nowhere = ["--endpoint-url", "http://127.0.0.1:%d" % closed_port(), "--debug"]
    check(failed(run("ls", *nowhere, "s3://vault/", env=env, timeout=30)), "ls, unreachable")
    check(failed(run("get", *nowhere, "--retries", "0", "s3://vault/doc.bin", os.path.join(out, "x"),
                     env=env, timeout=30)), "get, unreachable")

    # presign: the token is in the URL on stdout, and nowhere else.
    for args in ([], ["--put", "--expires", "60"]):
        r = ok(run("presign", *e, *args, "s3://vault/doc.bin", env=env))
        url = r.text.strip()
        assert "\n" not in url and url.startswith(server.url + "/"), r
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        assert query["X-Amz-Security-Token"] == [SESSION_TOKEN], query
        assert_no_secret(r.text, "presign stdout", allowed_url=url)
        assert_no_secret(r.stderr, "presign stderr")
    url = ok(run("presign", *e, "s3://vault/doc.bin", env=env)).text.strip()
    with urllib.request.urlopen(url, timeout=30) as response:
        assert sha256(response.read()) == sha256(DATA["dir/a.bin"])

    server.stop()
    assert_no_secret(read_file(server.log_path).decode("utf-8", "replace"), "the endpoint's log")

# }}}


def servers_ended_cleanly():
    """The servers the tests left running (DIR, LOGGED, ...) end as they
    should: how serve ends is where the asan and valgrind setups find
    what it did wrong."""
    problems = []
    for server in servers:
        try:
            server.stop()
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


def main():
    selected = [func for group, func in tests if GROUP in (None, group) and (not ONLY or func.__name__ in ONLY)]
    unknown = ONLY - {func.__name__ for func in selected}
    if unknown:
        sys.exit("no test %s in group %s" % (", ".join(sorted(unknown)), GROUP))
    # The last one, whatever was selected.
    selected.append(servers_ended_cleanly)
    print("1..%d" % len(selected), flush=True)
    failures = 0
    try:
        for number, func in enumerate(selected, 1):
            started = time.monotonic()
            try:
                func()
            except Exception:
                failures += 1
                print("not ok %d - %s" % (number, func.__name__))
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
            else:
                print("ok %d - %s" % (number, func.__name__))
            print("# %s: %.1f s" % (func.__name__, time.monotonic() - started))
            sys.stdout.flush()
    finally:
        stop_servers()
        shutil.rmtree(TOP, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
