#!/usr/bin/env python3
"""Writes a synthetic scan of N endpoints as NDJSON records (the format `tlsaudit scan
--ndjson` writes), for the report layout tests and bench/report_open.sh.

Deterministic: endpoint i always gets the same record. The mix is what stresses a
report's layout: long subjects and host names (one 63-character label in 50; a 253-character
name in a finding's message), STARTTLS
endpoints, endpoints serving a second chain to RSA-only clients, scan errors, and the
findings of the catalogue on shared intermediates (one rule on a third of the fleet).

usage: make_ndjson.py N OUT.ndjson
"""
import json
import zlib
import sys

RETIRED = "CN=GlobalSign RSA DV SSL CA 2018,O=GlobalSign nv-sa,C=BE"
CURRENT = "CN=GlobalSign GCC R3 DV TLS CA 2020,O=GlobalSign nv-sa,C=BE"
ENTRUST = "CN=Entrust Certification Authority - L1K,OU=(c) 2012 Entrust\\, Inc. - for authorized use only,OU=See www.entrust.net/legal-terms,O=Entrust\\, Inc.,C=US"


def cert(subject, issuer, not_after, fingerprint, is_ca=False):
    return {"subject": subject, "issuer": issuer, "serial": fingerprint[:32], "not_before": "2026-01-01T00:00:00Z",
            "not_after": not_after, "sha256": fingerprint, "spki_sha256": fingerprint.lower(),
            "san_dns": [] if is_ca else [subject.split(",")[0][3:]], "san_ip": [],
            "key": {"type": "RSA", "bits": 2048}, "signature_algorithm": "sha256WithRSAEncryption", "is_ca": is_ca}


def finding(fid, severity, message, remediation, rule=None, position=None, subject="", fingerprint=""):
    ref = None if position is None else {"position": position, "subject": subject, "sha256": fingerprint}
    return {"id": fid, "severity": severity, "cert": ref, "message": message, "remediation": remediation, "rule": rule}


def record(i):
    label = ("x" * 63) if i % 50 == 7 else "svc-%05d" % i
    host = "%s.region-%02d.fleet.test" % (label, i % 37)
    starttls = "smtp" if i % 9 == 4 else None
    target = {"input": ("smtp://" if starttls else "") + host, "line": i + 1, "host": host,
              "port": 25 if starttls else 443 + i % 3, "sni": host, "starttls": starttls}
    base = {"schema_version": 1, "type": "endpoint", "scanned_at": "2026-11-24T04:00:00Z", "target": target,
            "address": "10.%d.%d.%d" % (i // 65536, (i // 256) % 256, i % 256)}
    if i % 13 == 5:
        base.update(status="error", error={"stage": "connect", "code": "timeout-connect", "detail": "no answer in 5 s"},
                    tls=None, chain=[])
        return base
    fp = "%064X" % (i * 2654435761 % (1 << 256))
    retired = i % 3 == 0
    issuer = ENTRUST if i % 11 == 2 else RETIRED if retired else CURRENT
    not_after = "2027-%02d-%02dT00:00:00Z" % (1 + i % 12, 1 + i % 28)
    subject = "CN=%s,OU=Platform engineering and operations - %s,O=Example Holdings International Ltd.,L=Somewhere,C=ZZ" % (
        host, "team-%03d" % (i % 200))
    chain = [cert(subject, issuer, not_after, fp), cert(issuer, "CN=Some Root", "2030-01-01T00:00:00Z", "%064X" % zlib.crc32(issuer.encode()), True)]
    findings = []
    if retired:
        findings.append(finding("deprecated-intermediate", "high",
                                "the chain goes through the retired intermediate GlobalSign RSA DV SSL CA 2018",
                                "Reissue the certificate with a new key pair under GlobalSign GCC R3 DV TLS CA 2020 and deploy the new full chain on every node behind this name.",
                                "globalsign-rsa-dv-ssl-ca-2018", 1, RETIRED, chain[1]["sha256"]))
    if i % 5 == 1:
        findings.append(finding("cert-expiring", "medium", "the leaf expires on " + not_after, "Renew the certificate and deploy it with its full chain.",
                                None, 0, subject, fp))
    if i % 11 == 2:
        findings.append(finding("issuer-discontinued", "medium", "the leaf was issued under Entrust",
                                "Plan the replacement before the certificate expires (%s): buy from another CA." % not_after,
                                "entrust-discontinued", 0, subject, fp))
    if i % 17 == 3:
        # A name as long as DNS allows (253 characters) on the long-label endpoints.
        covers = ".".join(["y" * 63] * 3 + ["z" * 61]) if i % 50 == 7 else "www.example.test"
        findings.append(finding("hostname-mismatch", "high", "the leaf does not cover '%s' (it covers: %s)" % (host, covers),
                                "Deploy a certificate whose subjectAltName lists this name."))
    base.update(status="ok", error=None, tls={"protocol": "TLSv1.3", "cipher": "TLS_AES_128_GCM_SHA256", "alpn": None},
                chain=chain, findings=findings)
    if i % 23 == 0:
        base["probes"] = [{"probe": "modern", "chain": 0}, {"probe": "rsa", "chain": 1}]
        base["other_chains"] = [{"chain_index": 1, "probes": ["rsa"],
                                 "tls": {"protocol": "TLSv1.2", "cipher": "ECDHE-RSA-AES128-GCM-SHA256", "alpn": None},
                                 "chain": [cert(subject, RETIRED, not_after, "%064X" % (i * 40503 % (1 << 256)))]}]
    return base


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    with open(out, "w", encoding="utf-8") as f:
        for i in range(count):
            f.write(json.dumps(record(i), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
