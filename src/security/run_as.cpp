// Running work as another role; see include/pg_tviews/security/run_as.hpp.
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace pg_tviews {

void RunAs(Oid role, void (*fn)(void *), void *arg)
{
    Oid saved_user;
    int saved_security;
    GetUserIdAndSecContext(&saved_user, &saved_security);
    SetUserIdAndSecContext(
        role, saved_security | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
    // A GUC nest level, like a function's SET clause: the pinned value is popped on return, and
    // by (sub)transaction abort on error.
    int nest_level = NewGUCNestLevel();
    (void)set_config_option("search_path", kPinnedSearchPath, PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
    fn(arg);
    AtEOXact_GUC(true, nest_level);
    SetUserIdAndSecContext(saved_user, saved_security);
}

Oid ExtensionOwner()
{
    Oid relid = get_relname_relid("tview", get_namespace_oid("tviews_internal", false));
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(tuple))
        ereport(ERROR,
                (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("the pg_tviews catalog is missing"),
                 errhint("Run CREATE EXTENSION pg_tviews in this database.")));
    Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
    ReleaseSysCache(tuple);
    return owner;
}

}  // namespace pg_tviews
