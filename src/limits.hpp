// Every hard limit the toolkit puts on untrusted input, in one place.
//
// Catalogues, product profiles, evidence records, firmware images and SBOMs all come from outside; a
// hostile or broken file must end in a clear error, never in exhausted memory, a stack overflow or an
// endless loop. Each limit is far above what a real input needs and says why it is there. Change them
// here only; parsers refer to these names and the tests exercise the boundaries.
#pragma once

#include <cstddef>
#include <cstdint>

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

// ---- Firmware scan: carving and unpacking (src/scan/walk, src/scan/unpack) -------------------------------

// Objects inside objects (a squashfs in a gzip in a uImage in a flash dump is 4). Real images nest under
// 6; each level holds its decompressed bytes in memory, so this also bounds memory and recursion.
inline constexpr int max_unpack_depth = 8;

// Bytes decompressed or extracted over a whole scan. A 256 MiB flash dump unpacks to about 1 GiB; the
// bound stops a stack of bombs (each under the ratio limit) from filling memory or running for hours.
inline constexpr std::uint64_t max_unpacked_bytes = std::uint64_t{4} * 1024 * 1024 * 1024;

// Output to input of one compressed stream, checked once the output passes the floor below. Real
// firmware compresses 2:1 to 10:1 (a padded partition of 0xff up to ~1000:1 but under the floor); a
// deflate bomb reaches 1032:1, an xz or zstd bomb far more.
inline constexpr std::uint64_t max_expansion_ratio = 100;
inline constexpr std::uint64_t expansion_ratio_floor_bytes = 16 * 1024 * 1024;

// Entries (files, directories, links) of one archive or file system. A full Linux rootfs has ~20,000;
// each entry costs a callback and a little memory.
inline constexpr std::size_t max_archive_members = 200'000;

// Pattern hits handed to the analysis for one object. Real rules hit a few hundred times per file; a
// pattern that matches everywhere in hostile data would otherwise make the hit list as large as the file.
inline constexpr std::size_t max_hits_per_object = 100'000;

// Signature candidates (magic numbers) considered in one block before carving stops, and objects carved
// over the whole scan. A real image has tens of objects; random data a few candidates per MiB that fail
// validation; a block made of repeated magic numbers would otherwise cost one validation per byte.
inline constexpr std::size_t max_carve_candidates = 1'000'000;
inline constexpr std::size_t max_carved_objects = 10'000;

// One file of an unpacked tree or one decompressed stream, held in memory to be matched and inspected.
// The largest files of a real rootfs (a kernel, a database) are tens of MiB.
inline constexpr std::uint64_t max_inspected_file_bytes = 512 * 1024 * 1024;

// A firmware image given to the scan (mapped, not read into memory).
inline constexpr std::uint64_t max_firmware_image_bytes = std::uint64_t{64} * 1024 * 1024 * 1024;

// Files a folder given as input may hold (walked without following symlinks).
inline constexpr std::size_t max_input_folder_files = 1'000'000;

// Bytes of an unpacked tree queued for the worker threads: files wait here while the unpacker goes on;
// past it the unpacker inspects the next file itself, which keeps peak memory low.
inline constexpr std::uint64_t max_queued_file_bytes = 64 * 1024 * 1024;

// ---- Firmware scan analysis (src/scan/analysis, src/scan/detect, en18031 scan firmware) -------------

// Pattern hits one rule's detector validates in one object. A key or banner matches a handful of times; a
// hostile or pathological file can match a pattern millions of times, and each hit costs a parse.
inline constexpr std::size_t max_hits_per_rule_per_object = 256;

// A PEM block (BEGIN line to END line) or an OpenSSH/PuTTY key file: an RSA-16384 private key in PEM is
// about 12 KiB; anything longer is not a key and is not parsed.
inline constexpr std::size_t max_pem_bytes = 64 * 1024;

// The window a DER private key or certificate is parsed from: an RSA-16384 key is about 9.5 KiB DER.
inline constexpr std::size_t max_der_bytes = 32 * 1024;

