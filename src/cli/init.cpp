// en18031 init: a starter product profile from a few scope questions, listing every requirement that
// applies with the decision nodes to answer. Interactive (--interactive) or from flags for scripts.
#include <expected>
#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/app.hpp"
#include "cli/output_files.hpp"
#include "core/assessment.hpp"
#include "io/atomic_write.hpp"
#include "limits.hpp"
#include "load/evidence_loader.hpp"
#include "render/requirement_text.hpp"
#include "render/tree_drawing.hpp"

namespace en18031::cli {
namespace {

struct InitOptions {
  std::string output = "product.yaml";
  std::string name = "TODO product name";
  std::string model = "TODO model";
  std::string manufacturer = "TODO manufacturer";
  std::string internet = "direct";
  std::vector<std::string> radio;  // radio technologies, as the user names them (LTE-M, Wi-Fi, ...)
  bool personal_data = false;
  bool monetary_value = false;
  bool routes_traffic = false;
  bool toy = false;
  bool childcare = false;
  bool wearable = false;
  bool interactive = false;
  bool force = false;
  std::string evidence_folder;  // --evidence: records to cite and to propose answers from
};

// An evidence record found by --evidence, named as the profile will cite it (relative to the profile).
struct FoundRecord {
  std::string cited_as;
  EvidenceRecord record;
};

// YAML double-quoted scalar, so any text the user typed stays a string.
std::string yaml_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);  // a control character stays text, escaped as YAML reads it
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// How many invalid answers a question takes before init gives up (a script feeding the wrong answers
// would otherwise be asked for ever).
constexpr int kMaxInvalidAnswers = 3;

// Why the questions stopped: end of input, or too many invalid answers. Nothing is written then.
struct Stopped {
  std::string why;
};

// One line from ctx.in: the fallback for an empty line, nullopt at the end of input.
std::optional<std::string> ask(Context& ctx, std::string_view question, const std::string& fallback) {
  ctx.out << question << " [" << fallback << "]: " << std::flush;
  std::string line;
  if (!std::getline(ctx.in, line))
    return std::nullopt;
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return line.empty() ? fallback : line;
}

// Asks until `accept` takes an answer (re-asking with the same default), at most kMaxInvalidAnswers times.
template <typename Accept>
std::expected<std::string, Stopped> ask_until(Context& ctx, std::string_view question,
                                              const std::string& fallback, std::string_view expected,
                                              Accept accept) {
  for (int invalid = 0;;) {
    const auto answer = ask(ctx, question, fallback);
    if (!answer) {
      ctx.out << "\n";
      return std::unexpected(Stopped{fmt::format("the input ended before an answer to '{}'", question)});
    }
    if (accept(*answer))
      return *answer;
    if (++invalid == kMaxInvalidAnswers) {
      return std::unexpected(Stopped{fmt::format("no valid answer to '{}' after {} tries (expected {})",
                                                 question, kMaxInvalidAnswers, expected)});
    }
    ctx.out << fmt::format("please answer {}\n", expected);
  }
}

// The answers below replace `value` only when valid; the first question that stops ends the asking.
std::expected<void, Stopped> ask_text(Context& ctx, std::string_view question, std::string& value) {
  auto answer = ask_until(ctx, question, value, "with some text", [](const std::string&) { return true; });
  if (!answer)
    return std::unexpected(answer.error());
  value = std::move(*answer);
  return {};
}

std::expected<void, Stopped> ask_yes_no(Context& ctx, std::string_view question, bool& value) {
  const auto is_yes = [](std::string_view answer) { return answer == "y" || answer == "yes"; };
  const auto is_no = [](std::string_view answer) { return answer == "n" || answer == "no"; };
  const auto answer = ask_until(ctx, question, value ? "y" : "n", "y or n",
                                [&](const std::string& text) { return is_yes(text) || is_no(text); });
  if (!answer)
    return std::unexpected(answer.error());
  value = is_yes(*answer);
  return {};
}

std::expected<void, Stopped> ask_internet(Context& ctx, std::string& value) {
  auto answer = ask_until(ctx, "Internet connection: direct, via-other-equipment or none", value,
                          "direct, via-other-equipment or none", [](const std::string& text) {
                            return parse_internet_capability(text).has_value();
                          });
  if (!answer)
    return std::unexpected(answer.error());
  value = std::move(*answer);
  return {};
}

// "LTE-M, Wi-Fi" -> {"LTE-M", "Wi-Fi"}: items trimmed, empty ones and repeats dropped; "none" is no radio.
std::vector<std::string> radio_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (!item.empty() && item != "none" && std::ranges::find(items, item) == items.end())
      items.emplace_back(item);
    start = end + 1;
  }
  return items;
}

