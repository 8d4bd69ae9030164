// Refresh order inside a group of managed MVs (src/core/mv_order.cpp).
#include "pg_tviews/core/mv_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace pg_tviews::core {
namespace {

using Ids = std::vector<uint32_t>;

// Reference order, computed naively: repeatedly the smallest (position, id) among the members
// whose in-group sources have all run.
Ids NaiveOrder(const std::vector<GroupMember> &members)
{
    std::set<uint32_t> ids;
    for (const auto &m : members) ids.insert(m.id);
    std::set<uint32_t> done;
    Ids order;
    while (order.size() < members.size()) {
        const GroupMember *next = nullptr;
        for (const auto &m : members) {
            if (done.count(m.id)) continue;
            bool ready = std::all_of(m.reads.begin(), m.reads.end(),
                                     [&](uint32_t s) { return !ids.count(s) || done.count(s); });
            if (ready && (!next || std::tie(m.position, m.id) < std::tie(next->position, next->id)))
                next = &m;
        }
        if (!next) return {};
        done.insert(next->id);
        order.push_back(next->id);
    }
    return order;
}

TEST(OrderGroup, EmptyGroup)
{
    const GroupOrder result = OrderGroup({});
    EXPECT_TRUE(result.ok());
    EXPECT_TRUE(result.order.empty());
}

TEST(OrderGroup, PositionThenIdWithoutDependencies)
{
    const GroupOrder result = OrderGroup({{30, 2, {}}, {10, 1, {}}, {5, 3, {}}, {20, 1, {}}});
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.order, (Ids{10, 20, 30, 5}));
    EXPECT_EQ(OrderGroup({{7, -1, {}}, {3, 0, {}}}).order, (Ids{7, 3}));
}

TEST(OrderGroup, ReadersComeAfterWhatTheyReadWhateverTheirPosition)
{
    // 2 (position 1) reads 1 (position 5); 3 is free and comes before 1 by position.
    const GroupOrder result = OrderGroup({{1, 5, {}}, {2, 1, {1}}, {3, 2, {}}});
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.order, (Ids{3, 1, 2}));
}

TEST(OrderGroup, TransitiveChainAgainstPositions)
{
    const GroupOrder result = OrderGroup({{4, 1, {3}}, {3, 2, {2}}, {2, 3, {1}}, {1, 4, {}}});
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.order, (Ids{1, 2, 3, 4}));
}

TEST(OrderGroup, DiamondAndReadyMembersByPosition)
{
    // 40 reads 20 and 30, both read 10; 30 has the smaller position; 50 is free.
    const GroupOrder result =
        OrderGroup({{40, 0, {20, 30}}, {20, 2, {10}}, {30, 1, {10}}, {10, 3, {}}, {50, 2, {}}});
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.order, (Ids{50, 10, 30, 20, 40}));
}

TEST(OrderGroup, ReadsOutsideTheGroupAndRepeatedReadsAreHarmless)
{
    const GroupOrder result = OrderGroup({{2, 0, {999, 1, 1}}, {1, 1, {12345}}});
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.order, (Ids{1, 2}));
}

TEST(OrderGroup, MatchesTheNaiveOrderOnGeneratedGroups)
{
    std::mt19937 rng(7);
    for (int round = 0; round < 200; round++) {
        const int n = 1 + static_cast<int>(rng() % 12);
        std::vector<uint32_t> ids;
        for (int i = 0; i < n; i++) ids.push_back(1000 + static_cast<uint32_t>(rng() % 5000));
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        std::shuffle(ids.begin(), ids.end(), rng);
        // Member i may read only members before it in this shuffled list: acyclic.
        std::vector<GroupMember> members;
        for (size_t i = 0; i < ids.size(); i++) {
            GroupMember m{ids[i], static_cast<int>(rng() % 4), {}};
            for (size_t j = 0; j < i; j++)
                if (rng() % 3 == 0) m.reads.push_back(ids[j]);
            members.push_back(m);
        }
        std::shuffle(members.begin(), members.end(), rng);
        const GroupOrder result = OrderGroup(members);
        ASSERT_TRUE(result.ok()) << result.error;
        EXPECT_EQ(result.order, NaiveOrder(members)) << "round " << round;
        std::map<uint32_t, size_t> at;
        for (size_t i = 0; i < result.order.size(); i++) at[result.order[i]] = i;
        ASSERT_EQ(at.size(), members.size());
        for (const auto &m : members)
            for (uint32_t source : m.reads) EXPECT_LT(at.at(source), at.at(m.id));
    }
}

