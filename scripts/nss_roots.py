#!/usr/bin/env python3
"""Mozilla's root store from NSS's certdata.txt, for tlsaudit's per-program trust verdicts.

  nss_roots.py cpp CERTDATA DATE OUT.cpp   write the C++ table the build compiles in
                                           (run by scanner/audit/CMakeLists.txt)
  nss_roots.py summary CERTDATA            print one line per root (what the table holds)
  nss_roots.py install CERTDATA DATE       copy a newer certdata.txt into data/nss/ as
                                           certdata-DATE.txt and remove the older copies

Per root it keeps the label, the SHA-256 of the certificate and of its
SubjectPublicKeyInfo, whether CKA_TRUST_SERVER_AUTH is CKT_NSS_TRUSTED_DELEGATOR (websites
trust) and CKA_NSS_SERVER_DISTRUST_AFTER (compared by Firefox with the leaf's notBefore).
Only the standard library: the DER walk below reads just enough of a certificate to find
its SubjectPublicKeyInfo.
"""

import hashlib
import pathlib
import re
import shutil
import sys

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def octal_block(lines, i):
    """Bytes of a MULTILINE_OCTAL value starting at lines[i]; returns (bytes, next index)."""
    out = bytearray()
    while lines[i].strip() != "END":
        for part in lines[i].strip().split("\\")[1:]:
            out.append(int(part, 8))
        i += 1
    return bytes(out), i + 1


def parse_objects(text):
    """Every object of certdata.txt as a dict attribute -> value (bytes for octal blocks)."""
    objects, current = [], None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("BEGINDATA"):
            continue
        fields = line.split(None, 2)
        if len(fields) < 2:
            continue
        name, kind = fields[0], fields[1]
        value = fields[2] if len(fields) > 2 else ""
        if name == "CKA_CLASS":
            current = {}
            objects.append(current)
        if current is None:
            continue
        if kind == "MULTILINE_OCTAL":
            current[name], i = octal_block(lines, i)
        elif kind == "UTF8":
            current[name] = value.strip().strip('"')
        else:
            current[name] = value.strip()
    return objects


def der_element(data, pos):
    """(tag, header length, content length) of the DER element at data[pos]."""
    tag = data[pos]
    length = data[pos + 1]
    header = 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos + 2:pos + 2 + count], "big")
        header += count
    return tag, header, length


def spki_der(cert):
    """The SubjectPublicKeyInfo element of a DER certificate."""
    _, header, _ = der_element(cert, 0)
    tbs = header
    _, tbs_header, _ = der_element(cert, tbs)
    pos = tbs + tbs_header
    if cert[pos] == 0xA0:  # explicit version
        _, h, n = der_element(cert, pos)
        pos += h + n
    for _ in range(5):  # serial, signature, issuer, validity, subject
        _, h, n = der_element(cert, pos)
        pos += h + n
    tag, h, n = der_element(cert, pos)
    if tag != 0x30:
        raise ValueError("SubjectPublicKeyInfo not found")
    return cert[pos:pos + h + n]


def utc_time(raw):
    """CKA_NSS_SERVER_DISTRUST_AFTER holds a UTCTime as text, e.g. 241130235959Z."""
    text = raw.decode("ascii")
    if not re.fullmatch(r"\d{12}Z", text):
        raise ValueError("unexpected distrust-after value " + text)
    year = int(text[0:2])
    year += 1900 if year >= 50 else 2000
    return "%04d-%s-%sT%s:%s:%sZ" % (year, text[2:4], text[4:6], text[6:8], text[8:10], text[10:12])


def roots(text):
    """[{label, sha256, spki_sha256, websites, distrust_after}] in certdata order."""
    objects = parse_objects(text)
    trust = {}
    for o in objects:
        if o.get("CKA_CLASS") == "CKO_NSS_TRUST" and "CKA_CERT_SHA1_HASH" in o:
            trust[o["CKA_CERT_SHA1_HASH"]] = o
    out = []
    for o in objects:
        if o.get("CKA_CLASS") != "CKO_CERTIFICATE":
            continue
        der = o["CKA_VALUE"]
        sha1 = hashlib.sha1(der).digest()
        if sha1 not in trust:
            raise ValueError("no trust object for " + o.get("CKA_LABEL", "?"))
        # NSS has put the distrust-after date on the certificate object and, more
        # recently, on the trust object: either counts.
        distrust = o.get("CKA_NSS_SERVER_DISTRUST_AFTER")
        if not isinstance(distrust, bytes):
            distrust = trust[sha1].get("CKA_NSS_SERVER_DISTRUST_AFTER")
        out.append({
            "label": o.get("CKA_LABEL", ""),
            "sha256": hashlib.sha256(der).hexdigest(),
            "spki_sha256": hashlib.sha256(spki_der(der)).hexdigest(),
            "websites": trust[sha1].get("CKA_TRUST_SERVER_AUTH") == "CKT_NSS_TRUSTED_DELEGATOR",
            "distrust_after": utc_time(distrust) if isinstance(distrust, bytes) else "",
        })
    if not out:
        raise ValueError("no certificate in the file")
    return out


def cpp_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_cpp(certdata, date, target):
    rows = roots(pathlib.Path(certdata).read_text(encoding="utf-8"))
    lines = [
        "// Generated by scripts/nss_roots.py from " + pathlib.Path(certdata).name + ": do not edit.",
        '#include "audit/mozilla_store_data.hpp"',
        "",
        "namespace tlsaudit::audit::detail {",
        "",
        "const char* const mozilla_store_date = " + cpp_string(date) + ";",
        "",
        "const mozilla_root_row mozilla_root_rows[] = {",
    ]
    for r in rows:
        lines.append("    {%s, \"%s\", \"%s\", %s, %s}," % (
            cpp_string(r["label"]), r["sha256"], r["spki_sha256"], "true" if r["websites"] else "false",
            cpp_string(r["distrust_after"])))
    lines += [
        "};",
        "",
        "const std::size_t mozilla_root_count = sizeof(mozilla_root_rows) / sizeof(mozilla_root_rows[0]);",
        "",
        "}  // namespace tlsaudit::audit::detail",
        "",
    ]
    pathlib.Path(target).write_text("\n".join(lines), encoding="utf-8")


def install(certdata, date):
    if not DATE_RE.match(date):
        raise SystemExit("DATE must be YYYY-MM-DD (the date of the NSS commit)")
    rows = roots(pathlib.Path(certdata).read_text(encoding="utf-8"))  # refuse a file we cannot read
    folder = pathlib.Path(__file__).resolve().parent.parent / "data" / "nss"
    target = folder / ("certdata-%s.txt" % date)
    for old in folder.glob("certdata-*.txt"):
        if old != target:
            old.unlink()
    shutil.copyfile(certdata, target)
    websites = sum(1 for r in rows if r["websites"])
    print("%s: %d roots, %d with websites trust; update data/nss/README.md (commit, date)" %
          (target, len(rows), websites))


def main(argv):
    if len(argv) == 5 and argv[1] == "cpp":
        write_cpp(argv[2], argv[3], argv[4])
    elif len(argv) == 3 and argv[1] == "summary":
        for r in roots(pathlib.Path(argv[2]).read_text(encoding="utf-8")):
            print("%s %s %s %s %s" % (r["sha256"], r["spki_sha256"], "websites" if r["websites"] else "-",
                                      r["distrust_after"] or "-", r["label"]))
    elif len(argv) == 4 and argv[1] == "install":
        install(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
