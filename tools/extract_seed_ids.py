#!/usr/bin/env python3
"""Extract every decision-node, implementation-category and required-information id printed in seed 003.

Seed 003 (/work/shared/seeds/003_6ce7887f0157cdf3.txt) is the PDF-extracted text of a smart-meter industry
guide to EN 18031. It prints three kinds of ids, often misprinted and often split over a PDF line break:

  DN     decision nodes              printed e.g. ACM-1-DN-1, DT.SUM-1.DN-5, GEC-3.D.-2, SCM1-1.DN-3
  IC     implementation categories   printed e.g. [IC.AUM-6. LimitedAttempts], If AU.ACM-2.RBAC
  EInfo  required information        printed e.g. [E.Info.SUM-
                                                   1.PartOfSoftw.FuncSaftyImp]

This script is the independent test oracle for the catalogue: it finds every occurrence, records the printed
form (all white space removed, surrounding brackets/punctuation stripped) and normalises it by the rules of
docs/catalogue-format.md:

  decision node            <requirement>.DN-<n>
  implementation category  IC.<requirement>.<Name>
  required information     E.Info.<requirement>.<Name>[.<Name>...]

with the canonical requirement id (AUM-2-1 / AUM-2.1 of part 2 -> AUM-2) and obvious misspellings of names
corrected. Everything decided by reading the seed by hand is in the explicit tables below (REQUIREMENT_FIXES,
NAME_FIXES, WHOLE_ID_FIXES, COMMENTS), each entry with the reason; everything else is mechanical.

How the candidates are found (generous on purpose; the --leftovers report lists whatever else looks id-like):
  1. bracketed [E.Info...] / [IC...] / [AU...] ids: the text up to the closing bracket, which may span line
     breaks and contain stray spaces ("[IC.SUM-2. AuthIntVal.SecChan]");
  2. unbracketed E.Info / IC / AU ids ("If AU.ACM-2.RBAC", "IC.SUM-2.AuthIntVal.Sign]"), white space allowed
     only after a hyphen (a PDF line break such as "[IC.AUM-" / "3.CertificatePrivateKey");
  3. decision nodes: <requirement> <-|.> D[N|M] [.|-] <n>, with an optional DT. prefix, "SCM1-1", "GEC2",
     "SUM -3", "DN3", "DN.2", "D.-2", "DM-2", and line breaks after hyphens ("LGM-" / "1.DN-2").

usage:
  extract_seed_ids.py [--seed PATH] [--out PATH]   write the TSV (default tests/data/seed003_ids.tsv)
  extract_seed_ids.py --check                      exit 1 if the TSV is out of date, 77 without the seed
  extract_seed_ids.py --candidates                 print every occurrence (line, kind, raw text, printed)
  extract_seed_ids.py --leftovers                  print id-like text that no candidate covers (for review)
Exit status: 0 on success, 1 if a candidate cannot be normalised (an unreviewed misprint), 2 on usage errors.
"""
import argparse
import bisect
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_SEED = ROOT.parent / "shared" / "seeds" / "003_6ce7887f0157cdf3.txt"
DEFAULT_OUT = ROOT / "tests" / "data" / "seed003_ids.tsv"

FAMILIES = "ACM|AUM|SUM|SSM|SCM|RLM|NMM|TCM|LGM|DLM|UNM|CCK|GEC|CRY"

# Canonical requirement ids of EN 18031-1/-2/-3 (AUM-2 is AUM-2-1 in part 2).
REQUIREMENTS = (
    ["ACM-%d" % n for n in range(1, 7)]
    + ["AUM-1-1", "AUM-1-2", "AUM-1-3", "AUM-2", "AUM-2-2", "AUM-3", "AUM-4", "AUM-5-1", "AUM-5-2", "AUM-6"]
    + ["SUM-%d" % n for n in range(1, 4)]
    + ["SSM-%d" % n for n in range(1, 4)]
    + ["SCM-%d" % n for n in range(1, 5)]
    + ["RLM-1", "NMM-1", "TCM-1"]
    + ["LGM-%d" % n for n in range(1, 5)]
    + ["DLM-1", "UNM-1", "UNM-2"]
    + ["CCK-%d" % n for n in range(1, 4)]
    + ["GEC-%d" % n for n in range(1, 9)]
    + ["CRY-1"]
)

