"""Reads a JUnit XML report with junitparser (a real consumer, Debian python3-junitparser)
and prints a JSON summary: suites, tests, failures, errors, skipped, failure and error types.
Exit 1 when the file cannot be read as JUnit."""
import json
import sys

from junitparser import JUnitXml, Error, Failure, Skipped

xml = JUnitXml.fromfile(sys.argv[1])
out = {"suites": 0, "tests": 0, "failures": 0, "errors": 0, "skipped": 0, "failure_types": [], "error_types": [],
       "cases": []}
for suite in xml:
    out["suites"] += 1
    for case in suite:
        out["tests"] += 1
        entry = {"classname": case.classname, "name": case.name, "failures": []}
        for result in case.result:
            if isinstance(result, Failure):
                out["failures"] += 1
                out["failure_types"].append(result.type)
                entry["failures"].append(result.type)
            elif isinstance(result, Error):
                out["errors"] += 1
                out["error_types"].append(result.type)
            elif isinstance(result, Skipped):
                out["skipped"] += 1
        out["cases"].append(entry)
# The totals junitparser computes must match the attributes the writer declared.
declared = (int(xml.tests), int(xml.failures), int(xml.errors), int(xml.skipped))
counted = (out["tests"], out["failures"], out["errors"], out["skipped"])
if declared != counted:
    print("declared totals %r differ from counted %r" % (declared, counted),
          file=sys.stderr)
    sys.exit(1)
print(json.dumps(out))
