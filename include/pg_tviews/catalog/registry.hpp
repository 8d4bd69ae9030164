// Per-backend cache of the extension catalog (tviews_internal.tview and .source).
//
// The cache is rebuilt lazily after any write to the catalog (a statement trigger on the catalog
// tables sends a relcache invalidation for it), and after a rename of any relation or schema
// whose name its generated SQL spells. It is read as the extension's owner (writers hold no
// rights on the catalog) under a fresh snapshot, never the statement's: a writer whose statement
// began before a TVIEW's creation committed, and that waited for the creation's locks, must see
// the new TVIEW, or it would write without maintaining it. A rebuilt cache lives in a new memory
// context; the previous one is retired and freed at transaction end, so pointers held by an outer
// refresh stay valid while a nested one reloads.
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/spi.h"
#include "nodes/bitmapset.h"
#include "nodes/pg_list.h"
}

#include "pg_tviews/catalog/equality.hpp"

namespace pg_tviews {

struct TviewEntry {
    Oid relid;  // the tv_* table
    char *schema_name;
    char *table_name;
    char *entity;
    Oid definition_relid;  // the view holding the definition
    char *definition_schema;
    char *definition_name;
    char *key_column;
    Oid key_type;
    ComparisonText key_equality;  // key = key, as generated SQL spells it
    Oid key_param_type;           // type of the keys bound to $1: the equality's input type
    Oid key_collation;
    int16 key_typlen;
    bool key_typbyval;
    char key_typalign;
    bool needs_key_locks;    // several base rows may feed one key: serialize refreshes per key
    bool key_unique;         // proven at creation: the definition cannot repeat a key
    bool suspended;          // pg_tviews_suspend(): queued keys go to the backlog, not refreshed
    Oid owner;               // refreshes run as the TVIEW's owner
    int level;               // cascade level: 0 reads no TVIEW, else 1 + max level of TVIEWs read
    List *columns;           // char * names of the definition's columns, in order
    List *local_links;       // SourceLink * whose start column holds the key itself
    SPIPlanPtr keyed_plan;   // prepared on first use: keys as an array
    SPIPlanPtr single_plan;  // one key (a cached generic plan)
    SPIPlanPtr full_plan;
};

// How changes to one base table reach one TVIEW, along one lineage path.
struct SourceLink {
    TviewEntry *tview;
    Oid base_relid;
    bool full;               // no path: any change recomputes the whole TVIEW
    AttrNumber start_attno;  // column of the changed row that starts the path
    Oid start_type;
    Oid start_collation;
    int16 start_typlen;
    bool start_typbyval;
    char start_typalign;
    int path_no;  // distinguishes the paths of one TVIEW in path locks
    // Statements indexed by input: [0] values as an array, [1] one scalar value.
    char *mapping_sql[2];        // nullptr when the start column holds the keys themselves
    SPIPlanPtr mapping_plan[2];  // prepared on first use
    Bitmapset *columns_read;     // base attnos the definition reads, offset by
                                 // FirstLowInvalidHeapAttributeNumber like tg_updatedcols
};

// A hop table of a mapped link, watched for writes: a row changed there re-points keys between
// parents (a post moved to another author), so its writer locks, shared, the parent values its
// changed rows lead to (see refresh/key_locks.hpp for why that is enough).
struct HopWatch {
    SourceLink *link;
    Oid relid;               // the hop table
    AttrNumber match_attno;  // its column compared with the previous value of the path
    Oid match_type;
    int16 match_typlen;
    bool match_typbyval;
    char match_typalign;
    // Statements indexed by input ([0] array, [1] scalar) taking match values back through the
    // earlier hops to the link's start values; nullptr when the match values are start values.
    char *to_start_sql[2];
    SPIPlanPtr to_start_plan[2];
};

// Called once from _PG_init().
void RegistryInit();

// The links from a base table to the TVIEWs reading it; NIL when none.
List *RegistryLinksForBase(Oid base_relid);

// The hop watches on a table (HopWatch *); NIL when no mapped link goes through it.
List *RegistryWatchesOn(Oid relid);

// The TVIEW whose table is relid, or nullptr.
TviewEntry *RegistryLookup(Oid relid);

// Every TVIEW of this database (TviewEntry *), in a list the caller may free.
List *RegistryTviews();

// Every link of every TVIEW (SourceLink *), in a list the caller may free.
List *RegistryAllLinks();

// The TVIEW a user-supplied name designates (tv_post, post, app.tv_post); raises 42P01 if none.
TviewEntry *RegistryResolve(const char *name);

// A TVIEW whose definition reads the view (directly or through other views), or nullptr.
char *TviewReadingView(Oid view_relid);

// A TVIEW that reads column `column` of `relid` (as a base or hop table), or whose own table is
// `relid`; nullptr when none.
char *TviewUsingColumn(Oid relid, const char *column);

// Marks the cache stale now (after our own catalog writes, before the invalidation arrives).
void RegistryInvalidate();

// Frees retired cache generations; called when the top-level transaction ends.
void RegistryAtTransactionEnd();

}  // namespace pg_tviews