# ---------------------------------------------------------------------------------------------------------
# Hand-review decisions. Keys are printed forms (white space removed).
# ---------------------------------------------------------------------------------------------------------

# Printed requirement parts that are not canonical requirement ids as they stand.
REQUIREMENT_FIXES = {
    # Part 2 calls AUM-2 "AUM-2-1"; the catalogue format makes the part-2 spellings aliases of AUM-2.
    "AUM-2-1": "AUM-2",
    # "AUM-2.1.DN-1" (11.3.4, line 1653): the part-2 AUM-2-1 written with a dot.
    "AUM-2.1": "AUM-2",
    # "SCM1-1.DN-2", "SCM1-1.DN-3" (11.6.1, lines 3136, 3144): the go-to targets inside the SCM-1 tree,
    # whose rows are SCM-1.DN-1..3; "SCM1-1" is a misprint of SCM-1 (there is no SCM-1-1).
    "SCM1-1": "SCM-1",
}

# Misspelt names inside IC / E.Info ids, corrected in the normalised form (the printed form stays an alias).
NAME_FIXES = {
    # IC.AUM-6.LimitedAttemps (11.3.10): the same category is also printed "LimitedAttempts" (line 2206).
    "LimitedAttemps": "LimitedAttempts",
    # E.Info.GEC-1.ListOfVulnerabilities.Mitgated (11.14.1): "mitigated", as the bullet's condition says.
    "Mitgated": "Mitigated",
    # E.Info.SUM-1.PartOfSoftw.FuncSaftyImp (11.4.1): functional *safety* implications.
    "FuncSaftyImp": "FuncSafetyImp",
}
# Names reviewed and deliberately NOT corrected (abbreviations or the standard's own spelling):
#   PartOfSoftw, AuthIntVal, SecChan, AccContMech, SeqNumb, OTProgrammable, ManufSecret, PKI-based, IntFunc,
#   PwdProperty, BFProtection, OneTimeEncKey, TimeStamp, SpecificCondition, OtherInfo, ImplDetail,
#   Timerelated (only the capitalisation differs from CamelCase "TimeRelated"; kept as printed).

# Whole ids that the mechanical rules cannot normalise; each maps to (normalised, kind).
WHOLE_ID_FIXES = {
    # LGM-1 tree, comment column of LGM-1.DN-1 (line 4043): the id has no requirement part at all.
    "E.Info.LoggingEvents": ("E.Info.LGM-1.LoggingEvents", "EInfo"),
    # GEC-6 required information (line 5208): DT (decision tree) is printed before the requirement, the
    # way EN 18031 names the "selected path through the decision tree" information; the project format
    # has only E.Info.<requirement>.<Name>, so DT moves to the name slot.
    "E.Info.DT.GEC-6": ("E.Info.GEC-6.DT", "EInfo"),
    # SCM-2 category (lines ~3300): the name carries a hyphen, which the project's id grammar (names are
    # letters and digits, docs/catalogue-format.md) does not allow; the hyphen is dropped, as for every id.
    "IC.SCM-2.PKI-based": ("IC.SCM-2.PKIBased", "IC"),
    "AU.SCM-2.PKI-based": ("IC.SCM-2.PKIBased", "IC"),
    # Printed inside GEC-5's required information (line 5134), between two GEC-5 ids, describing GEC-5's
    # physical external interfaces: SCM-1 is a misprint for GEC-5 (the catalogue writers agreed,
    # independently, for SCM-1 and GEC-5).
    "E.Info.SCM-1.PhysicalExternalInterface.Type": ("E.Info.GEC-5.PhysicalExternalInterface.Type", "EInfo"),
}

