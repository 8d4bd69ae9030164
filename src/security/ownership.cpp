// Who may manage a TVIEW; see include/pg_tviews/security/ownership.hpp.
#include "pg_tviews/security/ownership.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
}

namespace pg_tviews {

namespace {

const char *RoleName(Oid role)
{
    const char *name = GetUserNameFromId(role, true);
    return name != nullptr ? name : "(dropped role)";
}

}  // namespace

bool MayManageTview(Oid relid)
{
    // Ownership means membership in the owning role; superusers own everything.
    return pg_class_ownercheck(relid, GetUserId());
}

void RequireTviewOwner(const TviewEntry *tview, const char *action)
{
    if (MayManageTview(tview->relid)) return;
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("must be owner of TVIEW \"%s\" to %s it", tview->table_name, action),
                    errdetail("TVIEW \"%s\" is owned by role \"%s\".", tview->table_name,
                              RoleName(tview->owner)),
                    errhint("Run it as a member of that role, or as a superuser.")));
}

void RequireOwnerOfEveryTview(const char *action)
{
    List *tviews = RegistryTviews();
    ListCell *lc;
    foreach (lc, tviews) {
        auto *tview = static_cast<TviewEntry *>(lfirst(lc));
        if (MayManageTview(tview->relid)) continue;
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("must be owner of every TVIEW to %s them all", action),
                        errdetail("TVIEW \"%s\" is owned by role \"%s\".", tview->table_name,
                                  RoleName(tview->owner)),
                        errhint("Name the TVIEWs you own one by one, or run it as a superuser.")));
    }
    list_free(tviews);
}

void RequireTviewReader(const TviewEntry *tview, const char *action)
{
    if (pg_class_aclcheck(tview->relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK) return;
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to %s TVIEW \"%s\"", action, tview->table_name),
                    errhint("It takes SELECT privilege on the TVIEW's table.")));
}

}  // namespace pg_tviews
