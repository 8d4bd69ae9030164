// Refresh order of the managed MVs of one group, free of PostgreSQL: every MV refreshes after
// the members it reads (so it never reads a member's old contents while that member is due),
// otherwise by position then OID.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pg_tviews::core {

struct GroupMember {
    uint32_t id = 0;              // the MV's OID
    int position = 0;             // smaller runs first among the members free to run
    std::vector<uint32_t> reads;  // members it reads; ids outside the group are ignored
};

struct GroupOrder {
    std::vector<uint32_t> order;  // every member once; empty on error
    std::vector<uint32_t> cycle;  // on a cycle: each id reads the next, smallest id first and last
    std::string error;            // lower-case, no final period; empty on success

    bool ok() const { return error.empty(); }
};

// Kahn's algorithm taking the ready member with the smallest (position, id) at each step.
GroupOrder OrderGroup(const std::vector<GroupMember> &members);

// The members that read a failed one, directly or through other members, and must be skipped
// in this firing; ascending, without the failed ids themselves.
std::vector<uint32_t> Blocked(const std::vector<GroupMember> &members,
                              const std::vector<uint32_t> &failed_ids);

}  // namespace pg_tviews::core