# Comment lines written above a row of the TSV (keyed by printed form).
COMMENTS = {
    "SUM-3-DN-4": [
        "AMBIGUOUS: section 10.4 Table 7 (line 1123) documents 'SUM -3-DN-4 N/A', but the SUM-3 tree printed",
        "just above (Table 6, lines 1079-1095) and in 11.4.3 (lines 2545-2561) has only SUM-3.DN-1..DN-3.",
        "Listed with its literal normalisation SUM-3.DN-4; the catalogue may hold it only as an erratum.",
    ],
    "SUM-3-DN-1": ["Section 10.4 Table 7 prints the SUM-3 nodes with a hyphen before DN (and 'SUM -3' with a space)."],
    "DT.SUM-1.DN-5": ["DT. prefix (decision tree) dropped in the normalised form."],
    "DT.LGM-4.DN-1": ["DT. prefix dropped (11.10.4 note on the LGM-4 tree, lines 4255-4258)."],
    "AUM-2.1.DN-1": ["Part-2 requirement AUM-2-1 printed as AUM-2.1; normalised to the canonical AUM-2."],
    "SCM1-1.DN-2": ["'SCM1-1' is a misprint of SCM-1 (go-to targets in the SCM-1 tree, 11.6.1)."],
    "SCM1-1.DN-3": ["'SCM1-1' is a misprint of SCM-1 (go-to target of SCM-1.DN-2, line 3144)."],
    "SCM-2.DM-2": ["'DM' for DN: go-to target of SCM-2.DN-1 (line 3272); the next row is SCM-2.DN-2."],
    "UNM-1-DN2": ["Hyphen before DN and no hyphen before the number (11.12.1)."],
    "AUM-5-1.DN3": ["No hyphen before the number (go-to target of AUM-5-1.DN-2, line 1948)."],
    "CCK-2.DN.2": ["Dot instead of hyphen before the number; printed split 'CCK-' / '2.DN.2)' (line 4598)."],
    "GEC-1.DN.2": ["Dot instead of hyphen before the number (go-to target of GEC-1.DN-1, line 4764)."],
    "GEC-1.DN-4": [
        "Note: GEC-1.DN-4's own 'No' branch says 'Go to GEC-1.DN-4' (line 4801), a self-reference, probably",
        "meant as GEC-1.DN-5; the 'Yes' branches of both GEC-1.DN-2 and DN-3 go to DN-4 (lines 4769, 4779)",
        "and no branch names DN-3. The id itself is unambiguous; the tree errata are for the catalogue.",
    ],
    "GEC2.DN-3": ["Hyphen missing in the requirement (go-to target of GEC-2.DN-2, line 4895)."],
    "GEC-3.D.-2": ["'D.-2' for DN-2: go-to target of GEC-3.DN-1 (line 4978)."],
    "AU.ACM-2.RBAC": ["AU. for IC. (the 'Document HOW' headings of 11.2.2, 11.6.2-11.6.4 use AU.)."],
    "IC.AUM-6.LimitedAttemps": ["Misspelling LimitedAttemps corrected to LimitedAttempts."],
    "IC.AUM-6.LimitedAttempts": ["Printed '[IC.AUM-6. LimitedAttempts]' with a space (line 2206)."],
    "E.Info.AUM-2-1.AuthenticationMechanism.AuthFactor": ["Part-2 AUM-2-1 normalised to AUM-2."],
    "E.Info.SUM-1.PartOfSoftw.FuncSaftyImp": ["Misspelling FuncSaftyImp corrected to FuncSafetyImp."],
    "E.Info.GEC-1.ListOfVulnerabilities.Mitgated": ["Misspelling Mitgated corrected to Mitigated."],
    "E.Info.ACM-2.SecurityAsset.ACM": [
        "Printed only as a cross-reference from SUM-2 (lines 2450-2451); ACM-2's own section prints no E.Info id.",
    ],
    "E.Info.CRY-1.Assets.Cryptography": [
        "Printed only as a cross-reference from SUM-2 (line 2443); CRY-1's own section prints no E.Info id.",
    ],
    "E.Info.SCM-1.SCM": ["Printed only as a cross-reference from SUM-2 (line 2446)."],
    "E.Info.SCM-2.PrivacyAsset": ["Printed only as a cross-reference inside IC.SCM-2.Generic (line 3347)."],
    "E.Info.SCM-2.SCM": ["Printed only as a cross-reference (line 3444)."],
    "E.Info.SCM-1.NetworkInterface": ["Printed only as a cross-reference (line 3204); its parts .Radio etc. are printed too."],
    "E.Info.SUM-1.PartOfSoftw": ["Printed only as a cross-reference from SUM-2 (lines 2438-2439)."],
    "IC.SCM-2.PKI-based": [
        "The name contains a hyphen; id names are letters and digits only (docs/catalogue-format.md), so the",
        "normalised id drops it: IC.SCM-2.PKIBased. The printed form stays an alias.",
    ],
    "E.Info.LGM-4.LGM.Timerelated": [
        "Kept as printed: only the capitalisation differs from CamelCase 'TimeRelated'; not a misspelling.",
    ],
    "E.Info.LoggingEvents": [
        "AMBIGUOUS: printed without a requirement, in the comment column of the LGM-1 tree next to",
        "LGM-1.DN-1/DN-2 (line 4043: 'There is no legal obligation that prohibits logging of E.Info.LoggingEvents').",
        "Normalised by context to E.Info.LGM-1.LoggingEvents; 11.10.1's required information itself prints",
        "only E.Info.LGM-1.PrivacyAssetEvent.Legal / .LGM.",
    ],
    "E.Info.DT.GEC-6": [
        "AMBIGUOUS: printed with DT (decision tree) before the requirement (line 5208, 'selected path through",
        "the decision tree'), a shape the project format E.Info.<requirement>.<Name> does not have; normalised",
        "to E.Info.GEC-6.DT (requirement first, DT as the name). Other sections (SCM-2 line 3442, GEC-4",
        "line 5085) describe the same kind of information without an id.",
    ],
    "E.Info.SCM-1.PhysicalExternalInterface.Type": [
        "AMBIGUOUS: printed in GEC-5's required information (line 5134) between",
        "E.Info.GEC-5.PhysicalExternalInterface.Purpose and E.Info.GEC-5.IntFunc: SCM-1 is taken as a",
        "misprint of GEC-5 (see WHOLE_ID_FIXES); the printed form stays an alias.",
    ],
}

