// The ProcessUtility hook: turns CREATE TABLE tv_x AS / SELECT ... INTO tv_x into TVIEW
// creation (recognized from the parse tree, never from the query text), and flushes the refresh
// queue after utility statements that fire capture triggers (COPY, TRUNCATE).
#pragma once

namespace pg_tviews {

void InstallUtilityHook();

}  // namespace pg_tviews
