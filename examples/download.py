#!/usr/bin/python3
# Downloads one S3 object into a file, with a progress bar.
#
#   download.py [--profile NAME] [--part-size SIZE] s3://bucket/key [DEST]
#
# Endpoint, region and credentials come from the environment and ~/.aws as
# for the s3dlio command-line tool and the AWS CLI (AWS_ENDPOINT_URL,
# AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE...),
# tuning knobs from S3DLIO_* variables. DEST is a file, or a directory
# (ending in "/") to put the object in under its own name; without DEST,
# the object's name in the current directory.
#
# The download runs asynchronously on a GLib main loop: the transfer's
# "progress" signal redraws the bar, Ctrl-C cancels it.
#
# SPDX-License-Identifier: Apache-2.0

import argparse
import os
import signal
import sys

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Gio", "2.0")
gi.require_version("S3dlio", "1.0")
from gi.repository import GLib, Gio, S3dlio  # noqa: E402

PROGRAM = os.path.basename(sys.argv[0])
BAR_WIDTH = 30


def human(n):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0


def destination_path(uri, dest):
    name = uri.get_basename()
    if dest is None:
        return name
    if dest.endswith("/") or os.path.isdir(dest):
        return os.path.join(dest, name)
    return dest


class ProgressBar:
    def __init__(self, stream):
        self.stream = stream
        self.drawn = False

    def draw(self, transfer):
        total = transfer.props.total_size
        # Nothing to show before the size is known, nor for a failure.
        if total == 0 or transfer.props.state in (S3dlio.TransferState.FAILED, S3dlio.TransferState.CANCELLED):
            return
        done = transfer.props.bytes_done
        # Bytes of retried parts count again: never show more than 100 %.
        fraction = min(done / total, 1.0)
        filled = int(fraction * BAR_WIDTH)
        line = "\r[%s%s] %3d%% %s of %s, %s/s, %d/%d parts" % (
            "#" * filled,
            " " * (BAR_WIDTH - filled),
            int(fraction * 100),
            human(min(done, total)),
            human(total),
            human(transfer.props.throughput),
            transfer.props.parts_done,
            transfer.props.n_parts,
        )
        self.stream.write(line)
        self.stream.flush()
        self.drawn = True

    def finish(self):
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def main():
    parser = argparse.ArgumentParser(description="Download an S3 object with a progress bar.")
    parser.add_argument("--profile", help="the AWS profile to use (default: AWS_PROFILE, else default)")
    parser.add_argument("--part-size", help="size of each ranged GET, e.g. 8MiB")
    parser.add_argument("uri", help="s3://bucket/key")
    parser.add_argument("dest", nargs="?", help="file or directory to write to")
    args = parser.parse_args()

    try:
        uri = S3dlio.Uri.parse(args.uri)
        if uri.get_scheme() != S3dlio.UriScheme.S3 or uri.is_prefix():
            print("%s: %s: give one object, as s3://bucket/key" % (PROGRAM, args.uri), file=sys.stderr)
            return 2
        client = S3dlio.Client.new_from_environment(args.profile)
        if args.part_size:
            client.get_config().set_from_string("part-size", args.part_size)
    except GLib.Error as e:
        print("%s: %s" % (PROGRAM, e.message), file=sys.stderr)
        return 2

    path = destination_path(uri, args.dest)
    transfer = S3dlio.Transfer.new(uri)
    transfer.set_destination_path(path)

    bar = ProgressBar(sys.stderr)
    transfer.connect("progress", bar.draw)

    loop = GLib.MainLoop()
    cancellable = Gio.Cancellable()
    outcome = {}

    def interrupted():
        cancellable.cancel()
        return GLib.SOURCE_CONTINUE

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, interrupted)

    def done(client, result):
        try:
            client.download_finish(result)
        except GLib.Error as e:
            outcome["error"] = e
        loop.quit()

    client.download_async(transfer, cancellable, done)
    loop.run()
    bar.finish()

    error = outcome.get("error")
    if error is not None:
        if error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED):
            print("%s: cancelled" % PROGRAM, file=sys.stderr)
            return 130
        print("%s: %s" % (PROGRAM, error.message), file=sys.stderr)
        return 1

    seconds = transfer.props.elapsed
    print("%s -> %s: %d bytes in %.3f s (%s/s), %d parts, %d requests, %d retries" % (
        uri.to_string(), path, transfer.get_length(), seconds,
        human(transfer.props.average_throughput), transfer.props.n_parts,
        transfer.props.requests, transfer.props.retries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
