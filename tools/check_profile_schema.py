#!/usr/bin/env python3
"""Validate product profiles (YAML) against catalogue/schema/profile.schema.json.

usage: check_profile_schema.py PROFILE.yaml [PROFILE.yaml ...]
exit: 0 valid, 1 schema violations (each printed as file: path: message), 2 usage or unreadable input
"""
import json
import pathlib
import sys

import jsonschema
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from check_catalogue_schema import load_as_json  # noqa: E402  (YAML 1.2 booleans, string keys)

SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "catalogue" / "schema" / "profile.schema.json"


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    problems = 0
    for name in argv[1:]:
        try:
            document = load_as_json(name)
        except (OSError, yaml.YAMLError) as error:
            print(f"{name}: {error}", file=sys.stderr)
            return 2
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(step) for step in error.absolute_path) or "(root)"
            print(f"{name}: {where}: {error.message}")
            problems += 1
    print(f"{len(argv) - 1} profiles checked, {problems} schema violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
