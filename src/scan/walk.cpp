#include "scan/walk.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io/mapped_file.hpp"
#include "limits.hpp"
#include "scan/matcher.hpp"
#include "scan/unpack/unpacker.hpp"

namespace en18031::scan {

std::string carved_name(std::string_view format, std::uint64_t offset) {
  return fmt::format("{}@{:#x}", format, offset);
}

namespace {

using unpack::Bytes;

// A block to match, inspect and carve. `owned` holds the bytes of a file or payload; a mapped input's
// bytes belong to its MappedFile.
struct Block {
  ScannedObject::Kind kind = ScannedObject::Kind::file;
  Place place;
  std::span<const std::uint8_t> bytes;
  Bytes owned;
  std::uint32_t mode = 0;
  int depth = 0;
  bool mapped = false;  // pages may be released after matching (a read-only file mapping)
};

struct SignatureRef {
  const unpack::Unpacker* unpacker = nullptr;
  std::size_t length = 0;
  std::size_t offset_in_object = 0;
};

// Gives back the pages of [from, to) of a read-only file mapping: the kernel reads them again if they are
// touched later. Keeps a large mapped image from becoming resident as it is matched and carved.
void release_pages(std::span<const std::uint8_t> bytes, std::size_t from, std::size_t to) {
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto start = (reinterpret_cast<std::uintptr_t>(bytes.data() + from) + page - 1) & ~(page - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(bytes.data() + to) & ~(page - 1);
  if (end > start)
    ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
}

Place child_place(const Place& parent, std::string element, std::string path = {}) {
  Place place{parent.chain, std::move(path)};
  place.chain.push_back(std::move(element));
  return place;
}

class Walker;
class Carver;

// A block at least this large is matched on a thread of its own while the calling thread carves what
// the matcher has found so far (a flash image's rootfs is unpacked while the rest of the image is read).
constexpr std::size_t pipelined_match_bytes = 2 * Matcher::window_bytes;

// Threads that take files of unpacked trees off a bounded queue. When the queue is full the producer
// processes the file itself, so nothing ever waits on a full queue (no deadlock when a worker's file is
// itself an archive) and queued bytes stay bounded.
class WorkerPool {
 public:
  WorkerPool(Walker& walker, unsigned threads);
  ~WorkerPool();
  // Takes the block when there is room; gives it back otherwise.
  std::optional<Block> try_submit(Block block);
  void wait_idle();

 private:
  void run();
  Walker& walker_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable idle_;
  std::deque<Block> queue_;
  std::uint64_t queued_bytes_ = 0;
  unsigned busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class Walker {
 public:
  Walker(Analysis& analysis, Matcher matcher, std::vector<std::unique_ptr<unpack::Unpacker>> unpackers,
         std::vector<SignatureRef> signatures, std::size_t analysis_patterns)
      : analysis_(analysis),
        matcher_(std::move(matcher)),
        unpackers_(std::move(unpackers)),
        signatures_(std::move(signatures)),
        analysis_patterns_(analysis_patterns) {
    for (const auto& unpacker : unpackers_)
      if (unpacker->signatures().empty())
        start_only_.push_back(unpacker.get());
  }

  const Matcher& matcher() const { return matcher_; }

  void set_pool(WorkerPool* pool, unsigned jobs) {
    pool_ = pool;
    jobs_ = jobs;
  }
  unsigned jobs() const { return jobs_; }

  void process(Block& block, Matcher::Scratch& scratch, const WalkProgress* progress = nullptr);

  void problem(Place place, std::string reason) {
    problems_.fetch_add(1, std::memory_order_relaxed);
    analysis_.problem(Problem{std::move(place), std::move(reason)});
  }

  bool take(std::uint64_t bytes) {
    const std::uint64_t before = unpacked_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    if (before + bytes > limits::max_unpacked_bytes) {
      unpacked_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
      return false;
    }
    return true;
  }

  void submit_file(Block block, Matcher::Scratch& scratch) {
    if (pool_) {
      auto refused = pool_->try_submit(std::move(block));
      if (!refused)
        return;
      block = std::move(*refused);
    }
    process(block, scratch);
  }

  Analysis& analysis() { return analysis_; }

  WalkSummary summary() const {
    return {objects_.load(), unpacked_.load(), bytes_scanned_.load(), unpacked_bytes_.load(),
            problems_.load()};
  }

 private:
  friend class Carver;
  struct Matched;
  // Matches the whole block, then carves; or, for a large block with threads to spare, matches it on a
  // thread of its own while this one carves the candidates found so far.
  std::optional<Matched> match_then_carve(Block& block, Matcher::Scratch& scratch,
                                          const WalkProgress* progress, Carver& carver);
  std::optional<Matched> match_while_carving(Block& block, Matcher::Scratch& scratch,
                                             const WalkProgress* progress, Carver& carver);
  // Keeps a hit or a carving candidate of `block`; what is over its limit only sets a flag.
  void collect(const PatternHit& hit, Matched& matched) const;
  // How far before its magic number's end a candidate may start (tar's "ustar" is 257 bytes in): once the
  // matcher has read up to N, every candidate starting before N minus this is known.
  std::size_t longest_signature_reach() const;

  Analysis& analysis_;
  Matcher matcher_;
  std::vector<std::unique_ptr<unpack::Unpacker>> unpackers_;
  std::vector<SignatureRef> signatures_;
  std::vector<const unpack::Unpacker*> start_only_;
  std::size_t analysis_patterns_;
  WorkerPool* pool_ = nullptr;
  unsigned jobs_ = 1;
  std::atomic<std::uint64_t> objects_{0}, unpacked_{0}, bytes_scanned_{0}, unpacked_bytes_{0}, problems_{0};
  std::atomic<std::size_t> carved_objects_{0};
};

// What an unpacker emits into: applies the budget and turns payloads, files and entries into blocks and
// calls of the analysis, with their place in the chain.
class BlockSink final : public unpack::Sink {
 public:
  // `parent` is the block the object is carved from; `parent_mapped` when its pages may be released.
  BlockSink(Walker& walker, Place place, int depth, Matcher::Scratch& scratch,
            std::span<const std::uint8_t> parent, bool parent_mapped)
      : walker_(walker),
        place_(std::move(place)),
        depth_(depth),
        scratch_(scratch),
        parent_(parent),
        parent_mapped_(parent_mapped) {}

  bool take(std::uint64_t bytes) override { return walker_.take(bytes); }

  void payload(Bytes bytes) override {
    Block block{
        .kind = ScannedObject::Kind::carved, .place = place_, .owned = std::move(bytes), .depth = depth_};
    block.bytes = block.owned;
    walker_.process(block, scratch_);
  }

  // Carved where it lies: its parent's bytes outlive this call, which returns once the payload is walked.
  // A payload inside a mapped input gives its pages back as it is matched, as the input does. Bytes that
  // are not inside the parent block (an unpacker's own copy) are copied, never released: releasing a page
  // of the heap would zero it.
  void payload_in_place(std::span<const std::uint8_t> bytes) override {
    const bool inside = !bytes.empty() && bytes.data() >= parent_.data() &&
                        bytes.data() + bytes.size() <= parent_.data() + parent_.size();
    if (!inside) {
      payload(Bytes(bytes.begin(), bytes.end()));
      return;
    }
    Block block{.kind = ScannedObject::Kind::carved,
                .place = place_,
                .bytes = bytes,
                .depth = depth_,
                .mapped = parent_mapped_};
    walker_.process(block, scratch_);
  }

  void file(std::string path, Bytes bytes, std::uint32_t mode) override {
    Block block{.kind = ScannedObject::Kind::file,
                .place = child_place(place_, path, path),
                .owned = std::move(bytes),
                .mode = mode,
                .depth = depth_};
    block.bytes = block.owned;
    walker_.submit_file(std::move(block), scratch_);
  }

  void entry(FileSystemEntry::Type type, std::string path, std::string link_target, std::uint32_t mode,
             std::uint64_t size) override {
    FileSystemEntry entry{.type = type,
                          .place = child_place(place_, path, path),
                          .link_target = std::move(link_target),
                          .mode = mode,
                          .size = size};
    walker_.analysis().entry(entry);
  }

  void extent(std::uint64_t length) override { extent_ = length; }
  unsigned threads() const override { return walker_.jobs(); }
  std::uint64_t known_extent() const { return extent_; }

  void problem(std::string path, std::string reason) override {
    walker_.problem(path.empty() ? place_ : child_place(place_, path, path), std::move(reason));
  }

 private:
  Walker& walker_;
  Place place_;
  int depth_;
  Matcher::Scratch& scratch_;
  std::span<const std::uint8_t> parent_;
  bool parent_mapped_;
  std::uint64_t extent_ = 0;
};

using Candidate = std::pair<std::uint64_t, const unpack::Unpacker*>;

// What matching a block found: the analysis's hits and the carving candidates (start offset, unpacker).
struct Walker::Matched {
  std::vector<PatternHit> hits;
  std::vector<Candidate> candidates;
  std::size_t candidates_found = 0;  // over the whole block (match_while_carving hands them on per window)
  bool too_many_hits = false;
  bool too_many_candidates = false;
};

// Carves the candidates of one block in order of offset, batch by batch (each batch sorted, and every
// candidate of a batch before every candidate of the next): unpacks every candidate that validates and
// skips what an unpacked object covers.
class Carver {
 public:
  Carver(Walker& walker, Block& block, Matcher::Scratch& scratch)
      : walker_(walker), block_(block), scratch_(scratch) {}

  // Formats without a magic number (Intel HEX, S-records) are tried at the start of every block.
  void add_start_candidates(std::vector<Candidate>& candidates) const {
    for (const unpack::Unpacker* unpacker : walker_.start_only_)
      candidates.emplace_back(0, unpacker);
  }

  void carve(std::span<const Candidate> batch);

  // The [start, end) ranges of the objects unpacked whole; gives back the mapped pages behind the carver.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> finish() {
    if (block_.mapped)
      release_pages(block_.bytes, released_until_, block_.bytes.size());
    return std::move(unpacked_);
  }

 private:
  Walker& walker_;
  Block& block_;
  Matcher::Scratch& scratch_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> unpacked_;
  std::uint64_t covered_until_ = 0;
  bool depth_reported_ = false;
  bool stopped_ = false;  // the scan's limit of carved objects is reached
  std::size_t released_until_ = 0;
};

void Walker::collect(const PatternHit& hit, Matched& matched) const {
  if (hit.pattern < analysis_patterns_) {
    if (matched.hits.size() < limits::max_hits_per_object)
      matched.hits.push_back(hit);
    else
      matched.too_many_hits = true;
    return;
  }
  const SignatureRef& signature = signatures_[hit.pattern - analysis_patterns_];
  if (hit.end < signature.length + signature.offset_in_object)
    return;
  if (matched.candidates_found < limits::max_carve_candidates) {
    matched.candidates.emplace_back(hit.end - signature.length - signature.offset_in_object,
                                    signature.unpacker);
    ++matched.candidates_found;
  } else {
    matched.too_many_candidates = true;
  }
}

std::size_t Walker::longest_signature_reach() const {
  std::size_t reach = 0;
  for (const SignatureRef& signature : signatures_)
    reach = std::max(reach, signature.length + signature.offset_in_object);
  return reach;
}

void Walker::process(Block& block, Matcher::Scratch& scratch, const WalkProgress* progress) {
  Carver carver(*this, block, scratch);
  std::optional<Matched> matched = jobs_ > 1 && block.bytes.size() >= pipelined_match_bytes
                                       ? match_while_carving(block, scratch, progress, carver)
                                       : match_then_carve(block, scratch, progress, carver);
  bytes_scanned_.fetch_add(block.bytes.size(), std::memory_order_relaxed);
  if (!matched)
    return;
  if (matched->too_many_hits)
    problem(block.place, fmt::format("more than {} pattern hits: only the first {} are inspected",
                                     limits::max_hits_per_object, limits::max_hits_per_object));
  if (matched->too_many_candidates)
    problem(block.place, fmt::format("more than {} signature candidates: the rest of the block is not carved",
                                     limits::max_carve_candidates));
  // Carved first, so that hits inside an object that was unpacked are left to its own blocks: a shadow file
  // in an uncompressed tar is reported once, at /etc/shadow, not also at an offset of the image.
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> unpacked = carver.finish();
  std::vector<PatternHit>& hits = matched->hits;
  if (!unpacked.empty()) {
    std::erase_if(hits, [&](const PatternHit& hit) {
      auto after = std::upper_bound(unpacked.begin(), unpacked.end(), std::pair{hit.end, UINT64_MAX});
      return after != unpacked.begin() && hit.end > std::prev(after)->first &&
             hit.end <= std::prev(after)->second;
    });
  }
  analysis_.inspect(
      ScannedObject{.kind = block.kind, .place = block.place, .bytes = block.bytes, .mode = block.mode},
      hits);
  objects_.fetch_add(1, std::memory_order_relaxed);
}

std::optional<Walker::Matched> Walker::match_then_carve(Block& block, Matcher::Scratch& scratch,
                                                        const WalkProgress* progress, Carver& carver) {
  Matched matched;
  auto status = matcher_.match(
      block.bytes, scratch,
      [&](const PatternHit& hit) {
        collect(hit, matched);
        return true;
      },
      [&](std::size_t offset, std::size_t length) {
        // A mapped input's pages are given back once matched: a 1 GiB image is matched with a few MiB
        // resident.
        if (block.mapped)
          release_pages(block.bytes, offset, offset + length);
        if (progress && *progress)
          (*progress)(block.place.chain.front(), offset + length, block.bytes.size());
      });
  if (!status) {
    problem(block.place, fmt::format("pattern matching failed: {}", status.error().describe()));
    return std::nullopt;
  }
  carver.add_start_candidates(matched.candidates);
  std::sort(matched.candidates.begin(), matched.candidates.end());
  carver.carve(matched.candidates);
  return matched;
}

// The matching thread hands over the candidates of each window it has read; this thread carves every
// candidate that can no longer be preceded by one still to come, while the matcher reads on. The objects
// are carved in the same order, with the same results, as by match_then_carve; only a problem of the
// whole block (too many hits or candidates, a failed match) is reported after the objects carved
// meanwhile, and progress is reported from this thread as it learns of each window.
std::optional<Walker::Matched> Walker::match_while_carving(Block& block, Matcher::Scratch& scratch,
                                                           const WalkProgress* progress, Carver& carver) {
  auto own_scratch = matcher_.make_scratch();
  if (!own_scratch)
    return match_then_carve(block, scratch, progress, carver);
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Candidate> handed;  // candidates of windows read, not yet taken by the carver
  std::size_t matched_until = 0;  // bytes the matcher has read
  bool done = false;
  Matched matched;
  std::expected<void, Error> status;
  auto match_on_this_thread = [&] {
    status = matcher_.match(
        block.bytes, *own_scratch,
        [&](const PatternHit& hit) {
          collect(hit, matched);
          return true;
        },
        [&](std::size_t offset, std::size_t length) {
          if (block.mapped)
            release_pages(block.bytes, offset, offset + length);
          {
            std::lock_guard lock(mutex);
            handed.insert(handed.end(), matched.candidates.begin(), matched.candidates.end());
            matched_until = offset + length;
          }
          matched.candidates.clear();
          changed.notify_one();
        });
    {
      std::lock_guard lock(mutex);
      handed.insert(handed.end(), matched.candidates.begin(), matched.candidates.end());
      done = true;
    }
    matched.candidates.clear();
    changed.notify_one();
  };
  std::optional<std::thread> matching;
  try {
    matching.emplace(match_on_this_thread);
  } catch (const std::system_error&) {  // no thread to be had: one after the other
    return match_then_carve(block, scratch, progress, carver);
  }
  const std::size_t reach = longest_signature_reach();
  std::vector<Candidate> waiting;
  carver.add_start_candidates(waiting);
  std::size_t reported_until = 0;
  for (bool finished = false; !finished;) {
    std::size_t until = 0;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done || matched_until != reported_until; });
      waiting.insert(waiting.end(), handed.begin(), handed.end());
      handed.clear();
      until = matched_until;
      finished = done;
    }
    if (finished && !status)
      break;  // as match_then_carve: nothing more is carved of a block whose match failed
    if (until != reported_until && progress && *progress)
      (*progress)(block.place.chain.front(), until, block.bytes.size());
    reported_until = until;
    // A candidate starting before `until - reach` ends before `until`: it and every candidate before it
    // are known. When the match is over, all are.
    std::sort(waiting.begin(), waiting.end());
    auto ready = waiting.end();
    if (!finished)
      ready = std::lower_bound(waiting.begin(), waiting.end(),
                               Candidate{until > reach ? until - reach : 0, nullptr});
    carver.carve({waiting.begin(), ready});
    waiting.erase(waiting.begin(), ready);
  }
  matching->join();
  if (!status) {
    problem(block.place, fmt::format("pattern matching failed: {}", status.error().describe()));
    return std::nullopt;
  }
  return matched;
}