# Occurrences read by hand and deliberately left out (documented in the TSV header).
EXCLUDED = [
    "'DN-1 to DN-3' and 'DN-4' (10.4, lines 1062-1064): bare node numbers without a requirement",
    "(they refer to ACM-1.DN-1..4 of the table above; as bare numbers they are no ids).",
    "'[E.Just.DT.xxx-x]' (line 942): a justification-id template, not a DN/IC/E.Info id.",
    "Requirement ids on their own (e.g. [SUM-3], 'Go to' texts naming only a requirement).",
]

# ---------------------------------------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------------------------------------

# Requirement part, unbracketed: FAM, optional stray digit (SCM1-1), optional hyphen (GEC2), number, optional
# sub-number; spaces before the first hyphen ("SUM -3"), any white space (line breaks) after a hyphen.
REQ = r"(?:%s)\d?[ \t]*(?:-\s*)?\d+(?:[-.]\s*\d+)?(?![0-9])" % FAMILIES
NAME = r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)?"
DN_RE = re.compile(
    r"(?<![A-Za-z0-9.])(?:DT[ \t]*\.[ \t]*)?(?P<req>%s)[ \t]*[-.][ \t]*D[ \t]*[NM]?[ \t]*(?:[.-]\s*){0,2}(?P<n>\d+)(?![0-9])"
    % REQ
)
BRACKET_RE = re.compile(r"\[\s*((?:E\s*\.\s*Info|IC|AU)\s*\.[^\[\]]{1,200}?)\]")
UNBRACKETED_RE = re.compile(
    r"(?<![A-Za-z0-9.])(?:E\.Info|IC|AU)(?:\.(?:DT(?=\.)|%s|%s))+" % (REQ, NAME)
)

# Strict grammar of a printed form (white space already removed).
REQ_S = r"(?:%s)\d?-?\d+(?:[-.]\d+)?" % FAMILIES
DN_STRICT = re.compile(r"^(?:DT\.)?(?P<req>%s)[-.]D[NM]?[.-]{0,2}(?P<n>\d+)$" % REQ_S)
IC_STRICT = re.compile(r"^(?P<prefix>IC|AU)\.(?P<req>%s)(?P<names>(?:\.%s)+)$" % (REQ_S, NAME))
EINFO_STRICT = re.compile(r"^E\.Info\.(?P<req>%s)(?P<names>(?:\.%s)+)$" % (REQ_S, NAME))

