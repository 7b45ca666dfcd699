#pragma once
// The rules that settle what the evidence settles, so that only real questions reach the administrator.
// Pure functions over the evidence the roster builder collected (no records, no decisions, no Qt widgets);
// each is documented and tested as a table in tests/roster/tst_rosterrules.cpp, negative cases included:
// a wrong automatic merge (two real children made one) is worse than a question.
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <vector>

namespace tt::rules {

// Rule names: Conflict::settledBy.
inline constexpr const char *LeadingZeroTwins = "leadingZeroTwins";
inline constexpr const char *MajoritySpelling = "majoritySpelling";
inline constexpr const char *NamesakesDifferentClasses = "namesakesDifferentClasses";
inline constexpr const char *NamesakesOnSchoolList = "namesakesOnSchoolList";
// Logs without a student id whose name is the name of exactly one student are linked to that student.
inline constexpr const char *UniqueNameMatch = "uniqueNameMatch";

// ---- Small helpers ---------------------------------------------------------------------------------------------
// "0421" -> "421"; "0" stays "0"; an id with anything but digits is returned unchanged (only numbers lose zeros).
QString strippedId(const QString &id);
// Edit distance with adjacent transpositions counted as one edit ("Smtih" ~ "Smith"), stopping at limit + 1.
int editDistance(const QString &a, const QString &b, int limit = 2);
// The same name as far as a spreadsheet's damage goes: equal normalised keys (case, spacing, diacritics), or one
// edit apart when both keys have 7+ characters (shorter names are too easily another name). Use it only where
// other evidence (the same id) already ties the two spellings together.
bool sameNameLoosely(const QString &a, const QString &b);

// ---- Evidence --------------------------------------------------------------------------------------------------
struct SpellingCount
{
    QString spelling; // as logged
    int logs = 0;
};

struct ClassSpan
{
    QString classKey; // case-folded class code
    QString code;     // as shown (optional)
    qint64 firstMs = 0;
    qint64 lastMs = 0;
    int logs = 0;
};

// What one student id shows: the names it was logged under, the classes it was logged in, and whether the
// school's student list has it (then listName is the list's "First Last").
struct IdEvidence
{
    QString id;
    std::vector<SpellingCount> names;
    std::vector<ClassSpan> classes;
    int logs = 0;
    bool onSchoolList = false;
    QString listName;
    // The name that stands for this id: the list's, else the most logged spelling (empty when none).
    QString mainName() const;
};

// ---- leadingZeroTwins ------------------------------------------------------------------------------------------
// Two classes contradict each other when the ids were logged in different classes over the same days (more than
// toleranceMs of overlap) and neither id was ever in the other's class (a move shows both classes on one side).
bool classesConsistent(const IdEvidence &a, const IdEvidence &b, qint64 toleranceMs = 7LL * 24 * 3600 * 1000);

struct TwinMerge
{
    QString fromId; // the form the spreadsheet damaged ("421")
    QString intoId; // the form with the zeros, or the school list's id ("0421")
    QString detail; // the evidence, for the settled conflict
};

struct TwinQuestion
{
    QStringList ids;
    QString detail;
};

struct TwinResult
{
    std::vector<TwinMerge> merges;
    std::vector<TwinQuestion> questions;
};

// Ids equal after stripping leading zeros are one student under the form with the zeros when their names agree
// loosely and their classes are consistent. With the school's list, the list's id is the target; two list ids
// in one group leave the others a question. Ids in keepApart are never merged (the administrator separated them)
// and raise no question.
TwinResult leadingZeroTwins(const std::vector<IdEvidence> &ids, const QSet<QString> &keepApart = {});

// ---- majoritySpelling ------------------------------------------------------------------------------------------
struct SpellingVerdict
{
    bool settled = false; // true: the chosen spelling stands, listed as settled with the counts
    QString detail;       // the counts ("'Mia Chen' 12 logs; 'mia chen' 3 (case); 'Mia Chne' 1 (one edit)")
};

// chosen: the spelling the builder picked (well-formed first, then the most logged). Settled when every other
// spelling differs only by case/spacing/diacritics, or by one edit against a clear majority: the chosen name's
// logs (all its case variants) are at least twice the variant's and at least minMajorityLogs. Anything else
// (no dominant spelling, or variants that look like another person) stays a question.
SpellingVerdict majoritySpelling(const std::vector<SpellingCount> &spellings, const QString &chosen,
                                 int minMajorityLogs = 3);

// ---- namesakes -------------------------------------------------------------------------------------------------
struct NamesakeVerdict
{
    QString settledBy; // NamesakesDifferentClasses, NamesakesOnSchoolList, or empty: a question
    QString detail;
};

// Two ids (not twins) under one name: two students when both are on the school's list, or when their logs put
// them in different classes over overlapping days (at least minOverlapMs in common). Otherwise a question.
NamesakeVerdict namesakes(const IdEvidence &a, const IdEvidence &b, qint64 minOverlapMs = 24LL * 3600 * 1000);

} // namespace tt::rules
