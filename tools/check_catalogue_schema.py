#!/usr/bin/env python3
"""Validate catalogue YAML files (the index, the family files, the check files, the firmware scan rules of
catalogue/scan-rules/, the crypto policies of catalogue/crypto-policy/) against the JSON Schemas in
catalogue/schema/.

Used by the test suite (ctest) and by anyone editing the catalogue. YAML is read with YAML 1.2 boolean
rules (only true/false are booleans), the way yaml-cpp and the en18031 loader read it, so `is: yes`
stays the string "yes".

usage: check_catalogue_schema.py CATALOGUE_DIR
exit: 0 valid, 1 schema violations (each printed as file: path: message), 2 usage or unreadable input
"""
import json
import pathlib
import re
import sys

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's yes/no/on/off booleans and implicit timestamps."""


# Dates stay strings too (JSON has no date type; the schemas check their pattern).
Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_as_json(path):
    with open(path, encoding="utf-8") as stream:
        document = yaml.load(stream, Loader=Yaml12Loader)
    # JSON has only string keys: `1: [security]` under `protects` becomes "1".
    return json.loads(json.dumps(document))


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = pathlib.Path(argv[1])
    schema_dir = root / "schema"
    try:
        index_schema = json.loads((schema_dir / "catalogue.schema.json").read_text())
        family_schema = json.loads((schema_dir / "family.schema.json").read_text())
        checks_schema = json.loads((schema_dir / "checks.schema.json").read_text())
        scan_rules_schema = json.loads((schema_dir / "scan-rules.schema.json").read_text())
        index = load_as_json(root / "catalogue.yaml")
    except (OSError, yaml.YAMLError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    registry = {family_schema["$id"]: family_schema, "family.schema.json": family_schema}
    resolver = jsonschema.RefResolver(index_schema["$id"], index_schema, store=registry)

    problems = []

    def check(path, document, schema, resolver=None):
        validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(step) for step in error.absolute_path) or "(root)"
            problems.append(f"{path}: {where}: {error.message}")

    check(root / "catalogue.yaml", index, index_schema, resolver)
    checked = 1
    # Each family file against the family schema, each check file (catalogue/checks/) against its own.
    files = [(root / family["file"], family_schema) for family in index.get("families", [])]
    files += [(root / "checks" / name, checks_schema) for name in index.get("check_files", [])]
    files += [(path, scan_rules_schema) for path in sorted((root / "scan-rules").glob("*.yaml"))]
    # The shipped crypto policies (docs/crypto-policy.md) against theirs.
    policy_schema_path = schema_dir / "crypto-policy.schema.json"
    if policy_schema_path.exists():
        policy_schema = json.loads(policy_schema_path.read_text())
        files += [(path, policy_schema) for path in sorted((root / "crypto-policy").glob("*.yaml"))]
    for path, schema in files:
        try:
            document = load_as_json(path)
        except (OSError, yaml.YAMLError) as error:
            problems.append(f"{path}: {error}")
            continue
        check(path, document, schema)
        checked += 1
    for problem in problems:
        print(problem)
    print(f"{checked} files checked, {len(problems)} schema violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
