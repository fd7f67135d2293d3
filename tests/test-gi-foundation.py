#!/usr/bin/python3
# Imports the S3dlio typelib from Python and uses the foundation API through
# it: URIs, configuration, credentials, and SigV4 signing checked against
# the worked example in the Amazon S3 API Reference.
#
# SPDX-License-Identifier: Apache-2.0

import os
import sys
import tempfile

# Control our own environment: no AWS profile, CA bundle or proxy from the
# machine may leak into the test.
for name in list(os.environ):
    if name.startswith(("AWS_", "S3DLIO_")) or name.lower().endswith("_proxy"):
        del os.environ[name]
os.environ["HOME"] = tempfile.mkdtemp(prefix="s3dlio-gi-test-")
os.environ["GIO_USE_PROXY_RESOLVER"] = "dummy"

import gi  # noqa: E402

gi.require_version("GLib", "2.0")
gi.require_version("S3dlio", "1.0")
from gi.repository import GLib, S3dlio  # noqa: E402

tests = []


def test(func):
    tests.append(func)
    return func


@test
def version():
    assert S3dlio.get_major_version() == S3dlio.MAJOR_VERSION
    assert S3dlio.check_version(0, 0, 0)


@test
def uri_round_trip():
    uri = S3dlio.Uri.parse("s3://bucket/a b/+%/../x")
    assert uri.get_bucket() == "bucket"
    assert uri.get_key() == "a b/+%/../x"
    assert uri.props.key == "a b/+%/../x"
    assert uri.to_string() == "s3://bucket/a b/+%/../x"


@test
def uri_error_is_gerror():
    try:
        S3dlio.Uri.parse("s3://Bad_Bucket/key")
    except GLib.Error as e:
        assert e.domain == "s3dlio-error-quark", e.domain
        assert e.code == S3dlio.Error.INVALID_URI
        assert "Bad_Bucket" in e.message
    else:
        raise AssertionError("no error for an invalid bucket")


@test
def config_properties_and_notify():
    config = S3dlio.Config.new()
    seen = []
    config.connect("notify::part-size", lambda obj, pspec: seen.append(obj.props.part_size))
    config.props.part_size = 16 * 1024 * 1024
    assert seen == [16 * 1024 * 1024]
    config.set_from_string("max-inflight", "8")
    assert config.props.max_inflight == 8


@test
def config_bad_environment():
    os.environ["S3DLIO_GET_PART_SIZE"] = "abc"
    try:
        S3dlio.Config.new_from_environment()
    except GLib.Error as e:
        assert e.code == S3dlio.Error.INVALID_CONFIG
        assert "S3DLIO_GET_PART_SIZE=abc" in e.message
    else:
        raise AssertionError("no error for a bad size")
    finally:
        del os.environ["S3DLIO_GET_PART_SIZE"]


@test
def sign_get_object_range():
    # "Example: GET Object" from the S3 API Reference (sig-v4-header-based-auth).
    creds = S3dlio.Credentials.new(
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None
    )
    signer = S3dlio.Signer.new(creds, "us-east-1")
    request = S3dlio.Request.new("GET", "examplebucket.s3.amazonaws.com", "/test.txt")
    request.set_header("Range", "bytes=0-9")
    when = GLib.DateTime.new_utc(2013, 5, 24, 0, 0, 0)
    assert signer.sign(request, when)
    auth = request.get_header("Authorization")
    assert auth.endswith(
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    ), auth
    assert request.get_header("x-amz-content-sha256") == S3dlio.EMPTY_PAYLOAD_SHA256
    assert "wJalrXUtnFEMI" not in creds.to_string()


@test
def presign():
    creds = S3dlio.Credentials.new(
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None
    )
    signer = S3dlio.Signer.new(creds, "us-east-1")
    request = S3dlio.Request.new("GET", "examplebucket.s3.amazonaws.com", "/test.txt")
    when = GLib.DateTime.new_utc(2013, 5, 24, 0, 0, 0)
    url = signer.presign(request, when, 86400)
    assert url.endswith(
        "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    ), url


def main():
    print("1..%d" % len(tests))
    failed = 0
    for number, func in enumerate(tests, 1):
        try:
            func()
        except Exception as e:  # report and go on
            failed += 1
            print("not ok %d - %s: %r" % (number, func.__name__, e))
        else:
            print("ok %d - %s" % (number, func.__name__))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
