#include "pg_tviews/core/dependency_graph.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace pg_tviews::core {

void DependencyGraph::AddEdge(Node source, Node reader)
{
    auto &list = readers_[source];
    if (std::find(list.begin(), list.end(), reader) != list.end()) return;
    list.push_back(reader);
    in_degree_[reader]++;
    in_degree_.try_emplace(source, 0);
}

std::optional<std::map<DependencyGraph::Node, int>> DependencyGraph::Levels() const
{
    // Kahn's algorithm; a level is the longest path from a source of the graph.
    std::map<Node, int> remaining = in_degree_;
    std::map<Node, int> level;
    std::deque<Node> ready;
    for (const auto &[node, degree] : remaining)
        if (degree == 0) {
            ready.push_back(node);
            level[node] = 0;
        }
    size_t visited = 0;
    while (!ready.empty()) {
        Node node = ready.front();
        ready.pop_front();
        visited++;
        auto it = readers_.find(node);
        if (it == readers_.end()) continue;
        for (Node reader : it->second) {
            level[reader] = std::max(level[reader], level[node] + 1);
            if (--remaining[reader] == 0) ready.push_back(reader);
        }
    }
    if (visited != remaining.size()) return std::nullopt;
    return level;
}

std::vector<DependencyGraph::Node> DependencyGraph::FindCycle() const
{
    enum class Mark { kNone, kActive, kDone };
    std::map<Node, Mark> marks;
    std::vector<Node> stack;
    std::vector<Node> cycle;

    // Iterative-enough depth-first search: graphs are small (one node per table).
    auto visit = [&](auto &&self, Node node) -> bool {
        marks[node] = Mark::kActive;
        stack.push_back(node);
        auto it = readers_.find(node);
        if (it != readers_.end())
            for (Node next : it->second) {
                if (marks[next] == Mark::kActive) {
                    auto start = std::find(stack.begin(), stack.end(), next);
                    cycle.assign(start, stack.end());
                    cycle.push_back(next);
                    return true;
                }
                if (marks[next] == Mark::kNone && self(self, next)) return true;
            }
        stack.pop_back();
        marks[node] = Mark::kDone;
        return false;
    };
    for (const auto &[node, degree] : in_degree_)
        if (marks[node] == Mark::kNone && visit(visit, node)) return cycle;
    return {};
}

}  // namespace pg_tviews::core
