// One slot of the conflict table (src/core/conflict_slot.cpp).
#include "pg_tviews/core/conflict_slot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace pg_tviews::core {
namespace {

constexpr uint64_t kEpoch = uint64_t{1} << 32;

std::vector<uint64_t> Candidates(const ConflictSlot &slot, uint32_t key, uint64_t xmin,
                                 uint64_t oldest_needed = 1, uint64_t mine = 0)
{
    uint64_t out[kConflictEntriesPerSlot];
    int n = ConflictCandidates(slot, key, xmin, oldest_needed, mine, out);
    if (n < 0) return {0};  // "cannot tell"
    std::vector<uint64_t> result(out, out + n);
    std::sort(result.begin(), result.end());
    return result;
}

TEST(ConflictSlot, EmptySlotHasNoCandidates)
{
    ConflictSlot slot;
    EXPECT_TRUE(Candidates(slot, 7, 100).empty());
}

// The last committer replaces the previous one: whoever committed later is invisible to any
// snapshot that misses the earlier one.
TEST(ConflictSlot, OneEntryPerLockHoldsTheLastCommitter)
{
    ConflictSlot slot;
    RecordHolder(slot, 7, 200, false);
    RecordHolder(slot, 7, 150, false);  // an older id that committed later
    EXPECT_EQ(Candidates(slot, 7, 100), (std::vector<uint64_t>{150}));
    EXPECT_EQ(slot.horizon, 0u) << "replacing one's own entry evicts nothing";
}

TEST(ConflictSlot, OtherLocksSharingTheSlotAreNoCandidates)
{
    ConflictSlot slot;
    RecordHolder(slot, 7, 200, false);
    RecordHolder(slot, 8, 201, false);
    EXPECT_EQ(Candidates(slot, 7, 100), (std::vector<uint64_t>{200}));
    EXPECT_EQ(Candidates(slot, 9, 100), (std::vector<uint64_t>{}));
}

// A prepared transaction may still roll back: a later commit must not hide it, nor hide the
// commit it would otherwise replace.
TEST(ConflictSlot, PreparedEntriesAreKeptBesideCommits)
{
    ConflictSlot slot;
    RecordHolder(slot, 7, 200, false);
    RecordHolder(slot, 7, 210, true);
    RecordHolder(slot, 7, 220, false);
    EXPECT_EQ(Candidates(slot, 7, 100), (std::vector<uint64_t>{210, 220}));
}

TEST(ConflictSlot, AFullSlotEvictsItsOldestEntryAndRaisesTheHorizon)
{
    ConflictSlot slot;
    for (uint32_t k = 0; k < kConflictEntriesPerSlot; k++) RecordHolder(slot, k, 100 + k, false);
    RecordHolder(slot, 99, 500, false);
    EXPECT_EQ(slot.horizon, 100u);
    // A reader whose xmin is past every evicted id can still tell.
    EXPECT_EQ(Candidates(slot, 99, 101), (std::vector<uint64_t>{500}));
    // One whose snapshot may predate the evicted commit cannot: it must fail safe.
    EXPECT_EQ(Candidates(slot, 99, 100), (std::vector<uint64_t>{0}));
    EXPECT_EQ(Candidates(slot, 0, 50), (std::vector<uint64_t>{0})) << "the evicted key itself";
}

TEST(ConflictSlot, HorizonOnlyGrows)
{
    ConflictSlot slot;
    for (uint32_t k = 0; k < kConflictEntriesPerSlot; k++) RecordHolder(slot, k, 1000 + k, false);
    RecordHolder(slot, 50, 2000, false);  // evicts 1000
    RecordHolder(slot, 51, 10, false);    // evicts 1001; 10 is now the oldest
    RecordHolder(slot, 52, 3000, false);  // evicts 10
    EXPECT_EQ(slot.horizon, 1001u);
}

TEST(ConflictSlot, OwnTransactionAndTransactionsOlderThanEverySnapshotAreNoCandidates)
{
    ConflictSlot slot;
    RecordHolder(slot, 7, 90, false);
    EXPECT_EQ(Candidates(slot, 7, 100, /*oldest_needed=*/95), (std::vector<uint64_t>{}));
    RecordHolder(slot, 7, 120, false);
    EXPECT_EQ(Candidates(slot, 7, 100, 95, /*mine=*/120), (std::vector<uint64_t>{}));
}

// The bug of 32-bit ids: an entry 2^31 transactions old looked "in the future" after the
// counter wrapped, and its status may no longer be on disk. With full ids it is just old.
TEST(ConflictSlot, EntriesFromAnEarlierEpochNeverLookNew)
{
    ConflictSlot slot;
    const uint64_t old_xid = 3'000'000'000u;  // epoch 0
    RecordHolder(slot, 7, old_xid, false);
    const uint64_t reader_xmin = kEpoch + 1'000'000'000u;  // epoch 1: 32-bit xid 1e9 < 3e9
    EXPECT_EQ(Candidates(slot, 7, reader_xmin, reader_xmin), (std::vector<uint64_t>{}));
    // A transaction of the new epoch whose 32-bit id is smaller than the old one's still counts.
    RecordHolder(slot, 7, kEpoch + 1'000'000'500u, false);
    EXPECT_EQ(Candidates(slot, 7, reader_xmin, reader_xmin),
              (std::vector<uint64_t>{kEpoch + 1'000'000'500u}));
}

TEST(ConflictSlot, EvictionAcrossEpochsComparesFullIds)
{
    ConflictSlot slot;
    for (uint32_t k = 0; k < kConflictEntriesPerSlot; k++)
        RecordHolder(slot, k, kEpoch + k, false);   // small 32-bit ids, new epoch
    RecordHolder(slot, 98, 4'000'000'000u, false);  // large 32-bit id, old epoch: oldest
    RecordHolder(slot, 99, kEpoch + 100, false);    // must evict the old-epoch entry
    // The first eviction took kEpoch + 0; the second the old-epoch entry, which is older (a
    // 32-bit comparison would have called 4e9 the newest).
    EXPECT_EQ(slot.horizon, kEpoch + 0);
    // Evicted, but visible to a reader of the new epoch: no conflict to report.
    EXPECT_EQ(Candidates(slot, 98, kEpoch + 50, 1), (std::vector<uint64_t>{}));
    // A reader whose snapshot may predate kEpoch + 0 cannot tell.
    EXPECT_EQ(Candidates(slot, 98, kEpoch + 0, 1), (std::vector<uint64_t>{0}));
}

}  // namespace
}  // namespace pg_tviews::core
