#!/usr/bin/python3
# Lists S3 objects, like `aws s3 ls`.
#
#   ls.py [--profile NAME] [--recursive] s3://bucket/prefix
#   ls.py [--profile NAME] s3://
#
# Without --recursive, the keys under a further "/" are rolled up into one
# "PRE name/" line, like directories; with it, every key under the prefix
# is listed. "s3://" alone lists the buckets. Endpoint, region and
# credentials come from the environment and ~/.aws, as for the s3dlio
# command-line tool and the AWS CLI.
#
# The listing is an S3dlio.ObjectList, a Gio.ListModel that fills page by
# page on the main loop: each page is printed as soon as it arrives.
#
# SPDX-License-Identifier: Apache-2.0

import argparse
import os
import sys

import gi

gi.require_version("GLib", "2.0")
gi.require_version("S3dlio", "1.0")
from gi.repository import GLib, S3dlio  # noqa: E402

PROGRAM = os.path.basename(sys.argv[0])
TIMESTAMP = "%Y-%m-%d %H:%M:%S"


def timestamp(date):
    return date.to_local().format(TIMESTAMP) if date is not None else " " * 19


def list_buckets(client):
    for bucket in client.list_buckets(None):
        print("%s %s" % (timestamp(bucket.props.creation_date), bucket.props.name))
    return 0


def list_objects(client, uri, recursive):
    key = uri.get_key()
    # Names are shown relative to the "directory" of the prefix, as the
    # AWS CLI does; full keys with --recursive.
    strip = 0 if recursive else key.rfind("/") + 1

    def show(info):
        name = info.props.key[strip:]
        if info.props.is_prefix:
            print("%s %10s %s" % (" " * 19, "PRE", name))
        else:
            print("%s %10d %s" % (timestamp(info.props.last_modified), info.props.size, name))

    objects = client.list(uri, None if recursive else "/", None)
    objects.connect("items-changed", lambda model, position, removed, added:
                    [show(model.get_item(i)) for i in range(position, position + added)])

    loop = GLib.MainLoop()
    objects.connect("notify::loading", lambda model, pspec: model.props.loading or loop.quit())
    if objects.props.loading:
        loop.run()

    if objects.props.error is not None:
        print("%s: %s" % (PROGRAM, objects.props.error.message), file=sys.stderr)
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description="List S3 objects or buckets.")
    parser.add_argument("--profile", help="the AWS profile to use (default: AWS_PROFILE, else default)")
    parser.add_argument("-r", "--recursive", action="store_true", help="list every key under the prefix")
    parser.add_argument("uri", help="s3://bucket/prefix, or s3:// for the buckets")
    args = parser.parse_args()

    try:
        client = S3dlio.Client.new_from_environment(args.profile)
        if args.uri == "s3://":
            return list_buckets(client)
        uri = S3dlio.Uri.parse(args.uri)
        if uri.get_scheme() != S3dlio.UriScheme.S3:
            print("%s: %s: not an s3:// URI" % (PROGRAM, args.uri), file=sys.stderr)
            return 2
        return list_objects(client, uri, args.recursive)
    except GLib.Error as e:
        print("%s: %s" % (PROGRAM, e.message), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