std::expected<void, Stopped> ask_radio(Context& ctx, std::vector<std::string>& value) {
  const std::string fallback = value.empty() ? "none" : fmt::format("{}", fmt::join(value, ", "));
  auto answer = ask_until(ctx, "Radio technologies, comma-separated (e.g. LTE-M, Wi-Fi, Bluetooth LE)",
                          fallback, "with some text", [](const std::string&) { return true; });
  if (!answer)
    return std::unexpected(answer.error());
  value = radio_list(*answer);
  return {};
}

std::expected<void, Stopped> ask_everything(Context& ctx, InitOptions& options) {
  using Question = std::function<std::expected<void, Stopped>()>;
  for (const Question& asked :
       {Question{[&] { return ask_text(ctx, "Product name", options.name); }},
        Question{[&] { return ask_text(ctx, "Model or type number", options.model); }},
        Question{[&] { return ask_text(ctx, "Manufacturer", options.manufacturer); }},
        Question{[&] { return ask_radio(ctx, options.radio); }},
        Question{[&] { return ask_internet(ctx, options.internet); }},
        Question{[&] { return ask_yes_no(ctx, "Does it process personal data?", options.personal_data); }},
        Question{[&] {
          return ask_yes_no(ctx, "Does it process virtual money or monetary value?", options.monetary_value);
        }},
        Question{[&] {
          return ask_yes_no(ctx, "Does it forward traffic for other devices?", options.routes_traffic);
        }},
        Question{[&] { return ask_yes_no(ctx, "Is it a toy?", options.toy); }},
        Question{[&] { return ask_yes_no(ctx, "Is it childcare equipment?", options.childcare); }},
        Question{[&] { return ask_yes_no(ctx, "Is it wearable?", options.wearable); }}}) {
    if (auto done = asked(); !done)
      return done;
  }
  return {};
}

Scope scope_of(const InitOptions& options) {
  Scope scope;
  scope.internet = parse_internet_capability(options.internet).value_or(InternetCapability::none);
  scope.processes_personal_data = options.personal_data;
  scope.processes_monetary_value = options.monetary_value;
  scope.routes_traffic = options.routes_traffic;
  scope.toy = options.toy;
  scope.childcare = options.childcare;
  scope.wearable = options.wearable;
  return scope;
}

// Where a branch leads and what taking it needs, for the comment under a node: "NOT APPLICABLE (not
// recommended); needs a justification (claims the exception immutable), E.Info.SUM-1.PartOfSoftw.Immutable".
std::string branch_words(const Catalogue& catalogue, const Requirement& requirement, const DecisionNode& node,
                         Answer answer) {
  const Branch& branch = node.branch(answer);
  std::string words =
      fmt::format("{} ({})", branch.verdict ? std::string(to_label(*branch.verdict)) : branch.next,
                  to_label(branch.guidance));
  const auto needs = render::branch_needs(requirement, node, answer);
  if (needs.justification || !needs.information.empty())
    words += fmt::format("; needs {}", render::describe_needs(needs));
  if (!needs.restriction.empty()) {
    const Restriction* restriction = catalogue.find_restriction(needs.restriction);
    words += fmt::format("; restriction {}{}: no presumption of conformity, a Notified Body is needed",
                         needs.restriction, restriction ? fmt::format(" ({})", restriction->act) : "");
  }
  return words;
}

