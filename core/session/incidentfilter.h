#pragma once
// The incident list's filter and sort as plain functions over the records and an index precomputed from them,
// so IncidentsSession can run them on a worker thread. Fast at a million records: the text search runs over
// one case-folded UTF-8 buffer of every record's note and the distinct values of the other fields (no QString per record), and each column's
// order is computed once from integer keys (the rank of the value, then of the time) and reused: a sort of
// the matching rows is then one pass over that order.
#include "records/incidentrecord.h"

#include <QByteArray>
#include <QDate>
#include <QMap>
#include <QString>

#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace tt {

struct IncidentStats
{
    QMap<QDate, int> perWeek;      // Monday of the week (school time) -> logs; every week from the first to the
                                   // last that matched, weeks without logs as 0 (holidays show as a dip)
    QMap<QString, int> perCategory;
    QMap<QString, int> perClass;   // class code as logged ("" = none)
    qint64 total = 0;
};

// The list's columns, in the list's order (the sort keys).
enum class IncidentColumn { Time, Type, Student, StudentId, Class, Teacher, Level, Category, Location, Action, Note, Count };

struct IncidentCriteria
{
    int type = -1; // -1 any, else RecordType
    qint64 fromDay = std::numeric_limits<qint64>::min(); // school days since 1970-01-01, inclusive
    qint64 toDay = std::numeric_limits<qint64>::max();
    QString teacher, classCode, student, category, text; // as IncidentsSession documents them
    int sortColumn = int(IncidentColumn::Time);
    bool descending = false;
};

struct IncidentFilterResult
{
    IncidentCriteria criteria;
    std::vector<char> mask;  // per record
    std::vector<int> rows;   // the matching records in the list's order
    qint64 matches = 0;
    IncidentStats stats;
    bool cancelled = false;  // a newer request superseded this one: nothing else is valid
};

class IncidentIndex
{
public:
    IncidentIndex(std::shared_ptr<const std::vector<IncidentRecord>> records, std::vector<qint32> days);
    const std::vector<IncidentRecord> &records() const { return *m_records; }
    const std::vector<qint32> &days() const { return m_days; }
    qint64 firstMonday() const { return m_firstMonday; } // the Monday on or before the first day, as a day
    qint64 lastDay() const { return m_lastDay; }

    // The list's order of two records for a column: the column's value, then the time.
    static bool lessThan(const IncidentRecord &a, const IncidentRecord &b, int column);
    // Every record, ascending in that column's order (ties: time, then record order). Built on first use.
    std::shared_ptr<const std::vector<int>> order(int column) const;

    // The case-folded UTF-8 of every record's note, each followed by 0x1E; record i spans
    // [offsets[i], offsets[i+1]). The other fields the text search reads (name, email, category, location, action)
    // repeat: they are folded and searched once per distinct value (ids()). Built on first use.
    struct Folded
    {
        QByteArray bytes;
        std::vector<qint64> offsets;
    };
    const Folded &folded() const;

    // Each record's category, class, level, student id, name, teacher, location and action as an id into that
    // field's distinct values (exactly as logged), so the filter compares and counts integers. Built on first use.
    struct Ids
    {
        std::vector<quint32> category, classCode, level, studentId, studentName, teacherEmail, location, actionTaken;
        std::vector<QString> categories, classCodes, levels, studentIds, studentNames, teacherEmails, locations, actions;
    };
    const Ids &ids() const;

private:
    std::shared_ptr<const std::vector<IncidentRecord>> m_records;
    std::vector<qint32> m_days;
    qint64 m_firstMonday = 0, m_lastDay = 0;
    mutable std::mutex m_mutex;
    mutable std::vector<std::shared_ptr<const std::vector<int>>> m_orders;
    mutable std::once_flag m_foldedOnce;
    mutable Folded m_folded;
    mutable std::once_flag m_idsOnce;
    mutable Ids m_ids;
};

// Whether two criteria select the same records (they may differ in the sort).
bool sameFilter(const IncidentCriteria &a, const IncidentCriteria &b);

// Filters and sorts; `cancelled` is polled and, once true, the work stops with result.cancelled set. With a
// previous result of the same filter (sameFilter), only sorts: its mask and counts are reused.
IncidentFilterResult runIncidentFilter(const IncidentIndex &index, const IncidentCriteria &c,
                                       const std::function<bool()> &cancelled = {},
                                       std::shared_ptr<const IncidentFilterResult> previous = {});

} // namespace tt
