// Every hard limit the toolkit puts on untrusted input, in one place.
//
// Catalogues, product profiles, evidence records, firmware images and SBOMs all come from outside; a
// hostile or broken file must end in a clear error, never in exhausted memory, a stack overflow or an
// endless loop. Each limit is far above what a real input needs and says why it is there. Change them
// here only; parsers refer to these names and the tests exercise the boundaries.
#pragma once

#include <cstddef>

namespace en18031::limits {

// ---- YAML and JSON documents (catalogue, profiles, evidence) ------------------------------------------

// The whole EN 18031 catalogue is ~300 KiB; a product profile a few hundred KiB at most. Files are read
// into memory before parsing, so this caps memory use per file.
inline constexpr std::size_t max_document_bytes = 8 * 1024 * 1024;

// yaml-cpp parses nested collections recursively (its own guard stops at depth 2000, which is deeper than
// a sanitizer build's stack survives). Our formats nest less than 12 levels, so anything deeper than this
// is refused before yaml-cpp sees it.
inline constexpr int max_nesting_depth = 64;

// YAML anchors and aliases let a small file describe a huge tree ("billion laughs"). The loaders count
// every node they visit and stop past this budget.
inline constexpr std::size_t max_nodes_visited = 2'000'000;

// One text field (a question, a summary, a justification). Real ones are under 2 KiB.
inline constexpr std::size_t max_text_bytes = 64 * 1024;

// Items in any one list (requirements in a family file, nodes in a tree, categories, aliases...).
// The largest real list, the required information of one requirement, has fewer than 30 entries.
inline constexpr std::size_t max_list_items = 4096;

// Evidence records `init --evidence DIR` reads from one folder (a product has a few dozen at most).
inline constexpr std::size_t max_evidence_records_in_folder = 1000;

// Decision nodes per tree: validation walks trees recursively, so this also bounds recursion depth.
// EN 18031's largest tree has 8 nodes.
inline constexpr std::size_t max_tree_nodes = 512;

// Requirements in the whole catalogue (EN 18031 has 48): bounds the dependency-cycle search recursion.
inline constexpr std::size_t max_requirements = 1024;
// Checks over every file of catalogue/checks/ (today 15).
inline constexpr std::size_t max_checks = 1024;

// ---- MCUboot firmware images (src/image) ------------------------------------------------------------

// A whole image file, read into memory before parsing. MCUboot slots on real parts are at most a few MiB;
// 64 MiB leaves room for external-flash slots and caps memory per image.
inline constexpr std::size_t max_image_bytes = 64 * 1024 * 1024;

// TLV entries in one TLV area. A u16 area size allows at most 16,383 four-byte entries; real images carry
// under ten. Parsing stops with an error past this count.
inline constexpr std::size_t max_tlv_entries = 512;

// Keys (PEM) and the payloads `image sign` reads: a PEM key is under 4 KiB; 1 MiB allows any chain.
inline constexpr std::size_t max_key_file_bytes = 1024 * 1024;

// Images a tamper test builds and runs a verifier on: one external process each, so bounded.
inline constexpr std::size_t max_tamper_variants = 64;

// ---- Fleet manifests and fleet checks (src/factory/manifest, src/factory/fleet_check) -----------------

// A manifest from another factory: one CSV line per device (docs/manifest-format.md). The file is mapped,
// not copied, but every entry costs about 150 bytes of columns in memory; 10 million devices with base64
// public keys make a file of about 3 GiB. 16 GiB leaves room for the largest product lines and caps what
// a hostile file can make us map.
inline constexpr std::size_t max_manifest_bytes = std::size_t{16} * 1024 * 1024 * 1024;

// One line (record) of a manifest. The longest real line, an RSA-4096 public key in base64 with every
// other column, is under 1.5 KiB. The parser refuses longer lines, so no field can grow without bound.
inline constexpr std::size_t max_manifest_line_bytes = 16 * 1024;

// Devices in one manifest or registry check: row numbers are 32-bit, and at ~150 bytes per device this
// caps memory near 7.5 GiB.
inline constexpr std::size_t max_fleet_devices = 50'000'000;

// A serial or a PSK identity. Real ones are under 64 bytes; they are printed and written into evidence.
inline constexpr std::size_t max_manifest_name_bytes = 256;

// Problems reported for one manifest before the parser stops: a wrong file would otherwise print
// millions of lines.
inline constexpr std::size_t max_manifest_problems = 100;

// Text of one fleet-check evidence detail that names duplicates (serials sharing a value). Below
// max_text_bytes so the record always loads; the detail says how many groups it left out.
inline constexpr std::size_t max_fleet_detail_bytes = 16 * 1024;

// ---- Factory provisioning (src/factory, en18031 provision) -------------------------------------------

// A device serial: it becomes a file name in exports and a subject attribute in certificates; real ones
// (IMEIs, MES numbers) are well under this.
inline constexpr std::size_t max_serial_bytes = 64;

// Problems reported for one serial list before reading stops: a wrong file would otherwise print a line
// for every one of its lines.
inline constexpr std::size_t max_serial_list_problems = 20;

// A serial list file is read whole; 20 million serials of up to 64 characters fit in 1.3 GiB, and a real
// production order is far smaller.
inline constexpr std::size_t max_serial_list_bytes = std::size_t{1} << 30;

// A registry's serial becomes a file name in exports (bundles, AT scripts). A registry may come from
// another tool, so it is checked again there; this leaves room for ".at" and temporary names within the
// 255 bytes most file systems allow.
inline constexpr std::size_t max_file_name_serial_bytes = 200;

// Serials one provisioning run takes (from a list or a range). A run holds them in memory; larger orders
// are split into several runs, which the registry joins seamlessly.
inline constexpr std::size_t max_serials_per_run = 20'000'000;

// ---- Vulnerability data (src/vuln: SBOMs, NVD/OSV/KEV feeds, VEX) --------------------------------------

// One version string. The longest real ones (Debian versions with backport suffixes, Go pseudo-versions)
// are under 100 bytes; comparators are linear in the length, and the limit keeps quoted versions short.
inline constexpr std::size_t max_version_bytes = 256;

// One CPE 2.3 name or purl. Real ones are under 300 bytes; NVD's own limit for a CPE name is 512.
inline constexpr std::size_t max_identifier_bytes = 2048;

// One record of a feed (an NVD CVE item, an OSV record). The largest real NVD item (a CVE with thousands
// of Cisco configurations) is about 3 MiB; records are held in memory one at a time.
inline constexpr std::size_t max_feed_record_bytes = 32 * 1024 * 1024;

// CPE matches in one CVE's configurations and ranges in one OSV record: the largest real CVEs carry a few
// thousand; matching is linear in this per candidate.
inline constexpr std::size_t max_matches_per_record = 20'000;

// Configurations of one CVE and nodes of one configuration (real ones: a handful).
inline constexpr std::size_t max_configuration_nodes = 1'000;

// Records in one feed file (the whole NVD is about 300,000 CVEs; an OSV dump of one ecosystem up to a
// few hundred thousand). Past this the import stops with an error instead of filling the disk.
inline constexpr std::size_t max_records_per_file = 2'000'000;

// Malformed records reported for one file before the rest are only counted.
inline constexpr std::size_t max_feed_problems = 50;

// One feed file read whole (an SBOM, a VEX document, a KEV catalogue, one OSV record). NVD feeds are
// streamed, not read whole, so they are not bounded by this.
inline constexpr std::size_t max_sbom_bytes = 256 * 1024 * 1024;

// Uncompressed bytes read from one gzip feed or one zip member: a decompression bomb stops here. The
// full NVD uncompressed is about 2 GiB.
inline constexpr std::size_t max_uncompressed_feed_bytes = std::size_t{8} * 1024 * 1024 * 1024;

// Components in one SBOM and statements in one VEX document. A full Linux distribution image lists about
// 5,000 packages.
inline constexpr std::size_t max_sbom_components = 200'000;

// JSON nesting accepted in feeds, SBOMs and VEX (real ones nest less than 12 levels; CycloneDX nested
// components a few more).
inline constexpr int max_feed_nesting_depth = 64;

}  // namespace en18031::limits