// Account lines read from one password store (shadow, passwd, htpasswd): real ones hold tens.
inline constexpr std::size_t max_password_entries_per_file = 10'000;

// crypt_r calls (trying the default passwords against hashes). yescrypt and bcrypt cost ~1-100 ms each on
// purpose, so 30 passwords against every account of a big store would take minutes: bounded per file and
// per scan, and the check says it is inconclusive for the hashes it could not try.
inline constexpr std::size_t max_crypt_calls_per_file = 600;
inline constexpr std::size_t max_crypt_calls_per_scan = 3'000;

// Bytes of one text file (config, script, unit, inittab) a line-based detector reads; larger files are
// not configuration.
inline constexpr std::size_t max_config_file_bytes = 4 * 1024 * 1024;

// Detections kept in one scan; past it the report says how many it dropped (a rule gone wild must not
// exhaust memory or the SARIF reader).
inline constexpr std::size_t max_detections_per_scan = 100'000;

// The detail of one scan check in the evidence record names the count and the first finding only; a path
// from the image can be long, and the record's text fields stay well under max_text_bytes.
inline constexpr std::size_t max_scan_check_detail_bytes = 2000;

// ---- The scan firmware command (src/cli/scan_firmware.cpp) -----------------------------------------------

// Threads --jobs may ask for: more than the cores only adds memory (each holds decompressed files).
inline constexpr unsigned max_scan_jobs = 64;

// Files of a scanned folder an evidence record names, each by its SHA-256 (a root file system has a few
// thousand). The record is read back and checked on every assessment, so it stays small.
inline constexpr std::size_t max_scan_evidence_inputs = 20'000;
// ---- Network probes: TLS/DTLS (src/probe/tls, en18031 probe tls) -------------------------------------

// One TLS record: 2^14 bytes of plaintext plus 2048 of expansion (RFC 5246 6.2.3). A longer length field
// is not TLS, and reading it would let a hostile server make us wait for bytes that never come.
inline constexpr std::size_t max_tls_record_bytes = 16384 + 2048;

// The server's first flight in clear (ServerHello up to ServerHelloDone: certificate chain, OCSP response,
// key exchange). Real chains are under 16 KiB; 256 KiB caps what a server can make us buffer per exchange.
inline constexpr std::size_t max_tls_flight_bytes = 256 * 1024;

// Extensions in one ServerHello: a server echoes at most the ~15 we offer.
inline constexpr std::size_t max_tls_extensions = 64;

// TCP connections one `probe tls` run opens, in total. A full enumeration of a server accepting every
// suite of every version needs about 350 plus 40 for groups and features; the run stops (and says so)
// past this, so a misbehaving server cannot keep it busy for ever.
inline constexpr std::size_t max_tls_probe_connections = 1200;

// How long one connection may take to open, and to answer after our last byte, in milliseconds. A device
// on a slow link answers a ClientHello within a second; `--timeout` may lower it, never raise it above
// max_probe_timeout_ms.
inline constexpr int default_probe_timeout_ms = 5000;
inline constexpr int max_probe_timeout_ms = 30000;

// A connection that fails to open (refused, timed out) is retried this many times before the probe
// treats the answer as "no connection"; a server that stops answering ends the run.
inline constexpr int max_probe_retries = 1;

// Files `crypto check` reads from the folders it is given (a firmware tree holds a few dozen PEM files; a
// whole root file system a few thousand). Each is at most max_key_file_bytes; larger ones are skipped.
inline constexpr std::size_t max_key_material_files = 10000;

// ---- Network probes: login and ports (src/probe/net, src/probe/ports, src/probe/login) ------------------

// TCP connections a port scan keeps in flight at once. Each is a descriptor; 4096 stays far below the
// kernel's limits and keeps a scan from exhausting a small device's connection table.
inline constexpr std::size_t max_concurrent_probe_connections = 4096;

// Connection attempts a port scan starts per second, at most. 65,535 ports take about a second at this rate
// on a local network; a real device on a slower link is scanned with a lower --rate.
inline constexpr double max_probe_connects_per_second = 100'000;

