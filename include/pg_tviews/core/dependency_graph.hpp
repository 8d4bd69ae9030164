// The TVIEW graph, free of PostgreSQL: which TVIEW reads which, and in what order to refresh.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace pg_tviews::core {

class DependencyGraph {
   public:
    using Node = uint32_t;  // a relation OID

    // `reader` reads `source` (a base table or another TVIEW's table).
    void AddEdge(Node source, Node reader);

    // Cascade level of every node: 0 for a node that reads no TVIEW, else 1 + the highest level
    // among the TVIEWs it reads. Refreshing in increasing level refreshes each TVIEW after all
    // the TVIEWs it reads. Empty when the graph has a cycle.
    std::optional<std::map<Node, int>> Levels() const;

    // A cycle through the graph as a list of nodes (first == last), or empty when acyclic.
    std::vector<Node> FindCycle() const;

   private:
    std::map<Node, std::vector<Node>> readers_;  // source -> readers
    std::map<Node, int> in_degree_;
};

}  // namespace pg_tviews::core
