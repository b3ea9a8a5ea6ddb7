// Exports from the provisioning registry, in memory: what each one holds (and does not hold), which devices
// it covers, the AT commands against Nordic's documented %CMNG syntax, Leshan's security-store JSON, the
// label CSV's quoting, and the exact error for each bad input.
#include "factory/exports.hpp"

#include <map>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/pem.h>

#include "crypto/sha256.hpp"
#include "support/registry_fixture.hpp"

namespace en18031::factory {
namespace {

using ::en18031::testing::FixtureDevice;
using ::en18031::testing::RegistryFixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

struct CollectedFile {
  std::string content;
  Secrecy secrecy;
};

// A FileSink that keeps every file in memory.
struct Files {
  std::map<std::string, CollectedFile> files;
  FileSink sink() {
    return [this](std::string_view path, std::string_view content,
                  Secrecy secrecy) -> std::expected<void, Error> {
      if (!files.emplace(std::string(path), CollectedFile{std::string(content), secrecy}).second)
        return std::unexpected(Error::message("written twice: " + std::string(path)));
      return {};
    };
  }
  std::vector<std::string> names() const {
    std::vector<std::string> result;
    for (const auto& [name, file] : files)
      result.push_back(name);
    return result;
  }
};

struct Text {
  std::string text;
  TextSink sink() {
    return [this](std::string_view piece) -> std::expected<void, Error> {
      text.append(piece);
      return {};
    };
  }
};

std::vector<FixtureDevice> mixed_fleet() {
  return {
      {.serial = "SN0001"},
      {.serial = "SN0002", .revoked_reason = "keyCompromise"},
      {.serial = "SN0003", .psk = false},
      {.serial = "SN0004", .certificate = false, .password = false},
  };
}

// ---- selections ------------------------------------------------------------------------------------

TEST(ExportSelection, WholeFleetLeavesOutRevokedAndDevicesWithoutTheCredential) {
  RegistryFixture fixture(mixed_fleet());
  const SqliteRegistry registry = fixture.open(true);
  Files files;
  auto summary = export_bundles(registry, fixture.box(), {}, {}, files.sink());
  ASSERT_TRUE(summary.has_value()) << summary.error().describe();
  EXPECT_EQ(summary->devices, 2u);
  EXPECT_EQ(summary->revoked, 1u);
  EXPECT_EQ(summary->without_credential, 1u);  // SN0004 has no certificate
  EXPECT_THAT(files.names(),
              ElementsAre("SN0001/chain.pem", "SN0001/device.crt.pem", "SN0001/device.key.pem",
                          "SN0003/chain.pem", "SN0003/device.crt.pem", "SN0003/device.key.pem"));
}

TEST(ExportSelection, NamedDevicesInOrderOnceEach) {
  RegistryFixture fixture(mixed_fleet());
  const SqliteRegistry registry = fixture.open(true);
  Text out;
  auto summary = export_labels(registry, fixture.box(), {{"SN0003", "SN0001", "SN0003"}}, {}, out.sink());
  ASSERT_TRUE(summary.has_value()) << summary.error().describe();
  EXPECT_EQ(summary->devices, 2u);
  EXPECT_EQ(out.text, "serial,password\r\nSN0003,pw-SN0003-Xy7!\r\nSN0001,pw-SN0001-Xy7!\r\n");
}

TEST(ExportSelection, ExactErrorsForUnknownRevokedAndMissingCredential) {
  RegistryFixture fixture(mixed_fleet());
  const SqliteRegistry registry = fixture.open(true);
  const std::string path = fixture.registry_path().string();
  Text out;
  EXPECT_EQ(export_labels(registry, fixture.box(), {{"SN0001", "NOPE"}}, {}, out.sink()).error().describe(),
            "registry " + path + " has no device NOPE");
  EXPECT_EQ(export_labels(registry, fixture.box(), {{"SN0002"}}, {}, out.sink()).error().describe(),
            "device SN0002 is revoked (since 2026-01-02T03:04:05Z); a revoked device is only in the CRL");
  EXPECT_EQ(export_lwm2m(registry, fixture.box(), {{"SN0003"}}, {}, out.sink()).error().describe(),
            "device SN0003 was provisioned without a PSK");
  Files files;
  EXPECT_EQ(export_bundles(registry, fixture.box(), {{"SN0004"}}, {}, files.sink()).error().describe(),
            "device SN0004 was provisioned without a certificate");
  EXPECT_EQ(export_labels(registry, fixture.box(), {{"SN0004"}}, {}, out.sink()).error().describe(),
            "device SN0004 was provisioned without a default password");
}

TEST(ExportSelection, AFleetWithNothingToExportIsAnError) {
  RegistryFixture fixture(
      std::vector<FixtureDevice>{{.serial = "A", .psk = false}, {.serial = "B", .psk = false}});
  const SqliteRegistry registry = fixture.open(true);
  Text out;
  EXPECT_EQ(export_lwm2m(registry, fixture.box(), {}, {}, out.sink()).error().describe(),
            "registry " + fixture.registry_path().string() + " has no active device with a PSK");
}

TEST(ExportSelection, ASealedSecretMovedToAnotherDeviceIsRefusedWithoutShowingIt) {
  RegistryFixture fixture;
  ASSERT_TRUE(fixture.execute_sql(
      "UPDATE devices SET psk_sealed = (SELECT psk_sealed FROM devices WHERE serial = 'SN0002') WHERE "
      "serial = 'SN0001'"));
  const SqliteRegistry registry = fixture.open(true);
  Text out;
  const auto result = export_lwm2m(registry, fixture.box(), {}, {}, out.sink());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(
      result.error().describe(),
      "the sealed psk of device SN0001 does not authenticate: it was changed, moved from another device or "
      "field, or sealed under another registry key");
  EXPECT_THAT(result.error().describe(), Not(HasSubstr(RegistryFixture::hex(fixture.psk("SN0002")))));
}

// ---- serials as file names -------------------------------------------------------------------------

TEST(ExportFileNames, HostileSerialsCannotNameFiles) {
  EXPECT_TRUE(check_serial_is_file_name("SN-0001_a.b").has_value());
  EXPECT_EQ(check_serial_is_file_name("").error().describe(),
            "a device serial is empty and cannot name a file");
  EXPECT_EQ(check_serial_is_file_name("..").error().describe(),
            "device serial \"..\" cannot name a file: it starts with a dot");
  EXPECT_EQ(check_serial_is_file_name("../etc").error().describe(),
            "device serial \"../etc\" cannot name a file: it starts with a dot");
  EXPECT_EQ(check_serial_is_file_name("a/b").error().describe(),
            "device serial \"a/b\" cannot name a file: it contains '/'");
  EXPECT_EQ(check_serial_is_file_name("a\\b").error().describe(),
            "device serial \"a\\x5cb\" cannot name a file: it contains '\\'");
  EXPECT_EQ(check_serial_is_file_name("a\nb").error().describe(),
            "device serial \"a\\x0ab\" cannot name a file: it contains a control character");
  EXPECT_EQ(
      check_serial_is_file_name(std::string(201, 'x')).error().describe(),
      "device serial \"" + std::string(201, 'x') + "\" cannot name a file: it is longer than 200 bytes");
}

TEST(ExportFileNames, AnUnsafeSerialStopsAFolderExport) {
  RegistryFixture fixture(std::vector<FixtureDevice>{{.serial = "SN0001"}, {.serial = "x/../../evil"}});
  const SqliteRegistry registry = fixture.open(true);
  Files files;
  EXPECT_EQ(export_bundles(registry, fixture.box(), {}, {}, files.sink()).error().describe(),
            "device serial \"x/../../evil\" cannot name a file: it contains '/'");
  EXPECT_EQ(
      export_nrf91_scripts(registry, fixture.box(), {{"x/../../evil"}}, {}, files.sink()).error().describe(),
      "device serial \"x/../../evil\" cannot name a file: it contains '/'");
}

// ---- bundles ---------------------------------------------------------------------------------------

TEST(ExportBundles, KeyCertificateAndChainOfEachDevice) {
  RegistryFixture fixture;
  const SqliteRegistry registry = fixture.open(true);
  Files files;
  ASSERT_TRUE(export_bundles(registry, fixture.box(), {{"SN0002"}}, {}, files.sink()).has_value());
  ASSERT_EQ(files.files.size(), 3u);
  const auto& key = files.files.at("SN0002/device.key.pem");
  EXPECT_EQ(key.secrecy, Secrecy::secret);
  EXPECT_EQ(key.content, fixture.key_pem("SN0002"));
  EXPECT_EQ(files.files.at("SN0002/device.crt.pem").secrecy, Secrecy::none);
  EXPECT_THAT(files.files.at("SN0002/device.crt.pem").content, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_EQ(files.files.at("SN0002/chain.pem").content, fixture.ca().certificate_pem());
  EXPECT_EQ(files.files.at("SN0002/chain.pem").secrecy, Secrecy::none);
}

TEST(ExportBundles, EncryptedKeyOpensOnlyWithThePassphrase) {
  RegistryFixture fixture;
  const SqliteRegistry registry = fixture.open(true);
  Files files;
  ASSERT_TRUE(export_bundles(registry, fixture.box(), {{"SN0001"}}, {.key_passphrase = "correct horse"},
                             files.sink()));
  const std::string& pem = files.files.at("SN0001/device.key.pem").content;
  EXPECT_THAT(pem, HasSubstr("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  EXPECT_FALSE(crypto::load_private_key_pem(pem, "wrong").has_value());
  auto key = crypto::load_private_key_pem(pem, "correct horse");
  ASSERT_TRUE(key.has_value()) << key.error().describe();
  EXPECT_EQ(key->private_pem(), fixture.key_pem("SN0001"));
}

TEST(ExportBundles, ChainIsCompletedUpToTheRootAndRefusedWhenItCannotBe) {
  // A registry whose issuer is an intermediate under a root the registry does not hold.
  RegistryFixture fixture;
  auto root_key = crypto::generate_key(crypto::KeyType::ecdsa_p256);
  auto root = create_root_ca({.common_name = "Fixture Root"}, *root_key, std::chrono::system_clock::now());
  ASSERT_TRUE(root.has_value());
  auto intermediate_key = crypto::generate_key(crypto::KeyType::ecdsa_p256);
  auto intermediate = create_intermediate_ca({.common_name = "Fixture Intermediate", .validity_days = 1000},
                                             *intermediate_key, *root, std::chrono::system_clock::now());
  ASSERT_TRUE(intermediate.has_value()) << intermediate.error().describe();
  SqliteRegistry registry = fixture.open();
  auto issuer = registry.ensure_issuer(intermediate->certificate_pem(), intermediate->fingerprint_hex(),
                                       intermediate->subject());
  ASSERT_TRUE(issuer.has_value());
  auto device_key = crypto::generate_key(crypto::KeyType::ecdsa_p256);
  const auto now = std::chrono::system_clock::now();
  DeviceRecord record;
  record.serial = "SN-INT";
  record.run_id = 1;
  record.created = "2026-01-01T00:00:00Z";
  record.issuer_id = *issuer;
  record.certificate_der = *issue_device_certificate(
      *intermediate, device_key->get(),
      {.common_name = "SN-INT", .not_before = now, .not_after = now + std::chrono::days(30)},
      &record.certificate_serial);
  record.key_fingerprint = Bytes(32, 7);
  auto pkcs8 = crypto::load_private_key_pem(device_key->private_pem());
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(pkcs8->get());
  unsigned char* der = nullptr;
  const int size = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  record.private_key_sealed =
      fixture.box().seal("SN-INT", SecretField::private_key, std::span(der, static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  ASSERT_TRUE(registry.insert_batch(std::span(&record, 1)).has_value());

  Files files;
  EXPECT_EQ(
      export_bundles(registry, fixture.box(), {{"SN-INT"}}, {}, files.sink()).error().describe(),
      "the chain of issuer \"CN=Fixture Intermediate\" stops at \"CN=Fixture Intermediate\": chain.pem needs "
      "the CA certificates above it (--ca-chain)");
  ASSERT_TRUE(export_bundles(registry, fixture.box(), {{"SN-INT"}},
                             {.extra_ca_pem = fixture.ca().certificate_pem() + root->certificate_pem()},
                             files.sink()));
  EXPECT_EQ(files.files.at("SN-INT/chain.pem").content,
            intermediate->certificate_pem() + root->certificate_pem());
  EXPECT_EQ(export_bundles(registry, fixture.box(), {{"SN-INT"}}, {.extra_ca_pem = "not PEM"}, files.sink())
                .error()
                .describe(),
            "the extra CA certificates holds no PEM certificate");
}

// ---- nRF91 AT scripts ------------------------------------------------------------------------------

// One AT command as Nordic documents %CMNG (AT%CMNG=<opcode>[,<sec_tag>[,<type>[,<content>[,<passwd>]]]]):
// opcode 0 write / 3 delete, sec_tag 0..2147483647, type 0 root CA, 1 client certificate, 2 client private
// key, 3 PSK (hexadecimal string), 4 PSK identity; content a non-empty string in double quotes (PEM with
// its line feeds inside the quotes). Commands end with CR LF.
struct AtCommand {
  int opcode = -1;
  std::int64_t sec_tag = -1;
  int type = -1;
  std::string content;
  bool cfun_offline = false;
};

std::vector<AtCommand> parse_at_script(const std::string& script) {
  // Split at CR LF outside double quotes.
  std::vector<std::string> commands;
  std::string current;
  bool quoted = false;
  for (std::size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (c == '"')
      quoted = !quoted;
    if (!quoted && c == '\r') {
      EXPECT_EQ(script.substr(i, 2), "\r\n") << "a command must end with CR LF";
      commands.push_back(current);
      current.clear();
      ++i;
      continue;
    }
    EXPECT_FALSE(!quoted && c == '\n') << "a bare LF outside quotes after: " << current;
    current.push_back(c);
  }
  EXPECT_FALSE(quoted) << "unbalanced quote";
  EXPECT_EQ(current, "") << "text after the last CR LF";

  static const std::regex kCfun(R"(^AT\+CFUN=4$)");
  static const std::regex kDelete(R"(^AT%CMNG=3,(0|[1-9][0-9]{0,9}),([0-4])$)");
  static const std::regex kWrite(R"re(^AT%CMNG=0,(0|[1-9][0-9]{0,9}),([0-4]),"([^"]+)"$)re");
  std::vector<AtCommand> parsed;
  for (const auto& command : commands) {
    std::smatch match;
    AtCommand at;
    if (std::regex_match(command, kCfun)) {
      at.cfun_offline = true;
    } else if (std::regex_match(command, match, kDelete)) {
      at.opcode = 3;
      at.sec_tag = std::stoll(match[1]);
      at.type = std::stoi(match[2]);
    } else if (std::regex_match(command, match, kWrite)) {
      at.opcode = 0;
      at.sec_tag = std::stoll(match[1]);
      at.type = std::stoi(match[2]);
      at.content = match[3];
    } else {
      ADD_FAILURE() << "not a documented command: " << command;
      continue;
    }
    if (!at.cfun_offline) {
      EXPECT_LE(at.sec_tag, 2147483647);
    }
    parsed.push_back(at);
  }
  return parsed;
}

TEST(ExportNrf91, EveryCommandMatchesNordicsCmngSyntax) {
  RegistryFixture fixture(
      std::vector<FixtureDevice>{{.serial = "SN0001"}, {.serial = "SN0002", .certificate = false}});
  const SqliteRegistry registry = fixture.open(true);
  Files files;
  const std::string server_ca = fixture.ca().certificate_pem();  // stands in for the server's CA
  auto summary = export_nrf91_scripts(registry, fixture.box(), {},
                                      {.sec_tag = 16842753, .server_ca_pem = server_ca}, files.sink());
  ASSERT_TRUE(summary.has_value()) << summary.error().describe();
  ASSERT_THAT(files.names(), ElementsAre("SN0001.at", "SN0002.at"));
  EXPECT_EQ(files.files.at("SN0001.at").secrecy, Secrecy::secret);

  static const std::regex kCertificate(
      R"(^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----$)");
  static const std::regex kPrivateKey(
      R"(^-----BEGIN PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END PRIVATE KEY-----$)");
  static const std::regex kHex("^([0-9a-f]{2})+$");

  const auto script = parse_at_script(files.files.at("SN0001.at").content);
  ASSERT_EQ(script.size(), 11u);
  EXPECT_TRUE(script[0].cfun_offline);  // writes are refused while the modem is active (+CFUN=1)
  std::vector<int> deleted, written;
  for (std::size_t i = 1; i < script.size(); ++i) {
    EXPECT_EQ(script[i].sec_tag, 16842753);
    (script[i].opcode == 3 ? deleted : written).push_back(script[i].type);
    if (script[i].opcode == 0) {
      EXPECT_THAT(script[i].content, Not(HasSubstr("\"")));
    }
  }
  EXPECT_THAT(deleted,
              ElementsAre(0, 1, 2, 3, 4));  // each pair deleted first: a write to an existing pair fails
  EXPECT_THAT(written, ElementsAre(0, 1, 2, 3, 4));
  for (std::size_t i = 1; i <= 5; ++i)
    EXPECT_EQ(script[i].opcode, 3) << "deletes come before writes";
  EXPECT_EQ(script[6].content + "\n", server_ca);
  EXPECT_TRUE(std::regex_match(script[7].content, kCertificate));
  EXPECT_TRUE(std::regex_match(script[8].content, kPrivateKey));
  EXPECT_EQ(script[8].content + "\n", fixture.key_pem("SN0001"));
  EXPECT_TRUE(std::regex_match(script[9].content, kHex));
  EXPECT_EQ(script[9].content, RegistryFixture::hex(fixture.psk("SN0001")));
  EXPECT_EQ(script[10].content, "id-SN0001");
}

TEST(ExportNrf91, PskOnlyDeviceWithoutDeletes) {
  RegistryFixture fixture(std::vector<FixtureDevice>{{.serial = "SN0002", .certificate = false}});
  const SqliteRegistry registry = fixture.open(true);
  Files files;
  ASSERT_TRUE(export_nrf91_scripts(registry, fixture.box(), {}, {.delete_first = false}, files.sink()));
  EXPECT_EQ(files.files.at("SN0002.at").content, "AT+CFUN=4\r\nAT%CMNG=0,35724861,3,\"" +
                                                     RegistryFixture::hex(fixture.psk("SN0002")) +
                                                     "\"\r\nAT%CMNG=0,35724861,4,\"id-SN0002\"\r\n");
  const auto script = parse_at_script(files.files.at("SN0002.at").content);
  EXPECT_EQ(script.size(), 3u);
}

TEST(ExportNrf91, SecTagMustBeInNordicsRange) {
  EXPECT_EQ(parse_sec_tag("0").value(), 0);
  EXPECT_EQ(parse_sec_tag("2147483647").value(), 2147483647);
  const std::string range =
      " is not an integer from 0 to 2147483647 (larger values are reserved for the modem)";
  EXPECT_EQ(parse_sec_tag("2147483648").error().describe(), "sec_tag \"2147483648\"" + range);
  EXPECT_EQ(parse_sec_tag("-1").error().describe(), "sec_tag \"-1\"" + range);
  EXPECT_EQ(parse_sec_tag("12a").error().describe(), "sec_tag \"12a\"" + range);
  EXPECT_EQ(parse_sec_tag("").error().describe(), "sec_tag \"\"" + range);
}

TEST(ExportNrf91, AnIdentityThatWouldBreakTheQuotingIsRefused) {
  RegistryFixture fixture(std::vector<FixtureDevice>{{.serial = "SN0001", .psk_identity = "id\",0,\"x"}});
  const SqliteRegistry registry = fixture.open(true);
  Files files;
  EXPECT_EQ(
      export_nrf91_scripts(registry, fixture.box(), {}, {}, files.sink()).error().describe(),
      "device SN0001: its PSK identity \"id\",0,\"x\" cannot be written with AT%CMNG (it is empty or holds a "
      "double quote or a character outside printable ASCII)");
  EXPECT_EQ(export_nrf91_scripts(registry, fixture.box(), {}, {.server_ca_pem = "junk"}, files.sink())
                .error()
                .describe(),
            "the server CA file holds no PEM certificate");
}

// ---- LwM2M -----------------------------------------------------------------------------------------

TEST(ExportLwm2m, LeshanSecurityStoreJson) {
  RegistryFixture fixture(mixed_fleet());
  const SqliteRegistry registry = fixture.open(true);
  Text out;
  auto summary = export_lwm2m(registry, fixture.box(), {}, {}, out.sink());
  ASSERT_TRUE(summary.has_value()) << summary.error().describe();
  EXPECT_EQ(summary->devices, 2u);
  EXPECT_EQ(summary->without_credential, 1u);
  // What Leshan's demo server answers to GET /api/security/clients and takes, one element per request,
  // in PUT (JacksonSecuritySerializer / JacksonSecurityDeserializer).
  const auto json = nlohmann::json::parse(out.text);
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0],
            nlohmann::json::parse(
                R"({"endpoint":"id-SN0001","tls":{"mode":"psk","details":{"identity":"id-SN0001","key":")" +
                RegistryFixture::hex(fixture.psk("SN0001")) + "\"}}}"));
  EXPECT_EQ(json[1]["endpoint"], "id-SN0004");
  EXPECT_EQ(json[1]["tls"]["details"]["key"], RegistryFixture::hex(fixture.psk("SN0004")));
  EXPECT_THAT(out.text, Not(HasSubstr("pw-")));
  EXPECT_THAT(out.text, Not(HasSubstr("PRIVATE KEY")));
}

TEST(ExportLwm2m, Leshan1AndCsvWithAnEndpointTemplate) {
  RegistryFixture fixture(
      std::vector<FixtureDevice>{{.serial = "SN0001", .psk_identity = "urn:imei:350000000000001"}});
  const SqliteRegistry registry = fixture.open(true);
  const std::string key = RegistryFixture::hex(fixture.psk("SN0001"));
  Text v1;
  ASSERT_TRUE(export_lwm2m(registry, fixture.box(), {},
                           {.format = Lwm2mFormat::leshan_v1, .endpoint_template = "dev-{serial}"},
                           v1.sink()));
  EXPECT_EQ(nlohmann::json::parse(v1.text),
            nlohmann::json::parse(
                R"([{"endpoint":"dev-SN0001","psk":{"identity":"urn:imei:350000000000001","key":")" + key +
                "\"}}]"));
  Text csv;
  ASSERT_TRUE(export_lwm2m(registry, fixture.box(), {}, {.format = Lwm2mFormat::csv}, csv.sink()));
  EXPECT_EQ(csv.text,
            "endpoint,identity,key\r\nurn:imei:350000000000001,urn:imei:350000000000001," + key + "\r\n");
}

TEST(ExportLwm2m, EndpointTemplateErrors) {
  EXPECT_TRUE(check_endpoint_template("urn:dev:{serial}:{identity}").has_value());
  EXPECT_EQ(
      check_endpoint_template("fixed").error().describe(),
      "endpoint template \"fixed\" has neither {identity} nor {serial}, so every device would get the same "
      "endpoint");
  EXPECT_EQ(check_endpoint_template("{imei}").error().describe(),
            "endpoint template \"{imei}\" has a placeholder other than {identity} and {serial}");
  EXPECT_EQ(check_endpoint_template("{serial}}").error().describe(),
            "endpoint template \"{serial}}\" has a '}' without its '{'");
}

// ---- certificates ----------------------------------------------------------------------------------

TEST(ExportCertificates, OneJsonLinePerCertificateWithoutSecrets) {
  RegistryFixture fixture(mixed_fleet());
  const SqliteRegistry registry = fixture.open(true);
  Text out;
  auto summary = export_certificates(registry, {}, out.sink());
  ASSERT_TRUE(summary.has_value()) << summary.error().describe();
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = out.text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(out.text.substr(start, end - start));
  EXPECT_EQ(start, out.text.size());
  ASSERT_EQ(lines.size(), 2u);
  auto first = registry.find("SN0001");
  for (const auto& line : lines) {
    const auto json = nlohmann::ordered_json::parse(line);
    std::vector<std::string> keys;
    for (const auto& [key, value] : json.items())
      keys.push_back(key);
    EXPECT_THAT(keys, ElementsAre("serial", "certificate_serial", "subject", "issuer", "not_before",
                                  "not_after", "sha256_fingerprint", "public_key_sha256", "certificate_pem"));
  }
  const auto json = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(json["serial"], "SN0001");
  EXPECT_EQ(json["certificate_serial"], (*first)->certificate_serial);
  EXPECT_EQ(json["subject"], "CN=SN0001");
  EXPECT_EQ(json["issuer"], "CN=Fixture Manufacturing CA,O=Fixture");
  EXPECT_EQ(json["sha256_fingerprint"], crypto::sha256_hex(std::string((*first)->certificate_der.begin(),
                                                                       (*first)->certificate_der.end())));
  EXPECT_EQ(json["public_key_sha256"], RegistryFixture::hex((*first)->key_fingerprint));
  EXPECT_THAT(json["not_after"].get<std::string>(),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"));
  const std::string pem = json["certificate_pem"];
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* parsed = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  EXPECT_NE(parsed, nullptr);
  X509_free(parsed);
  BIO_free(bio);
  EXPECT_THAT(out.text, Not(HasSubstr("PRIVATE KEY")));
  EXPECT_THAT(out.text, Not(HasSubstr("pw-")));
  EXPECT_THAT(out.text, Not(HasSubstr(RegistryFixture::hex(fixture.psk("SN0001")))));
}

// ---- labels ----------------------------------------------------------------------------------------

TEST(ExportLabels, Rfc4180QuotingAndTheFormulaGuard) {
  RegistryFixture fixture(std::vector<FixtureDevice>{
      {.serial = "SN0001", .password_text = "plain"},
      {.serial = "SN0002", .password_text = "a,b\"c"},
      {.serial = "SN0003", .password_text = "=HYPERLINK(\"x\")"},
      {.serial = "SN0004", .password_text = "-2+3"},
      {.serial = "@SN5", .password_text = "x\r\ny"},
  });
  const SqliteRegistry registry = fixture.open(true);
  Text guarded;
  ASSERT_TRUE(export_labels(registry, fixture.box(), {}, {}, guarded.sink()));
  EXPECT_EQ(guarded.text,
            "serial,password\r\n"
            "'@SN5,\"x\r\ny\"\r\n"
            "SN0001,plain\r\n"
            "SN0002,\"a,b\"\"c\"\r\n"
            "SN0003,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
            "SN0004,'-2+3\r\n");
  Text literal;
  ASSERT_TRUE(export_labels(registry, fixture.box(), {{"SN0004"}}, {.formula_guard = false}, literal.sink()));
  EXPECT_EQ(literal.text, "serial,password\r\nSN0004,-2+3\r\n");
}

TEST(ExportLabels, CsvField) {
  EXPECT_EQ(csv_field("abc", true), "abc");
  EXPECT_EQ(csv_field("", true), "");
  EXPECT_EQ(csv_field("+1", true), "'+1");
  EXPECT_EQ(csv_field("\tx", true), "'\tx");
  EXPECT_EQ(csv_field("\rx", true), "\"'\rx\"");
  EXPECT_EQ(csv_field("+1", false), "+1");
  EXPECT_EQ(csv_field("a\"b", false), "\"a\"\"b\"");
}

}  // namespace
}  // namespace en18031::factory
