#include "pg_tviews/core/mv_order.hpp"

#include "pg_tviews/core/dependency_graph.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <tuple>

namespace pg_tviews::core {

namespace {

// source -> the members that read it, each reader once per source.
std::map<uint32_t, std::vector<uint32_t>> ReadersOf(const std::vector<GroupMember> &members,
                                                    bool members_only)
{
    std::set<uint32_t> ids;
    for (const auto &member : members) ids.insert(member.id);
    std::map<uint32_t, std::vector<uint32_t>> readers;
    for (const auto &member : members) {
        const std::set<uint32_t> sources(member.reads.begin(), member.reads.end());
        for (uint32_t source : sources)
            if (!members_only || ids.count(source)) readers[source].push_back(member.id);
    }
    return readers;
}

}  // namespace

GroupOrder OrderGroup(const std::vector<GroupMember> &members)
{
    GroupOrder result;
    std::map<uint32_t, int> position;
    for (const auto &member : members)
        if (!position.emplace(member.id, member.position).second) {
            result.error = "member " + std::to_string(member.id) + " is listed twice";
            return result;
        }

    const auto readers = ReadersOf(members, true);
    std::map<uint32_t, int> unread_sources;
    for (const auto &member : members) unread_sources[member.id] = 0;
    for (const auto &[source, list] : readers)
        for (uint32_t reader : list) unread_sources[reader]++;

    using Key = std::tuple<int, uint32_t>;  // (position, id)
    std::priority_queue<Key, std::vector<Key>, std::greater<Key>> ready;
    for (const auto &[id, count] : unread_sources)
        if (count == 0) ready.emplace(position[id], id);
    while (!ready.empty()) {
        const uint32_t id = std::get<1>(ready.top());
        ready.pop();
        result.order.push_back(id);
        auto it = readers.find(id);
        if (it == readers.end()) continue;
        for (uint32_t reader : it->second)
            if (--unread_sources[reader] == 0) ready.emplace(position[reader], reader);
    }
    if (result.order.size() == members.size()) return result;

    // Members left over all wait on each other: some of them form a cycle.
    DependencyGraph graph;
    for (const auto &[source, list] : readers)
        for (uint32_t reader : list)
            if (unread_sources[source] > 0 && unread_sources[reader] > 0)
                graph.AddEdge(source, reader);
    std::vector<uint32_t> cycle = graph.FindCycle();  // source -> reader, first == last
    cycle.pop_back();
    std::reverse(cycle.begin(), cycle.end());  // reader -> source
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    cycle.push_back(cycle.front());
    result.error = "dependency cycle: ";
    for (size_t i = 0; i + 1 < cycle.size(); i++) {
        if (i > 0) result.error += ", ";
        result.error += std::to_string(cycle[i]) + " reads " + std::to_string(cycle[i + 1]);
    }
    result.order.clear();
    result.cycle = std::move(cycle);
    return result;
}

std::vector<uint32_t> Blocked(const std::vector<GroupMember> &members,
                              const std::vector<uint32_t> &failed_ids)
{
    const auto readers = ReadersOf(members, false);
    const std::set<uint32_t> failed(failed_ids.begin(), failed_ids.end());
    std::set<uint32_t> blocked;
    std::deque<uint32_t> pending(failed.begin(), failed.end());
    while (!pending.empty()) {
        const uint32_t source = pending.front();
        pending.pop_front();
        auto it = readers.find(source);
        if (it == readers.end()) continue;
        for (uint32_t reader : it->second)
            if (!failed.count(reader) && blocked.insert(reader).second) pending.push_back(reader);
    }
    return {blocked.begin(), blocked.end()};
}

}  // namespace pg_tviews::core
