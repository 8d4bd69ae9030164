#include "operations.hpp"

#include <algorithm>

#include "values.hpp"

namespace fuzz {

OperationGenerator::OperationGenerator(Rng &rng, std::string extension_schema,
                                       const std::vector<OperationTarget> &targets,
                                       const std::vector<CascadeTarget> &cascades,
                                       const std::vector<TviewDef> &created)
    : rng_(rng), schema_(std::move(extension_schema)), cascades_(cascades)
{
    for (const auto &target : targets)
        if (std::any_of(created.begin(), created.end(),
                        [&](const TviewDef &tview) { return tview.table == target.tview; }))
            targets_.push_back(target);
}

std::string OperationGenerator::Call(const std::string &function,
                                     const std::string &arguments) const
{
    return schema_ + "." + function + "(" + arguments + ")";
}

std::string OperationGenerator::Select(const std::string &function,
                                       const std::string &arguments) const
{
    return "SELECT " + Call(function, arguments);
}

OperationGenerator::Key OperationGenerator::DrawKey(const KeyDomain &keys)
{
    if (keys.draw != nullptr) return Key{keys.draw(rng_), std::nullopt};
    const int number = rng_.Int(keys.min, keys.max);
    return Key{std::to_string(number), number};
}

std::pair<std::string, std::string> OperationGenerator::DrawRange(const KeyDomain &keys)
{
    // Like the generator's BETWEEN predicates; text and uuid bounds may come in either order.
    if (keys.draw != nullptr) {
        std::string lo = keys.draw(rng_);
        return {lo, keys.draw(rng_)};
    }
    const int lo = rng_.Int(keys.min, keys.max);
    return {std::to_string(lo), std::to_string(lo + rng_.Int(0, 8))};
}

std::pair<std::string, std::string> OperationGenerator::RangeAround(const Key &key)
{
    if (!key.number) return {key.sql, key.sql};
    const int lo = *key.number - rng_.Int(0, 3);
    return {std::to_string(lo), std::to_string(*key.number + rng_.Int(0, 3))};
}

const OperationTarget *OperationGenerator::PickTarget(const std::set<std::string> &suspended,
                                                      int percent_suspended, bool damageable)
{
    std::vector<const OperationTarget *> in, out;
    for (const auto &target : targets_) {
        if (damageable && target.damage.empty()) continue;
        (suspended.count(target.tview) ? in : out).push_back(&target);
    }
    if (damageable) return out.empty() ? nullptr : rng_.Pick(out);
    const bool from_suspended = rng_.Percent(percent_suspended);
    if (from_suspended && !in.empty()) return rng_.Pick(in);
    if (!out.empty()) return rng_.Pick(out);
    return in.empty() ? nullptr : rng_.Pick(in);
}

Statement OperationGenerator::ResumeAll() const
{
    Statement statement{Select("pg_tviews_resume", ""), {}};
    statement.operation = "resume all";
    statement.as_owner = true;
    return statement;
}

Statement OperationGenerator::SuspendOrResume(const char *function,
                                              const std::set<std::string> &suspended, bool all)
{
    const bool resume = std::string(function) == "pg_tviews_resume";
    Statement statement;
    statement.operation = std::string(resume ? "resume" : "suspend") + (all ? " all" : "");
    if (all) {
        statement.sql = Select(function, "");
    } else {
        // Mostly a TVIEW whose state changes; now and then a no-op (suspending a suspended one).
        const OperationTarget *target = PickTarget(suspended, resume ? 85 : 15);
        statement.sql = Select(function, Quote(target->tview));
    }
    // A resume's catch-up may fail like any refresh (tv_ratio's division by zero): the expected
    // refresh failures of the scenario are accepted without being listed here.
    return statement;
}

Statement OperationGenerator::Refresh(const std::set<std::string> &suspended,
                                      const std::string &kind)
{
    const OperationTarget &target = *PickTarget(suspended, 25);
    const std::string name = Quote(target.tview);
    Statement statement;
    statement.operation = "refresh " + kind;
    if (kind == "full") {
        statement.sql = Select("pg_tviews_refresh", name);
    } else if (kind == "forced") {
        statement.sql = Select("pg_tviews_refresh", name + ", force => true");
    } else if (kind == "row") {
        // Both spellings of a one-key refresh. (One draw per statement: the order of
        // arguments' evaluation must not decide the workload.)
        const char *function = rng_.Percent(70) ? "pg_tviews_refresh_row" : "pg_tviews_refresh";
        statement.sql = Select(function, name + ", " + DrawKey(target.keys).sql);
    } else {
        const auto [lo, hi] = DrawRange(target.keys);
        statement.sql = Select("pg_tviews_refresh_range", name + ", " + lo + ", " + hi);
    }
    // Refreshing part of a suspended TVIEW would quietly undo part of the suspension.
    if (kind != "forced" && suspended.count(target.tview)) {
        statement.must_fail = true;
        statement.allowed_refusals = {sqlstate::kObjectNotInPrerequisiteState};
    }
    return statement;
}

Statement OperationGenerator::Cascade()
{
    const CascadeTarget &target = rng_.Pick(cascades_);
    // The base table as a name (read as regclass) or, as runbooks may pass it, an oid.
    const std::string table =
        rng_.Percent(20) ? Quote(target.table) + "::regclass::oid" : Quote(target.table);
    Statement statement{Select("pg_tviews_cascade", table + ", " + DrawKey(target.keys).sql), {}};
    statement.operation = "cascade";
    return statement;
}

Statement OperationGenerator::DamageAndRepair(const std::set<std::string> &suspended)
{
    // Damage to a suspended TVIEW would rightly stay until it is resumed and refreshed.
    const OperationTarget *target = PickTarget(suspended, 0, true);
    if (target == nullptr) return Refresh(suspended, "row");
    const std::string name = Quote(target->tview);
    const Key key = DrawKey(target->keys);

    // One row, or (integer keys) a range of them, then a refresh that covers them all.
    std::string damage =
        "UPDATE " + target->tview + " SET " + target->damage + " WHERE " + target->key_column;
    std::string repair;
    if (key.number && rng_.Percent(25)) {
        const auto [lo, hi] = RangeAround(key);
        damage += " BETWEEN " + lo + " AND " + hi;
        switch (rng_.Int(0, 2)) {
            case 0:
                repair = Call("pg_tviews_refresh_range", name + ", " + lo + ", " + hi);
                break;
            case 1:
                repair = Call("pg_tviews_refresh", name);
                break;
            default:
                repair = Call("pg_tviews_refresh", name + ", force => true");
                break;
        }
    } else {
        damage += " = " + key.sql;
        const bool by_cascade = !target->root_table.empty();
        switch (rng_.Weighted({30, 10, 20, 12, 8, by_cascade ? 20 : 0})) {
            case 0:
                repair = Call("pg_tviews_refresh_row", name + ", " + key.sql);
                break;
            case 1:
                repair = Call("pg_tviews_refresh", name + ", " + key.sql);
                break;
            case 2: {
                const auto [lo, hi] = RangeAround(key);
                repair = Call("pg_tviews_refresh_range", name + ", " + lo + ", " + hi);
                break;
            }
            case 3:
                repair = Call("pg_tviews_refresh", name);
                break;
            case 4:
                repair = Call("pg_tviews_refresh", name + ", force => true");
                break;
            default:
                repair = Call("pg_tviews_cascade", Quote(target->root_table) + ", " + key.sql);
                break;
        }
    }

    Statement statement;
    statement.operation = "damage+repair";
    if (rng_.Percent(50))
        statement.sql = "DO $do$ BEGIN " + damage + "; PERFORM " + repair + "; END $do$";
    else
        statement.sql = damage + "; SELECT " + repair;  // one implicit transaction
    return statement;
}

Statement OperationGenerator::Next(const std::set<std::string> &suspended)
{
    Statement statement = Draw(suspended);
    statement.as_owner = true;  // managing a TVIEW requires owning it
    return statement;
}

Statement OperationGenerator::Draw(const std::set<std::string> &suspended)
{
    int suspended_targets = 0;
    for (const auto &target : targets_) suspended_targets += suspended.count(target.tview);
    // While TVIEWs are suspended, resumes are likelier: a suspension lasts some tens of
    // statements, long enough for a backlog to build up (keys, TRUNCATEs, cascades), short
    // enough that most checks see most TVIEWs.
    const int resume_one = suspended_targets == 0 ? 3 : 60;
    const int resume_all = suspended_targets == 0 ? 1 : 10 + 2 * std::min(suspended_targets, 20);
    switch (rng_.Weighted({9, 1, resume_one, resume_all, 6, 5, 12, 7, 12, 14})) {
        case 0:
            return SuspendOrResume("pg_tviews_suspend", suspended, false);
        case 1:
            return SuspendOrResume("pg_tviews_suspend", suspended, true);
        case 2:
            return SuspendOrResume("pg_tviews_resume", suspended, false);
        case 3:
            return SuspendOrResume("pg_tviews_resume", suspended, true);
        case 4:
            return Refresh(suspended, "full");
        case 5:
            return Refresh(suspended, "forced");
        case 6:
            return Refresh(suspended, "row");
        case 7:
            return Refresh(suspended, "range");
        case 8:
            return Cascade();
        default:
            return DamageAndRepair(suspended);
    }
}

}  // namespace fuzz
