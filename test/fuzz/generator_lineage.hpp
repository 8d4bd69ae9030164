// The lineage workload's statements (generator_lineage.cpp): random multi-table writes over
// companies, users, posts, comments, tags and their links, including re-pointed foreign keys,
// renamed parents, key updates, cascading deletes, link changes, multi-table writable CTEs,
// MERGE, bulk updates and TRUNCATE ... CASCADE.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "generator.hpp"
#include "lineage.hpp"

namespace fuzz {

class LineageGenerator : public Generator {
   public:
    explicit LineageGenerator(Rng &rng) : Generator(rng, lineage::kSchema) {}

    Statement FailingWrite() override;

   protected:
    Statement SimpleWrite() override;
    Statement AlterUnreadColumn() override;

   private:
    Statement InsertCompanies();
    Statement InsertUsers();
    Statement InsertPosts();
    Statement InsertComments();
    Statement InsertTags();
    Statement LinkTags();
    Statement LinkTagsFromSelect();
    Statement InsertCommentsFromSelect();
    Statement InsertPostsFromSelect();
    Statement UpdateCompanies();
    Statement UpdateUsers();
    Statement UpdatePosts();
    Statement UpdatePostNotes();
    Statement UpdateComments();
    Statement UpdateTags();
    Statement UpdateLinks();
    Statement BulkUpdate();
    Statement DeleteCompanies();
    Statement DeleteUsers();
    Statement DeletePosts();
    Statement DeleteComments();
    Statement DeleteTags();
    Statement UnlinkTags();
    Statement DeleteCommentsUsingUsers();
    Statement UpsertUsers();
    Statement UpsertPosts();
    Statement UpsertComments();
    Statement UpsertTags();
    Statement MergeComments();
    Statement MergeLinks();
    Statement MergeUsers();
    Statement MergeCompaniesFromUsers();
    Statement WritableCte();
    Statement CopyRows();
    Statement Truncate();

    // A random key in 1..max, as SQL.
    std::string Key(int max);
    // "a, b, c": count random keys in 1..max.
    std::string KeyList(int count, int max);
    // A key of an existing row of table, near a random one (falls back to the random one when
    // the table has no key at or above it: foreign_key_violation).
    std::string ExistingKey(const char *table, const char *column, int max);
    // A foreign key value: mostly an existing parent, else any key in range.
    std::string ParentRef(const char *table, const char *column, int max);

    // Predicates on each table; alias qualifies the columns.
    std::string CompanyPredicate(const std::string &alias);
    std::string UserPredicate(const std::string &alias);
    std::string PostPredicate(const std::string &alias);
    std::string CommentPredicate(const std::string &alias);
    std::string TagPredicate(const std::string &alias);
    std::string LinkPredicate(const std::string &alias);

    // "column = expression" for an UPDATE whose target is aliased alias.
    std::string KeyValue(const std::string &alias, const char *column, int max);
    std::string TextValue(const std::string &alias, const char *column, const char *suffix,
                          int width, const std::function<std::string()> &fresh);
    std::string ForeignKeyValue(const std::string &alias, const char *column,
                                const char *parent_table, const char *parent_key, int max);
    std::string CompanyAssignment(const std::string &column, const std::string &alias);
    std::string UserAssignment(const std::string &column, const std::string &alias);
    std::string PostAssignment(const std::string &column, const std::string &alias);
    std::string CommentAssignment(const std::string &column, const std::string &alias);
    std::string TagAssignment(const std::string &column, const std::string &alias);
    // A SET list of 1..max_columns distinct columns chosen by weight.
    std::string SetList(const std::vector<std::string> &columns, const std::vector<int> &weights,
                        int max_columns, const std::string &alias,
                        std::string (LineageGenerator::*assignment)(const std::string &,
                                                                    const std::string &));
};

}  // namespace fuzz