// Bytes kept of one banner or one answer to a request: the service is named from its first bytes (an SSH
// version line, HTTP headers, a TLS ServerHello), and a hostile service cannot make us store more.
inline constexpr std::size_t max_banner_bytes = 16 * 1024;

// Bytes of one UDP answer read: the largest UDP datagram.
inline constexpr std::size_t max_udp_answer_bytes = 65'535;

// Open TCP ports whose service a port probe names with banner exchanges (a few connections each). A host
// with more open ports than this is reported with the rest unnamed, so one hostile host cannot hold the
// probe for hours.
inline constexpr std::size_t max_banner_ports = 1024;

// A declared-services file is a short hand-written list; 1 MiB is far more than any product exposes.
inline constexpr std::size_t max_declared_services_bytes = 1024 * 1024;

// Wrong passwords one login probe sends: enough to see any limiter that acts within the first hundreds of
// guesses, few enough that a probe never becomes the brute-force attack it measures.
inline constexpr std::size_t max_login_attempts = 1000;

// Time a whole probe may take whatever its options say: a probe of a device that is not ours to break must
// end on its own.
inline constexpr int max_probe_seconds = 600;
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

// ---- Login probe: SSH, HTTP digest and forms, time to reset (src/probe/login) ----------------------------

// Time one login attempt waits for its answer (an SSH key exchange and authentication, an HTTP digest
// challenge and its answer): a limiter's delay shows long before, and a service that stays silent this long
// is counted as locked out rather than held for the rest of the run.
inline constexpr int max_login_answer_milliseconds = 10'000;

// Seconds between retries of the right password while waiting for a lockout to end: often enough to time
// the reset to a second, rarely enough that the retries cannot become a load on the device (at most
// max_probe_seconds of them).
inline constexpr double login_reset_poll_seconds = 1.0;

// ---- Port probe banners (src/probe/ports) -----------------------------------------------------------------

// Open ports named at once, each through one connection at a time: at most this many banner connections
// are open beside the scan's, whatever --banner-concurrency asks.
inline constexpr std::size_t max_banner_parallel = 64;

// ---- Network probes: DTLS and CoAP (src/probe/dtls, en18031 probe dtls) ---------------------------------

// UDP conversations (a fresh source port each, one ClientHello and its cookie exchange) plus OpenSSL
// handshakes one `probe dtls` run makes in total. Enumerating two versions against a server accepting every
// DTLS suite of the registry takes about 2 x 300; more means a server that answers in a loop.
inline constexpr std::size_t max_dtls_probe_conversations = 800;

// Default time one DTLS question may take, retransmissions included. UDP has no refusal but silence (or an
// ICMP error), so a version a server ignores costs this much; a LAN answers in milliseconds.
inline constexpr int default_dtls_timeout_ms = 2000;

// A ClientHello that got no answer is sent again this many times within the timeout (RFC 6347 4.2.4: UDP
// loses datagrams). Two keeps a silent server's cost at three datagrams per question.
inline constexpr int max_dtls_retransmissions = 2;

// HelloVerifyRequests one question follows (RFC 6347 allows the server to ask again); a server that keeps
// asking is reported, not followed forever.
inline constexpr int max_dtls_cookie_rounds = 2;

// Handshake messages one server flight may hold while reassembled (a DTLS 1.2 flight has at most six:
// ServerHello .. ServerHelloDone, plus retransmitted duplicates merged by message_seq).
inline constexpr std::size_t max_dtls_handshake_messages = 32;

// One CoAP response read from the DTLS session. RFC 7252 4.6 sizes messages to fit one datagram (1152
// bytes recommended); a block-wise server sends more in later blocks, which the probe does not ask for.
inline constexpr std::size_t max_coap_response_bytes = 16 * 1024;

// Options one CoAP response may carry before the parser calls it malformed (real responses carry a few).
inline constexpr std::size_t max_coap_options = 64;

// Entries of /.well-known/core reported (the evidence names the service, not the whole resource list).
inline constexpr std::size_t max_coap_links_reported = 8;

}  // namespace en18031::limits