void Carver::carve(std::span<const Candidate> batch) {
  for (std::size_t index = 0; index < batch.size() && !stopped_; ++index) {
    const auto& [offset, unpacker] = batch[index];
    // The same candidate twice (two signatures of one format at one offset) is tried once.
    if (index > 0 && batch[index - 1] == batch[index])
      continue;
    if (offset < covered_until_ || offset >= block_.bytes.size())
      continue;
    // Validating a candidate faults its pages in again (and the kernel maps their neighbours too): on a
    // mapped image, what lies well behind the candidates is given back as carving moves on.
    if (block_.mapped && offset > released_until_ + 2 * Matcher::window_bytes) {
      release_pages(block_.bytes, released_until_, offset - Matcher::window_bytes);
      released_until_ = offset - Matcher::window_bytes;
    }
    const auto rest = block_.bytes.subspan(offset);
    if (!unpacker->recognise(rest))
      continue;
    Place place = child_place(block_.place, carved_name(unpacker->format(), offset));
    if (block_.depth + 1 > limits::max_unpack_depth) {
      if (!depth_reported_)
        walker_.problem(place, fmt::format("nested {} levels deep, over the limit of {}: not unpacked",
                                           block_.depth + 1, limits::max_unpack_depth));
      depth_reported_ = true;
      continue;
    }
    if (walker_.carved_objects_.fetch_add(1, std::memory_order_relaxed) >= limits::max_carved_objects) {
      walker_.problem(
          place, fmt::format("more than {} objects in the scan: not unpacked", limits::max_carved_objects));
      stopped_ = true;
      return;
    }
    walker_.unpacked_.fetch_add(1, std::memory_order_relaxed);
    BlockSink sink(walker_, place, block_.depth + 1, scratch_, block_.bytes, block_.mapped);
    auto length = unpacker->unpack(rest, sink);
    if (length) {
      covered_until_ = offset + std::max<std::uint64_t>(*length, 1);
      unpacked_.emplace_back(offset, covered_until_);
    } else {
      walker_.problem(std::move(place), std::move(length.error()));
      covered_until_ = offset + std::max<std::uint64_t>(sink.known_extent(), 1);
    }
  }
}

