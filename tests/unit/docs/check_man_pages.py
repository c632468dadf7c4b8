#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The man pages render cleanly and say what the programs do.

For each page built from docs/man/*.md:
  - groff (-t -man -Tutf8 -ww) and man -l (with warnings on) print no warning;
  - the page has NAME, SYNOPSIS and DESCRIPTION sections;
  - lbd.conf(5) carries every section of docs/lbd.conf.md (it is built from it);
  - every subcommand and long option the program's --help lists, at any depth, is documented in the
    page's source (as **name**), so a new option cannot ship undocumented.
usage: check_man_pages.py MAN_BUILD_DIR DOCS_DIR PROGRAM=BINARY...
"""
import os
import re
import subprocess
import sys

PAGES = {"lbd": "lbd.8", "lbctl": "lbctl.8", "lbd-ipvs": "lbd-ipvs.8"}
ALL_PAGES = ["lbd.8", "lbctl.8", "lbd-ipvs.8", "lbd.conf.5"]

failures = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL: {msg}")


def run(cmd, **kw):
    env = dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat", LC_ALL="C.UTF-8")
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, **kw)


def check_render(page_path, name):
    r = run(["groff", "-t", "-man", "-Tutf8", "-ww", "-z", page_path])
    if r.returncode != 0 or r.stderr.strip():
        fail(f"{name}: groff -ww: rc={r.returncode} {r.stderr.strip()}")
    r = run(["man", "--warnings", "-l", page_path])
    if r.returncode != 0 or r.stderr.strip():
        fail(f"{name}: man -l: rc={r.returncode} {r.stderr.strip()}")
    text = r.stdout
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION"):
        if not re.search(rf"^{section}$", text, re.M):
            fail(f"{name}: no {section} section")
    print(f"ok: {name} renders ({len(text.splitlines())} lines, no warnings)")
    return text


def plain(markdown_heading):
    return markdown_heading.replace("`", "").strip()


def check_reference_included(rendered, docs_dir):
    with open(os.path.join(docs_dir, "lbd.conf.md"), encoding="utf-8") as f:
        headings = [plain(m.group(2)) for m in re.finditer(r"^(##|###) (.+)$", f.read(), re.M)]
    missing = [h for h in headings if not re.search(rf"^\s*{re.escape(h)}$", rendered, re.M)]
    if missing:
        fail(f"lbd.conf.5: sections of docs/lbd.conf.md missing: {missing}")
    else:
        print(f"ok: lbd.conf.5 has all {len(headings)} sections of docs/lbd.conf.md")


def help_items(binary, path, depth=0):
    """Subcommand names and long options listed by `binary path... --help`, recursively."""
    r = run([binary, *path, "--help"])
    if r.returncode != 0:
        fail(f"{' '.join([os.path.basename(binary), *path])} --help: rc={r.returncode} {r.stderr.strip()}")
        return set(), set()
    subs, opts = set(), set()
    section = None
    for line in r.stdout.splitlines():
        if re.match(r"^\S.*:$", line):
            section = line[:-1]
            continue
        if section == "Subcommands":
            m = re.match(r"^  (\S+)", line)
            if m:
                subs.add(m.group(1))
        elif section == "Options":
            if re.match(r"^\s+-", line):
                opts.update(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", line))
    for s in sorted(subs):
        if depth < 3:
            more_subs, more_opts = help_items(binary, [*path, s], depth + 1)
            subs |= more_subs
            opts |= more_opts
    return subs, opts


def check_cli_documented(program, binary, source):
    with open(source, encoding="utf-8") as f:
        text = f.read()
    subs, opts = help_items(binary, [])
    missing = [x for x in sorted(subs | opts) if f"**{x}**" not in text]
    if missing:
        fail(f"{os.path.basename(source)}: {program} --help lists {missing}, which the page does not document")
    else:
        print(f"ok: {program}: {len(subs)} subcommand(s) and {len(opts)} option(s) all documented")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    man_dir, docs_dir = sys.argv[1], sys.argv[2]
    binaries = dict(arg.split("=", 1) for arg in sys.argv[3:])
    for tool in ("groff", "man"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode != 0:
            fail(f"{tool} is missing")
    rendered = {}
    for page in ALL_PAGES:
        path = os.path.join(man_dir, page)
        if not os.path.isfile(path):
            fail(f"{page} was not built (is go-md2man installed? scripts/packages.txt)")
            continue
        rendered[page] = check_render(path, page)
    if "lbd.conf.5" in rendered:
        check_reference_included(rendered["lbd.conf.5"], docs_dir)
    for program, page in PAGES.items():
        if program not in binaries:
            fail(f"no binary given for {program}")
            continue
        check_cli_documented(program, binaries[program], os.path.join(docs_dir, "man", page + ".md"))
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
