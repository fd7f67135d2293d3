#!/usr/bin/python3
"""Benchmark libs3dlio's GET against nginx on 127.0.0.1, with curl as reference.

Starts nginx (Debian's nginx-light) serving random objects from tmpfs, then
measures, interleaved run by run, every variant on every object size and
prints the median GB/s and client CPU seconds per GiB, plus the ratios the
project targets. Not a test: run it by hand (see bench/README.md):

    /usr/bin/python3 bench/run-nginx.py --build build
"""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

GiB = 1 << 30
MiB = 1 << 20

NGINX_CONF = """
daemon off;
master_process off;
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile off;
    output_buffers 2 256k;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""

VARIANTS = [
    ("s3dlio chunk sink (discard)", ["--mode", "discard"]),
    ("s3dlio memory, fresh buffer", ["--mode", "memory"]),
    ("s3dlio memory, reused buffer", ["--mode", "reused"]),
    ("s3dlio file on tmpfs", ["--mode", "file"]),
    ("s3dlio single GET", ["--mode", "discard", "--strategy", "single"]),
    ("s3dlio HEAD first", ["--mode", "discard", "--strategy", "head-first"]),
    ("curl single stream", None),
    ("curl -Z, 8 x 8 MiB ranges", None),
    ("s3dlio chunk sink, busy-poll 30 us", ["--mode", "discard", "--busy-poll", "30"]),
    # One worker thread: the other core is the server's, and a second
    # polling worker would take its turns there.
    ("s3dlio chunk sink, busy-poll 50 us, 1 thread",
     ["--mode", "discard", "--busy-poll", "50"], {"S3DLIO_RT_THREADS": "1"}),
]

HALT_POLL = "/sys/module/haltpoll/parameters/guest_halt_poll_ns"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start on port %d" % port)


def write_random(path, size):
    chunk = os.urandom(8 * MiB)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, len(chunk))
            f.write(chunk[:n])
            left -= n


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pinned_to(cpus):
    """A preexec_fn that pins the child to CPUS, or None to leave it free."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def run_child(argv, env=None, cpus=None):
    """Runs a client process; returns (wall seconds, its CPU seconds, stdout)."""
    cpu_before = child_cpu()
    start = time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, timeout=600, preexec_fn=pinned_to(cpus))
    wall = time.monotonic() - start
    cpu = child_cpu() - cpu_before
    if proc.returncode != 0:
        raise RuntimeError("%s failed: %s" % (argv[0], proc.stderr.decode(errors="replace")))
    return wall, cpu, proc.stdout.decode()


def curl_ranges(url, size, part=8 * MiB):
    argv = ["curl", "-s", "--fail", "-Z", "--parallel-max", "8"]
    for start in range(0, size, part):
        end = min(start + part, size) - 1
        argv += ["-r", "%d-%d" % (start, end), "-o", "/dev/null", url]
    return argv