WorkerPool::WorkerPool(Walker& walker, unsigned threads) : walker_(walker) {
  for (unsigned index = 0; index < threads; ++index)
    threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& thread : threads_)
    thread.join();
}

std::optional<Block> WorkerPool::try_submit(Block block) {
  {
    std::lock_guard lock(mutex_);
    if (!queue_.empty() && queued_bytes_ + block.bytes.size() > limits::max_queued_file_bytes)
      return block;
    queued_bytes_ += block.bytes.size();
    queue_.push_back(std::move(block));
  }
  work_ready_.notify_one();
  return std::nullopt;
}

void WorkerPool::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && busy_ == 0; });
}

void WorkerPool::run() {
  auto scratch = walker_.matcher().make_scratch();
  for (;;) {
    Block block;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      block = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= block.bytes.size();
      ++busy_;
    }
    if (scratch)
      walker_.process(block, *scratch);
    else
      walker_.problem(block.place, "vectorscan cannot allocate its scratch memory: not inspected");
    block = {};
    {
      std::lock_guard lock(mutex_);
      --busy_;
      if (queue_.empty() && busy_ == 0)
        idle_.notify_all();
    }
  }
}

// The files an input names: itself, or every regular file under a folder (links not followed), sorted.
std::expected<std::vector<std::string>, Error> input_files(const std::string& input) {
  namespace fs = std::filesystem;
  std::error_code error;
  const auto status = fs::symlink_status(input, error);
  if (error)
    return std::unexpected(Error::message(fmt::format("{}: cannot read ({})", input, error.message())));
  if (!fs::is_directory(status))
    return std::vector<std::string>{input};
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(input, fs::directory_options::none, error), end;
       !error && it != end; it.increment(error)) {
    if (it->is_regular_file(error) && !it->is_symlink(error)) {
      if (files.size() >= limits::max_input_folder_files)
        return std::unexpected(Error::message(
            fmt::format("{}: more than {} files in the folder", input, limits::max_input_folder_files)));
      files.push_back(it->path().string());
    }
  }
  if (error)
    return std::unexpected(
        Error::message(fmt::format("{}: cannot walk the folder ({})", input, error.message())));
  std::sort(files.begin(), files.end());
  return files;
}