// What the evidence says about a node, as comment lines under it: the answer it gives (the engine takes it
// while the node is left unanswered), advice where a person must answer, or why the records disagree.
std::string evidence_words(const DecisionNode& node, const std::vector<CitedRecord>& cited) {
  if (cited.empty())
    return {};
  const EvidenceAnswer evidence = evidence_answer(node, cited);
  if (evidence.answer) {
    const std::string checks = describe_citations(evidence.support);
    if (node.human_judgement.empty()) {
      return fmt::format("        #   evidence answers {} while {} is left open: {}\n",
                         to_string(*evidence.answer), node.id, checks);
    }
    return fmt::format("        #   evidence supports {} ({}), but a person must answer: {}\n",
                       to_string(*evidence.answer), checks, node.human_judgement);
  }
  if (!evidence.disagreement.empty())
    return fmt::format("        #   the evidence does not agree: {}\n",
                       fmt::join(evidence.disagreement, "; "));
  return {};
}

// The records that speak to a requirement, in folder order.
std::vector<CitedRecord> records_for(const Requirement& requirement, const std::vector<FoundRecord>& found) {
  std::vector<CitedRecord> cited;
  for (const auto& [cited_as, record] : found) {
    const bool speaks = std::ranges::any_of(
        record.checks, [&](const EvidenceCheck& check) { return speaks_to(requirement, check); });
    if (speaks)
      cited.push_back({cited_as, &record});
  }
  return cited;
}

std::string starter_profile(const Catalogue& catalogue, const InitOptions& options,
                            const std::vector<int>& parts, const std::vector<FoundRecord>& found) {
  std::string y = fmt::format(
      "# en18031 product profile (docs/profile-format.md). Fill in every TODO, then run:\n"
      "#   en18031 assess {}\n"
      "profile: 1\nproduct:\n  name: {}\n  model: {}\n  manufacturer: {{name: {}, address: \"TODO "
      "address\"}}\n"
      "  firmware_version: \"TODO\"\n  intended_use: >-\n    TODO what the product is for, where and by whom "
      "it is used.\n"
      "  assessment_date: 2026-01-01  # TODO\narchitecture: >-\n  TODO processor, operating system, radios, "
      "cloud "
      "services, update path, trust anchors.\n",
      options.output, yaml_quoted(options.name), yaml_quoted(options.model),
      yaml_quoted(options.manufacturer));
  std::vector<std::string> radio;
  for (const auto& technology : options.radio)
    radio.push_back(yaml_quoted(technology));
  y += fmt::format(
      "scope:\n  radio: [{}]{}\n  internet_capable: {}\n  processes_personal_data: "
      "{}\n"
      "  processes_monetary_value: {}\n  routes_traffic: {}\n  toy: {}\n  childcare: {}\n  wearable: {}\n",
      fmt::join(radio, ", "), radio.empty() ? "  # TODO e.g. [LTE-M, Wi-Fi]" : "", options.internet,
      options.personal_data, options.monetary_value, options.routes_traffic, options.toy, options.childcare,
      options.wearable);
  y += "assets: []  # TODO every security asset, and the network / privacy / financial assets of the parts "
       "that "
       "apply\nentities: []\ninterfaces: []\nsoftware: []\nkeys: []\nvulnerabilities: []\n";
  y += fmt::format(
      "# Parts that apply: {}. Each requirement below needs one group per set of assets that take\n"
      "# the same path through its tree; answer only the nodes on that path.\n",
      parts.empty() ? std::string("none") : fmt::format("{}", fmt::join(parts, ", ")));
  // With no requirement to answer (no part applies) the section is an empty mapping, not a null.
  std::string entries;
  bool any_entry = false;
  for (const auto& requirement : catalogue.requirements) {
    std::vector<int> in_play;
    for (const int part : requirement.parts) {
      if (std::ranges::find(parts, part) != parts.end())
        in_play.push_back(part);
    }
    if (in_play.empty())
      continue;
    if (!precondition_holds(requirement.precondition, scope_of(options))) {
      entries += fmt::format("  # {} {}: not applicable ({} does not hold)\n", requirement.id,
                             requirement.title, to_string(requirement.precondition));
      continue;
    }
    any_entry = true;
    entries += fmt::format(
        "  {}:  # {} (parts {})\n    - group: all\n      assets: []  # asset ids, or all, or {{type: "
        "[security, "
        "network]}}\n      answers: {{}}\n",
        requirement.id, requirement.title, fmt::join(in_play, ", "));
    bool any_justification = false;
    const std::vector<CitedRecord> cited = records_for(requirement, found);
    for (const auto& node : requirement.tree.nodes) {
      entries += fmt::format("        # {}: {}\n", node.id, node.question);
      entries += evidence_words(node, cited);
      for (const Answer answer : {Answer::yes, Answer::no}) {
        const auto needs = render::branch_needs(requirement, node, answer);
        any_justification = any_justification || needs.justification;
        entries += fmt::format("        #   {:<3} -> {}\n", to_string(answer),
                               branch_words(catalogue, requirement, node, answer));
      }
    }
    if (any_justification) {
      entries +=
          "      justifications: {}  # node -> why, for each branch taken that needs a justification\n";
    }
    if (!requirement.implementation_categories.empty()) {
      std::vector<std::string> ids;
      for (const auto& category : requirement.implementation_categories)
        ids.push_back(category.id);
      entries += fmt::format("      implementation_categories: []  # from: {}\n", fmt::join(ids, ", "));
    }
    entries += "      information: {}\n";
    for (const auto& information : requirement.required_information) {
      entries += fmt::format("        # {} (required {}): {}\n", information.id,
                             render::condition_text(information.required_when), information.summary);
    }
    if (cited.empty()) {
      entries +=
          "      demonstration: \"TODO how the mechanism was shown to work (or cite evidence: [...])\"\n";
    } else {
      std::vector<std::string> paths;
      for (const auto& record : cited)
        paths.push_back(yaml_quoted(record.path));
      entries += fmt::format("      evidence: [{}]\n", fmt::join(paths, ", "));
    }
  }
  y += any_entry ? "assessments:\n" + entries : "assessments: {}\n" + entries;
  return y;
}

