// Creation of a TVIEW, from CREATE TABLE tv_x AS / SELECT ... INTO or from pg_tviews_create().
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
#include "nodes/primnodes.h"
}

namespace pg_tviews {

struct CreateRequest {
    RangeVar *target;    // tv_* name, possibly schema-qualified
    Query *query;        // analyzed definition (copied before use)
    List *column_names;  // CTAS column list, or NIL
    bool if_not_exists;
    const char *tablespace;    // or nullptr
    const char *options_json;  // jsonb text of the options object
};

struct CreateResult {
    Oid relid;    // InvalidOid when IF NOT EXISTS skipped an existing relation
    uint64 rows;  // rows the TVIEW was populated with
};

// Analyzes, creates, populates and registers a TVIEW. Everything happens in the caller's
// transaction, so any error leaves nothing behind.
CreateResult CreateTview(const CreateRequest &request);

// Parses and analyzes the text of a SELECT given to pg_tviews_create().
Query *AnalyzeDefinitionText(const char *sql);

}  // namespace pg_tviews