// The walker with one database: the analysis's patterns first (their indexes are the ones it knows), then
// the magic numbers of every unpacker, so one pass finds both.
std::expected<std::unique_ptr<Walker>, Error> make_walker(Analysis& analysis) {
  auto unpackers = unpack::all_unpackers();
  std::vector<Pattern> patterns(analysis.patterns().begin(), analysis.patterns().end());
  std::vector<SignatureRef> signatures;
  for (const auto& unpacker : unpackers) {
    for (const auto& signature : unpacker->signatures()) {
      patterns.push_back(
          Pattern{.id = fmt::format("carve:{}", unpacker->format()), .expression = signature.expression});
      signatures.push_back({unpacker.get(), signature.length, signature.offset_in_object});
    }
  }
  auto matcher = Matcher::compile(patterns);
  if (!matcher)
    return std::unexpected(std::move(matcher.error()));
  return std::make_unique<Walker>(analysis, std::move(*matcher), std::move(unpackers), std::move(signatures),
                                  analysis.patterns().size());
}

}  // namespace

std::expected<WalkSummary, Error> walk(std::span<const std::string> inputs, Analysis& analysis,
                                       const WalkOptions& options, const WalkProgress& progress) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    auto found = input_files(input);
    if (!found)
      return std::unexpected(std::move(found.error()));
    files.insert(files.end(), found->begin(), found->end());
  }
  auto walker = make_walker(analysis);
  if (!walker)
    return std::unexpected(std::move(walker.error()));
  auto scratch = (*walker)->matcher().make_scratch();
  if (!scratch)
    return std::unexpected(std::move(scratch.error()));
  std::optional<WorkerPool> pool;
  if (options.jobs > 1) {
    pool.emplace(**walker, options.jobs);
    (*walker)->set_pool(&*pool, options.jobs);
  }
  for (const std::string& file : files) {
    auto mapped = io::MappedFile::open(file, limits::max_firmware_image_bytes);
    if (!mapped)
      return std::unexpected(std::move(mapped.error()));
    if (mapped->size() > 0)
      ::madvise(const_cast<std::uint8_t*>(mapped->bytes().data()), mapped->size(), MADV_SEQUENTIAL);
    Block block{.kind = ScannedObject::Kind::image,
                .place = Place{{file}, {}},
                .bytes = mapped->bytes(),
                .mapped = true};
    (*walker)->process(block, *scratch, &progress);
    // Queued files own their bytes, but finishing each input before the next keeps its problems and
    // files together for the progress report.
    if (pool)
      pool->wait_idle();
  }
  return (*walker)->summary();
}

std::expected<WalkSummary, Error> walk_block(std::span<const std::uint8_t> bytes, const std::string& name,
                                             Analysis& analysis, const WalkOptions& options) {
  auto walker = make_walker(analysis);
  if (!walker)
    return std::unexpected(std::move(walker.error()));
  auto scratch = (*walker)->matcher().make_scratch();
  if (!scratch)
    return std::unexpected(std::move(scratch.error()));
  std::optional<WorkerPool> pool;
  if (options.jobs > 1) {
    pool.emplace(**walker, options.jobs);
    (*walker)->set_pool(&*pool, options.jobs);
  }
  Block block{.kind = ScannedObject::Kind::image, .place = Place{{name}, {}}, .bytes = bytes};
  (*walker)->process(block, *scratch);
  if (pool)
    pool->wait_idle();
  return (*walker)->summary();
}

}  // namespace en18031::scan
