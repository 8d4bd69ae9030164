// Analysis of a TVIEW definition: PostgreSQL's analyzed Query tree in, a maintenance plan out.
//
// The plan names the key column, every base relation read, and for each how a changed row maps
// to TVIEW keys. Definitions outside the supported class are refused here with a specific
// SQLSTATE, a message naming the construct, and a hint saying what to write instead.
#pragma once

#include "pg_tviews/analyze/lineage.hpp"

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
}

namespace pg_tviews {

struct DefinitionPlan {
    const char *key_column;
    bool key_unique;       // proven unique from constraints and grouping, before any data
    bool needs_key_locks;  // several base rows may feed one key
    List *sources;         // SourcePlan * (analyze/lineage.hpp)
};

struct AnalyzeOptions {
    bool allow_nondeterministic;  // accept volatile and session-dependent expressions
    bool allow_full_refresh;      // accept relations without lineage: their changes recompute all
};

// Analyzes a definition (not modified); raises ERROR on anything unsupported.
DefinitionPlan *AnalyzeDefinition(Query *query, const char *key_column,
                                  const AnalyzeOptions &options);

// The plan as jsonb text, for the catalog and pg_tviews_plan().
char *DefinitionPlanJson(const DefinitionPlan *plan);

}  // namespace pg_tviews
