#!/usr/bin/env python3
"""Checks the deployment recipes in samples/deploy (run by ctest as ops.recipes).

- Every .yaml/.yml file parses as YAML (PyYAML, Debian python3-yaml), every document.
- Every tlsaudit command in them -- in YAML strings (run: blocks, script: lines, container
  args, also a command split over a list) and in systemd ExecStart*= lines, with their
  backslash continuations -- uses only --flags that `tlsaudit SUBCOMMAND --help` lists
  (or `tlsaudit --help`, for --config, which `scan` falls through to).
- Self-test first: a recipe with a misspelt flag must be reported, so the check cannot
  pass by finding nothing.
"""

import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

SUBCOMMANDS = ("scan", "report", "check", "demo")
COMMAND = re.compile(r"(?:^|(?<=[\s/\"'=;(]))tlsaudit\s+(" + "|".join(SUBCOMMANDS) + r")\b")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
HELP_OPTION = re.compile(r"^\s+(?:-\w,)?(--[a-z][a-z0-9-]*)")
COMMAND_END = re.compile(r"[;|&]|\bfi\b|\belse\b|\bthen\b")


def help_flags(binary, args):
    """The long option names `tlsaudit ARGS --help` lists in its option column."""
    out = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, check=True).stdout
    flags = set()
    for line in out.splitlines():
        if HELP_OPTION.match(line):
            names = line.split()[0]  # "-p,--port", "--ipv4-only"
            flags.update(n for n in names.split(",") if n.startswith("--"))
    return flags


def commands_in_text(text):
    """(subcommand, flags) for each tlsaudit command in shell-ish text."""
    text = re.sub(r"\\\r?\n", " ", text)  # line continuations
    found = []
    for line in text.splitlines():
        for m in COMMAND.finditer(line):
            rest = COMMAND_END.split(line[m.end():], maxsplit=1)[0]
            found.append((m.group(1), FLAG.findall(rest)))
    return found


def strings_in(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings_in(k)
            yield from strings_in(v)
    elif isinstance(node, list):
        if len(node) > 1 and all(isinstance(x, str) for x in node):
            yield " ".join(node)  # command: ["tlsaudit", "scan", "--shards", "4", ...]
        for x in node:
            yield from strings_in(x)


def commands_in_file(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        documents = list(yaml.safe_load_all(text))
        if not any(d is not None for d in documents):
            raise ValueError(f"{path}: no YAML document")
        return [c for d in documents for s in strings_in(d) for c in commands_in_text(s)]
    if path.suffix in (".service", ".timer"):
        joined = re.sub(r"\\\r?\n", " ", text)
        lines = [l for l in joined.splitlines() if re.match(r"\s*ExecStart(Pre|Post)?=", l)]
        return [c for l in lines for c in commands_in_text(l.split("=", 1)[1])]
    return []


def problems(path, known):
    out = []
    for sub, flags in commands_in_file(path):
        for flag in flags:
            if flag not in known[sub]:
                out.append(f"{path}: tlsaudit {sub} has no option {flag}")
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tlsaudit", required=True)
    parser.add_argument("recipes", type=pathlib.Path)
    args = parser.parse_args()

    top = help_flags(args.tlsaudit, [])
    known = {sub: help_flags(args.tlsaudit, [sub]) for sub in SUBCOMMANDS}
    known["scan"] |= top  # --config is the main app's, reached from scan
    for flag in ("--shard", "--shards", "--dry-run", "--ndjson", "--fail-on", "--baseline"):
        assert flag in known["scan"], f"{flag} missing from tlsaudit scan --help: the help parser is broken"

    # Self-test: a misspelt flag in a YAML recipe and in an ExecStart line is caught.
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = pathlib.Path(tmp_name)
        (tmp / "bad.yaml").write_text("run: |\n  tlsaudit scan t.txt --shardz 4 \\\n    --ndjson x\n")
        (tmp / "bad.service").write_text("[Service]\nExecStart=/usr/bin/tlsaudit report a.ndjson \\\n  --jsn r.json\n")
        assert problems(tmp / "bad.yaml", known) == [f"{tmp / 'bad.yaml'}: tlsaudit scan has no option --shardz"]
        assert problems(tmp / "bad.service", known) == [f"{tmp / 'bad.service'}: tlsaudit report has no option --jsn"]

    files = sorted(p for p in args.recipes.rglob("*") if p.is_file())
    errors = []
    checked = 0
    for path in files:
        try:
            commands = commands_in_file(path)
        except (yaml.YAMLError, ValueError) as e:
            errors.append(f"{path}: not valid YAML: {e}")
            continue
        checked += len(commands)
        errors += problems(path, known)
        print(f"{path.relative_to(args.recipes)}: {len(commands)} tlsaudit commands")
    if checked < 8:
        errors.append(f"only {checked} tlsaudit commands found in the recipes: the extraction is broken")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