# Loose pattern for the leftover review: anything that smells like an id.
LOOSE_RE = re.compile(
    r"E\s*\.\s*[Il1]nfo|\bInfo\b|\bIC\s*\.|\bAU\s*\.|\bDT\s*\.|\bD[NM]\s*[-.]?\s*\d|\bD\.\s*-?\s*\d|\bDN\b"
    r"|(?:%s)\d?\s*-?\s*\d+(?:[-.]\d+)?\s*[-.]\s*D" % FAMILIES
)

WS = re.compile(r"\s+")


class Unreviewed(Exception):
    """A candidate the tables above do not cover: read it by hand and extend them."""


def canonical_requirement(printed_req):
    """Map a printed requirement part (white space removed) to its canonical id."""
    if printed_req in REQUIREMENT_FIXES:
        return REQUIREMENT_FIXES[printed_req]
    # FAM, optional hyphen, number, optional [-.]sub-number: "SUM-3", "GEC2", "AUM-1-1", "AUM-2.1".
    match = re.match(r"^(%s)-?(\d+)(?:[-.](\d+))?$" % FAMILIES, printed_req)
    if not match:
        raise Unreviewed("requirement %r" % printed_req)
    family, first, second = match.groups()
    candidate = "%s-%s" % (family, first) + ("-%s" % second if second else "")
    if candidate in REQUIREMENTS:
        return candidate
    raise Unreviewed("requirement %r (read as %s)" % (printed_req, candidate))


def fix_names(names):
    return ".".join(NAME_FIXES.get(name, name) for name in names.strip(".").split("."))


def normalise(printed):
    """Return (normalised id, kind) for a printed form."""
    if printed in WHOLE_ID_FIXES:
        return WHOLE_ID_FIXES[printed]
    match = DN_STRICT.match(printed)
    if match:
        return "%s.DN-%d" % (canonical_requirement(match.group("req")), int(match.group("n"))), "DN"
    match = IC_STRICT.match(printed)
    if match:
        return "IC.%s.%s" % (canonical_requirement(match.group("req")), fix_names(match.group("names"))), "IC"
    match = EINFO_STRICT.match(printed)
    if match:
        return "E.Info.%s.%s" % (canonical_requirement(match.group("req")), fix_names(match.group("names"))), "EInfo"
    raise Unreviewed("printed form %r" % printed)


class Seed:
    def __init__(self, path):
        self.lines = path.read_text(encoding="utf-8").split("\n")
        self.text = "\n".join(self.lines)
        self.starts = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line) + 1

    def line_of(self, offset):
        return bisect.bisect_right(self.starts, offset)  # 1-based


def find_candidates(seed):
    """Yield (offset, end, raw text, printed form) for every id occurrence, in document order."""
    taken = []  # spans already claimed (bracketed ids first)
    found = []

    def claim(start, end, raw):
        printed = WS.sub("", raw).strip("[]():;,")
        found.append((start, end, raw, printed))
        taken.append((start, end))

    def free(start, end):
        return all(end <= s or start >= e for s, e in taken)

    for match in BRACKET_RE.finditer(seed.text):
        printed = WS.sub("", match.group(1))
        if DN_STRICT.match(printed) or IC_STRICT.match(printed) or EINFO_STRICT.match(printed) \
                or printed in WHOLE_ID_FIXES:
            claim(match.start(1), match.end(1), match.group(1))
    for match in UNBRACKETED_RE.finditer(seed.text):
        if free(match.start(), match.end()):
            claim(match.start(), match.end(), match.group(0))
    for match in DN_RE.finditer(seed.text):
        if free(match.start(), match.end()):
            claim(match.start(), match.end(), match.group(0))
    found.sort()
    return found, taken


def leftovers(seed, taken):
    """Id-like text not inside any candidate: for the hand review."""
    for match in LOOSE_RE.finditer(seed.text):
        if all(match.end() <= s or match.start() >= e for s, e in taken):
            yield seed.line_of(match.start()), match.group(0)


def build_rows(seed, found):
    rows = {}
    for start, _end, _raw, printed in found:
        if printed not in rows:
            normalised, kind = normalise(printed)
            rows[printed] = (normalised, kind, seed.line_of(start))
    return rows


