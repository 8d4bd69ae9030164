// Lineage: for every base relation a definition reads, how a changed row maps to TVIEW keys.
//
// The analyzer walks the whole Query tree (joins, subqueries in FROM, sublinks in any clause,
// CTEs, views expanded in place) and records each base-relation *occurrence*. Equality conjuncts
// (JOIN ... ON, WHERE, correlated sublink conditions, IN (subquery)) link occurrence columns.
// Every column equal to the key column forms the key's class. An occurrence with a column in that
// class is *local*: the key is read from the changed row itself. Any other occurrence is *mapped*
// through the shortest chain of equality links to an occurrence that has one; the chain becomes a
// mapping query run over the changed rows. An occurrence with no chain cannot be maintained
// incrementally: the definition is refused, unless the user opts into full refreshes for it.
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
}

namespace pg_tviews {

// One step of a mapping path: rows of `relid` whose `match_column` equals the previous value.
struct HopPlan {
    Oid relid;
    const char *match_column;
    const char *output_column;
};

// How one base relation reaches the TVIEW key.
struct SourcePlan {
    Oid relid;
    const char *start_column;  // column of the changed row that starts the path; nullptr: full
    List *hops;                // HopPlan *; NIL when the start column holds the key
    List *columns_read;        // char * names of this relation's columns the definition reads
};

struct LineageResult {
    Oid root_relid;  // the relation the key column comes from
    AttrNumber root_attno;
    bool key_may_be_null;  // the root sits on the nullable side of an outer join, or the
                           // column allows nulls and WHERE does not reject them
    int occurrences;       // base-relation occurrences in the whole tree
    List *sources;         // SourcePlan *
};

// Derives lineage for a definition whose key column is `key`. Raises ERROR (0A000) when an
// occurrence has no path to the key and full refreshes were not allowed.
LineageResult DeriveLineage(Query *query, TargetEntry *key, bool allow_full_refresh);

}  // namespace pg_tviews
