// The TVIEW graph (src/core/dependency_graph.cpp): cascade levels and cycle detection.
#include "pg_tviews/core/dependency_graph.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace pg_tviews::core {
namespace {

TEST(DependencyGraph, EmptyGraphHasNoLevelsAndNoCycle)
{
    DependencyGraph graph;
    auto levels = graph.Levels();
    ASSERT_TRUE(levels.has_value());
    EXPECT_TRUE(levels->empty());
    EXPECT_TRUE(graph.FindCycle().empty());
}

TEST(DependencyGraph, LevelIsLongestChainFromABaseTable)
{
    // base 1 -> tv 10 -> tv 20; base 2 -> tv 20 directly; tv 30 reads tv 20 and base 1.
    DependencyGraph graph;
    graph.AddEdge(1, 10);
    graph.AddEdge(10, 20);
    graph.AddEdge(2, 20);
    graph.AddEdge(20, 30);
    graph.AddEdge(1, 30);
    auto levels = graph.Levels();
    ASSERT_TRUE(levels.has_value());
    EXPECT_EQ(levels->at(1), 0);
    EXPECT_EQ(levels->at(2), 0);
    EXPECT_EQ(levels->at(10), 1);
    EXPECT_EQ(levels->at(20), 2);  // the longer chain through 10 wins over the edge from 2
    EXPECT_EQ(levels->at(30), 3);
}

TEST(DependencyGraph, EveryReaderSitsAboveWhatItReads)
{
    DependencyGraph graph;
    const std::pair<uint32_t, uint32_t> edges[] = {{1, 4}, {2, 4}, {4, 5}, {3, 5}, {5, 6}, {4, 6}};
    for (auto [source, reader] : edges) graph.AddEdge(source, reader);
    auto levels = graph.Levels();
    ASSERT_TRUE(levels.has_value());
    for (auto [source, reader] : edges) EXPECT_LT(levels->at(source), levels->at(reader));
}

TEST(DependencyGraph, DuplicateEdgesDoNotDistortLevels)
{
    DependencyGraph graph;
    graph.AddEdge(1, 2);
    graph.AddEdge(1, 2);
    graph.AddEdge(2, 3);
    auto levels = graph.Levels();
    ASSERT_TRUE(levels.has_value());
    EXPECT_EQ(levels->at(3), 2);
}

TEST(DependencyGraph, CycleHasNoLevelsAndIsReported)
{
    DependencyGraph graph;
    graph.AddEdge(1, 2);
    graph.AddEdge(2, 3);
    graph.AddEdge(3, 4);
    graph.AddEdge(4, 2);
    EXPECT_FALSE(graph.Levels().has_value());
    auto cycle = graph.FindCycle();
    ASSERT_GE(cycle.size(), 4u);
    EXPECT_EQ(cycle.front(), cycle.back());
    // The cycle is exactly 2 -> 3 -> 4 -> 2 in some rotation; node 1 is not on it.
    EXPECT_EQ(std::count(cycle.begin(), cycle.end(), 1u), 0);
    EXPECT_EQ(cycle.size(), 4u);
}

TEST(DependencyGraph, SelfLoopIsACycle)
{
    DependencyGraph graph;
    graph.AddEdge(7, 7);
    EXPECT_FALSE(graph.Levels().has_value());
    EXPECT_EQ(graph.FindCycle(), (std::vector<uint32_t>{7, 7}));
}

}  // namespace
}  // namespace pg_tviews::core
