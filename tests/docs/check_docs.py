#!/usr/bin/env python3
"""Checks the documentation's references, so a moved or renamed page breaks the build.

- Every relative link in README.md, CONTRIBUTING.md and the Markdown files under docs/,
  bench/ and tests/ names a file of the repository, and a `#anchor` names a heading of the
  Markdown page it points to (GitHub's heading ids).
- Every table row is on one line (a row broken over two lines ends the table early).
- Every `docs/....md` named in the code (source comments, CMake, scripts, samples) exists.
- No code comment points at a README section by name any more (`README, "Findings"`): the
  README is a short tour; topics live in docs/ and are named by file. Nor at a `NAME.md`
  that is nowhere in the repository (design notes kept outside it).

Usage: check_docs.py REPO_ROOT, or check_docs.py --self-test (plants each kind of broken
reference in a scratch tree and fails unless every one is reported).
"""

import os
import re
import sys
import tempfile
import unicodedata

LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`+[^`]*`+")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
DOCS_MENTION = re.compile(r"(?<![\w/.-])(docs/[\w./-]+\.md)")
README_SECTION = re.compile(r"(?<![\w/])README(?:\.md)?(?:,\s*\"?[A-Z]|\s+\"[A-Z])")
TOP_LEVEL_MD = re.compile(r"(?<![\w/.-])([A-Z][A-Z_]*\.md)\b")

SKIP_DIRS = {".git", "build", "node_modules", ".cache"}
CODE_DIRS = ["scanner", "report", "history", "lab", "include", "tests", "cmake", "scripts", ".ci", "bench", "samples"]
CODE_SUFFIXES = (".cpp", ".hpp", ".h", ".in", ".txt", ".cmake", ".sh", ".py", ".pl", ".json", ".yml",
                 ".yaml", ".toml", ".supp", ".dict", ".service", ".timer", "run")


def walk(root, top):
    base = os.path.join(root, top)
    if os.path.isfile(base):
        yield base
        return
    for d, dirs, files in os.walk(base):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
        for f in sorted(files):
            yield os.path.join(d, f)


def markdown_files(root):
    out = [os.path.join(root, f) for f in ("README.md", "CONTRIBUTING.md") if os.path.isfile(os.path.join(root, f))]
    for top in ("docs", "bench", "tests"):
        out += [p for p in walk(root, top) if p.endswith(".md")]
    return out


def prose_lines(text):
    """(line number, line) outside fenced code blocks."""
    fenced = False
    for n, line in enumerate(text.split("\n"), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield n, line


def slug(heading):
    """GitHub's id for a heading: lower case, markup and punctuation dropped, spaces to '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").strip().lower()
    kept = []
    for ch in text:
        if ch in " -_" or unicodedata.category(ch)[0] in "LN":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors(path, cache):
    if path not in cache:
        seen = {}
        ids = set()
        with open(path, encoding="utf-8") as f:
            for _, line in prose_lines(f.read()):
                m = HEADING.match(line)
                if not m:
                    continue
                s = slug(m.group(2))
                n = seen.get(s, 0)
                seen[s] = n + 1
                ids.add(s if n == 0 else f"{s}-{n}")
        cache[path] = ids
    return cache[path]


def check_links(root):
    problems = []
    cache = {}
    real_root = os.path.realpath(root)
    for md in markdown_files(root):
        rel_md = os.path.relpath(md, root)
        with open(md, encoding="utf-8") as f:
            text = f.read()
        previous = ""
        for n, line in prose_lines(text):
            if previous.startswith("|") and line.strip() and not line.startswith("|"):
                problems.append(f"{rel_md}:{n}: a table row continues on this line: keep each row on one line")
            previous = line
            for m in LINK.finditer(INLINE_CODE.sub("", line)):
                target = m.group(1)
                if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                    continue  # http:, https:, mailto:
                path, _, anchor = target.partition("#")
                if path.startswith("/"):
                    problems.append(f"{rel_md}:{n}: {target}: absolute path (links must be relative)")
                    continue
                dest = os.path.normpath(os.path.join(os.path.dirname(md), path)) if path else md
                if os.path.commonpath([real_root, os.path.realpath(dest)]) != real_root:
                    problems.append(f"{rel_md}:{n}: {target}: points outside the repository")
                    continue
                if not os.path.exists(dest):
                    problems.append(f"{rel_md}:{n}: {target}: no such file")
                    continue
                if anchor and dest.endswith(".md") and anchor not in anchors(dest, cache):
                    problems.append(f"{rel_md}:{n}: {target}: no heading with id '{anchor}' in "
                                    f"{os.path.relpath(dest, root)}")
    return problems


def check_code(root):
    problems = []
    md_names = {os.path.basename(p) for top in os.listdir(root) if top not in SKIP_DIRS
                for p in walk(root, top) if p.endswith(".md")}
    for top in CODE_DIRS + ["CMakeLists.txt"]:
        for p in walk(root, top):
            if not p.endswith(CODE_SUFFIXES) or os.path.samefile(p, __file__):
                continue
            try:
                with open(p, encoding="utf-8") as f:
                    lines = f.read().split("\n")
            except (UnicodeDecodeError, OSError):
                continue
            rel = os.path.relpath(p, root)
            for n, line in enumerate(lines, 1):
                for m in DOCS_MENTION.finditer(line):
                    if not os.path.isfile(os.path.join(root, m.group(1))):
                        problems.append(f"{rel}:{n}: {m.group(1)}: no such page")
                if README_SECTION.search(line):
                    problems.append(f"{rel}:{n}: names a README section; name the docs/ page instead")
                for m in TOP_LEVEL_MD.finditer(line):
                    if m.group(1) not in md_names:
                        problems.append(f"{rel}:{n}: {m.group(1)}: not a file of the repository")
    return problems


def run(root):
    problems = check_links(root) + check_code(root)
    for p in problems:
        print(p)
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as root:
        def write(rel, text):
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)

        write("README.md", "# T\n\n[ok](docs/a.md) [ok](docs/a.md#the-option---x-y) [bad](docs/missing.md)\n"
                           "`[in code](nowhere.md)` [web](https://example.com/x)\n")
        write("docs/a.md", "# A\n\n## The option (`--x`) y\n\n[bad anchor](#nope) [up](../README.md#t)\n"
                           "[outside](../../etc/passwd) [abs](/etc/passwd)\n```\n[fenced](nowhere.md)\n```\n")
        write("CONTRIBUTING.md", "# C\n\n| a | b |\n|---|---|\n| 1 | one\ntwo |\n")
        write("scanner/x/a.cpp", "// see docs/a.md\n// see docs/gone.md\n// (README, \"Findings\")\n"
                                 "// see DESIGN.md\n// see README.md and CONTRIBUTING.md\n")
        found = run(root)
        expected = ["README.md:3: docs/missing.md", "docs/a.md:5: #nope", "docs/a.md:6: ../../etc/passwd",
                    "docs/a.md:6: /etc/passwd", "scanner/x/a.cpp:2: docs/gone.md", "scanner/x/a.cpp:3: names",
                    "scanner/x/a.cpp:4: DESIGN.md", "CONTRIBUTING.md:6: a table row"]
        missed = [e for e in expected if not any(p.startswith(e) for p in found)]
        if missed or len(found) != len(expected):
            print(f"self-test failed: expected {expected}, found {found}")
            return 1
        print(f"self-test: all {len(expected)} planted problems found")
        return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    problems = run(sys.argv[1])
    if problems:
        print(f"{len(problems)} broken documentation reference(s)")
        return 1
    print("every documentation reference resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
