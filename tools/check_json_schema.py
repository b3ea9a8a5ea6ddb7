#!/usr/bin/env python3
"""Validate JSON files (SARIF logs, CycloneDX BOMs, ...) against an official JSON Schema.

usage: check_json_schema.py SCHEMA.json FILE.json [FILE.json ...]

The schema's draft comes from its "$schema" (CycloneDX 1.6 is draft-07, SARIF 2.1.0 draft-04). Every
other *.json schema in the schema's folder is put in the resolver's store under its "$id" (or "id"), so
relative references such as CycloneDX's "spdx.schema.json" and "jsf-0.82.schema.json" resolve offline.
exit: 0 valid, 1 schema violations (each printed as file: path: message), 2 usage or unreadable input
"""
import json
import pathlib
import sys

import jsonschema


def schema_id(schema):
    return schema.get("$id") or schema.get("id") or ""


def load_store(folder):
    store = {}
    for path in sorted(folder.glob("*.json")):
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(schema, dict) and schema_id(schema):
            store[schema_id(schema).rstrip("#")] = schema
    return store


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema_path = pathlib.Path(argv[1])
    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"{schema_path}: {error}", file=sys.stderr)
        return 2
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    resolver = jsonschema.RefResolver(base_uri=schema_id(schema), referrer=schema,
                                      store=load_store(schema_path.parent))
    validator = cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
    problems = 0
    for name in argv[2:]:
        try:
            document = json.loads(pathlib.Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"{name}: {error}", file=sys.stderr)
            return 2
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
            where = "/".join(str(step) for step in error.absolute_path) or "(root)"
            print(f"{name}: {where}: {error.message[:400]}")
            problems += 1
    print(f"{len(argv) - 2} files checked against {schema_path.name}, {problems} schema violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
