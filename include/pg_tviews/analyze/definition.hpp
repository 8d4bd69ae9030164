// Analysis of a TVIEW definition: PostgreSQL's analyzed Query tree in, a maintenance plan out.
//
// The plan names the key column, every base relation read, and for each how a changed row maps
// to TVIEW keys. Definitions outside the supported class are refused here with a specific
// SQLSTATE, a message naming the construct, and a hint saying what to write instead.
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
}

namespace pg_tviews {

// One base relation and how its changes reach the TVIEW.
struct SourcePlan {
    Oid relid;
    const char *key_source_column;  // local mapping: base column holding the TVIEW key
    List *columns_read;             // char * names of base columns the definition reads
};

struct DefinitionPlan {
    const char *key_column;
    bool key_unique;       // proven unique from constraints and grouping, before any data
    bool needs_key_locks;  // several base rows may feed one key
    List *sources;         // SourcePlan *
};

struct AnalyzeOptions {
    bool allow_nondeterministic;  // accept volatile and session-dependent expressions
};

// Analyzes a definition (not modified); raises ERROR on anything unsupported.
DefinitionPlan *AnalyzeDefinition(Query *query, const char *key_column,
                                  const AnalyzeOptions &options);

// The plan as jsonb text, for the catalog and pg_tviews_plan().
char *DefinitionPlanJson(const DefinitionPlan *plan);

}  // namespace pg_tviews
