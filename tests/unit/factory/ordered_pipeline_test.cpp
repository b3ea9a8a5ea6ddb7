// OrderedPipeline: commits in index order whatever order workers finish in, stops cleanly at the first
// error (a worker's or a commit's), and never lets workers run more than `window` batches ahead.
#include "factory/ordered_pipeline.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace en18031::factory {
namespace {

using Pipeline = OrderedPipeline<std::size_t>;

// A producer that returns its index, later batches sooner (so workers finish out of order).
Pipeline::Producer out_of_order(std::size_t batches) {
  return [batches](std::size_t index) -> Pipeline::Made {
    std::this_thread::sleep_for(std::chrono::microseconds(50 * (batches - index)));
    return index;
  };
}

TEST(OrderedPipeline, CommitsEveryBatchInIndexOrder) {
  constexpr std::size_t kBatches = 200;
  Pipeline pipeline({.batches = kBatches, .workers = 4, .window = 16});
  std::atomic<int> producers{0};
  std::vector<std::size_t> committed;
  const auto ran = pipeline.run(
      [&] {
        ++producers;
        return out_of_order(kBatches);
      },
      [&](std::size_t index, std::size_t&& batch) -> std::expected<void, Error> {
        EXPECT_EQ(batch, index);
        committed.push_back(index);
        return {};
      });
  ASSERT_TRUE(ran) << ran.error().describe();
  ASSERT_EQ(committed.size(), kBatches);
  for (std::size_t i = 0; i < kBatches; ++i)
    EXPECT_EQ(committed[i], i);
  EXPECT_LE(producers.load(), 4);  // one per worker, made once
}

TEST(OrderedPipeline, NoBatchesMeansNothingIsMadeOrCommitted) {
  Pipeline pipeline({.batches = 0, .workers = 3, .window = 4});
  bool called = false;
  EXPECT_TRUE(pipeline.run(
      [&]() -> Pipeline::Producer {
        called = true;
        return out_of_order(1);
      },
      [&](std::size_t, std::size_t&&) -> std::expected<void, Error> {
        called = true;
        return {};
      }));
  EXPECT_FALSE(called);
}

TEST(OrderedPipeline, AWorkersErrorStopsTheRunBeforeItsBatchIsCommitted) {
  constexpr std::size_t kBatches = 1000, kFailing = 37, kWindow = 8;
  Pipeline pipeline({.batches = kBatches, .workers = 3, .window = kWindow});
  std::atomic<std::size_t> made{0};
  std::vector<std::size_t> committed;
  const auto ran = pipeline.run(
      [&]() -> Pipeline::Producer {
        return [&](std::size_t index) -> Pipeline::Made {
          ++made;
          if (index == kFailing)
            return std::unexpected(Error::message("batch " + std::to_string(index) + " failed"));
          return index;
        };
      },
      [&](std::size_t index, std::size_t&&) -> std::expected<void, Error> {
        committed.push_back(index);
        return {};
      });
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().describe(), "batch 37 failed");
  ASSERT_EQ(committed.size(), kFailing);  // 0 .. 36, in order, and nothing after the failure
  EXPECT_EQ(committed.back(), kFailing - 1);
  // Workers stopped taking batches: none beyond the window past the last commit was made.
  EXPECT_LE(made.load(), kFailing + kWindow);
}

TEST(OrderedPipeline, ACommitErrorStopsTheRunAndAnExceptionBecomesAnError) {
  Pipeline pipeline({.batches = 50, .workers = 2, .window = 4});
  std::vector<std::size_t> committed;
  const auto ran = pipeline.run([] { return out_of_order(50); },
                                [&](std::size_t index, std::size_t&&) -> std::expected<void, Error> {
                                  if (index == 5)
                                    return std::unexpected(Error::message(std::string("the disk is full")));
                                  committed.push_back(index);
                                  return {};
                                });
  EXPECT_EQ(ran.error().describe(), "the disk is full");
  EXPECT_EQ(committed, (std::vector<std::size_t>{0, 1, 2, 3, 4}));

  Pipeline throwing({.batches = 10, .workers = 2, .window = 4});
  const auto thrown = throwing.run(
      []() -> Pipeline::Producer {
        return [](std::size_t index) -> Pipeline::Made {
          if (index == 3)
            throw std::runtime_error("no entropy");
          return index;
        };
      },
      [](std::size_t, std::size_t&&) -> std::expected<void, Error> { return {}; });
  EXPECT_EQ(thrown.error().describe(), "internal error: no entropy");

  Pipeline unmakeable({.batches = 10, .workers = 2, .window = 4});
  const auto failed =
      unmakeable.run([]() -> Pipeline::Producer { throw std::runtime_error("no P-256 group"); },
                     [](std::size_t, std::size_t&&) -> std::expected<void, Error> { return {}; });
  EXPECT_EQ(failed.error().describe(), "internal error: no P-256 group");
}

TEST(OrderedPipeline, WorkersNeverRunMoreThanTheWindowAheadOfTheCommits) {
  constexpr std::size_t kBatches = 120, kWindow = 5;
  Pipeline pipeline({.batches = kBatches, .workers = 4, .window = kWindow});
  std::atomic<std::size_t> committed{0};
  std::atomic<std::size_t> furthest_ahead{0};
  const auto ran = pipeline.run(
      [&]() -> Pipeline::Producer {
        return [&](std::size_t index) -> Pipeline::Made {
          const std::size_t ahead = index + 1 - committed.load();
          std::size_t seen = furthest_ahead.load();
          while (ahead > seen && !furthest_ahead.compare_exchange_weak(seen, ahead)) {
          }
          return index;
        };
      },
      [&](std::size_t, std::size_t&&) -> std::expected<void, Error> {
        std::this_thread::sleep_for(std::chrono::microseconds(200));  // a slow disk: workers run ahead
        ++committed;
        return {};
      });
  ASSERT_TRUE(ran) << ran.error().describe();
  EXPECT_EQ(committed.load(), kBatches);
  EXPECT_LE(furthest_ahead.load(), kWindow);
  EXPECT_GE(furthest_ahead.load(), 2u);  // the workers did run ahead: the bound was tested
}

}  // namespace
}  // namespace en18031::factory
