#!/usr/bin/env python3
"""Synthetic NVD-sized feed and SBOM for bench/vuln_bench.sh (issue 14). Never committed: made at benchmark time.

vuln_feed_gen.py OUTDIR [CVES] [COMPONENTS]
Writes OUTDIR/nvdcve-2.0-NN.json.gz (NVD CVE API 2.0 feed files of 15,000 CVEs each, like NVD's yearly files),
each CVE with a CVSS v3.1 metric and one or two configurations of 1-6 ranged criteria over a pool of
20,000 products (a tenth of them "running on" a platform), and OUTDIR/sbom.cdx.json: a CycloneDX 1.6 SBOM of
COMPONENTS components with CPE and purl whose products are drawn from the same pool, so most components
have candidates to evaluate.
"""
import gzip, json, os, random, sys

out = sys.argv[1]
cves = int(sys.argv[2]) if len(sys.argv) > 2 else 300_000
components = int(sys.argv[3]) if len(sys.argv) > 3 else 2_000
random.seed(14)
os.makedirs(out, exist_ok=True)
products = [(f"vendor{i % 5000}", f"product{i}") for i in range(20_000)]
per_file = 15_000

def version():
    return f"{random.randint(0, 9)}.{random.randint(0, 30)}.{random.randint(0, 50)}"

def criterion(vendor, product, vulnerable=True):
    match = {"vulnerable": vulnerable, "criteria": f"cpe:2.3:a:{vendor}:{product}:*:*:*:*:*:*:*:*",
             "matchCriteriaId": "00000000-0000-0000-0000-000000000000"}
    if vulnerable:
        lo, hi = sorted([version(), version()], key=lambda v: tuple(int(x) for x in v.split(".")))
        match["versionStartIncluding"] = lo
        match["versionEndExcluding"] = hi
    return match

n = 0
file_index = 0
while n < cves:
    items = []
    for _ in range(min(per_file, cves - n)):
        n += 1
        vendor, product = random.choice(products)
        configurations = [{"nodes": [{"operator": "OR", "negate": False,
                                      "cpeMatch": [criterion(vendor, product) for _ in range(random.randint(1, 6))]}]}]
        if random.random() < 0.1:
            platform = random.choice(products)
            configurations = [{"operator": "AND", "nodes": configurations[0]["nodes"] + [
                {"operator": "OR", "negate": False, "cpeMatch": [criterion(*platform, vulnerable=False)]}]}]
        if random.random() < 0.3:
            other = random.choice(products)
            configurations.append({"nodes": [{"operator": "OR", "negate": False, "cpeMatch": [criterion(*other)]}]})
        score = round(random.uniform(1.0, 10.0), 1)
        items.append({"cve": {
            "id": f"CVE-{2000 + n // 20000}-{n:06d}", "sourceIdentifier": "cve@mitre.org",
            "published": "2024-01-01T00:00:00.000", "lastModified": "2026-11-30T00:00:00.000", "vulnStatus": "Analyzed",
            "descriptions": [{"lang": "en", "value": "Synthetic vulnerability for the import benchmark. " * 4}],
            "metrics": {"cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {
                "version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": score,
                "baseSeverity": "HIGH"}, "exploitabilityScore": 3.9, "impactScore": 5.9}]},
            "weaknesses": [{"source": "nvd@nist.gov", "type": "Primary", "description": [{"lang": "en", "value": "CWE-787"}]}],
            "configurations": configurations,
            "references": [{"url": f"https://example.com/advisory/{n}", "source": "cve@mitre.org"}]}})
    file_index += 1
    feed = {"resultsPerPage": len(items), "startIndex": 0, "totalResults": len(items), "format": "NVD_CVE",
            "version": "2.0", "timestamp": "2026-11-30T08:00:00.000", "vulnerabilities": items}
    with gzip.open(os.path.join(out, f"nvdcve-2.0-{file_index:02d}.json.gz"), "wt", compresslevel=1) as f:
        json.dump(feed, f, separators=(",", ":"))

sbom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {"component": {"type": "firmware", "name": "bench-fw", "version": "1"}}, "components": []}
for i in range(components):
    vendor, product = products[(i * 7) % len(products)]
    v = version()
    sbom["components"].append({"type": "library", "bom-ref": f"c{i}", "name": product, "version": v,
                               "cpe": f"cpe:2.3:a:{vendor}:{product}:{v}:*:*:*:*:*:*:*",
                               "purl": f"pkg:generic/{product}@{v}"})
with open(os.path.join(out, "sbom.cdx.json"), "w") as f:
    json.dump(sbom, f)