def flush_tcp_metrics():
    """Forgets what the kernel cached about earlier connections to 127.0.0.1.

    Linux saves RTT, cwnd and ssthresh per destination when a connection
    closes and seeds new connections with them. On loopback client and
    server share the address, so each run inherits the previous one's
    figures: a client whose requests waited 10-20 ms behind busy
    connections leaves a cached RTT of ~10 ms, and nginx's connections in
    the next run start with pacing set from it (measured: the same s3dlio
    run at 3.4 GB/s after itself, 4.1 GB/s after a flush). Flushing before
    every run starts each variant from the same state. Needs root (or
    CAP_NET_ADMIN); returns whether it worked.
    """
    try:
        return subprocess.run(["ip", "tcp_metrics", "flush", "127.0.0.1"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        return False


def read_halt_poll():
    """The guest's cpuidle-haltpoll window in ns, or None if not a KVM guest using it.

    It decides what an idle vCPU costs: with 0 an idle vCPU halts at once,
    and waking it goes through the host, which the waking side (on
    loopback, nginx) pays for. See README.md, "Measurements"."""
    try:
        with open(HALT_POLL) as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def write_halt_poll(value):
    with open(HALT_POLL, "w") as f:
        f.write("%d\n" % value)


def request_idle_polling():
    """Asks the kernel to poll, not halt, on idle CPUs while the file stays open.

    A PM QoS request of 0 us on /dev/cpu_dma_latency (what tuned's
    latency-performance profile does) makes cpuidle take its polling state,
    so an idle vCPU stays on its host CPU. The polling is the idle task's
    time, not the clients': their CPU figures do not include it. Root only."""
    f = open("/dev/cpu_dma_latency", "wb", buffering=0)
    f.write(struct.pack("i", 0))
    return f


def measure(args, variant, flags, extra_env, url, uri, size, tmp, env):
    # Let the kernel finish with the last run (a fresh 1 GiB buffer or
    # file is freed in the background) before timing the next.
    time.sleep(args.settle)
    if not flush_tcp_metrics() and not args.warned_flush:
        args.warned_flush = True
        print("warning: could not flush the kernel's TCP metrics for 127.0.0.1 (needs root): "
              "each run inherits the previous run's cached RTT, which skews the figures",
              file=sys.stderr)
    if flags is not None:
        argv = [args.bench_get, "-e", args.endpoint, uri, "-o", os.path.join(tmp, "out.bin"),
                "-i", str(args.inflight)]
        argv += flags
        _, _, out = run_child(argv, dict(env, **extra_env), args.client_cpus)
        result = json.loads(out)
        return result["seconds"], result["cpu"], result["requests"]
    if variant.startswith("curl single"):
        wall, cpu, _ = run_child(["curl", "-s", "--fail", "-o", "/dev/null", url], cpus=args.client_cpus)
        return wall, cpu, 1
    argv = curl_ranges(url, size)
    wall, cpu, _ = run_child(argv, cpus=args.client_cpus)
    return wall, cpu, (size + 8 * MiB - 1) // (8 * MiB)


def parse_size(text):
    units = {"K": 1 << 10, "M": MiB, "G": GiB}
    if text[-1].upper() in units:
        return int(text[:-1]) * units[text[-1].upper()]
    return int(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="meson build directory")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1G,256M,64M,16M")
    parser.add_argument("--workers", type=int, default=1, help="nginx worker processes")
    parser.add_argument("--only", default="", help="comma-separated variant name prefixes")
    parser.add_argument("--inflight", type=int, default=4,
                        help="s3dlio parts in flight (default 4: on loopback against one nginx "
                             "worker, 4 beat 8, the number of curl -Z's parallel ranges)")
    parser.add_argument("--settle", type=float, default=0.5,
                        help="seconds to wait before each run (default 0.5)")
    parser.add_argument("--guest-halt-poll-ns", type=int, default=None, metavar="NS",
                        help="on a KVM guest, set cpuidle-haltpoll's guest_halt_poll_ns for the "
                             "run and restore it after (needs root; the kernel's default is 200000)")
    parser.add_argument("--pin", action="store_true",
                        help="pin nginx to CPU 0 and every client to the other CPUs")
    parser.add_argument("--idle-poll", action="store_true",
                        help="hold a 0 us PM QoS request (/dev/cpu_dma_latency) for the run, so idle "
                             "CPUs poll instead of halting (root only; see bench/README.md)")
    parser.add_argument("--keep-awake", action="store_true",
                        help="with --pin, run a nice 19 busy loop on each client CPU, so that CPU never "
                             "idles (a diagnostic: the loop's CPU is not the clients'; see bench/README.md)")
    parser.add_argument("--json", action="store_true", help="print the raw samples as JSON too")
    args = parser.parse_args()
    args.warned_flush = False
    args.server_cpus = args.client_cpus = None
    if args.keep_awake and not args.pin:
        sys.exit("--keep-awake needs --pin")
    if args.pin:
        if os.cpu_count() < 2:
            sys.exit("--pin needs at least 2 CPUs")
        args.server_cpus = {0}
        args.client_cpus = set(range(1, os.cpu_count()))

    args.bench_get = os.path.join(args.build, "bench", "bench-get")
    if not os.path.exists(args.bench_get):
        sys.exit("no %s: build first (ninja -C %s)" % (args.bench_get, args.build))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        sys.exit("nginx is not installed: apt-get install nginx-light")

    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    tmp = tempfile.mkdtemp(prefix="s3dlio-bench-", dir=shm)
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "bench"))
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(tmp, d))

    sizes = [parse_size(s) for s in args.sizes.split(",")]
    for size in sizes:
        write_random(os.path.join(root, "bench", "obj-%d" % size), size)

    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, root=root, port=port, workers=args.workers))
    idle_poll = None
    if args.idle_poll:
        try:
            idle_poll = request_idle_polling()
        except OSError as e:
            sys.exit("--idle-poll: %s" % e)
    spinners = []
    if args.keep_awake:
        for cpu in sorted(args.client_cpus):
            spinners.append(subprocess.Popen(["nice", "-n", "19", "sh", "-c", "while :; do :; done"],
                                             preexec_fn=pinned_to({cpu})))
    server = subprocess.Popen([nginx, "-c", conf, "-e", os.path.join(tmp, "error.log")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=pinned_to(args.server_cpus))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "S3DLIO_")) and not k.lower().endswith("_proxy")}
    env["GIO_USE_PROXY_RESOLVER"] = "dummy"
    env["HOME"] = tmp
    env["LD_LIBRARY_PATH"] = os.path.join(args.build, "libs3dlio")

    halt_poll_before = read_halt_poll()
    if args.guest_halt_poll_ns is not None:
        if halt_poll_before is None:
            sys.exit("--guest-halt-poll-ns: no %s (not a KVM guest with cpuidle-haltpoll)" % HALT_POLL)
        write_halt_poll(args.guest_halt_poll_ns)

    variants = [v for v in VARIANTS
                if not args.only or any(v[0].startswith(p) for p in args.only.split(","))]
    samples = {}
    try:
        wait_for_port(port)
        args.endpoint = "http://127.0.0.1:%d" % port
        for run in range(args.runs):
            for size in sizes:
                url = "%s/bench/obj-%d" % (args.endpoint, size)
                uri = "s3://bench/obj-%d" % size
                for name, flags, *extra_env in variants:
                    wall, cpu, requests = measure(args, name, flags, dict(*extra_env),
                                                  url, uri, size, tmp, env)
                    samples.setdefault((size, name), []).append((wall, cpu, requests))
                    print("run %d/%d  %6d MiB  %-30s %6.2f GB/s  %5.2f CPU s/GiB" %
                          (run + 1, args.runs, size // MiB, name, size / wall / 1e9, cpu / (size / GiB)),
                          file=sys.stderr, flush=True)
    finally:
        if args.guest_halt_poll_ns is not None:
            write_halt_poll(halt_poll_before)
        server.send_signal(signal.SIGQUIT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        if idle_poll is not None:
            idle_poll.close()
        for spinner in spinners:
            spinner.kill()
            spinner.wait()

    print()
    print("Medians of %d runs, interleaved; nginx %d worker(s), objects on tmpfs; %d cores; "
          "s3dlio with %d parts of 8 MiB in flight; TCP metrics %s before every run." %
          (args.runs, args.workers, os.cpu_count(), args.inflight,
           "NOT flushed" if args.warned_flush else "flushed"))
    if args.pin:
        print("nginx pinned to CPU 0, clients to CPUs %s." % ",".join(map(str, sorted(args.client_cpus))))
    if args.keep_awake:
        print("A nice 19 busy loop on each client CPU.")
    if args.idle_poll:
        print("Idle CPUs polling (0 us PM QoS request held on /dev/cpu_dma_latency).")
    halt_poll = args.guest_halt_poll_ns if args.guest_halt_poll_ns is not None else halt_poll_before
    if halt_poll is not None:
        print("KVM guest: guest_halt_poll_ns %d%s." %
              (halt_poll, " for this run (%d otherwise)" % halt_poll_before
               if args.guest_halt_poll_ns is not None else ""))
    print()
    print("| size | variant | GB/s | CPU s/GiB | requests |")
    print("|---:|---|---:|---:|---:|")
    medians = {}
    for size in sizes:
        for name, *_ in variants:
            runs = samples[(size, name)]
            gbps = statistics.median(size / w / 1e9 for w, _, _ in runs)
            cpu = statistics.median(c / (size / GiB) for _, c, _ in runs)
            requests = statistics.median(r for _, _, r in runs)
            medians[(size, name)] = (gbps, cpu)
            print("| %d MiB | %s | %.2f | %.2f | %d |" % (size // MiB, name, gbps, cpu, requests))

    def ratio(size, a, b, col=0):
        if (size, a) in medians and (size, b) in medians and medians[(size, b)][col] > 0:
            return medians[(size, a)][col] / medians[(size, b)][col]
        return None

    print()
    for size in sizes:
        checks = [
            ("discard / curl -Z", ratio(size, VARIANTS[0][0], VARIANTS[7][0]), ">= 1.05 (1 GiB)"),
            ("discard / curl single", ratio(size, VARIANTS[0][0], VARIANTS[6][0]), ">= 1.35 (1 GiB)"),
            ("reused memory / curl -Z", ratio(size, VARIANTS[2][0], VARIANTS[7][0]), ">= 0.8 (1 GiB)"),
            ("CPU/GiB discard / curl -Z", ratio(size, VARIANTS[0][0], VARIANTS[7][0], 1), "<= 1.1"),
            ("busy-poll discard / curl -Z", ratio(size, VARIANTS[8][0], VARIANTS[7][0]), ""),
            ("CPU/GiB busy-poll / curl -Z", ratio(size, VARIANTS[8][0], VARIANTS[7][0], 1), ""),
            ("busy-poll 50 us 1 thread / curl -Z", ratio(size, VARIANTS[9][0], VARIANTS[7][0]), ""),
            ("/ curl single", ratio(size, VARIANTS[9][0], VARIANTS[6][0]), ""),
            ("CPU/GiB / curl -Z", ratio(size, VARIANTS[9][0], VARIANTS[7][0], 1), ""),
            ("size-aware / single GET", ratio(size, VARIANTS[0][0], VARIANTS[4][0]), ">= 1.0 (16 MiB)"),
        ]
        line = ", ".join("%s %.2f" % (n, r) for n, r, _ in checks if r is not None)
        print("%d MiB: %s" % (size // MiB, line))

    if args.json:
        print(json.dumps({"%d:%s" % k: v for k, v in samples.items()}))


if __name__ == "__main__":
    main()