// Every *.json record in --evidence, loaded and checked like `assess` does, named relative to the profile
// to write. A record that does not load stops the run (every problem printed); a stale one is kept, with a
// warning: it is cited, but proposes nothing until measured again.
std::optional<std::vector<FoundRecord>> find_evidence(Context& ctx, const Catalogue& catalogue,
                                                      const InitOptions& options) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(options.evidence_folder, error)) {
    ctx.err << fmt::format("en18031: --evidence {}: not a folder\n", options.evidence_folder);
    return std::nullopt;
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(options.evidence_folder, error), end; !error && it != end;
       it.increment(error)) {
    if (it->path().extension() == ".json" && it->is_regular_file(error))
      files.push_back(it->path());
  }
  if (error) {
    ctx.err << fmt::format("en18031: --evidence {}: {}\n", options.evidence_folder, error.message());
    return std::nullopt;
  }
  if (files.size() > limits::max_evidence_records_in_folder) {
    ctx.err << fmt::format("en18031: --evidence {}: more than {} records\n", options.evidence_folder,
                           limits::max_evidence_records_in_folder);
    return std::nullopt;
  }
  std::ranges::sort(files);
  const fs::path profile_folder = fs::absolute(options.output).parent_path();
  std::vector<FoundRecord> found;
  bool all_loaded = true;
  for (const auto& file : files) {
    const std::string cited_as = fs::absolute(file).lexically_relative(profile_folder).generic_string();
    auto loaded = load::load_evidence_file(file, cited_as, &catalogue);
    for (const auto& problem : loaded.problems)
      ctx.err << format_diagnostic(problem) << "\n";
    if (!loaded.record || !loaded.problems.empty()) {
      all_loaded = false;
      continue;
    }
    if (!loaded.record->inputs_verified())
      ctx.err << fmt::format(
          "en18031: warning: {}: an input is missing or changed since it was measured; it is "
          "cited but proposes no answer until measured again\n",
          cited_as);
    found.push_back({cited_as, std::move(*loaded.record)});
  }
  if (!all_loaded) {
    ctx.err << "en18031: nothing was written\n";
    return std::nullopt;
  }
  return found;
}

