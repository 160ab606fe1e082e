#!/usr/bin/env python3
"""Runs the x509-limbo testcases `tlsaudit check` can express through `tlsaudit check`
itself, and compares each verdict with the committed expectations.

A testcase is expressible when it asks for server validation of one DNS or IP name with
no extra key-usage, extended-key-usage, signature-algorithm or depth constraint: the peer
certificate and the untrusted intermediates become the checked PEM file (leaf first), the
trusted certificates a --ca-file, the name --host, the validation time --at. tlsaudit's
verdict is SUCCESS when `check --fail-on high` exits 0 and FAILURE when it exits 1 (a
finding of high severity or worse: what an audit calls a chain that must not be trusted).

Exit status: 0 when every testcase agrees or disagrees exactly as the expectations file
says; 1 when any testcase changed verdict in either direction (the file must be updated on
purpose: --update prints the new file), or the file and the suite list different testcases.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

PROFILES = ("browser", "openssl")


def expressible(case):
    name = case.get("expected_peer_name")
    return (
        case["validation_kind"] == "SERVER"
        and not case.get("key_usage")
        and not case.get("extended_key_usage")
        and not case.get("signature_algorithms")
        and case.get("max_chain_depth") is None
        and not case.get("expected_peer_names")
        and name is not None
        and name["kind"] in ("DNS", "IP")
    )


def run_case(tlsaudit, case, profile, work):
    chain = work / "chain.pem"
    roots = work / "roots.pem"
    record = work / "record.ndjson"
    chain.write_text(case["peer_certificate"] + "".join(case["untrusted_intermediates"]))
    roots.write_text("".join(case["trusted_certs"]))
    command = [tlsaudit, "check", str(chain), "--host", case["expected_peer_name"]["value"],
               "--ca-file", str(roots), "--no-system-trust", "--profile", profile,
               "--fail-on", "high", "--ndjson", str(record), "-q"]
    if case.get("validation_time"):
        command += ["--at", case["validation_time"].replace("+00:00", "Z")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{case['id']}: tlsaudit check exited {done.returncode}: {done.stderr.strip()}")
    findings = []
    for line in record.read_text().splitlines():
        for f in json.loads(line).get("findings", []):
            if f["severity"] in ("high", "critical"):
                findings.append(f["id"])
    return ("SUCCESS" if done.returncode == 0 else "FAILURE"), findings


def read_expectations(path):
    """{id: ({profile: agree|disagree|n/a}, reason)} in file order."""
    table = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(None, 3)
        if len(fields) < 3:
            raise ValueError(f"{path}:{number}: expected '<id> <browser> <openssl> [reason]'")
        verdicts = dict(zip(PROFILES, fields[1:3]))
        reason = fields[3].strip() if len(fields) > 3 else ""
        if any(v not in ("agree", "disagree", "n/a") for v in verdicts.values()):
            raise ValueError(f"{path}:{number}: a column is agree, disagree or n/a")
        if any(v != "agree" for v in verdicts.values()) and not reason:
            raise ValueError(f"{path}:{number}: {fields[0]}: every disagree and n/a needs a reason")
        table[fields[0]] = (verdicts, reason)
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tlsaudit", required=True)
    parser.add_argument("--limbo", required=True, type=pathlib.Path)
    parser.add_argument("--expectations", required=True, type=pathlib.Path)
    parser.add_argument("--profile", choices=PROFILES, required=True)
    parser.add_argument("--update", action="store_true", help="print the expectations with this run's column")
    args = parser.parse_args()

    cases = json.loads(args.limbo.read_text())["testcases"]
    expected = read_expectations(args.expectations)
    problems = []
    if set(expected) != {c["id"] for c in cases}:
        missing = sorted({c["id"] for c in cases} - set(expected))
        extra = sorted(set(expected) - {c["id"] for c in cases})
        problems.append(f"expectations and suite differ: missing {missing}, unknown {extra}")

    agree = total = 0
    observed = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = pathlib.Path(scratch)
        for case in cases:
            if not expressible(case):
                observed[case["id"]] = ("n/a", [])
                continue
            verdict, findings = run_case(args.tlsaudit, case, args.profile, work)
            outcome = "agree" if verdict == case["expected_result"] else "disagree"
            observed[case["id"]] = (outcome, findings)
            total += 1
            agree += outcome == "agree"

    for case_id, (outcome, findings) in observed.items():
        want = expected.get(case_id, ({}, ""))[0].get(args.profile)
        if want is not None and want != outcome:
            problems.append(f"{case_id}: now {outcome} (expected {want}); high findings: {findings or 'none'}")

    print(f"x509-limbo, profile {args.profile}: {agree} of {total} expressible testcases agree "
          f"({len(cases) - total} not expressible)")
    if args.update:
        for case_id, (verdicts, reason) in expected.items():
            verdicts = dict(verdicts)
            verdicts[args.profile] = observed.get(case_id, ("n/a", []))[0]
            print(f"{case_id} {verdicts['browser']} {verdicts['openssl']} {reason}".rstrip())
    for p in problems:
        print("CHANGED " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