HEADER = """\
# seed003_ids.tsv -- test oracle: every decision-node (DN), implementation-category (IC) and
# required-information (E.Info) id printed in seed 003 (/work/shared/seeds/003_6ce7887f0157cdf3.txt, the
# PDF-extracted text of the ESMIG/AQUA/OMS smart-meter guide to EN 18031), with its normalised form.
#
# Made by tools/extract_seed_ids.py (python3, stdlib only), independently of catalogue/*.yaml: regexes find
# every candidate (bracketed ids spanning line breaks, unbracketed ids, decision nodes in all their printed
# variants), each candidate and the leftover id-like text (--leftovers) was read in context by hand, and the
# decisions are the script's explicit tables (REQUIREMENT_FIXES, NAME_FIXES, WHOLE_ID_FIXES, COMMENTS).
# Regenerate with:  python3 tools/extract_seed_ids.py
#
# Normalisation (docs/catalogue-format.md): <requirement>.DN-<n>, IC.<requirement>.<Name>,
# E.Info.<requirement>.<Name>[.<Name>...]; canonical requirement ids (AUM-2-1/AUM-2.1 -> AUM-2, SCM1-1 ->
# SCM-1, GEC2 -> GEC-2); DT. prefix dropped; AU. -> IC.; misspelt names corrected (LimitedAttemps,
# Mitgated, FuncSaftyImp). The printed form has all white space removed and surrounding brackets and
# punctuation stripped; a printed form equal to its normalised form is listed too.
#
# Columns: printed<TAB>normalised<TAB>kind (DN|IC|EInfo)<TAB>first line number in seed 003 where it starts.
# One line per distinct printed form, in order of first occurrence. Comment lines above a row explain
# corrections; those starting "AMBIGUOUS" are cases where the seed does not settle the id.
#
# Read by hand and deliberately not listed:
"""


def render(rows):
    out = [HEADER]
    for item in EXCLUDED:
        out.append("#   %s\n" % item)
    counts = {}
    for kind in ("DN", "IC", "EInfo"):
        counts[kind] = len({n for n, k, _ in rows.values() if k == kind})
    out.append("#\n# Counts: %d distinct printed forms; distinct normalised ids: %d DN, %d IC, %d EInfo.\n"
               % (len(rows), counts["DN"], counts["IC"], counts["EInfo"]))
    out.append("#\n# printed\tnormalised\tkind\tfirst_line\n")
    for printed, (normalised, kind, line) in sorted(rows.items(), key=lambda item: (item[1][2], item[0])):
        for comment in COMMENTS.get(printed, []):
            out.append("# %s\n" % comment)
        out.append("%s\t%s\t%s\t%d\n" % (printed, normalised, kind, line))
    return "".join(out)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=pathlib.Path, default=DEFAULT_SEED)
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--candidates", action="store_true", help="print every occurrence and exit")
    mode.add_argument("--leftovers", action="store_true", help="print uncovered id-like text and exit")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 if --out differs from what the seed gives (77, skipped, without the seed)")
    args = parser.parse_args(argv)
    try:
        seed = Seed(args.seed)
    except OSError as error:
        print("cannot read seed: %s" % error, file=sys.stderr)
        return 77 if args.check else 2
    found, taken = find_candidates(seed)
    if args.candidates:
        for start, _end, raw, printed in found:
            try:
                normalised, kind = normalise(printed)
            except Unreviewed as error:
                normalised, kind = "UNREVIEWED: %s" % error, "?"
            print("%d\t%s\t%r\t%s\t%s" % (seed.line_of(start), kind, raw, printed, normalised))
        return 0
    if args.leftovers:
        for line, text in leftovers(seed, taken):
            print("%d\t%r\t%s" % (line, text, seed.lines[line - 1].strip()))
        return 0
    try:
        rows = build_rows(seed, found)
    except Unreviewed as error:
        print("unreviewed candidate: %s -- read it in the seed and extend the tables" % error, file=sys.stderr)
        return 1
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != render(rows):
            print("%s is out of date: run tools/extract_seed_ids.py" % args.out, file=sys.stderr)
            return 1
        print("%s matches the seed (%d printed forms)" % (args.out, len(rows)))
        return 0
    unused = sorted(set(COMMENTS) - set(rows))
    if unused:
        print("warning: comments for printed forms not found: %s" % ", ".join(unused), file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(rows), encoding="utf-8")
    print("wrote %s (%d printed forms)" % (args.out, len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