int run_init(Context& ctx, InitOptions options) {
  const auto catalogue = load_checked_catalogue(ctx);
  if (!catalogue)
    return exit_bad_input;
  if (options.interactive) {
    if (const auto asked = ask_everything(ctx, options); !asked) {
      return report(ctx, Error::message(fmt::format("{}; nothing was written", asked.error().why)));
    }
  }
  // --radio "LTE-M, Wi-Fi" and --radio LTE-M --radio Wi-Fi read the same.
  options.radio = radio_list(fmt::format("{}", fmt::join(options.radio, ",")));
  const auto internet = parse_internet_capability(options.internet);
  if (!internet) {
    return report(
        ctx, Error::message(fmt::format("--internet must be direct, via-other-equipment or none, not '{}'",
                                        options.internet)));
  }
  // The error_code overload: a path that cannot even be looked up (too long) is refused by the writer.
  if (std::error_code unknown; !options.force && std::filesystem::exists(options.output, unknown)) {
    return report(ctx, Error::message(fmt::format("{} exists; use --force to replace it", options.output)));
  }
  std::vector<FoundRecord> found;
  if (!options.evidence_folder.empty()) {
    auto loaded = find_evidence(ctx, *catalogue, options);
    if (!loaded)
      return exit_bad_input;
    found = std::move(*loaded);
  }
  const bool connected = *internet != InternetCapability::none;
  std::vector<int> parts;
  if (connected)
    parts.push_back(1);
  if (options.personal_data && (connected || options.toy || options.childcare || options.wearable))
    parts.push_back(2);
  if (connected && options.monetary_value)
    parts.push_back(3);
  if (const auto done =
          io::write_file_atomically(options.output, starter_profile(*catalogue, options, parts, found));
      !done) {
    return report(ctx, done.error());
  }
  ctx.out << fmt::format("wrote {} (parts {}{})\n", options.output,
                         parts.empty() ? std::string("none") : fmt::format("{}", fmt::join(parts, ", ")),
                         options.evidence_folder.empty()
                             ? std::string()
                             : fmt::format("; {} evidence records read", found.size()));
  return exit_ok;
}

}  // namespace

void register_init(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* command =
      parent.add_subcommand("init", "Write a starter product profile for the parts that apply");
  command->add_option("-o,--output", options->output, "Profile to write")->capture_default_str();
  command->add_flag("-i,--interactive", options->interactive, "Ask the scope questions on the terminal");
  command->add_option("--name", options->name, "Product name");
  command->add_option("--model", options->model, "Model or type number");
  command->add_option("--manufacturer", options->manufacturer, "Manufacturer");
  command->add_option("--internet", options->internet, "direct, via-other-equipment or none")
      ->capture_default_str();
  command->add_option("--radio", options->radio, "Radio technologies, comma-separated (LTE-M,Wi-Fi)")
      ->delimiter(',');
  command->add_flag("--personal-data", options->personal_data, "It processes personal data");
  command->add_flag("--monetary-value", options->monetary_value,
                    "It processes virtual money or monetary value");
  command->add_flag("--routes-traffic", options->routes_traffic, "It forwards traffic for other devices");
  command->add_flag("--toy", options->toy, "It is a toy");
  command->add_flag("--childcare", options->childcare, "It is childcare equipment");
  command->add_flag("--wearable", options->wearable, "It is wearable");
  command->add_flag("--force", options->force, "Replace an existing file");
  command->add_option(
      "--evidence", options->evidence_folder,
      "A folder of evidence records (*.json): cite each where it speaks, and show the answers "
      "they give");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_init(ctx, *options); }; });
}

}  // namespace en18031::cli
