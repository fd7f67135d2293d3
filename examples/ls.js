#!/usr/bin/env -S gjs -m
// Lists S3 objects, like `aws s3 ls`.
//
//   gjs -m ls.js [--profile NAME] [--recursive] s3://bucket/prefix
//   gjs -m ls.js [--profile NAME] s3://
//
// Without --recursive, the keys under a further "/" are rolled up into one
// "PRE name/" line, like directories; with it, every key under the prefix
// is listed. "s3://" alone lists the buckets. Endpoint, region and
// credentials come from the environment and ~/.aws, as for the s3dlio
// command-line tool and the AWS CLI.
//
// The listing is an S3dlio.ObjectList, a Gio.ListModel that fills page by
// page on the main loop: each page is printed as soon as it arrives.
//
// SPDX-License-Identifier: Apache-2.0

import GLib from 'gi://GLib';
import S3dlio from 'gi://S3dlio?version=1.0';
import System from 'system';

const PROGRAM = 'ls.js';
const TIMESTAMP = '%Y-%m-%d %H:%M:%S';

function usage() {
    printerr(`usage: ${PROGRAM} [--profile NAME] [--recursive] s3://bucket/prefix`);
    return 2;
}

function timestamp(date) {
    return date ? date.to_local().format(TIMESTAMP) : ' '.repeat(19);
}

function listBuckets(client) {
    const buckets = client.list_buckets(null);
    for (let i = 0; i < buckets.get_n_items(); i++) {
        const bucket = buckets.get_item(i);
        print(`${timestamp(bucket.creation_date)} ${bucket.name}`);
    }
    return 0;
}

function listObjects(client, uri, recursive) {
    // Names are shown relative to the "directory" of the prefix, as the
    // AWS CLI does; full keys with --recursive.
    const key = uri.get_key();
    const strip = recursive ? 0 : key.lastIndexOf('/') + 1;

    const show = info => {
        const name = info.key.substring(strip);
        if (info.is_prefix)
            print(`${' '.repeat(19)} ${'PRE'.padStart(10)} ${name}`);
        else
            print(`${timestamp(info.last_modified)} ${String(info.size).padStart(10)} ${name}`);
    };

    const objects = client.list(uri, recursive ? null : '/', null);
    objects.connect('items-changed', (model, position, removed, added) => {
        for (let i = position; i < position + added; i++)
            show(model.get_item(i));
    });

    const loop = new GLib.MainLoop(null, false);
    objects.connect('notify::loading', model => {
        if (!model.loading)
            loop.quit();
    });
    if (objects.loading)
        loop.run();

    if (objects.error) {
        printerr(`${PROGRAM}: ${objects.error.message}`);
        return 1;
    }
    return 0;
}

function main(argv) {
    let profile = null, recursive = false;
    const positional = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--profile' && i + 1 < argv.length)
            profile = argv[++i];
        else if (argv[i] === '-r' || argv[i] === '--recursive')
            recursive = true;
        else if (argv[i].startsWith('-'))
            return usage();
        else
            positional.push(argv[i]);
    }
    if (positional.length !== 1)
        return usage();

    try {
        const client = S3dlio.Client.new_from_environment(profile);
        if (positional[0] === 's3://')
            return listBuckets(client);
        const uri = S3dlio.Uri.parse(positional[0]);
        if (uri.get_scheme() !== S3dlio.UriScheme.S3) {
            printerr(`${PROGRAM}: ${positional[0]}: not an s3:// URI`);
            return 2;
        }
        return listObjects(client, uri, recursive);
    } catch (e) {
        printerr(`${PROGRAM}: ${e.message}`);
        return 1;
    }
}

System.exit(main(System.programArgs));
