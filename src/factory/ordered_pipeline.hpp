// OrderedPipeline: worker threads make numbered batches in parallel, and the calling thread commits them
// strictly in order 0, 1, 2, ... as each becomes ready. At most `window` batches are made ahead of the last
// commit, so memory stays bounded however slow the commits (an fsync each) are. The first error, from a
// worker or from a commit, stops the run: no batch after it is committed, workers take no new batch, and
// run() returns once every worker has finished the batch in hand.
//
// What provisioning uses (workers generate keys and certificates, the caller writes them to the registry
// in transactions); nothing in it is specific to the factory, so the firmware scanner can reuse it.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <expected>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031::factory {

struct PipelineShape {
  std::size_t batches = 0;  // numbered 0 .. batches - 1
  unsigned workers = 1;     // threads that make batches (at least one is used)
  std::size_t window = 2;   // batches made or being made beyond the last committed one, at most
};

template <typename Batch>
class OrderedPipeline {
 public:
  using Made = std::expected<Batch, Error>;
  // Makes batch `index`. One producer per worker thread, made on that thread, so it may hold state that
  // is not thread-safe (a key-generation context).
  using Producer = std::function<Made(std::size_t index)>;
  using Commit = std::function<std::expected<void, Error>(std::size_t index, Batch&& batch)>;

  explicit OrderedPipeline(PipelineShape shape) : shape_(shape), slots_(shape.batches) {
    shape_.workers = std::max(1u, shape_.workers);
    shape_.window = std::max<std::size_t>(1, shape_.window);
  }

  // Runs the whole pipeline once. An exception from a producer (or from making one) becomes that batch's
  // error, "internal error: WHAT"; one from `commit` propagates after the workers are joined.
  std::expected<void, Error> run(const std::function<Producer()>& make_producer, const Commit& commit) {
    std::vector<std::jthread> workers;
    workers.reserve(shape_.workers);
    for (unsigned i = 0; i < shape_.workers; ++i)
      workers.emplace_back([this, &make_producer] { work(make_producer); });
    struct StopAndJoin {
      OrderedPipeline& pipeline;
      std::vector<std::jthread>& workers;
      ~StopAndJoin() {
        pipeline.stop();
        workers.clear();  // joins
      }
    } stop_and_join{*this, workers};

    for (std::size_t index = 0; index < shape_.batches; ++index) {
      Made batch = take(index);
      if (!batch)
        return std::unexpected(std::move(batch.error()));
      if (auto done = commit(index, std::move(*batch)); !done)
        return done;
      std::lock_guard lock(mutex_);
      committed_ = index + 1;
      changed_.notify_all();
    }
    return {};
  }

 private:
  void work(const std::function<Producer()>& make_producer) {
    std::optional<Producer> produce;
    for (;;) {
      std::size_t index;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(
            lock, [&] { return stopping_ || next_ >= shape_.batches || next_ < committed_ + shape_.window; });
        if (stopping_ || next_ >= shape_.batches)
          return;
        index = next_++;
      }
      Made made = std::unexpected(Error{});  // replaced below
      try {
        if (!produce)
          produce.emplace(make_producer());
        made = (*produce)(index);
      } catch (const std::exception& error) {
        made = std::unexpected(Error::message(std::string("internal error: ") + error.what()));
      }
      const bool failed = !made;
      std::lock_guard lock(mutex_);
      slots_[index] = std::move(made);
      changed_.notify_all();
      if (failed)
        return;  // the committer stops at this batch; making more would be wasted
    }
  }

  Made take(std::size_t index) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return slots_[index].has_value(); });
    Made batch = std::move(*slots_[index]);
    slots_[index].reset();
    return batch;
  }

  void stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }

  PipelineShape shape_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::optional<Made>> slots_;  // a made batch waits here until its turn to commit
  std::size_t next_ = 0;                    // the next batch a worker takes
  std::size_t committed_ = 0;               // batches committed so far
  bool stopping_ = false;
};

}  // namespace en18031::factory
