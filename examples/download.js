#!/usr/bin/env -S gjs -m
// Downloads one S3 object into a file, with a progress bar.
//
//   gjs -m download.js [--profile NAME] [--part-size SIZE] s3://bucket/key [DEST]
//
// Endpoint, region and credentials come from the environment and ~/.aws as
// for the s3dlio command-line tool and the AWS CLI (AWS_ENDPOINT_URL,
// AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE...),
// tuning knobs from S3DLIO_* variables. DEST is a file, or a directory
// (ending in "/") to put the object in under its own name; without DEST,
// the object's name in the current directory.
//
// The download runs asynchronously on a GLib main loop: the transfer's
// "progress" signal redraws the bar, Ctrl-C cancels it.
//
// SPDX-License-Identifier: Apache-2.0

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import S3dlio from 'gi://S3dlio?version=1.0';
import System from 'system';

const PROGRAM = 'download.js';
const BAR_WIDTH = 30;

function usage() {
    printerr(`usage: ${PROGRAM} [--profile NAME] [--part-size SIZE] s3://bucket/key [DEST]`);
    return 2;
}

function human(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
        n /= 1024;
        i++;
    }
    return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

function destinationPath(uri, dest) {
    const name = uri.get_basename();
    if (dest === undefined)
        return name;
    if (dest.endsWith('/') || GLib.file_test(dest, GLib.FileTest.IS_DIR))
        return GLib.build_filenamev([dest, name]);
    return dest;
}

// The bar is redrawn in place with "\r": print() and printerr() would end
// every line.
const stderr = new Gio.UnixOutputStream({fd: 2, close_fd: false});
const encoder = new TextEncoder();
let barDrawn = false;

function drawBar(transfer) {
    const total = transfer.total_size;
    // Nothing to show before the size is known, nor for a failure.
    if (total === 0 || transfer.state === S3dlio.TransferState.FAILED ||
        transfer.state === S3dlio.TransferState.CANCELLED)
        return;
    const done = transfer.bytes_done;
    // Bytes of retried parts count again: never show more than 100 %.
    const fraction = Math.min(done / total, 1);
    const filled = Math.floor(fraction * BAR_WIDTH);
    const line = `\r[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ` +
        `${String(Math.floor(fraction * 100)).padStart(3)}% ` +
        `${human(Math.min(done, total))} of ${human(total)}, ` +
        `${human(transfer.throughput)}/s, ${transfer.parts_done}/${transfer.n_parts} parts`;
    stderr.write_all(encoder.encode(line), null);
    barDrawn = true;
}

function main(argv) {
    let profile = null, partSize = null;
    const positional = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--profile' && i + 1 < argv.length)
            profile = argv[++i];
        else if (argv[i] === '--part-size' && i + 1 < argv.length)
            partSize = argv[++i];
        else if (argv[i].startsWith('-'))
            return usage();
        else
            positional.push(argv[i]);
    }
    if (positional.length < 1 || positional.length > 2)
        return usage();

    let uri, client;
    try {
        uri = S3dlio.Uri.parse(positional[0]);
        if (uri.get_scheme() !== S3dlio.UriScheme.S3 || uri.is_prefix()) {
            printerr(`${PROGRAM}: ${positional[0]}: give one object, as s3://bucket/key`);
            return 2;
        }
        client = S3dlio.Client.new_from_environment(profile);
        if (partSize !== null)
            client.get_config().set_from_string('part-size', partSize);
    } catch (e) {
        printerr(`${PROGRAM}: ${e.message}`);
        return 2;
    }

    const path = destinationPath(uri, positional[1]);
    const transfer = S3dlio.Transfer.new(uri);
    transfer.set_destination_path(path);
    transfer.connect('progress', drawBar);

    const loop = new GLib.MainLoop(null, false);
    const cancellable = new Gio.Cancellable();
    let error = null;

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 2 /* SIGINT */, () => {
        cancellable.cancel();
        return GLib.SOURCE_CONTINUE;
    });

    client.download_async(transfer, cancellable, (source, result) => {
        try {
            source.download_finish(result);
        } catch (e) {
            error = e;
        }
        loop.quit();
    });
    loop.run();
    if (barDrawn)
        stderr.write_all(encoder.encode('\n'), null);

    if (error !== null) {
        if (error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED)) {
            printerr(`${PROGRAM}: cancelled`);
            return 130;
        }
        printerr(`${PROGRAM}: ${error.message}`);
        return 1;
    }

    print(`${uri.to_string()} -> ${path}: ${transfer.get_length()} bytes in ` +
          `${transfer.elapsed.toFixed(3)} s (${human(transfer.average_throughput)}/s), ` +
          `${transfer.n_parts} parts, ${transfer.requests} requests, ${transfer.retries} retries`);
    return 0;
}

System.exit(main(System.programArgs));