TEST(OrderGroup, CycleIsAnErrorNamingItsMembers)
{
    // 2 reads 3, 3 reads 4, 4 reads 2; 1 and 5 are not on the cycle (5 reads 4).
    const GroupOrder result =
        OrderGroup({{1, 0, {}}, {3, 0, {4}}, {2, 0, {3}}, {4, 0, {2}}, {5, 0, {4}}});
    EXPECT_FALSE(result.ok());
    EXPECT_TRUE(result.order.empty());
    EXPECT_EQ(result.cycle, (Ids{2, 3, 4, 2}));
    EXPECT_EQ(result.error, "dependency cycle: 2 reads 3, 3 reads 4, 4 reads 2");
}

TEST(OrderGroup, TwoMembersReadingEachOther)
{
    const GroupOrder result = OrderGroup({{9, 0, {8}}, {8, 0, {9}}});
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.cycle, (Ids{8, 9, 8}));
    EXPECT_EQ(result.error, "dependency cycle: 8 reads 9, 9 reads 8");
}

TEST(OrderGroup, SelfReadIsACycle)
{
    const GroupOrder result = OrderGroup({{7, 0, {7}}, {1, 0, {}}});
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.cycle, (Ids{7, 7}));
    EXPECT_EQ(result.error, "dependency cycle: 7 reads 7");
}

TEST(OrderGroup, MemberListedTwiceIsAnError)
{
    const GroupOrder result = OrderGroup({{5, 0, {}}, {6, 0, {}}, {5, 1, {}}});
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.error, "member 5 is listed twice");
    EXPECT_TRUE(result.order.empty());
}

TEST(Blocked, ReadersOfAFailedMemberDirectlyOrTransitively)
{
    // 2 reads 1, 3 reads 2; 5 reads 4; 6 is unrelated.
    const std::vector<GroupMember> members = {{1, 0, {}}, {2, 0, {1}}, {3, 0, {2}},
                                              {4, 0, {}}, {5, 0, {4}}, {6, 0, {}}};
    EXPECT_EQ(Blocked(members, {1}), (Ids{2, 3}));
    EXPECT_EQ(Blocked(members, {2}), (Ids{3}));
    EXPECT_EQ(Blocked(members, {3}), (Ids{}));
    EXPECT_EQ(Blocked(members, {4}), (Ids{5}));
    EXPECT_EQ(Blocked(members, {1, 4}), (Ids{2, 3, 5}));
    EXPECT_EQ(Blocked(members, {6}), (Ids{}));
    EXPECT_EQ(Blocked(members, {}), (Ids{}));
    // Failed members are not reported as blocked, even when they read another failed one.
    EXPECT_EQ(Blocked(members, {1, 2}), (Ids{3}));
}

TEST(Blocked, DiamondBlocksOnlyTheSideThatFailed)
{
    // 2 and 3 read 1; 4 reads 2 and 3; 5 reads 3.
    const std::vector<GroupMember> members = {
        {1, 0, {}}, {2, 0, {1}}, {3, 0, {1}}, {4, 0, {2, 3}}, {5, 0, {3}}};
    EXPECT_EQ(Blocked(members, {2}), (Ids{4}));
    EXPECT_EQ(Blocked(members, {3}), (Ids{4, 5}));
    EXPECT_EQ(Blocked(members, {1}), (Ids{2, 3, 4, 5}));
}

}  // namespace
}  // namespace pg_tviews::core
