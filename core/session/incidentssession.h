#pragma once
// The Incidents step's filter: criteria (type, date range, teacher, class, student, category, text), applied
// to the accepted records after a short pause in typing (debounced), as a row mask that a proxy model reads.
// Also counts what matches per week, category and class for the charts.
#include "records/incidentrecord.h"

#include <QDate>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QTimeZone>
#include <memory>
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

class IncidentsSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int type READ type WRITE setType NOTIFY criteriaChanged)
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY criteriaChanged)
    Q_PROPERTY(qint64 matches READ matches NOTIFY filterChanged)

public:
    enum TypeFilter { AnyType = -1, IncidentsOnly = 0, CommendationsOnly = 1 };

    explicit IncidentsSession(QObject *parent = nullptr);

    // The records to filter (shared, never modified). Days and weeks are the school's calendar in its time zone,
    // daylight-saving changes included (a log at 23:30 on a summer Sunday stays on Sunday).
    void setRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone);
    // A fixed UTC offset for every record (tests, and schools whose zone is unknown).
    void setRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, int offsetSeconds = 0);
    QTimeZone timeZone() const { return m_zone; }
    const std::vector<IncidentRecord> &records() const { return *m_records; }
    std::shared_ptr<const std::vector<IncidentRecord>> sharedRecords() const { return m_records; }

    int type() const { return m_type; }
    void setType(int t);
    QDate from() const { return m_from; }
    QDate to() const { return m_to; }
    void setDateRange(const QDate &from, const QDate &to); // null dates = open ended
    QString teacher() const { return m_teacher; }
    void setTeacher(const QString &emailPart);
    QString classCode() const { return m_classCode; }
    void setClassCode(const QString &code); // exact, case-insensitive; empty = any
    QString student() const { return m_student; }
    void setStudent(const QString &idOrName); // id exactly or part of the name
    QString category() const { return m_category; }
    void setCategory(const QString &category); // exact; empty = any
    QString text() const { return m_text; }
    void setText(const QString &text); // anywhere in the note, name, email, category, location, action
    void clear();

    int debounceMs() const { return m_debounce.interval(); }
    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }
    // Applies pending criteria at once (the debounce timer calls this).
    void apply();

    bool accepts(int row) const { return row >= 0 && size_t(row) < m_mask.size() && m_mask[size_t(row)]; }
    // The rows that match, in record order.
    std::vector<int> matchingRows() const;
    // Every row of one student (the same id; without an id, the same name), in time order: a student's history.
    std::vector<int> rowsOfStudent(const QString &studentId, const QString &studentName) const;
    bool isActive() const;
    qint64 matches() const { return m_matches; }
    const IncidentStats &stats() const { return m_stats; }
    QDate weekOf(const IncidentRecord &r) const;
    QDate dateOf(const IncidentRecord &r) const;

    // Distinct values for the filter lists, sorted.
    QStringList teachers() const { return m_teachers; }
    QStringList classCodes() const { return m_classCodes; }
    QStringList categories() const { return m_categories; }

signals:
    void criteriaChanged(); // at once, while typing
    void filterChanged();   // after the mask and stats were recomputed

private:
    void schedule();
    void setRecordsIn(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone);
    int offsetAt(qint64 utcMs) const; // seconds east of UTC in the school's zone at that instant
    bool matchesAt(size_t i, const class QStringMatcher *text, const QStringMatcher *student, qint64 fromDay, qint64 toDay) const;

    std::shared_ptr<const std::vector<IncidentRecord>> m_records;
    QTimeZone m_zone;
    std::vector<std::pair<qint64, int>> m_offsets; // (from this UTC ms on, this offset in seconds), ascending
    std::vector<qint32> m_days; // per record: the school's calendar day, days since 1970-01-01
    int m_type = AnyType;
    QDate m_from, m_to;
    QString m_teacher, m_classCode, m_student, m_category, m_text;
    QTimer m_debounce;
    std::vector<char> m_mask;
    qint64 m_matches = 0;
    IncidentStats m_stats;
    QStringList m_teachers, m_classCodes, m_categories;
};

} // namespace tt
