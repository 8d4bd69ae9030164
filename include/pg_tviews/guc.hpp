// The extension's settings (pg_tviews.*), all defined in src/guc.cpp.
#pragma once

namespace pg_tviews {

// Above this many keys in one refresh, a TVIEW-wide lock replaces per-key locks.
extern int max_key_locks;

// Longest chain of TVIEWs reading TVIEWs, checked at creation and while refreshing.
extern int max_cascade_depth;

// Slots of the conflict table in shared memory (server start only).
extern int conflict_slots;

void DefineSettings();

}  // namespace pg_tviews
