#pragma once
// The Incidents step's filter: criteria (type, date range, teacher, class, student, category, text) and the
// list's sort column, applied to the accepted records after a short pause in typing (debounced) on a worker
// thread (core/session/incidentfilter), a newer request superseding an older one still running. The result (a
// row mask, the matching rows in the list's order, and what matches per week, category and class for the
// charts) is swapped in on this object's thread, then filterChanged is emitted.
#include "records/incidentrecord.h"
#include "session/incidentfilter.h"

#include <QFuture>

#include <QDate>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QTimeZone>
#include <atomic>
#include <memory>
#include <vector>

namespace tt {

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
    // daylight-saving changes included (a log at 23:30 on a summer Sunday stays on Sunday). The index of them
    // (days, distinct values, each column's order) is built on a worker thread: recordsLoaded, then filterChanged
    // with every record, follow; the filter lists (teachers() ...) are the new records' from recordsLoaded on.
    void loadRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone);
    // loadRecords and waitForFinished (for tests and callers without an event loop, never the GUI).
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

    // The list's order: an IncidentColumn, ascending or descending. Starts at once (no pause).
    void setSort(int column, Qt::SortOrder order);
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    int debounceMs() const { return m_debounce.interval(); }
    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }
    // Starts filtering and sorting with the current criteria on a worker thread (the debounce timer calls this);
    // filterChanged follows when it is done, unless a newer request superseded it.
    void start();
    // Waits for the records being loaded and the newest request, and swaps them in (emitting recordsLoaded and
    // filterChanged) before returning.
    void waitForFinished();
    // start() and waitForFinished(): for tests and callers without an event loop, never the GUI's typing path.
    void apply();
    bool isBusy() const { return m_delivered != m_generation; }

    bool accepts(int row) const { return row >= 0 && size_t(row) < m_result->mask.size() && m_result->mask[size_t(row)]; }
    // The rows that match, in record order.
    std::vector<int> matchingRows() const;
    // The rows that match, in the list's order (setSort).
    std::shared_ptr<const std::vector<int>> shownRows() const { return m_shown; }
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
    void recordsLoaded();   // the records given to loadRecords are indexed: the filter lists are theirs

private:
    void schedule();
    void deliver(quint64 generation, const std::shared_ptr<IncidentFilterResult> &result);
    struct Loaded; // what loading the records computes on the worker
    static std::shared_ptr<Loaded> load(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone);
    void deliverLoad(quint64 load, const std::shared_ptr<Loaded> &loaded);
    int offsetAt(qint64 utcMs) const; // seconds east of UTC in the school's zone at that instant

    std::shared_ptr<const std::vector<IncidentRecord>> m_records;
    QTimeZone m_zone;
    std::vector<std::pair<qint64, int>> m_offsets; // (from this UTC ms on, this offset in seconds), ascending
    std::shared_ptr<const IncidentIndex> m_index; // days per record, folded text, each column's order
    QFuture<std::shared_ptr<Loaded>> m_loading;   // the records being indexed on a worker (filters wait for it)
    quint64 m_loads = 0, m_loadsDelivered = 0;
    int m_type = AnyType;
    QDate m_from, m_to;
    QString m_teacher, m_classCode, m_student, m_category, m_text;
    int m_sortColumn = int(IncidentColumn::Time);
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QTimer m_debounce;
    quint64 m_generation = 0, m_delivered = 0;
    std::shared_ptr<std::atomic<quint64>> m_latest; // the newest request's generation, read by the workers
    QFuture<std::shared_ptr<IncidentFilterResult>> m_pending;
    std::shared_ptr<const IncidentFilterResult> m_result = std::make_shared<const IncidentFilterResult>();
    std::shared_ptr<const std::vector<int>> m_shown = std::make_shared<const std::vector<int>>();
    qint64 m_matches = 0;
    IncidentStats m_stats;
    QStringList m_teachers, m_classCodes, m_categories;
};

} // namespace tt
