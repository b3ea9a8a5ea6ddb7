#!/usr/bin/env python3
"""Check that the catalogue paraphrases its sources instead of copying them.

The standard's and the guide's text is copyrighted; the catalogue keeps ids and structure and says
everything else in its own words. This check fails when any line of a catalogue file shares a run of
RUN_WORDS consecutive words (case and punctuation ignored) with a source document. Short technical
phrases ("physical or logical measures in the targeted environment") are fine; copied sentences are not.

usage: check_paraphrase.py CATALOGUE_DIR SOURCE_TEXT [SOURCE_TEXT ...]
exit: 0 no copied runs, 1 copied runs found (each printed as file:line: words), 77 a source is missing
(ctest reports that as skipped, with this script's message), 2 usage
"""
import pathlib
import re
import sys

RUN_WORDS = 12
SKIP = 77


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    catalogue = pathlib.Path(argv[1])
    runs = set()
    for source in argv[2:]:
        path = pathlib.Path(source)
        if not path.is_file():
            print(f"source document {path} not found: paraphrase check skipped", file=sys.stderr)
            return SKIP
        source_words = words(path.read_text(encoding="utf-8", errors="replace"))
        runs.update(tuple(source_words[i:i + RUN_WORDS]) for i in range(len(source_words) - RUN_WORDS + 1))
    copied = 0
    files = sorted(catalogue.glob("*.yaml"))
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            line_words = words(line)
            for i in range(len(line_words) - RUN_WORDS + 1):
                if tuple(line_words[i:i + RUN_WORDS]) in runs:
                    print(f"{file}:{number}: shares {RUN_WORDS} words with a source: {' '.join(line_words[i:i + RUN_WORDS])}")
                    copied += 1
                    break
    print(f"{len(files)} catalogue files checked against {len(argv) - 2} source(s): {copied} copied run(s)")
    return 1 if copied else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
