#!/usr/bin/python3
# check-po.py: the translations are complete (run by meson test as "po-complete").
#
# SPDX-License-Identifier: Apache-2.0
#
# Fails when a source file of the library, the tool or the inspector marks
# strings for translation (_(), N_(), C_(), NC_(), g_dngettext(), or a .ui
# file's translatable="yes") but is not in po/POTFILES.in, when POTFILES.in
# names a file that does not exist, or when a language of po/LINGUAS, merged
# with the strings extracted afresh, has an untranslated or fuzzy message.
# Everything is extracted and merged in a temporary directory: the source
# tree is left alone.
#
# Usage: check-po.py SOURCE_ROOT XGETTEXT MSGMERGE MSGATTRIB MSGFMT

import os
import re
import subprocess
import sys
import tempfile

PACKAGE = 's3dlio'
SOURCE_DIRS = ['libs3dlio', 'tools', 'gui']

# The arguments of i18n.gettext (preset: 'glib') in po/meson.build, as
# meson 1.0 passes them to xgettext.
XGETTEXT_ARGS = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

# Comments, then string and character literals: what is in them marks nothing.
C_NOISE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
                     re.S)
C_MARK = re.compile(r'(?<![\w.>])(?:N?_|C_|NC_|g_dngettext)\s*\(')
UI_MARK = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')

failures = 0


def fail(message):
    global failures
    failures += 1
    print('# ' + message.replace('\n', '\n# '))


def marks_strings(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if path.endswith('.ui'):
        return UI_MARK.search(text) is not None
    return C_MARK.search(C_NOISE.sub(' ', text)) is not None


def read_potfiles(root):
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        return [line.strip() for line in f
                if line.strip() and not line.lstrip().startswith('#')]


def check_potfiles(root, potfiles):
    listed = set(potfiles)
    for name in potfiles:
        if not os.path.isfile(os.path.join(root, name)):
            fail('po/POTFILES.in names %s, which does not exist' % name)
    for top in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for filename in sorted(filenames):
                if not filename.endswith(('.c', '.h', '.ui')):
                    continue
                path = os.path.join(dirpath, filename)
                name = os.path.relpath(path, root)
                if name not in listed and marks_strings(path):
                    fail('%s marks strings for translation but is not in po/POTFILES.in'
                         % name)


def run(args):
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    if result.returncode != 0:
        raise RuntimeError('%s failed:\n%s' % (' '.join(args), result.stdout))
    return result.stdout


def msgids(po_text):
    """The msgids of a PO file, the header left out, one line each."""
    ids = []
    for block in po_text.split('\n\n'):
        lines = block.split('\n')
        parts = []
        for i, line in enumerate(lines):
            if line.startswith('msgid '):
                parts = [line[len('msgid '):]]
                for continued in lines[i + 1:]:
                    if not continued.startswith('"'):
                        break
                    parts.append(continued)
                break
        text = ''.join(p.strip()[1:-1] for p in parts)
        if text:
            ids.append(text)
    return ids


def check_language(root, tools, tmpdir, potfile, lang):
    xgettext, msgmerge, msgattrib, msgfmt = tools
    merged = os.path.join(tmpdir, lang + '.po')
    run([msgmerge, '--quiet', '--output-file=' + merged,
         os.path.join(root, 'po', lang + '.po'), potfile])
    stats = run([msgfmt, '--check', '--statistics', '--output-file=/dev/null', merged])
    print('# %s: %s' % (lang, stats.strip()))
    for option, what in (('--untranslated', 'untranslated'), ('--only-fuzzy', 'fuzzy')):
        missing = msgids(run([msgattrib, option, '--no-obsolete', '--no-wrap', merged]))
        if missing:
            fail('po/%s.po, merged with the sources, has %d %s message(s):\n  %s'
                 % (lang, len(missing), what, '\n  '.join(missing)))


def main():
    root = sys.argv[1]
    tools = sys.argv[2:6]
    xgettext = tools[0]

    print('1..2')
    potfiles = read_potfiles(root)
    check_potfiles(root, potfiles)
    print('%s 1 POTFILES.in lists every file with translatable strings'
          % ('not ok' if failures else 'ok'))

    before = failures
    with open(os.path.join(root, 'po', 'LINGUAS'), encoding='utf-8') as f:
        languages = [w for line in f if not line.startswith('#') for w in line.split()]
    with tempfile.TemporaryDirectory(prefix='s3dlio-po-') as tmpdir:
        potfile = os.path.join(tmpdir, PACKAGE + '.pot')
        run([xgettext, '--package-name=' + PACKAGE, '--directory=' + root,
             '--files-from=' + os.path.join(root, 'po', 'POTFILES.in'),
             '--output=' + potfile] + XGETTEXT_ARGS)
        for lang in languages:
            check_language(root, tools, tmpdir, potfile, lang)
    print('%s 2 every translation is complete, none fuzzy'
          % ('not ok' if failures > before else 'ok'))

    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
